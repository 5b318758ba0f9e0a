//! `vignette session run` driven through a real terminal: tmux runs the
//! binary, `send-keys` types as a facilitator would and `capture-pane` reads
//! the screen. The runner is killed mid-answer and started again; it must
//! resume at the same group, vignette and stage with every confirmed answer
//! kept and nothing unconfirmed stored.
//!
//! Needs tmux. The developers' machines and CI are one image with tmux
//! installed; where it is missing the tmux test prints why and passes
//! without running (install it with `apt-get install -y tmux`).

use serde_json::Value;

use crate::common::tmux::Tmux;
use crate::common::{self, BIN, Db, TempBank};

const SESSION: &str = "x-baseline";

/// A session with two groups reading V2 in `lang`, in a fresh database.
fn new_session(lang: &str) -> Db {
    new_session_from(lang, &[])
}

/// Such a session, with more arguments for `session new` (a bank, say).
fn new_session_from(lang: &str, more: &[&str]) -> Db {
    let db = Db::new();
    let args = [
        "session",
        "new",
        "--offering",
        "nettbasert",
        "--phase",
        "baseline",
        "--site",
        "X",
        "--site-attr",
        "sector=school",
        "--site-attr",
        "centrality=rural",
        "--cohort",
        "1",
        "--groups",
        "2",
        "--vignettes",
        "V2",
        "--seed",
        "1",
        "--lang",
        lang,
    ];
    db.ok(&[&args[..], more].concat());
    db
}

/// Every stored answer of the session, from the export.
fn exported(db: &Db) -> Vec<Value> {
    db.ok(&["session", "export", SESSION, "--format", "jsonl"])
        .lines()
        .map(|line| serde_json::from_str(line).expect("a JSON line"))
        .collect()
}

/// The runner's own moves on top of the shared tmux harness.
trait Runner {
    fn start_runner(&self, name: &str, db: &Db);
    fn start_runner_sized(&self, name: &str, db: &Db, size: (u16, u16));
    fn choose(&self, name: &str, filter: &str, pick: &str);
    fn open_prompt(&self, name: &str, id: &str, asked: &str);
}

impl Runner for Tmux {
    /// Starts the runner in a 120×40 window named `name`.
    fn start_runner(&self, name: &str, db: &Db) {
        self.start_runner_sized(name, db, (120, 40));
    }

    /// Starts the runner in a window of `(width, height)` named `name`.
    fn start_runner_sized(&self, name: &str, db: &Db, size: (u16, u16)) {
        let command = format!(
            "exec env NO_COLOR=1 VISUAL= EDITOR= '{BIN}' session run {SESSION} --db '{}'",
            db.path().display()
        );
        self.start_sized(name, size, &command);
    }

    /// Filters the open list by `filter`, waits for `pick` to be under the cursor, chooses it.
    fn choose(&self, name: &str, filter: &str, pick: &str) {
        self.type_text(name, filter);
        self.wait(name, &format!("> {pick}"));
        self.keys(name, &["Enter"]);
    }

    /// Picks an open prompt from the menu and waits for it to be asked.
    fn open_prompt(&self, name: &str, id: &str, asked: &str) {
        self.wait(name, "hva nå?");
        self.choose(name, "annet", "Svar på et annet åpent spørsmål …");
        self.wait(name, "Hvilket spørsmål vil du svare på?");
        self.type_text(name, id);
        self.wait(name, "> del ");
        self.keys(name, &["Enter"]);
        self.wait(name, asked);
    }
}

/// The first stored revision of `prompt` for G1.
fn answer<'a>(answers: &'a [Value], prompt: &str, revision: u64) -> &'a Value {
    answers
        .iter()
        .find(|a| a["group"] == "G1" && a["prompt"] == prompt && a["revision"] == revision)
        .unwrap_or_else(|| panic!("no revision {revision} of {prompt} in {answers:#?}"))
}

