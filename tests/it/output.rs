//! Output that cannot be written: a full disk is a clear error, a reader
//! that has gone (a closed pipe) ends the command quietly; never a panic.

use std::process::{Command, Stdio};

use crate::common::BIN;

const COMMANDS: [&[&str]; 4] = [
    &["list"],
    &["schema", "vignette"],
    &["show", "V2", "--stage", "all"],
    &["validate"],
];

#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_is_a_clear_error() {
    for args in COMMANDS {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full");
        let out = Command::new(BIN)
            .args(args)
            .env_remove("VIGNETTE_BANK")
            .stdout(full)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.starts_with("error: cannot write the output: No space left on device"),
            "{args:?}: {stderr}"
        );
    }
}

#[test]
fn a_closed_pipe_ends_the_command_quietly() {
    for args in COMMANDS {
        let mut child = Command::new(BIN)
            .args(args)
            .env_remove("VIGNETTE_BANK")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
        assert!(stderr.is_empty(), "{args:?}: {stderr}");
    }
}

/// An answer is untrusted text: what a terminal shows of it (a rater's
/// screen, an explained score) has its control characters and direction
/// overrides escaped, so an answer cannot move the cursor, recolour the
/// screen or reorder what the reader sees.
#[test]
fn answers_shown_on_a_terminal_have_their_control_characters_escaped() {
    let db = crate::common::Db::new();
    let out = db.new_session(&["--groups", "1", "--vignettes", "V2", "--seed", "1"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    // Stored answers refuse control characters, but not direction overrides.
    let file = db.file(
        "a.json",
        r#"{"group": "G1", "vignette": "V2", "answers": {"s1_do": "Vi varsler rektor \u202enå."}}"#,
    );
    db.ok(&["session", "answer", "s", "--file", file.to_str().unwrap()]);
    db.ok(&["rate", "assign", "s", "--raters", "anna", "--overlap", "0"]);
    let status = db.ok(&["rate", "status", "s", "--format", "json"]);
    let status: serde_json::Value = serde_json::from_str(&status).unwrap();
    let code = status["assignments"][0]["unit"]
        .as_str()
        .unwrap()
        .to_string();
    let shown = db.ok(&["rate", "show", "s", &code]);
    assert!(
        !shown.contains('\u{202e}') && shown.contains("\\u{202e}"),
        "{shown}"
    );
    // An export scored from a file may hold anything.
    let export = db.file(
        "export.jsonl",
        r#"{"session":"x","group":"G1","vignette":"V2","prompt":"s1_do","value":"Vi varsler rektor.\u001b[2J","revision":1,"language":"nb"}"#,
    );
    let explained = db.ok(&[
        "score",
        "--responses",
        export.to_str().unwrap(),
        "--explain",
        "x/G1",
        "V2",
    ]);
    assert!(!explained.contains('\u{1b}'), "{explained:?}");
    assert!(explained.contains("\\u{1b}[2J"), "{explained}");
}
