//! Every reader of a user's file reports the same fault in the same shape:
//! one line that is not valid UTF-8 is named `FILE:LINE:COLUMN: message`,
//! whichever command reads it.

mod common;

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The fault every reader is fed: a second line whose third byte is not UTF-8.
const BAD_LINE: &[u8] = b"ab\xff\n";

/// What each reader must say about [`BAD_LINE`] in `file`.
fn expected(file: &str) -> String {
    format!("{file}:2:3: the file is not valid UTF-8 (bad byte 0xff); save it as UTF-8")
}

struct Study {
    dir: tempfile::TempDir,
}

impl Study {
    /// A database with session `s` (groups G1 and G2, vignette V2).
    fn new() -> Study {
        let study = Study {
            dir: tempfile::tempdir().unwrap(),
        };
        let mut args = common::NEW_SESSION.to_vec();
        args.extend(["--groups", "2", "--vignettes", "V2", "--seed", "1"]);
        let out = study.run(&args, b"");
        assert_eq!(out.0, 0, "{}", out.1);
        study
    }

    /// A file whose first line is `first` and whose second is [`BAD_LINE`].
    fn bad_file(&self, name: &str, first: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        let mut bytes = format!("{first}\n").into_bytes();
        bytes.extend_from_slice(BAD_LINE);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    /// Runs `vignette ARGS --db PATH` with `stdin`; the exit code and stderr.
    fn run(&self, args: &[&str], stdin: &[u8]) -> (i32, String) {
        let out = Command::cargo_bin("vignette")
            .unwrap()
            .args(args)
            .arg("--db")
            .arg(self.dir.path().join("study.db"))
            .write_stdin(stdin)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        (out.status.code().unwrap_or(-1), stderr)
    }
}

fn text(path: &Path) -> &str {
    path.to_str().unwrap()
}

#[test]
fn one_bad_line_gets_the_same_message_from_every_reader() {
    let study = Study::new();
    let answers = study.bad_file("answers.json", "{\"group\": \"G1\",");
    let paper = study.bad_file("paper.csv", "group,vignette,prompt,value");
    let groups = study.bad_file("groups.csv", "group,roles");
    let ratings = study.bad_file("ratings.csv", "unit,rater,criterion,level");
    let scores = study.bad_file(
        "scores.csv",
        "group,site,offering,phase,role,dimension,score",
    );
    let export = study.bad_file("export.jsonl", "");
    let power = study.bad_file("power.json", "{");
    let cases: Vec<(Vec<&str>, String)> = vec![
        (
            vec!["session", "answer", "s", "--file", text(&answers)],
            expected(text(&answers)),
        ),
        (
            vec!["session", "import", "s", text(&paper)],
            expected(text(&paper)),
        ),
        (
            vec![
                "session",
                "new",
                "--offering",
                "nettbasert",
                "--phase",
                "baseline",
                "--site",
                "Oslo",
                "--site-attr",
                "sector=school",
                "--site-attr",
                "centrality=urban",
                "--cohort",
                "2026",
                "--seed",
                "1",
                "--vignettes",
                "V2",
                "--groups-file",
                text(&groups),
            ],
            expected(text(&groups)),
        ),
        (
            vec!["agreement", "--ratings", text(&ratings)],
            expected(text(&ratings)),
        ),
        (
            vec!["rate", "import", "s", text(&ratings)],
            expected(text(&ratings)),
        ),
        (
            vec!["compare", "--scores", text(&scores)],
            expected(text(&scores)),
        ),
        (
            vec!["score", "--responses", text(&export)],
            expected(text(&export)),
        ),
        (
            vec!["report", "--power", text(&power)],
            expected(text(&power)),
        ),
    ];
    for (args, message) in cases {
        let (code, stderr) = study.run(&args, b"");
        assert_eq!(code, 1, "{args:?}: {stderr}");
        assert!(
            stderr.contains(&message),
            "{args:?}: expected `{message}` in\n{stderr}"
        );
    }
    // The answer stream reads standard input line by line.
    let mut stream = b"\n".to_vec();
    stream.extend_from_slice(BAD_LINE);
    let (code, stderr) = study.run(&["session", "answer", "s", "--stream"], &stream);
    assert_eq!(code, 1, "{stderr}");
    let message = expected("standard input");
    assert!(
        stderr.contains(&message),
        "expected `{message}` in\n{stderr}"
    );
}
