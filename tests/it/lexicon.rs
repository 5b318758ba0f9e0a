//! The bank's shared lexicon (`lexicons/`): rubric terms `@name` stand for
//! an entry's phrases; unknown names, thin nynorsk lists and pinned rubrics.

use vignette::bank::{self, BankSource, Rubric};

use crate::common::{TempBank, vignette};

fn validate(bank: &TempBank) -> crate::common::Output {
    vignette(["validate", "--bank", bank.path().to_str().unwrap()])
}

#[test]
fn the_shipped_bank_shares_phrases_through_its_lexicon() {
    let out = validate(&TempBank::shipped());
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(
        out.stdout.ends_with("valid: 0 error(s), 0 warning(s)\n"),
        "{}",
        out.stdout
    );
}

#[test]
fn an_unknown_entry_is_an_error_at_its_place_with_the_name_meant() {
    let bank = TempBank::shipped();
    bank.edit_json("rubrics/V2.json", |rubric| {
        rubric["criteria"][0]["evidence"]["phrases"][0]["terms"]["nb"][0] = "@notfy".into();
    });
    let out = validate(&bank);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(
        out.stdout.contains(
            "at /criteria/0/evidence/phrases/0/terms/nb/0: `@notfy` names no lexicon entry; \
             did you mean `@notify`?"
        ),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("error: rubrics/V2.json:"),
        "{}",
        out.stdout
    );
}

#[test]
fn a_nynorsk_list_thinner_than_bokmal_is_a_warning() {
    let bank = TempBank::shipped();
    bank.edit_json("lexicons/shared.json", |lexicon| {
        let nn = lexicon["entries"]["school_leader"]["nn"]
            .as_array_mut()
            .unwrap();
        nn.truncate(3);
    });
    let out = validate(&bank);
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(
        out.stdout.contains("lexicons/shared.json:",)
            && out
                .stdout
                .contains("at /entries/school_leader/nn: 3 nynorsk phrases against 11 in bokmål"),
        "{}",
        out.stdout
    );
}

#[test]
fn a_rubric_is_pinned_with_its_references_written_out() {
    let temp = TempBank::shipped();
    let (loaded, report) = bank::load(&BankSource::Dir(temp.path().to_path_buf())).unwrap();
    assert!(report.is_valid());
    let rubric = loaded.rubric_for("V2").unwrap();
    assert!(rubric.file_text.contains("\"@school_leader\""));
    assert!(
        !rubric.text.contains("\"@"),
        "the pinned text names no entry"
    );
    let pinned: Rubric = serde_json::from_str(&rubric.text).unwrap();
    assert_eq!(
        pinned, rubric.item,
        "the pinned text is the rubric that scores"
    );
    let d5 = pinned
        .criteria
        .iter()
        .find(|c| c.id.starts_with("D5"))
        .unwrap();
    assert!(
        d5.evidence
            .phrases
            .iter()
            .any(|rule| rule.terms["nb"].iter().any(|t| t == "rektor")
                && rule
                    .with
                    .as_ref()
                    .is_some_and(|w| w["nb"].iter().any(|t| t == "varsle"))),
        "the entries' phrases are in the pinned rubric"
    );
}
