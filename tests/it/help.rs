//! Snapshots of every help text, so each change to what users read shows up in review.

use crate::common;
use crate::common::vignette;

#[test]
fn help_texts() {
    let commands: &[&[&str]] = &[
        &["--help"],
        &["validate", "--help"],
        &["list", "--help"],
        &["show", "--help"],
        &["schema", "--help"],
        &["session", "--help"],
        &["session", "new", "--help"],
        &["session", "run", "--help"],
        &["session", "handout", "--help"],
        &["session", "answer", "--help"],
        &["session", "import", "--help"],
        &["session", "export", "--help"],
        &["score", "--help"],
        &["agreement", "--help"],
        &["compare", "--help"],
        &["rate", "--help"],
        &["rate", "adjudicate", "--help"],
        &["export", "--help"],
        &["profile", "--help"],
        &["report", "--help"],
        &["simulate", "--help"],
        &["power", "--help"],
        &["demo", "--help"],
    ];
    for &command in commands {
        let out = vignette(command);
        assert_eq!(out.code, 0);
        let name = command[..command.len() - 1].join("_");
        let name = if name.is_empty() {
            "vignette".to_string()
        } else {
            name
        };
        insta::assert_snapshot!(name, out.stdout);
    }
}

#[test]
fn schema_prints_each_shipped_schema() {
    for (name, file) in [
        ("study", "study"),
        ("vignette", "vignette"),
        ("rubric", "rubric"),
    ] {
        let out = vignette(["schema", name]);
        assert_eq!(out.code, 0);
        let shipped =
            std::fs::read_to_string(common::repo().join(format!("schemas/{file}.schema.json")))
                .unwrap();
        assert_eq!(out.stdout, shipped);
        let schema: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
        assert_eq!(
            schema["$schema"],
            "https://json-schema.org/draft/2020-12/schema"
        );
    }
    let out = vignette(["schema", "session"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("invalid value 'session'"),
        "{}",
        out.stderr
    );
}
