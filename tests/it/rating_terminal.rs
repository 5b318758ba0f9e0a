//! `vignette rate SESSION --rater NAME` driven through a real terminal
//! (tmux): two criteria are rated, the process is killed, and the next run
//! resumes at the first criterion not rated, with both ratings kept; Ctrl-C
//! then stops it without overwriting the key hint.
//!
//! Needs tmux; where it is missing the test prints why and passes without
//! running (outside CI).

use crate::common::tmux::Tmux;
use crate::common::{self, BIN, Db};

/// A session `s` of one group with `rows` of answers (CSV rows for G1 and
/// V2), planned for one rater, anna.
fn planned(rows: &str) -> Db {
    let db = Db::new();
    db.ok(&[
        &common::NEW_SESSION[..],
        &["--groups", "1", "--vignettes", "V2", "--seed", "1"],
    ]
    .concat());
    let answers = db.file("a.csv", &format!("group,vignette,prompt,value\n{rows}"));
    db.ok(&["session", "import", "s", answers.to_str().unwrap()]);
    db.ok(&["rate", "assign", "s", "--raters", "anna", "--overlap", "0"]);
    db
}

/// The shell command that runs `vignette rate s --rater anna` on `db`.
fn rate_command(db: &Db) -> String {
    format!(
        "exec env NO_COLOR=1 '{BIN}' rate s --rater anna --db '{}'",
        db.path().display()
    )
}

/// Starts `vignette rate s --rater anna` in a window named `name`, and
/// reads the unit's answers page by page (Enter) to its first question;
/// returns every screen seen, one after the other.
fn start(tmux: &Tmux, name: &str, db: &Db) -> String {
    tmux.start(name, 80, &rate_command(db));
    let mut seen = String::new();
    for page in 1.. {
        let more = format!("(side {page} av");
        let screen = tmux.wait_any(name, &[" nivå:", &more]);
        seen.push_str(&screen);
        if screen.contains(" nivå:") {
            break;
        }
        tmux.keys(name, &["Enter"]);
    }
    seen
}

#[test]
fn a_killed_rating_screen_resumes_at_the_first_criterion_not_rated() {
    if !common::tmux::available() {
        return;
    }
    let db = planned("G1,V2,s1_do,Snakke med Lea\n");

    let tmux = Tmux::new("rate");
    let pages = start(&tmux, "first", &db);
    let screen = tmux.wait("first", "P1_rules_norms nivå:");
    assert!(
        screen.contains("0 —") && screen.contains("2 —"),
        "levels shown:\n{screen}"
    );
    // A bokmål session: the screen's own words are bokmål too, with where
    // the rater is in the plan.
    for bokmal in [
        "── del 3:",
        "(ikke besvart)",
        "Enter lagrer",
        "svarsett 1 av 1 i planen din",
    ] {
        assert!(pages.contains(bokmal), "no `{bokmal}` on\n{pages}");
    }
    for english in ["── stage", "(no answer)", " level:", "to store"] {
        assert!(!pages.contains(english), "`{english}` on\n{pages}");
    }
    tmux.keys("first", &["Enter"]);
    tmux.wait("first", "P3_inclusive_play nivå:");
    tmux.keys("first", &["Down"]);
    tmux.keys("first", &["Enter"]);
    tmux.wait("first", "P5_home_cooperation nivå:");
    tmux.kill("first");

    let exported = db.ok(&["rate", "export", "s"]);
    let rows: Vec<&str> = exported.lines().skip(1).collect();
    assert_eq!(rows.len(), 2, "{exported}");
    assert!(
        rows.iter().any(|r| r.ends_with(",anna,P1_rules_norms,0")),
        "{exported}"
    );
    assert!(
        rows.iter()
            .any(|r| r.ends_with(",anna,P3_inclusive_play,1")),
        "{exported}"
    );

    let _ = start(&tmux, "second", &db);
    let screen = tmux.wait("second", "P5_home_cooperation nivå:");
    assert!(!screen.contains("P3_inclusive_play nivå:"), "{screen}");

    // Ctrl-C stops below the question: the key hint stays whole on its one
    // line of 80 columns, and the stop message has its own line.
    tmux.keys("second", &["C-c"]);
    let screen = tmux.wait("second", "stoppet; alle bekreftede vurderinger er lagret");
    let hint = "[↑↓ flytt, Enter lagrer, Esc eller Ctrl-C stopper]";
    assert!(
        screen.lines().any(|line| line.trim_end() == hint),
        "the hint is cut or overwritten:\n{screen}"
    );
    assert!(
        screen
            .lines()
            .any(|line| line.trim_end() == "stoppet; alle bekreftede vurderinger er lagret"),
        "{screen}"
    );
}

#[test]
fn long_answers_come_a_screenful_at_a_time_at_80_by_24() {
    if !common::tmux::available() {
        return;
    }
    let long = "Vi snakker med Lea alene i dag og varsler rektor samme dag. ".repeat(30);
    let db = planned(&format!("G1,V2,s1_do,{long}\nG1,V2,s2_do,{long}\n"));

    let tmux = Tmux::new("rate-long");
    tmux.start_sized("long", (80, 24), &rate_command(&db));
    let screen = tmux.wait("long", "mer av svarsettet: trykk Enter (side 1 av");
    // The unit's heading is still on screen: nothing scrolled off the top.
    assert!(
        screen.lines().take(3).any(|l| l.contains("━━ svarsett")),
        "{screen}"
    );
    assert!(!screen.contains("P1_rules_norms nivå:"), "{screen}");
    tmux.keys("long", &["Enter"]);
    tmux.wait("long", "(side 2 av");
    tmux.keys("long", &["Escape"]);
    let screen = tmux.wait("long", "P1_rules_norms nivå:");
    assert!(screen.contains("svarsett 1 av 1 i planen din"), "{screen}");
}