#[test]
fn a_killed_runner_resumes_where_it_stopped_with_every_confirmed_answer() {
    if !common::tmux::available() {
        return;
    }
    let db = new_session("nb");
    let tmux = Tmux::new("runner");
    let w = "first";
    tmux.start_runner(w, &db);

    // A fresh session: G1 has not started; the default is to show stage 1.
    tmux.wait_all(
        w,
        &[
            "Gruppe G1 · case 1 av 1: V2",
            "ikke begynt",
            "> Vis del 1 for G1",
        ],
    );
    tmux.keys(w, &["Enter"]);
    tmux.wait_all(w, &["Del 1 av 3: Skjermbildene", "> Svar på s1_do"]);

    // A text answer, dictated line by line, confirmed.
    tmux.keys(w, &["Enter"]);
    tmux.wait_all(w, &["  1 │"]);
    tmux.type_text(w, "Vi finner en rolig stund med Lea i dag.");
    tmux.keys(w, &["Enter"]);
    tmux.wait_all(w, &["  2 │"]);
    tmux.type_text(w, "Kontaktlæreren varsler rektor.");
    tmux.keys(w, &["Enter"]);
    tmux.wait_all(w, &["  3 │"]);
    tmux.keys(w, &["Enter"]);
    tmux.wait_all(w, &["Lagre dette svaret (70 tegn)?"]);
    tmux.keys(w, &["Enter"]);
    tmux.wait_all(w, &["lagret G1 · V2 · s1_do (versjon 1)"]);

    // A single choice, chosen with the arrow keys.
    tmux.open_prompt(w, "s1_first", "Velg ett:");
    tmux.keys(w, &["Down", "Enter"]);
    tmux.wait_all(w, &["lagret G1 · V2 · s1_first_action (versjon 1)"]);

    // A Likert point, found by typing its number; out-of-scale values cannot be chosen.
    tmux.open_prompt(w, "s1_serious", "Velg 1 til 5:");
    tmux.choose(w, "4", "4");
    tmux.wait_all(w, &["lagret G1 · V2 · s1_seriousness (versjon 1)"]);

    // Stage 2 with two prompts of stage 1 still open: asked, confirmed.
    tmux.wait_all(w, &["hva nå?"]);
    tmux.choose(w, "Vis del 2", "Vis del 2 for G1");
    tmux.wait_all(
        w,
        &["2 spørsmål i V2 er fortsatt åpne (s1_involve, s1_record)"],
    );
    tmux.keys(w, &["j", "Enter"]);
    tmux.wait_all(
        w,
        &["Del 2 av 3: «Det skjedde hjemme»", "G1: del 2 av V2 vises"],
    );

    // The ranking: pick one at a time (the last one falls into place), then confirm.
    tmux.open_prompt(w, "s2_measures", "Plass 1 av 6:");
    for next in 2..=5 {
        tmux.keys(w, &["Enter"]);
        tmux.wait_all(w, &[&format!("Plass {next} av 6:")]);
    }
    tmux.keys(w, &["Enter"]);
    tmux.wait_all(w, &["Lagre denne rangeringen?"]);
    tmux.keys(w, &["Enter"]);
    tmux.wait_all(w, &["lagret G1 · V2 · s2_measures (versjon 1)"]);

    // Another single choice, found by filtering the option labels.
    tmux.open_prompt(w, "s2_reply", "Velg ett:");
    tmux.choose(w, "plikt", "At skolen har plikt");
    tmux.wait_all(w, &["lagret G1 · V2 · s2_reply (versjon 1)"]);

    // Half a text answer, never confirmed, then the runner is killed outright.
    tmux.wait_all(w, &["> Svar på s2_do"]);
    tmux.keys(w, &["Enter"]);
    tmux.wait_all(w, &["  1 │"]);
    tmux.type_text(w, "Dette blir aldri lagret.");
    tmux.keys(w, &["Enter"]);
    tmux.wait_all(w, &["  2 │"]);
    tmux.kill(w);
    tmux.tmux(&["kill-session", "-t", w]);

    // Started again, it shows the same group, vignette and stage.
    let w = "again";
    tmux.start_runner(w, &db);
    // The menu is drawn after its question: wait for both, or the screen may
    // be read between the two.
    let screen = tmux.wait_all(w, &["hva nå?", "> Svar på s2_do"]);
    for shown in [
        "Gruppe G1 · case 1 av 1: V2 Gruppechatten uten Lea · del 2 av 3",
        "del 1 · Skjermbildene: 3 av 5 besvart",
        "Del 2 av 3: «Det skjedde hjemme»",
        "> Svar på s2_do",
        "→ 1. ",
    ] {
        assert!(screen.contains(shown), "no `{shown}` on\n{screen}");
    }

    // A revision of the first answer: the current text is filled in to edit.
    tmux.choose(w, "Endre", "Endre et svar …");
    tmux.wait_all(w, &["Hvilket svar vil du endre?"]);
    tmux.type_text(w, "s1_do");
    tmux.wait_all(w, &["> del 1 · s1_do"]);
    tmux.keys(w, &["Enter"]);
    tmux.wait_all(
        w,
        &[
            "Nåværende svar (versjon 1):",
            "  1 │ Vi finner en rolig stund med Lea i dag.",
        ],
    );
    tmux.keys(w, &["Enter"]);
    tmux.wait_all(w, &["  2 │ Kontaktlæreren varsler rektor."]);
    tmux.keys(w, &["End"]);
    tmux.type_text(w, " Vi skriver logg.");
    tmux.keys(w, &["Enter"]);
    tmux.wait_all(w, &["  3 │"]);
    tmux.keys(w, &["Enter"]);
    tmux.wait_all(w, &["Lagre dette svaret"]);
    tmux.keys(w, &["Enter"]);
    tmux.wait_all(w, &["lagret G1 · V2 · s1_do (versjon 2)"]);

    // Ctrl-C leaves cleanly.
    tmux.keys(w, &["C-c"]);
    tmux.wait_all(w, &["Avbrutt. Alle bekreftede svar er lagret"]);
    assert!(!tmux.screen(w).contains("panicked"));

    let answers = exported(&db);
    assert_eq!(answers.len(), 6, "{answers:#?}");
    assert_eq!(
        answer(&answers, "s1_do", 1)["value"],
        "Vi finner en rolig stund med Lea i dag.\nKontaktlæreren varsler rektor."
    );
    assert_eq!(answer(&answers, "s1_do", 1)["latest"], false);
    assert_eq!(
        answer(&answers, "s1_do", 2)["value"],
        "Vi finner en rolig stund med Lea i dag.\nKontaktlæreren varsler rektor. Vi skriver logg."
    );
    assert_eq!(
        answer(&answers, "s1_first_action", 1)["value"],
        "talk_with_lea"
    );
    assert_eq!(answer(&answers, "s1_seriousness", 1)["value"], 4);
    let ranking = answer(&answers, "s2_measures", 1)["value"]
        .as_array()
        .cloned();
    assert_eq!(ranking.map(|r| r.len()), Some(6));
    assert_eq!(answer(&answers, "s2_reply", 1)["value"], "explain_duty");
    assert!(answers.iter().all(|a| a["source"] == "terminal"));
    assert!(
        answers.iter().all(|a| a["prompt"] != "s2_do"),
        "the unconfirmed answer was stored"
    );
}

