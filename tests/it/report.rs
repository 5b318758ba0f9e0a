//! `vignette report`: the HTML report of a realistic store, built through
//! the real binary (sessions, answers, scores), in temp dirs.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::common::{self, Db, Output, vignette};

const SCRIPT: &str = "<script>alert(1)</script>";
const ESCAPED: &str = "&lt;script&gt;alert(1)&lt;&#x2f;script&gt;";

/// Answers of a strong, a middling and a weak group to V2 (English).
fn answers(quality: usize) -> serde_json::Value {
    let text = |t: &str| format!("{SCRIPT} {t}");
    match quality {
        2 => serde_json::json!({
            "s1_do": text("We would talk with the pupil one-to-one today, save the screenshots and notify the principal: we have a duty to act."),
            "s1_first_action": "talk_with_lea", "s1_seriousness": 5,
            "s2_do": text("Write an activity plan with measures and who is responsible, talk to the girls separately, and evaluate the measures in two weeks."),
            "s2_reply": "explain_duty",
            "s2_measures": ["activity_plan", "separate_talks", "class_program", "parent_meeting", "lea_home", "joint_meeting"],
            "s3_do": text("Keep a log, document everything, follow up with both families and agree on class rules for chats."),
            "s3_next_steps": ["continue_plan", "mapping"]
        }),
        1 => serde_json::json!({
            "s1_do": text("We would take it seriously, talk to her and tell the principal."),
            "s1_first_action": "notify_principal", "s1_seriousness": 4,
            "s2_do": text("Make a plan and contact the parents."),
            "s2_reply": "both_sides",
            "s2_measures": ["class_program", "activity_plan", "joint_meeting", "parent_meeting", "separate_talks", "lea_home"],
            "s3_next_steps": ["continue_plan"]
        }),
        _ => serde_json::json!({
            "s1_do": text("Wait and see whether it happens again."),
            "s1_first_action": "watch_first", "s1_seriousness": 2,
            "s2_reply": "agree_home",
            "s2_measures": ["joint_meeting", "class_program", "lea_home", "parent_meeting", "separate_talks", "activity_plan"],
            "s3_next_steps": ["close_case"]
        }),
    }
}

/// A store with two offerings at baseline and endpoint: the project's three
/// groups in rural Bodø improve; the online offering's four groups in urban
/// Oslo (one labelled with a script tag) stay where they are.
struct Study {
    db: Db,
}

impl Study {
    fn run(&self, args: &[&str]) -> Output {
        self.db.run(args)
    }

    fn ok(&self, args: &[&str]) -> String {
        self.db.ok(args)
    }

    /// Creates a session with `groups` (label, roles), answers and scores it.
    fn session(
        &self,
        id: &str,
        offering: &str,
        phase: &str,
        site: (&str, &str),
        groups: &[(&str, &str, usize)],
    ) {
        let csv = self.db.dir().join(format!("{id}-groups.csv"));
        let rows: Vec<String> = groups
            .iter()
            .map(|(g, roles, _)| format!("{g},\"{roles}\""))
            .collect();
        std::fs::write(&csv, format!("group,roles\n{}\n", rows.join("\n"))).unwrap();
        let centrality = format!("centrality={}", site.1);
        self.ok(&[
            "session",
            "new",
            "--id",
            id,
            "--offering",
            offering,
            "--phase",
            phase,
            "--site",
            site.0,
            "--site-attr",
            "sector=school",
            "--site-attr",
            &centrality,
            "--cohort",
            "2026",
            "--lang",
            "en",
            "--groups-file",
            csv.to_str().unwrap(),
            "--vignettes",
            "V2",
            "--seed",
            "1",
        ]);
        for (group, _, quality) in groups {
            let file = self.db.dir().join("answer.json");
            let body =
                serde_json::json!({"group": group, "vignette": "V2", "answers": answers(*quality)});
            std::fs::write(&file, body.to_string()).unwrap();
            self.ok(&["session", "answer", id, "--file", file.to_str().unwrap()]);
        }
        self.ok(&["score", id]);
    }

