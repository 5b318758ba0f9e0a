//! Snapshots of every help text, so each change to what users read shows up
//! in review. The commands are found by walking the real command tree (the
//! `Commands:` section of each `--help`), so a new command gets a snapshot
//! without anyone editing a list, and a removed one leaves none behind.

use std::collections::BTreeSet;

use crate::common::{self, Output, vignette};

/// Every command path of the real command tree with its `--help`, parents
/// before children: `[]` (the program itself), `["session"]`,
/// `["session", "new"]`, …, read from the `Commands:` section of each
/// command's help (`help` itself left out).
fn command_tree() -> Vec<(Vec<String>, Output)> {
    let mut found = Vec::new();
    let mut queue = vec![Vec::new()];
    while let Some(path) = queue.pop() {
        let out = help(&path);
        let mut children: Vec<Vec<String>> = subcommands(&out.stdout)
            .into_iter()
            .map(|name| [path.clone(), vec![name]].concat())
            .collect();
        children.reverse();
        queue.extend(children);
        found.push((path, out));
    }
    found
}

/// `vignette PATH --help`, which must succeed.
fn help(path: &[String]) -> Output {
    let out = vignette(path.iter().map(String::as_str).chain(["--help"]));
    assert_eq!(out.code, 0, "{path:?}: {}", out.stderr);
    out
}

/// The names in the `Commands:` section of a help text, but `help`.
fn subcommands(help: &str) -> Vec<String> {
    help.lines()
        .skip_while(|line| *line != "Commands:")
        .skip(1)
        .take_while(|line| !line.is_empty())
        .filter(|line| line.starts_with("  ") && !line[2..].starts_with(' '))
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(String::from)
        .collect()
}

/// The snapshot name of a command path: `vignette` for the program,
/// `session_new` for `vignette session new`.
fn snapshot_name(path: &[String]) -> String {
    if path.is_empty() {
        "vignette".to_string()
    } else {
        path.join("_")
    }
}

#[test]
fn help_texts() {
    let tree = command_tree();
    for (path, out) in &tree {
        insta::assert_snapshot!(snapshot_name(path), out.stdout);
    }
    // The walk found the tree (not just the program), and no help snapshot
    // is left over from a command that is gone.
    assert!(tree.iter().any(|(path, _)| path == &["session", "new"]));
    let walked: BTreeSet<String> = tree
        .iter()
        .map(|(path, _)| format!("it__help__{}.snap", snapshot_name(path)))
        .collect();
    let stored: BTreeSet<String> = std::fs::read_dir(common::repo().join("tests/it/snapshots"))
        .expect("snapshot folder")
        .map(|entry| {
            entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|name| name.starts_with("it__help__") && name.ends_with(".snap"))
        .collect();
    let stale: Vec<&String> = stored.difference(&walked).collect();
    assert!(stale.is_empty(), "help snapshots of no command: {stale:?}");
}

#[test]
fn the_commands_section_is_read_as_the_names_in_it() {
    let help = "Usage: vignette rate <COMMAND>\n\nCommands:\n  assign      Plan who rates which unit: every\n              unit with answers gets one\n  show        Print one unit\n  help        Print this message\n\nOptions:\n  -h, --help  Print help\n";
    assert_eq!(subcommands(help), ["assign", "show"]);
    assert!(subcommands("Usage: vignette list\n\nOptions:\n  -h, --help\n").is_empty());
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