/// The text of `stage` of G1's V2 as the paper handout prints it, with its
/// white space made single spaces.
fn stage_text(db: &Db, stage: u32) -> String {
    let handout = db.ok(&["session", "handout", SESSION, "--format", "md"]);
    let heading = format!("## Gruppe G1 · V2 · Del {stage} av 3");
    let text: Vec<&str> = handout
        .lines()
        .skip_while(|l| !l.starts_with(&heading))
        .skip_while(|l| !l.starts_with("### "))
        .skip(1)
        .take_while(|l| !l.starts_with("1. **"))
        .collect();
    text.join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The lines of a screen after the first line starting with `after`,
/// skipping blank lines there, up to the first line that is blank or starts
/// with `until`.
fn lines_between(screen: &str, after: &str, until: &str) -> Vec<String> {
    screen
        .lines()
        .skip_while(|l| !l.starts_with(after))
        .skip(1)
        .skip_while(|l| l.trim().is_empty())
        .take_while(|l| !l.trim().is_empty() && !l.starts_with(until))
        .map(|l| l.trim_end().to_string())
        .collect()
}

/// Reads a stage page by page at 80×24 (Enter on each "more" line) and
/// returns its text as the screens showed it, checking that every page
/// starts with the session and the group's place in the session.
fn read_paged(tmux: &Tmux, w: &str, stage: u32, screen: &str) -> String {
    let title = format!("Del {stage} av 3: ");
    let mut screen = screen.to_string();
    let mut shown: Vec<String> = Vec::new();
    let mut page = 1;
    loop {
        let first: Vec<&str> = screen.lines().take(2).collect();
        assert!(
            first[0].starts_with("økt x-baseline · nettbasert")
                && first[1].starts_with("Gruppe G1 · case 1 av 1: V2")
                && first[1].contains(&format!("del {stage} av 3")),
            "the top of page {page} scrolled away:\n{screen}"
        );
        assert!(screen.lines().count() <= 24, "{screen}");
        let more = format!("? mer: trykk Enter (side {page} av ");
        if screen.contains(&more) {
            shown.extend(lines_between(&screen, &title, "? mer:"));
            tmux.keys(w, &["Enter"]);
            page += 1;
            let next = format!("(side {page} av ");
            screen = tmux.wait_any(w, &[&next, "hva nå?"]);
            continue;
        }
        let continued = format!("… fortsettelsen av del {stage}");
        assert!(page > 1, "the stage was not paged:\n{screen}");
        assert!(screen.contains(&continued), "{screen}");
        shown.extend(lines_between(&screen, &continued, "·"));
        return shown.join(" ");
    }
}

#[test]
fn a_long_stage_is_shown_a_screenful_at_a_time_at_80_by_24() {
    if !common::tmux::available() {
        return;
    }
    let db = new_session("nb");
    let tmux = Tmux::new("runner-80");
    let w = "small";
    tmux.start_runner_sized(w, &db, (80, 24));
    tmux.wait(w, "> Vis del 1 for G1");
    tmux.keys(w, &["Enter"]);

    // Stage 1 does not fit with its prompts and the menu: its text comes a
    // screenful at a time under the session, the group's place and the
    // stage's title, wrapped at words; the last page has the prompts and
    // the menu, and says where the rest of the text went.
    let screen = tmux.wait(w, "? mer: trykk Enter (side 1 av ");
    assert!(screen.contains("Del 1 av 3: Skjermbildene"), "{screen}");
    assert_eq!(read_paged(&tmux, w, 1, &screen), stage_text(&db, 1));
    let screen = tmux.wait_all(w, &["hva nå?", "> Svar på s1_do"]);
    assert!(screen.lines().next().unwrap().starts_with("økt x-baseline"));

    // Answered, the screen comes back at its last page, without paging again.
    tmux.keys(w, &["Enter"]);
    tmux.wait(w, "  1 │");
    tmux.type_text(w, "Vi snakker med Lea i dag.");
    tmux.keys(w, &["Enter"]);
    tmux.wait(w, "  2 │");
    tmux.keys(w, &["Enter"]);
    tmux.wait(w, "Lagre dette svaret");
    tmux.keys(w, &["Enter"]);
    let screen = tmux.wait_all(w, &["lagret G1 · V2 · s1_do (versjon 1)", "hva nå?"]);
    assert!(!screen.contains("? mer:"), "{screen}");
    assert!(screen.contains("… fortsettelsen av del 1"), "{screen}");

    // The menu reads the stage again from the top.
    tmux.choose(w, "Les del", "Les del 1 på nytt fra starten");
    let screen = tmux.wait(w, "? mer: trykk Enter (side 1 av ");
    assert!(screen.contains("Mandag morgen på 5. trinn."), "{screen}");
    // Esc skips the rest of the pages.
    tmux.keys(w, &["Escape"]);
    tmux.wait_all(w, &["… fortsettelsen av del 1", "hva nå?"]);

    // The next stage is paged too, with the stage number in the header.
    tmux.choose(w, "Vis del 2", "Vis del 2 for G1");
    tmux.wait(w, "likevel?");
    tmux.keys(w, &["j", "Enter"]);
    let screen = tmux.wait(w, "? mer: trykk Enter (side 1 av ");
    assert_eq!(read_paged(&tmux, w, 2, &screen), stage_text(&db, 2));

    // Ctrl-C on a page leaves the runner as it does at the menu.
    tmux.choose(w, "Les del", "Les del 2 på nytt fra starten");
    tmux.wait(w, "? mer: trykk Enter (side 1 av ");
    tmux.keys(w, &["C-c"]);
    tmux.wait(w, "Avbrutt. Alle bekreftede svar er lagret");
    assert_eq!(exported(&db).len(), 1);
}

#[test]
fn a_nynorsk_session_runs_in_nynorsk() {
    if !common::tmux::available() {
        return;
    }
    let db = new_session("nn");
    let tmux = Tmux::new("runner-nn");
    let w = "nn";
    tmux.start_runner(w, &db);
    tmux.wait_all(
        w,
        &[
            "Gruppe G1 · case 1 av 1: V2",
            "ikkje byrja",
            "Vel «Vis del 1» når gruppa er klar.",
            "G1 — kva no?",
            "> Vis del 1 for G1",
            "Status for alle gruppene · byt gruppe …",
        ],
    );
    tmux.keys(w, &["Enter"]);
    let screen = tmux.wait_all(w, &["Del 1 av 3:", "> Svar på s1_do", "kva no?"]);
    for english in ["Stage", "Answer", "what next", "Quit", "Group G1"] {
        assert!(!screen.contains(english), "`{english}` on\n{screen}");
    }

    tmux.keys(w, &["Enter"]);
    tmux.wait_all(w, &["Skriv svaret til gruppa linje for linje", "  1 │"]);
    tmux.keys(w, &["Enter"]);
    tmux.wait_all(w, &["svaret er tomt; prøv på nytt (Esc går tilbake)"]);
    tmux.type_text(w, "Vi snakkar med Lea i dag.");
    tmux.keys(w, &["Enter"]);
    tmux.wait_all(w, &["  2 │", "tom linje avsluttar"]);
    tmux.keys(w, &["Enter"]);
    tmux.wait_all(w, &["Lagre dette svaret (25 teikn)?", "J/n"]);
    tmux.keys(w, &["Enter"]);
    tmux.wait_all(w, &["lagra G1 · V2 · s1_do (versjon 1)"]);

    tmux.wait_all(w, &["kva no?"]);
    tmux.choose(w, "Status", "Status for alle gruppene · byt gruppe …");
    let screen = tmux.wait_all(w, &["Framdrift i økt x-baseline", "Hald fram med gruppe:"]);
    assert!(
        screen.contains(" vist ") && screen.contains(" del 1 "),
        "{screen}"
    );
    tmux.keys(w, &["Escape"]);

    tmux.wait_all(w, &["kva no?"]);
    tmux.choose(w, "Vis del 2", "Vis del 2 for G1");
    tmux.wait_all(
        w,
        &[
            "spørsmål i V2 er framleis opne",
            "Vis del 2 for G1 likevel?",
        ],
    );
    tmux.keys(w, &["n", "Enter"]);
    // The menu is back (its cursor on the next open prompt) before Ctrl-C.
    tmux.wait_all(w, &["avbrote; ingenting vart lagra", "> Svar på s1_"]);
    tmux.keys(w, &["C-c"]);
    tmux.wait_all(w, &["Avbrote. Alle stadfeste svar er lagra"]);
    assert_eq!(exported(&db).len(), 1);
}

#[test]
fn a_ranking_may_stop_at_the_top_three_where_the_prompt_allows_it() {
    if !common::tmux::available() {
        return;
    }
    let bank = TempBank::shipped();
    bank.edit_json("vignettes/V2.json", |v| {
        v["stages"][1]["prompts"][4]["min_ranked"] = 3.into();
    });
    let bank_dir = bank.path().to_str().unwrap();
    let db = new_session_from("nb", &["--bank", bank_dir]);
    let tmux = Tmux::new("runner-rank");
    let w = "rank";
    tmux.start_runner(w, &db);
    tmux.wait(w, "> Vis del 1 for G1");
    tmux.keys(w, &["Enter"]);
    tmux.wait(w, "hva nå?");
    tmux.choose(w, "Vis del 2", "Vis del 2 for G1");
    tmux.wait(w, "(j/N)");
    tmux.keys(w, &["j", "Enter"]);
    tmux.open_prompt(w, "s2_measures", "Plass 1 av 6:");
    // No way to stop before three are ranked.
    for place in 1..=3 {
        let screen = tmux.wait(w, &format!("Plass {place} av 6:"));
        assert!(!screen.contains("stopp her"), "{screen}");
        tmux.keys(w, &["Enter"]);
    }
    tmux.wait(w, "Plass 4 av 6:");
    tmux.choose(w, "stopp", "— stopp her: resten står urangert");
    let screen = tmux.wait(w, "Lagre denne rangeringen?");
    assert!(
        screen.contains("  3. ") && !screen.contains("  4. "),
        "{screen}"
    );
    tmux.keys(w, &["Enter"]);
    tmux.wait(w, "lagret G1 · V2 · s2_measures (versjon 1)");
    let answers = exported(&db);
    let ranking = answers[0]["value"].as_array().cloned().unwrap_or_default();
    assert_eq!(ranking.len(), 3, "{answers:#?}");
}

#[test]
fn without_a_terminal_it_points_to_the_non_interactive_commands() {
    let db = new_session("nb");
    let out = db.run(&["session", "run", SESSION]);
    let stderr = &out.stderr;
    assert_eq!(out.code, 2, "{stderr}");
    assert!(stderr.contains("needs a terminal"), "{stderr}");
    assert!(
        stderr.contains("--stream") && stderr.contains("--file"),
        "{stderr}"
    );
}