    fn build() -> Study {
        let study = Study { db: Db::new() };
        let project = [
            ("G1", "teacher:3,principal:1"),
            ("G2", "teacher:4"),
            ("G3", "principal:2,teacher:1"),
        ];
        let online = [
            ("G1", "teacher:3"),
            ("G2", "teacher:2,principal:1"),
            ("G3", "principal:3"),
            (SCRIPT, "teacher:4"),
        ];
        let with = |groups: &[(&'static str, &'static str)], quality: &dyn Fn(usize) -> usize| {
            groups
                .iter()
                .enumerate()
                .map(|(i, (g, r))| (*g, *r, quality(i)))
                .collect::<Vec<_>>()
        };
        let bodo = ("Bodø", "rural");
        let oslo = ("Oslo", "urban");
        study.session(
            "lmp-base",
            "laeringsmiljoprosjektet",
            "baseline",
            bodo,
            &with(&project, &|i| i % 2),
        );
        study.session(
            "lmp-end",
            "laeringsmiljoprosjektet",
            "endpoint",
            bodo,
            &with(&project, &|i| 2 - i % 2),
        );
        study.session(
            "nett-base",
            "nettbasert",
            "baseline",
            oslo,
            &with(&online, &|i| i % 3),
        );
        study.session(
            "nett-end",
            "nettbasert",
            "endpoint",
            oslo,
            &with(&online, &|i| (i + 1) % 3),
        );
        study
    }

    fn report(&self, extra: &[&str]) -> String {
        let out = self.db.dir().join("report.html");
        let mut args = vec!["report", "--out", out.to_str().unwrap(), "--boot", "200"];
        args.extend_from_slice(extra);
        let said = self.ok(&args);
        assert!(said.starts_with("wrote "), "{said}");
        std::fs::read_to_string(out).unwrap()
    }
}

/// One store and its default report, shared by the tests that only read them.
fn shared() -> &'static (Study, String) {
    static SHARED: OnceLock<(Study, String)> = OnceLock::new();
    SHARED.get_or_init(|| {
        let study = Study::build();
        let html = study.report(&[]);
        if let Ok(path) = std::env::var("VIGNETTE_REPORT_COPY") {
            std::fs::write(path, &html).unwrap();
        }
        (study, html)
    })
}

/// The text of the section with this id.
fn section<'h>(html: &'h str, id: &str) -> &'h str {
    let start = html
        .find(&format!("<section id=\"{id}\">"))
        .unwrap_or_else(|| panic!("no section {id}"));
    let rest = &html[start..];
    &rest[..rest.find("</section>").unwrap()]
}

/// The cells of the table row headed `label` in `html`.
fn row<'h>(html: &'h str, label: &str) -> Vec<&'h str> {
    let start = html
        .find(&format!("<th scope=\"row\">{label}</th>"))
        .unwrap_or_else(|| panic!("no row {label}"));
    let rest = &html[start..];
    rest[..rest.find("</tr>").unwrap()]
        .split("<td")
        .skip(1)
        .collect()
}

fn count(cell: &str) -> Option<&str> {
    let start = cell.find("<span class=\"count\">")? + "<span class=\"count\">".len();
    Some(&cell[start..start + cell[start..].find('<')?])
}

#[test]
fn every_section_is_there() {
    let (_, html) = shared();
    for id in [
        "sessions",
        "collection",
        "scores",
        "change",
        "roles",
        "agreement",
        "missed",
        "methods",
    ] {
        section(html, id);
    }
    assert!(html.contains("<h1>Inclusive kindergarten and school environments"));
    assert!(section(html, "scores").contains("Scores by offering, Endpoint"));
    assert!(section(html, "change").contains("Change from Baseline to Endpoint"));
}

