//! `vignette rate adjudicate SESSION --by NAME` driven through a real
//! terminal (tmux): two raters' conflicting ratings are imported, one
//! disagreement is decided, the process is killed, and the next run resumes
//! at the next disagreement; the export shows who decided and how. Without a
//! terminal it refuses (exit 2) unless nothing is left.
//!
//! Needs tmux for the terminal test; where it is missing that test prints
//! why and passes without running (outside CI).

use crate::common;
use crate::common::tmux::Tmux;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_vignette");

fn run(db: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .arg("--db")
        .arg(db)
        .env_remove("VIGNETTE_BANK")
        .stdin(Stdio::null())
        .output()
        .expect("the binary runs")
}

fn vignette(db: &Path, args: &[&str]) -> String {
    let out = run(db, args);
    assert!(out.status.success(), "{args:?}: {out:?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A database with session `s` (one group answering V2) and two raters'
/// ratings of its unit: they disagree on P1_rules_norms and
/// D2_talks_with_child and agree on P3_inclusive_play. Returns the unit code.
fn rated_session(dir: &Path, db: &Path) -> String {
    vignette(
        db,
        &[
            &common::NEW_SESSION[..],
            &["--groups", "1", "--vignettes", "V2", "--seed", "1"],
        ]
        .concat(),
    );
    let answers = dir.join("a.csv");
    std::fs::write(
        &answers,
        "group,vignette,prompt,value\nG1,V2,s1_do,Snakke med Lea\n",
    )
    .unwrap();
    vignette(db, &["session", "import", "s", answers.to_str().unwrap()]);
    let unit = vignette::rating::unit_code("s", "G1", "V2");
    let ratings = dir.join("r.csv");
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
    std::fs::write(&ratings, csv).unwrap();
    vignette(db, &["rate", "import", "s", ratings.to_str().unwrap()]);
    unit
}

/// The consensus in `rate export --format json`.
fn consensus(db: &Path) -> Vec<Value> {
    let json: Value =
        serde_json::from_str(&vignette(db, &["rate", "export", "s", "--format", "json"])).unwrap();
    json["consensus"].as_array().unwrap().clone()
}

/// Starts `vignette rate adjudicate s --by cy` in a window named `name`.
fn start(tmux: &Tmux, name: &str, db: &Path) {
    let command = format!(
        "exec env NO_COLOR=1 '{BIN}' rate adjudicate s --by cy --db '{}'",
        db.display()
    );
    tmux.start(name, 140, &command);
}

#[test]
fn a_killed_adjudication_resumes_at_the_next_disagreement() {
    if !common::tmux::available() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("rate.db");
    let unit = rated_session(dir.path(), &db);

    let tmux = Tmux::new("adjudicate");
    start(&tmux, "first", &db);
    // Rubric order: P1 comes before D2 although D2 sorts first.
    let screen = tmux.wait("first", "P1_rules_norms consensus level:");
    assert!(screen.contains("disagreement 1 of 2"), "{screen}");
    assert!(screen.contains("raters: anna 0 · bo 2"), "{screen}");
    assert!(
        screen.contains("← anna") && screen.contains("← bo"),
        "{screen}"
    );
    for hidden in ["G1", "nettbasert", "baseline", "rural"] {
        assert!(!screen.contains(hidden), "{hidden} shown:\n{screen}");
    }
    tmux.keys("first", &["Down"]);
    tmux.keys("first", &["Enter"]);
    let screen = tmux.wait("first", "D2_talks_with_child consensus level:");
    assert!(screen.contains("disagreement 2 of 2"), "{screen}");
    tmux.kill("first");

    let decided = consensus(&db);
    assert_eq!(decided.len(), 1, "{decided:?}");
    assert_eq!(decided[0]["unit"], unit.as_str());
    assert_eq!(decided[0]["criterion"], "P1_rules_norms");
    assert_eq!(decided[0]["level"], 1);
    assert_eq!(decided[0]["decided_by"], "cy");
    assert_eq!(decided[0]["rule"], "adjudicated");

    start(&tmux, "second", &db);
    let screen = tmux.wait("second", "D2_talks_with_child consensus level:");
    assert!(screen.contains("disagreement 1 of 1"), "{screen}");
    assert!(
        !screen.contains("P1_rules_norms consensus level:"),
        "{screen}"
    );
    tmux.keys("second", &["Enter"]);
    tmux.wait("second", "every disagreement is adjudicated");

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
    let out = run(&db, &["rate", "adjudicate", "s", "--by", "cy"]);
    assert!(out.status.success(), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("no disagreements left"));

    // A rule afterwards keeps the adjudicated levels and decides the rest.
    vignette(&db, &["rate", "adjudicate", "s", "--rule", "max"]);
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
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("rate.db");
    rated_session(dir.path(), &db);
    let out = run(&db, &["rate", "adjudicate", "s", "--by", "cy"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("needs a terminal"), "{stderr}");
    assert!(stderr.contains("--rule median"), "{stderr}");
    assert!(consensus(&db).is_empty());
}

#[test]
fn exactly_one_of_rule_and_by_and_a_real_name() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("rate.db");
    rated_session(dir.path(), &db);
    for args in [
        &["rate", "adjudicate", "s"][..],
        &["rate", "adjudicate", "s", "--rule", "max", "--by", "cy"],
        &["rate", "adjudicate", "s", "--by", "rule"],
        &["rate", "adjudicate", "s", "--by", " "],
    ] {
        let out = run(&db, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {out:?}");
    }
    assert!(consensus(&db).is_empty());
}
