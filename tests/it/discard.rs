//! Fixing a mistaken session: a second session of the same workshop is
//! refused unless asked for, a discarded one is kept but counts nowhere until
//! restored, an empty one can be deleted, and the log says why.

use serde_json::Value;

use crate::common::{Db, NEW_SESSION};

/// `session new` for site Bodø at baseline with `extra` (no --id unless given).
fn new(db: &Db, extra: &[&str]) -> crate::common::Output {
    let mut args: Vec<&str> = NEW_SESSION
        .iter()
        .copied()
        .filter(|a| *a != "--id" && *a != "s")
        .collect();
    args.extend_from_slice(&["--groups", "2", "--vignettes", "V2", "--seed", "3"]);
    args.extend_from_slice(extra);
    db.run(&args)
}

fn answer(db: &Db, session: &str) {
    let file = db.file(
        "answer.json",
        r#"{"group": "G1", "vignette": "V2", "answers": {"s1_do": "Vi snakker med Lea alene i dag og varsler rektor samme dag."}}"#,
    );
    let out = db.run(&[
        "session",
        "answer",
        session,
        "--file",
        file.to_str().unwrap(),
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
}

fn listed(db: &Db) -> Vec<Value> {
    serde_json::from_str(&db.ok(&["session", "list", "--format", "json"])).unwrap()
}

#[test]
fn a_second_session_of_the_same_workshop_is_refused_unless_asked_for() {
    let db = Db::new();
    let out = new(&db, &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let out = new(&db, &[]);
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert!(
        out.stderr.contains("has a session of offering `nettbasert` at phase `baseline` in cohort `2026` already: bodo-baseline"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("vignette session discard bodo-baseline"),
        "{}",
        out.stderr
    );
    assert_eq!(listed(&db).len(), 1, "nothing was made");
    let out = new(&db, &["--id", "bodo-baseline-again"]);
    assert_eq!(out.code, 0, "an explicit id asks for it: {}", out.stderr);
    assert_eq!(listed(&db).len(), 2);
}

#[test]
fn a_discarded_session_is_kept_counts_nowhere_and_can_be_restored() {
    let db = Db::new();
    assert_eq!(new(&db, &[]).code, 0);
    answer(&db, "bodo-baseline");
    db.ok(&["score", "bodo-baseline"]);
    let out = db.run(&[
        "session",
        "discard",
        "bodo-baseline",
        "--reason",
        "wrong offering",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    // Kept, and marked.
    let sessions = listed(&db);
    assert_eq!(sessions.len(), 1);
    assert!(sessions[0]["discarded_at"].is_string());
    // No more answers.
    let file = db.file(
        "more.json",
        r#"{"group": "G2", "vignette": "V2", "answers": {"s1_do": "x"}}"#,
    );
    let out = db.run(&[
        "session",
        "answer",
        "bodo-baseline",
        "--file",
        file.to_str().unwrap(),
    ]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("is discarded (wrong offering)"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("vignette session restore bodo-baseline"),
        "{}",
        out.stderr
    );
    // Counted nowhere: compare finds no scores, naming it is refused with a hint.
    let out = db.run(&["compare"]);
    assert_ne!(out.code, 0, "{}", out.stdout);
    let out = db.run(&["compare", "--session", "bodo-baseline"]);
    assert!(
        out.stderr.contains("session `bodo-baseline` is discarded"),
        "{}",
        out.stderr
    );
    let out = db.run(&["score", "--all"]);
    assert!(
        out.stderr.contains("discarded ones are left out"),
        "{}",
        out.stderr
    );
    // The log says what happened and why; restoring brings it back.
    db.ok(&[
        "session",
        "restore",
        "bodo-baseline",
        "--reason",
        "it was right after all",
    ]);
    let log: Vec<Value> =
        serde_json::from_str(&db.ok(&["session", "log", "bodo-baseline", "--format", "json"]))
            .unwrap();
    let events: Vec<(&str, &str)> = log
        .iter()
        .map(|e| (e["event"].as_str().unwrap(), e["detail"].as_str().unwrap()))
        .collect();
    assert!(
        events.contains(&("discarded", "wrong offering")),
        "{events:?}"
    );
    assert!(
        events.contains(&("restored", "it was right after all")),
        "{events:?}"
    );
    let out = db.run(&["compare", "--format", "json"]);
    assert_eq!(out.code, 0, "restored sessions count again: {}", out.stderr);
}

#[test]
fn only_a_session_without_answers_can_be_deleted() {
    let db = Db::new();
    assert_eq!(new(&db, &[]).code, 0);
    answer(&db, "bodo-baseline");
    let out = db.run(&["session", "delete", "bodo-baseline"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("holds 1 answers"), "{}", out.stderr);
    assert!(
        out.stderr
            .contains("vignette session discard bodo-baseline"),
        "{}",
        out.stderr
    );
    assert_eq!(new(&db, &["--id", "empty"]).code, 0);
    db.ok(&["session", "delete", "empty"]);
    let ids: Vec<String> = listed(&db)
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, ["bodo-baseline"]);
    let out = db.run(&["session", "log", "empty"]);
    assert_eq!(out.code, 2, "nothing of it is left");
}
