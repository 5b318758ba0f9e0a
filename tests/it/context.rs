//! Every command that reads sessions opens the database one way: a missing
//! database is refused with the same message and hint, and none is created.

use crate::common::vignette;

#[test]
fn a_missing_database_gets_the_same_hint_from_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("missing.db");
    let db = db.to_str().unwrap();
    let status = vignette(["session", "status", "X", "--db", db]);
    assert_eq!(status.code, 2, "{}", status.stderr);
    assert!(
        status.stderr.contains("error: no database at"),
        "{}",
        status.stderr
    );
    let hint = status
        .stderr
        .lines()
        .find(|l| l.contains("hint: create a session first"))
        .unwrap_or_else(|| panic!("no hint in {}", status.stderr))
        .to_string();
    let commands: [&[&str]; 9] = [
        &["score", "X"],
        &["agreement", "X"],
        &["rate", "status", "X"],
        &["rate", "X", "--rater", "anna"],
        &["compare"],
        &["report"],
        &["export", "--out", "out"],
        &["profile", "--site", "Bodø"],
        &["session", "answer", "X", "--file", "a.json"],
    ];
    for args in commands {
        let mut all = args.to_vec();
        all.extend(["--db", db]);
        let out = vignette(&all);
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(
            out.stderr.contains(&hint),
            "{args:?}: no `{hint}` in\n{}",
            out.stderr
        );
        assert!(
            !dir.path().join("missing.db").exists(),
            "{args:?} made a database"
        );
    }
}

#[test]
fn a_database_this_program_cannot_read_is_not_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("study.db");
    std::fs::write(
        &db,
        "not a database, but notes someone saved under its name\n".repeat(100),
    )
    .unwrap();
    let out = vignette(["session", "list", "--db", db.to_str().unwrap()]);
    assert_eq!(
        out.code, 3,
        "a corrupt store exits 3, not 2 like a typo: {}",
        out.stderr
    );
    assert!(out.stderr.starts_with("error: "), "{}", out.stderr);
    let typo = vignette(["session", "lsit", "--db", db.to_str().unwrap()]);
    assert_eq!(typo.code, 2, "{}", typo.stderr);
}
