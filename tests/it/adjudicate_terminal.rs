//! `vignette rate adjudicate SESSION --by NAME` driven through a real
//! terminal (tmux): two raters' conflicting ratings are imported, one
//! disagreement is decided, the process is killed, and the next run resumes
//! at the next disagreement; the export shows who decided and how. Without a
//! terminal it refuses (exit 2) unless nothing is left.
//!
//! Needs tmux for the terminal test; where it is missing that test prints
//! why and passes without running (outside CI).

use serde_json::Value;

use crate::common::tmux::Tmux;
use crate::common::{self, BIN, Db};

/// A database with session `s` (one group answering V2) and two raters'
/// ratings of its unit: they disagree on P1_rules_norms and
/// D2_talks_with_child and agree on P3_inclusive_play. Returns the unit code.
fn rated_session(db: &Db) -> String {
    db.ok(&[
        &common::NEW_SESSION[..],
        &["--groups", "1", "--vignettes", "V2", "--seed", "1"],
    ]
    .concat());
    let answers = db.file(
        "a.csv",
        "group,vignette,prompt,value\nG1,V2,s1_do,Snakke med Lea\n",
    );
    db.ok(&["session", "import", "s", answers.to_str().unwrap()]);
    let unit = vignette::session::unit_code("s", "G1", "V2");
    let mut csv = String::from("unit,rater,criterion,level\n");
    for (rater, criterion, level) in [
        ("anna", "P1_rules_norms", 0),
        ("bo", "P1_rules_norms", 2),
        ("anna", "P3_inclusive_play", 1),
        ("bo", "P3_inclusive_play", 1),
        ("anna", "D2_talks_with_child", 2),
        ("bo", "D2_talks_with_child", 1),
    ] {
        csv.push_str(&format!("{unit},{rater},{criterion},{level}\n"));
    }
    let ratings = db.file("r.csv", &csv);
    db.ok(&["rate", "import", "s", ratings.to_str().unwrap()]);
    unit
}

/// The consensus in `rate export --format json`.
fn consensus(db: &Db) -> Vec<Value> {
    let json: Value =
        serde_json::from_str(&db.ok(&["rate", "export", "s", "--format", "json"])).unwrap();
    json["consensus"].as_array().unwrap().clone()
}

/// Starts `vignette rate adjudicate s --by cy` in a window named `name`.
fn start(tmux: &Tmux, name: &str, db: &Db) {
    let command = format!(
        "exec env NO_COLOR=1 '{BIN}' rate adjudicate s --by cy --db '{}'",
        db.path().display()
    );
    tmux.start(name, 140, &command);
}

#[test]
fn a_killed_adjudication_resumes_at_the_next_disagreement() {
    if !common::tmux::available() {
        return;
    }
    let db = Db::new();
    let unit = rated_session(&db);

    let tmux = Tmux::new("adjudicate");
    start(&tmux, "first", &db);
    // Rubric order: P1 comes before D2 although D2 sorts first.
    let screen = tmux.wait("first", "P1_rules_norms konsensusnivå:");
    assert!(screen.contains("uenighet 1 av 2"), "{screen}");
    assert!(screen.contains("vurderere: anna 0 · bo 2"), "{screen}");
    assert!(
        screen.contains("← anna") && screen.contains("← bo"),
        "{screen}"
    );
    for hidden in ["G1", "nettbasert", "baseline", "rural"] {
        assert!(!screen.contains(hidden), "{hidden} shown:\n{screen}");
    }
    tmux.keys("first", &["Down"]);
    tmux.keys("first", &["Enter"]);
    let screen = tmux.wait("first", "D2_talks_with_child konsensusnivå:");
    assert!(screen.contains("uenighet 2 av 2"), "{screen}");
    tmux.kill("first");

    let decided = consensus(&db);
    assert_eq!(decided.len(), 1, "{decided:?}");
    assert_eq!(decided[0]["unit"], unit.as_str());
    assert_eq!(decided[0]["criterion"], "P1_rules_norms");
    assert_eq!(decided[0]["level"], 1);
    assert_eq!(decided[0]["decided_by"], "cy");
    assert_eq!(decided[0]["rule"], "adjudicated");

    start(&tmux, "second", &db);
    let screen = tmux.wait("second", "D2_talks_with_child konsensusnivå:");
    assert!(screen.contains("uenighet 1 av 1"), "{screen}");
    assert!(
        !screen.contains("P1_rules_norms konsensusnivå:"),
        "{screen}"
    );
    tmux.keys("second", &["Enter"]);
    tmux.wait("second", "alle uenighetene er avgjort");

    let decided = consensus(&db);
    assert_eq!(decided.len(), 2, "{decided:?}");
    let d2 = decided
        .iter()
        .find(|c| c["criterion"] == "D2_talks_with_child")
        .unwrap();
    assert_eq!(d2["level"], 0);
    assert_eq!(d2["decided_by"], "cy");
    assert_eq!(d2["rule"], "adjudicated");

    // Nothing left: said so, exit 0, even without a terminal.
    let out = db.run(&["rate", "adjudicate", "s", "--by", "cy"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("ingen uenigheter igjen"));

    // A rule afterwards keeps the adjudicated levels and decides the rest.
    db.ok(&["rate", "adjudicate", "s", "--rule", "max"]);
    let decided = consensus(&db);
    assert_eq!(decided.len(), 3, "{decided:?}");
    let adjudicated = decided
        .iter()
        .filter(|c| c["rule"] == "adjudicated")
        .count();
    assert_eq!(adjudicated, 2, "{decided:?}");
}

#[test]
fn adjudicating_without_a_terminal_points_to_rules() {
    let db = Db::new();
    rated_session(&db);
    let out = db.run(&["rate", "adjudicate", "s", "--by", "cy"]);
    assert_eq!(out.code, 2, "{out:?}");
    let stderr = &out.stderr;
    assert!(stderr.contains("needs a terminal"), "{stderr}");
    assert!(stderr.contains("--rule median"), "{stderr}");
    assert!(consensus(&db).is_empty());
}

#[test]
fn exactly_one_of_rule_and_by_and_a_real_name() {
    let db = Db::new();
    rated_session(&db);
    for args in [
        &["rate", "adjudicate", "s"][..],
        &["rate", "adjudicate", "s", "--rule", "max", "--by", "cy"],
        &["rate", "adjudicate", "s", "--by", "rule"],
        &["rate", "adjudicate", "s", "--by", " "],
    ] {
        let out = db.run(args);
        assert_eq!(out.code, 2, "{args:?}: {out:?}");
    }
    assert!(consensus(&db).is_empty());
}