#[test]
fn the_sessions_table_lists_each_session_with_its_groups() {
    let (_, html) = shared();
    let sessions = section(html, "sessions");
    for (id, groups) in [
        ("lmp-base", 3),
        ("lmp-end", 3),
        ("nett-base", 4),
        ("nett-end", 4),
    ] {
        let start = sessions
            .find(&format!("<tr><td><code>{id}</code>"))
            .expect(id);
        let row = &sessions[start..start + sessions[start..].find("</tr>").unwrap()];
        let numbers: Vec<&str> = row
            .split("<td class=\"n\">")
            .skip(1)
            .map(|c| &c[..c.find('<').unwrap()])
            .collect();
        assert_eq!(numbers, [groups.to_string(), groups.to_string()], "{row}");
    }
    assert!(html.contains("<dt>Groups</dt><dd>14</dd>"));
}

#[test]
fn the_data_collection_table_counts_groups_and_marks_empty_cells() {
    let (_, html) = shared();
    let table = section(html, "collection");
    let cells = row(table, "The Learning Environment Project");
    let counts: Vec<Option<&str>> = cells.iter().map(|c| count(c)).collect();
    assert_eq!(
        counts,
        [Some("3"), None, Some("3"), None],
        "baseline, midpoint, endpoint, total"
    );
    assert!(cells[1].contains("not collected"));
    let online: Vec<Option<&str>> = row(table, "The online offering")
        .iter()
        .map(|c| count(c))
        .collect();
    assert_eq!(online[..3], [Some("4"), None, Some("4")]);
    assert!(
        row(table, "The gathering-based offering")
            .iter()
            .take(3)
            .all(|c| c.contains("not collected"))
    );
    assert!(table.contains("5 of the offering × phase cells have no data yet"));
}

#[test]
fn scores_change_roles_and_sites_come_with_their_numbers() {
    let (_, html) = shared();
    let scores = section(html, "scores");
    assert!(scores.contains("<svg class=\"chart\""));
    assert!(scores.contains("n = 3 ·") && scores.contains("n = 4 ·"));
    assert!(scores.contains("Differences between offerings"));
    let change = section(html, "change");
    // Every group was seen at both phases: 3 pairs in the project, 4 online.
    assert_eq!(
        change
            .matches("<td class=\"n\">3</td><td class=\"n\">0</td>")
            .count(),
        3,
        "{change}"
    );
    assert_eq!(
        change
            .matches("<td class=\"n\">4</td><td class=\"n\">0</td>")
            .count(),
        3
    );
    let roles = section(html, "roles");
    assert!(roles.contains("<th scope=\"row\">Teacher</th>"));
    assert!(
        roles.contains("<th scope=\"row\">Rural</th>")
            && roles.contains("<th scope=\"row\">Urban</th>")
    );
}

#[test]
fn without_ratings_the_report_says_so_and_names_the_rubrics() {
    let (study, html) = shared();
    assert!(section(html, "agreement").contains("have been rated by people yet"));
    let missed = section(html, "missed");
    assert!(missed.contains("<svg class=\"chart heatmap\""));
    assert!(missed.contains("Written activity plan") || missed.contains("H5"));
    let export = study.ok(&["session", "export", "lmp-end", "--format", "jsonl"]);
    let line: serde_json::Value = serde_json::from_str(export.lines().next().unwrap()).unwrap();
    let methods = section(html, "methods");
    assert!(methods.contains(line["rubric_hash"].as_str().unwrap()));
    assert!(methods.contains(line["study_hash"].as_str().unwrap()));
    assert!(methods.contains("200 resamples of the groups, seed 2026"));
    assert!(methods.contains("auto 14"));
}

#[test]
fn nothing_is_loaded_from_elsewhere() {
    let (_, html) = shared();
    for external in [
        "http://",
        "https://",
        "src=",
        "href=\"//",
        "<link",
        "<script src",
        "@import",
        "url(",
    ] {
        assert!(!html.contains(external), "found {external}");
    }
    let links: Vec<&str> = html.split("href=\"").skip(1).collect();
    assert!(
        links.iter().all(|l| l.starts_with('#')),
        "only links within the page"
    );
}

