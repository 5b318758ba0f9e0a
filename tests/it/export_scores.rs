//! Scoring a session export: the levels alone (what `score --responses`
//! prints as a table or CSV) against full score cards, on a generated export.

use crate::common::{self, generate};
use vignette::bank::{self, BankSource};
use vignette::scoring::Responses;

#[test]
fn levels_alone_equal_the_score_cards_on_a_generated_export() {
    let (bank, _) = bank::load(&BankSource::Embedded).unwrap();
    let mut file = Vec::new();
    generate::generate(&bank, 20_000, 7, &mut file).unwrap();
    let export = Responses::read(&bank, "export.jsonl", &file).unwrap();
    let levels = export.levels();
    let scored = export.scored(0..export.len());
    assert!(scored.len() > 1000, "only {} units", scored.len());
    let flagged = levels.iter().filter(|l| !l.red_flags.is_empty()).count();
    assert!(flagged > 0, "no red flags raised: a weak test");
    for (i, (levels, scored)) in levels.iter().zip(&scored).enumerate() {
        assert_eq!(export.summary(i, levels), scored.summary(), "unit {i}");
    }
}

/// A generated export of `lines` lines (over one megabyte, the size of a
/// chunk read on its own, from a thousand lines) and its first line as JSON.
fn generated(lines: usize) -> (Vec<u8>, serde_json::Value) {
    let (bank, _) = bank::load(&BankSource::Embedded).unwrap();
    let mut file = Vec::new();
    generate::generate(&bank, lines, 11, &mut file).unwrap();
    let first = file.split(|&b| b == b'\n').next().unwrap();
    let first = serde_json::from_slice(first).unwrap();
    (file, first)
}

/// `line` with `changes` made, appended to `file` as one more line.
fn append(file: &mut Vec<u8>, line: &serde_json::Value, changes: &[(&str, serde_json::Value)]) {
    let mut line = line.clone();
    for (key, value) in changes {
        line[*key] = value.clone();
    }
    file.extend_from_slice(line.to_string().as_bytes());
    file.push(b'\n');
}

#[test]
fn summaries_equal_each_units_summary() {
    let (bank, _) = bank::load(&BankSource::Embedded).unwrap();
    let (file, _) = generated(5_000);
    let export = Responses::read(&bank, "export.jsonl", &file).unwrap();
    let levels = export.levels();
    let summaries: Vec<_> = export.summaries(&levels).collect();
    assert_eq!(summaries.len(), export.len());
    for (i, summary) in summaries.iter().enumerate() {
        assert_eq!(*summary, export.summary(i, &levels[i]), "unit {i}");
    }
}

/// A unit read in two chunks takes the language of its first line, and is
/// scored with the rubric compiled for that language.
#[test]
fn a_unit_whose_later_line_has_another_language_keeps_its_first() {
    let (bank, _) = bank::load(&BankSource::Embedded).unwrap();
    let (mut file, first) = generated(5_000);
    assert!(file.len() > 2 << 20, "the file must span chunks");
    // The first line's unit, answered again at the end in a language no other line has.
    let other = if first["language"] == "nn" {
        "en"
    } else {
        "nn"
    };
    append(
        &mut file,
        &first,
        &[
            ("language", other.into()),
            ("revision", (first["revision"].as_u64().unwrap() + 1).into()),
        ],
    );
    let export = Responses::read(&bank, "export.jsonl", &file).unwrap();
    let group = format!(
        "{}/{}",
        first["session"].as_str().unwrap(),
        first["group"].as_str().unwrap()
    );
    let vignette = first["vignette"].as_str().unwrap();
    let i = (0..export.len())
        .find(|&i| export.unit(i) == (group.clone(), vignette))
        .unwrap();
    let levels = export.levels();
    let summary = export.summary(i, &levels[i]);
    assert_eq!(summary.language, first["language"].as_str().unwrap());
    let card = &export.scored(i..i + 1)[0];
    assert_eq!(card.language, summary.language);
    assert_eq!(card.summary(), summary);
}

/// `score --responses` on an export with two vignettes the bank lacks names
/// the first in unit order (units sort by session, group and vignette).
#[test]
fn a_vignette_the_bank_lacks_is_named_first_in_unit_order() {
    let (mut file, first) = generated(2_000);
    // V98 sorts first by name, V99 by unit (its session "A" before the others).
    append(&mut file, &first, &[("vignette", "V98".into())]);
    append(
        &mut file,
        &first,
        &[("vignette", "V99".into()), ("session", "A".into())],
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("export.jsonl");
    std::fs::write(&path, &file).unwrap();
    let out = common::vignette(["score".as_ref(), "--responses".as_ref(), path.as_os_str()]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr.contains("export.jsonl")
            && out
                .stderr
                .contains("the bank has no vignette and rubric `V99`"),
        "{}",
        out.stderr
    );
}

/// `score --responses FILE --explain` explains a unit in its own language,
/// with the dimensions named as the bank's study labels them.
#[test]
fn an_export_unit_is_explained_in_its_language() {
    let (mut file, first) = generated(200);
    for (language, words) in [
        ("nb", ["Forebygge", "samlet", "nivå"]),
        ("en", ["Prevention", "overall", "level"]),
    ] {
        let session = format!("explained-{language}");
        append(
            &mut file,
            &first,
            &[
                ("session", session.clone().into()),
                ("language", language.into()),
            ],
        );
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("export.jsonl");
        std::fs::write(&path, &file).unwrap();
        let unit = format!("{session}/{}", first["group"].as_str().unwrap());
        let out = common::vignette([
            "score".as_ref(),
            "--responses".as_ref(),
            path.as_os_str(),
            "--explain".as_ref(),
            unit.as_ref(),
            first["vignette"].as_str().unwrap().as_ref(),
        ]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        for word in words {
            assert!(
                out.stdout.contains(word),
                "{language}: no {word:?} in\n{}",
                out.stdout
            );
        }
    }
}
