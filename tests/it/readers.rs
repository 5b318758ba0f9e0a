//! Every reader of a user's file reports the same fault in the same shape:
//! one line that is not valid UTF-8 is named `FILE:LINE:COLUMN: message`,
//! whichever command reads it.

use std::path::{Path, PathBuf};

use crate::common::{self, Db};

/// The fault every reader is fed: a second line whose third byte is not UTF-8.
const BAD_LINE: &[u8] = b"ab\xff\n";

/// What each reader must say about [`BAD_LINE`] in `file`.
fn expected(file: &str) -> String {
    format!("{file}:2:3: the file is not valid UTF-8 (bad byte 0xff); save it as UTF-8")
}

/// A database with session `s` (groups G1 and G2, vignette V2).
fn study() -> Db {
    let db = Db::new();
    let out = db.new_session(&["--groups", "2", "--vignettes", "V2", "--seed", "1"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    db
}

/// A file in `db`'s folder whose first line is `first` and whose second is [`BAD_LINE`].
fn bad_file(db: &Db, name: &str, first: &str) -> PathBuf {
    let path = db.dir().join(name);
    let mut bytes = format!("{first}\n").into_bytes();
    bytes.extend_from_slice(BAD_LINE);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn text(path: &Path) -> &str {
    path.to_str().unwrap()
}

#[test]
fn one_bad_line_gets_the_same_message_from_every_reader() {
    let study = study();
    let answers = bad_file(&study, "answers.json", "{\"group\": \"G1\",");
    let paper = bad_file(&study, "paper.csv", "group,vignette,prompt,value");
    let groups = bad_file(&study, "groups.csv", "group,roles");
    let ratings = bad_file(&study, "ratings.csv", "unit,rater,criterion,level");
    let scores = bad_file(
        &study,
        "scores.csv",
        "group,site,offering,phase,role,dimension,score",
    );
    let export = bad_file(&study, "export.jsonl", "");
    let power = bad_file(&study, "power.json", "{");
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
            [
                &common::NEW_SESSION[..],
                &[
                    "--seed",
                    "1",
                    "--vignettes",
                    "V2",
                    "--groups-file",
                    text(&groups),
                ],
            ]
            .concat(),
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
        let out = study.run(&args);
        assert_eq!(out.code, 1, "{args:?}: {}", out.stderr);
        assert!(
            out.stderr.contains(&message),
            "{args:?}: expected `{message}` in\n{}",
            out.stderr
        );
    }
    // The answer stream reads standard input line by line.
    let mut stream = b"\n".to_vec();
    stream.extend_from_slice(BAD_LINE);
    let out = study
        .command(&["session", "answer", "s", "--stream"])
        .run_with_stdin(stream);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let message = expected("standard input");
    assert!(
        out.stderr.contains(&message),
        "expected `{message}` in\n{}",
        out.stderr
    );
}