#[test]
fn a_script_typed_as_an_answer_or_group_label_is_shown_as_text() {
    let (_, html) = shared();
    assert!(!html.contains("<script"), "no raw script tag anywhere");
    let quote = &html[html
        .find("<figure class=\"quote\">")
        .expect("a quoted answer")..];
    let quote = &quote[..quote.find("</figure>").unwrap()];
    assert!(quote.contains(&format!("“{ESCAPED} ")), "{quote}");
    assert!(quote.contains("<mark>"));
    assert!(
        section(html, "methods").contains(&format!("<td>{ESCAPED}</td>")),
        "the group label"
    );
}

/// The text of HTML with the few entities the report writes undone.
fn unescape(html: &str) -> String {
    html.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#x2f;", "/")
        .replace("&amp;", "&")
}

/// The quoted answer of a report, checked against the store: its words are
/// whole sentences of the quoted unit's current answer, each sentence holds
/// marked words, and every marked piece is a phrase the unit's score says
/// earned the criterion its level. Returns the quote (marks as `[…]`) and
/// the group quoted.
fn checked_quote(study: &Study, html: &str) -> (String, String) {
    let figure = &html[html
        .find("<figure class=\"quote\">")
        .expect("a quoted answer")..];
    let figure = &figure[..figure.find("</figure>").unwrap()];
    let start = figure.find("<blockquote>“").unwrap() + "<blockquote>“".len();
    let quote = &figure[start..figure.find("”</blockquote>").unwrap()];
    let quote = unescape(&quote.replace("<mark>", "[").replace("</mark>", "]"));
    let caption = &figure[figure.find("<figcaption>").unwrap()..];
    let codes: Vec<&str> = caption
        .split("<code>")
        .skip(1)
        .map(|c| &c[..c.find("</code>").unwrap()])
        .collect();
    let [criterion, session, prompt] = codes[..] else {
        panic!("{caption}")
    };
    let group =
        unescape(&caption[caption.find("group ").unwrap() + 6..caption.find(", session").unwrap()]);

    let explained = study.ok(&[
        "score",
        session,
        "--explain",
        &group,
        "V2",
        "--format",
        "json",
    ]);
    let explained: serde_json::Value = serde_json::from_str(&explained).unwrap();
    let score = explained["card"]["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == criterion)
        .unwrap();
    let earning: Vec<&str> = score["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "phrase" && e["prompt"] == prompt && e["level"] == score["level"])
        .map(|e| e["text"].as_str().unwrap())
        .collect();
    for marked in quote.split('[').skip(1).map(|m| &m[..m.find(']').unwrap()]) {
        assert!(
            earning.iter().any(|e| marked.contains(e)),
            "`{marked}` did not earn {criterion} ({earning:?}) in {quote}"
        );
    }
    let answers = study.ok(&["session", "export", session, "--format", "jsonl"]);
    let answer = answers
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find(|a| a["group"] == group.as_str() && a["prompt"] == prompt && a["latest"] == true)
        .unwrap();
    let answer = answer["value"].as_str().unwrap();
    let plain = quote.replace(['[', ']'], "");
    let at = answer
        .find(&plain)
        .unwrap_or_else(|| panic!("`{plain}` is not in `{answer}`"));
    let before = answer[..at].trim_end();
    assert!(
        before.is_empty() || before.ends_with(['.', '!', '?']) || answer[..at].ends_with('\n'),
        "the quote starts mid-sentence: {quote}"
    );
    for sentence in quote.split_inclusive(['.', '!', '?', '\n']) {
        if !sentence.trim().is_empty() {
            assert!(
                sentence.contains('['),
                "`{sentence}` shows nothing that earned the level"
            );
        }
    }
    (quote, group)
}

#[test]
fn the_quoted_answer_is_the_sentences_whose_words_earned_the_level() {
    let study = Study::build();
    checked_quote(&study, &study.report(&[]));

    // G1 writes more at endpoint, scored again: the quote is still only the
    // sentences that earned the level, not the story around them.
    let revise = |text: &str| {
        let file = study.db.dir().join("revised.json");
        let body = serde_json::json!({"group": "G1", "vignette": "V2", "answers": {"s1_do": text}});
        std::fs::write(&file, body.to_string()).unwrap();
        study.ok(&[
            "session",
            "answer",
            "lmp-end",
            "--file",
            file.to_str().unwrap(),
        ]);
    };
    revise(
        "It rained all week, and we went to the museum by bus. We would save the screenshots \
         at once. Then lunch.",
    );
    study.ok(&["score", "lmp-end"]);
    let (quote, _) = checked_quote(&study, &study.report(&[]));
    assert!(
        !quote.contains("museum") && !quote.contains("lunch"),
        "{quote}"
    );

    // G1's answer changes after it was scored: the words its score found are
    // no longer where it found them, and no quote marks what they became.
    revise("Nothing to add. We wait and see what happens over the next weeks, then talk.");
    let (quote, _) = checked_quote(&study, &study.report(&[]));
    assert!(!quote.contains("wait and see"), "{quote}");
}

#[test]
fn labels_follow_the_language_asked_for() {
    let (study, _) = shared();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("nb.html");
    study.ok(&[
        "report",
        "--lang",
        "nb",
        "--boot",
        "50",
        "--out",
        out.to_str().unwrap(),
    ]);
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.contains("Læringsmiljøprosjektet") && html.contains("Sluttpunkt"));
    let leftovers: Vec<PathBuf> = files(dir.path())
        .into_iter()
        .filter(|p| p != &out)
        .collect();
    assert!(leftovers.is_empty(), "no temp file left: {leftovers:?}");
}

/// Headings, methods text and captions of a report written in `lang`.
fn report_in(lang: &str) -> String {
    let (study, _) = shared();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.html");
    study.ok(&[
        "report",
        "--lang",
        lang,
        "--boot",
        "50",
        "--out",
        out.to_str().unwrap(),
    ]);
    std::fs::read_to_string(&out).unwrap()
}

/// Every `<h2>` and `<h3>` heading of a page, without its markup.
fn headings(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for tag in ["<h2>", "<h3>"] {
        for part in html.split(tag).skip(1) {
            let inner = &part[..part.find("</h").unwrap()];
            let mut text = String::new();
            for piece in inner.split('<') {
                text.push_str(piece.split_once('>').map_or(piece, |(_, t)| t));
            }
            found.push(text);
        }
    }
    found
}

#[test]
fn the_report_speaks_bokmal_and_nynorsk_when_asked() {
    let english = headings(&shared().1);
    for (lang, phrases) in [
        (
            "nb",
            [
                "Økter som er med",
                "Endring fra Nullpunkt til Sluttpunkt",
                "Samsvar mellom vurderere",
                "Metode",
                "Analyseenhet",
                "Spearmans rangkorrelasjon",
                "Krippendorffs alfa",
                "Gjennomsnittsskåre (0–100) med 95 % t-intervall",
                "Endring per tilbud og dimensjon (parede grupper)",
                "Vurderingsrubrikker som er brukt",
            ],
        ),
        (
            "nn",
            [
                "Økter som er med",
                "Endring frå Nullpunkt til Sluttpunkt",
                "Samsvar mellom vurderarar",
                "Metode",
                "Analyseeining",
                "Spearmans rangkorrelasjon",
                "Krippendorffs alfa",
                "Gjennomsnittsskåre (0–100) med 95 % t-intervall",
                "Endring per tilbod og dimensjon (para grupper)",
                "Vurderingsrubrikkar som er brukte",
            ],
        ),
    ] {
        let html = report_in(lang);
        assert!(html.contains(&format!("<html lang=\"{lang}\">")));
        for phrase in phrases {
            assert!(html.contains(phrase), "{lang}: no `{phrase}`");
        }
        let own = headings(&html);
        assert_eq!(own.len(), english.len(), "{lang}: {own:?}");
        for heading in &english {
            assert!(
                !own.contains(heading),
                "{lang} keeps the English `{heading}`"
            );
        }
        for english in [
            "Methods",
            "Sessions included",
            "95 % interval",
            "Scored answers",
        ] {
            assert!(!html.contains(english), "{lang}: `{english}` remains");
        }
    }
}

/// The list of warnings in the methods section of a report.
fn warnings_of(html: &str) -> &str {
    let start = html
        .find("<ul class=\"warnings\">")
        .expect("a list of warnings");
    &html[start..start + html[start..].find("</ul>").unwrap()]
}

#[test]
fn the_comparisons_warnings_follow_the_reports_language() {
    let english = warnings_of(&shared().1);
    for phrase in ["fewer than 5 groups", "has its groups in one site"] {
        assert!(english.contains(phrase), "no `{phrase}` in {english}");
    }
    for (lang, own) in [
        (
            "nb",
            [
                "færre enn 5 grupper",
                "har alle gruppene sine i én enhet av site",
            ],
        ),
        (
            "nn",
            [
                "færre enn 5 grupper",
                "har alle gruppene sine i éi eining av site",
            ],
        ),
    ] {
        let html = report_in(lang);
        let warnings = warnings_of(&html);
        for phrase in own {
            assert!(
                warnings.contains(phrase),
                "{lang}: no `{phrase}` in {warnings}"
            );
        }
        for phrase in ["fewer than", "groups in one", "wide intervals", "read its"] {
            assert!(
                !warnings.contains(phrase),
                "{lang}: `{phrase}` in {warnings}"
            );
        }
    }
    // For programs the warnings stay as they were: English text.
    let (study, _) = shared();
    let json = study.ok(&["compare", "--phase", "baseline", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    let said: Vec<&str> = json["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().expect("a warning is a string"))
        .collect();
    assert!(
        said.iter().any(|w| w.contains("fewer than 5 groups")),
        "{said:?}"
    );
}

#[test]
fn a_phase_and_a_selection_narrow_the_report() {
    let (study, _) = shared();
    let html = study.report(&[
        "--phase",
        "baseline",
        "--session",
        "lmp-base",
        "--session",
        "nett-base",
    ]);
    assert!(section(&html, "scores").contains("Scores by offering, Baseline"));
    assert!(section(&html, "change").contains("no change can be measured yet"));
    assert!(html.contains("<dt>Groups</dt><dd>7</dd>"));
}

#[test]
fn mistakes_are_usage_errors_with_hints() {
    let (study, _) = shared();
    let out = study.run(&["report", "--phase", "midpoint", "--out", "/dev/null"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains(
            "phase `midpoint` has no scored groups; phases with scores: baseline, endpoint"
        ),
        "{}",
        out.stderr
    );
    let out = study.run(&["report", "--lang", "de"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("has no labels in `de`; it has: nb, nn, en"),
        "{}",
        out.stderr
    );
    let out = study.run(&["report", "--session", "nope"]);
    assert_eq!(out.code, 2);
}

#[test]
fn unscored_sessions_are_refused_with_a_hint() {
    let study = Study { db: Db::new() };
    let mut args = common::NEW_SESSION.to_vec();
    args.extend(["--groups", "2", "--vignettes", "V2", "--seed", "1"]);
    study.ok(&args);
    let out = study.run(&[
        "report",
        "--out",
        study.db.dir().join("r.html").to_str().unwrap(),
    ]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("no scored units in the selected sessions (s)"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("vignette score SESSION"));
    assert!(!Path::new(&study.db.dir().join("r.html")).exists());
}

/// A power analysis from the real command (a tiny grid), with the study
/// id and one dimension replaced by markup.
fn power_file(dir: &Path) -> PathBuf {
    let out = vignette([
        "power", "--sites", "2,3", "--groups", "1,2", "--reps", "3", "--format", "json",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let json = out
        .stdout
        .replace(
            "\"inkluderende-miljo\"",
            &serde_json::to_string(SCRIPT).unwrap(),
        )
        .replace("\"detection\"", &serde_json::to_string(SCRIPT).unwrap());
    let path = dir.join("power.json");
    std::fs::write(&path, json).unwrap();
    path
}

#[test]
fn a_power_file_adds_a_section_with_its_curves_and_escaped_labels() {
    let (study, _) = shared();
    let power = power_file(study.db.dir());
    let html = study.report(&["--power", power.to_str().unwrap()]);
    let section = section(&html, "power");
    assert!(section.contains("<svg class=\"chart\""), "{section}");
    assert_eq!(
        section.matches("<polyline").count(),
        6,
        "3 dimensions × 2 numbers of municipalities"
    );
    assert!(section.contains("class=\"target\""));
    assert!(section.contains("Site-level power by groups per offering"));
    assert!(section.contains("The Learning Environment Project"));
    assert!(!html.contains("<script"), "no raw script tag");
    assert!(
        section.contains(&format!("<code>{ESCAPED}</code>")),
        "the study id"
    );
    assert!(
        section.contains(&format!("<th scope=\"col\">{ESCAPED}</th>")),
        "a dimension"
    );
    assert_eq!(
        section.matches("<tr><td class=\"n\">").count(),
        4,
        "four designs"
    );
    assert!(html.contains("<a href=\"#power\">8 Power</a>"));
}

#[test]
fn a_malformed_power_file_is_refused_naming_it_and_nothing_is_written() {
    let (study, _) = shared();
    let dir = tempfile::tempdir().unwrap();
    let out_file = dir.path().join("r.html");
    for (text, expected) in [
        ("{\"study\": ", "power.json:1:10: EOF while parsing a value"),
        (
            "{\"study\": 1}",
            "power.json:1:11: invalid type: integer `1`, expected a string",
        ),
    ] {
        let power = dir.path().join("power.json");
        std::fs::write(&power, text).unwrap();
        let out = study.run(&[
            "report",
            "--power",
            power.to_str().unwrap(),
            "--out",
            out_file.to_str().unwrap(),
        ]);
        assert_eq!(out.code, 1, "{}", out.stderr);
        assert!(out.stderr.contains(expected), "{}", out.stderr);
        assert!(
            out.stderr
                .contains("hint: write it with `vignette power --format json")
        );
        assert!(!out_file.exists());
    }
    let missing = study.run(&["report", "--power", "/nonexistent/power.json"]);
    assert_eq!(missing.code, 2);
    assert!(
        missing
            .stderr
            .contains("/nonexistent/power.json: cannot read the file"),
        "{}",
        missing.stderr
    );
}

fn files(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect()
}

/// `report --out` replaces only a regular file: a link placed there (which
/// could point at any file the user can write) and a pipe are refused, and
/// what they point at is left alone.
#[cfg(unix)]
#[test]
fn the_report_never_writes_through_a_link_or_into_a_pipe() {
    use std::os::unix::fs::FileTypeExt;
    let (study, _) = shared();
    let dir = tempfile::tempdir().unwrap();
    let precious = dir.path().join("precious.txt");
    std::fs::write(&precious, "keep me").unwrap();
    let link = dir.path().join("report.html");
    std::os::unix::fs::symlink(&precious, &link).unwrap();
    let out = study.run(&["report", "--out", link.to_str().unwrap(), "--boot", "50"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("not a regular file"), "{}", out.stderr);
    assert_eq!(std::fs::read_to_string(&precious).unwrap(), "keep me");
    let fifo = dir.path().join("fifo.html");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if made.is_ok_and(|s| s.success()) {
        let out = study.run(&["report", "--out", fifo.to_str().unwrap(), "--boot", "50"]);
        assert_eq!(out.code, 2, "{}", out.stderr);
        assert!(
            std::fs::symlink_metadata(&fifo)
                .unwrap()
                .file_type()
                .is_fifo()
        );
    }
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
