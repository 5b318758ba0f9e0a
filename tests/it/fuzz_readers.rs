//! A fuzzing harness for every reader of a user's file, run by CI for a
//! bounded number of cases: each reader is fed its corpus
//! (`tests/fixtures/fuzz/`, real files of its format) mutated at random and
//! must never panic; every problem it reports names the file and a line.
//! Bank files have their own harness (`mutations.rs`).
//!
//! Run it longer with `PROPTEST_CASES=100000 cargo test --test it fuzz_readers`.

use std::io::Cursor;

use proptest::prelude::*;
use vignette::input::{self, Problem, Stream};

use crate::common::repo;

/// A change to the bytes of a file.
#[derive(Debug, Clone)]
enum Mutation {
    Truncate(prop::sample::Index),
    SetByte(prop::sample::Index, u8),
    InsertBytes(prop::sample::Index, Vec<u8>),
    DeleteRange(prop::sample::Index, usize),
    DuplicateRange(prop::sample::Index, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let interesting = prop_oneof![
        any::<u8>().prop_map(|b| vec![b]),
        Just(b"\"".to_vec()),
        Just(b",".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"\r\n".to_vec()),
        Just(b"\xef\xbb\xbf".to_vec()),
        Just(b"\xff\xfe".to_vec()),
        Just(b"{\"a\":1,\"a\":2}".to_vec()),
        Just(b"99999999999999999999999".to_vec()),
        Just(b"-1".to_vec()),
        Just("æøå\u{2028}\u{0}".as_bytes().to_vec()),
    ];
    prop_oneof![
        any::<prop::sample::Index>().prop_map(Mutation::Truncate),
        (any::<prop::sample::Index>(), any::<u8>()).prop_map(|(i, b)| Mutation::SetByte(i, b)),
        (any::<prop::sample::Index>(), interesting).prop_map(|(i, b)| Mutation::InsertBytes(i, b)),
        (any::<prop::sample::Index>(), 1usize..40).prop_map(|(i, n)| Mutation::DeleteRange(i, n)),
        (any::<prop::sample::Index>(), 1usize..200)
            .prop_map(|(i, n)| Mutation::DuplicateRange(i, n)),
    ]
}

fn apply(bytes: &[u8], mutations: &[Mutation]) -> Vec<u8> {
    let mut out = bytes.to_vec();
    for m in mutations {
        let at = |i: &prop::sample::Index, len: usize| if len == 0 { 0 } else { i.index(len) };
        match m {
            Mutation::Truncate(i) => out.truncate(at(i, out.len() + 1)),
            Mutation::SetByte(i, b) if !out.is_empty() => {
                let k = at(i, out.len());
                out[k] = *b;
            }
            Mutation::SetByte(..) => {}
            Mutation::InsertBytes(i, b) => {
                let k = at(i, out.len() + 1);
                out.splice(k..k, b.iter().copied());
            }
            Mutation::DeleteRange(i, n) => {
                let k = at(i, out.len() + 1);
                let end = (k + n).min(out.len());
                out.drain(k..end);
            }
            Mutation::DuplicateRange(i, n) => {
                let k = at(i, out.len() + 1);
                let end = (k + n).min(out.len());
                let copy: Vec<u8> = out[k..end].to_vec();
                out.splice(end..end, copy);
            }
        }
    }
    out
}

/// The readers, each with its corpus file.
const READERS: [&str; 7] = [
    "answer-file.json",
    "import.csv",
    "groups.csv",
    "ratings.csv",
    "scores.csv",
    "export.jsonl",
    "stream.jsonl",
];

/// Feeds `bytes` to the reader of `corpus`; the problems it reports.
fn read(corpus: &str, bytes: &[u8]) -> Vec<Problem> {
    let name = corpus;
    match corpus {
        "answer-file.json" => input::parse_answer_file(name, bytes)
            .err()
            .unwrap_or_default(),
        "import.csv" => input::parse_import_csv(name, bytes)
            .err()
            .unwrap_or_default(),
        "groups.csv" => input::parse_groups_csv(name, bytes)
            .err()
            .unwrap_or_default(),
        "ratings.csv" => input::parse_ratings_csv(name, bytes)
            .err()
            .unwrap_or_default(),
        "scores.csv" => input::read_scores_csv(name, bytes)
            .err()
            .unwrap_or_default(),
        "export.jsonl" => match vignette::scoring::parse_responses(name, bytes) {
            Ok(_) => Vec::new(),
            Err(vignette::session::SessionError::Answers { problems, .. }) => problems,
            // Other refusals (an unknown vignette, …) are named by their message.
            Err(_) => Vec::new(),
        },
        _ => Stream::new(Cursor::new(bytes), name)
            .filter_map(Result::err)
            .collect(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: crate::common::fuzz_cases(1024), ..ProptestConfig::default() })]

    #[test]
    fn a_mutated_file_never_panics_a_reader_and_its_problems_name_a_line(
        corpus in prop::sample::select(&READERS[..]),
        mutations in prop::collection::vec(mutation(), 1..4),
    ) {
        let original = std::fs::read(repo().join("tests/fixtures/fuzz").join(corpus)).unwrap();
        let mutated = apply(&original, &mutations);
        for problem in read(corpus, &mutated) {
            prop_assert_eq!(&problem.file, corpus);
            prop_assert!(
                problem.line.is_some() || !problem.pointer.is_empty() || !problem.message.is_empty(),
                "{problem:?}"
            );
            prop_assert!(problem.line.is_none_or(|l| l >= 1), "{problem:?}");
        }
    }
}

#[test]
fn the_corpus_reads_without_problems() {
    for corpus in READERS {
        let bytes = std::fs::read(repo().join("tests/fixtures/fuzz").join(corpus)).unwrap();
        assert_eq!(read(corpus, &bytes), Vec::new(), "{corpus}");
    }
}
