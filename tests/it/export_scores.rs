//! Scoring a session export: the levels alone (what `score --responses`
//! prints as a table or CSV) against full score cards, on a generated export.

use crate::common::generate;
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
