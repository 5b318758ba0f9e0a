//! The shipped instrument as a researcher needs it: ten cases, at least
//! four per sector, in bokmål, nynorsk and English; every criterion scored by
//! two cases of each sector; prevention asked for last in every case; and
//! the corrections found in review.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};
use vignette::bank::{self, Bank, BankSource};
use vignette::scoring::{ScoreCard, Scorer};

use crate::common::vignette;

fn bank() -> Bank {
    bank::load(&BankSource::Embedded).unwrap().0
}

fn score(bank: &Bank, id: &str, answers: Value) -> ScoreCard {
    let v = &bank.vignette(id).unwrap().item;
    let r = &bank.rubric_for(id).unwrap().item;
    let answers: BTreeMap<String, Value> = serde_json::from_value(answers).unwrap();
    Scorer::new(r, v, "nb").score(&answers)
}

/// What the answer's own evidence earns a criterion: its level before
/// profile rules, which read the rest of the card (these answers of a line
/// or a choice have almost none; `profile_rules_*` test those rules).
fn level(card: &ScoreCard, prefix: &str) -> u8 {
    card.criteria
        .iter()
        .find(|c| c.id.starts_with(prefix))
        .unwrap_or_else(|| panic!("no {prefix}"))
        .before_profile()
}

#[test]
fn list_shows_ten_cases_at_least_four_per_sector_in_three_languages() {
    let out = vignette(["list", "--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let list: Vec<Value> = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(list.len(), 10);
    let mut per_sector: BTreeMap<String, usize> = BTreeMap::new();
    for item in &list {
        assert_eq!(item["languages"], json!(["nb", "nn", "en"]), "{item}");
        *per_sector
            .entry(item["sector"].as_str().unwrap().to_string())
            .or_default() += 1;
    }
    assert!(
        per_sector["kindergarten"] >= 4 && per_sector["school"] >= 4,
        "{per_sector:?}"
    );
}

#[test]
fn every_criterion_is_scored_by_two_cases_of_each_sector() {
    let bank = bank();
    // Criterion kind (P1 … H8) → sector → cases.
    let mut cases: BTreeMap<String, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
    for entry in &bank.vignettes {
        let v = &entry.item;
        for c in &bank.rubric_for(&v.id).unwrap().item.criteria {
            let kind = c.id.split('_').next().unwrap().to_string();
            cases
                .entry(kind)
                .or_default()
                .entry(v.sector.clone())
                .or_default()
                .insert(v.id.clone());
        }
    }
    let kinds: Vec<String> = (1..=7)
        .map(|i| format!("P{i}"))
        .chain((1..=6).map(|i| format!("D{i}")))
        .chain((1..=8).map(|i| format!("H{i}")))
        .collect();
    for kind in kinds {
        for sector in ["kindergarten", "school"] {
            let n = cases
                .get(&kind)
                .and_then(|s| s.get(sector))
                .map_or(0, BTreeSet::len);
            assert!(n >= 2, "{kind} is scored by {n} {sector} case(s)");
        }
    }
}

#[test]
fn every_case_asks_last_what_would_prevent_it_and_scores_prevention_from_it() {
    let bank = bank();
    for entry in &bank.vignettes {
        let v = &entry.item;
        let last = v.stages.last().unwrap();
        let prompt = last.prompts.iter().find(|p| p.id == "s3_prevent");
        assert!(prompt.is_some(), "{}: the last stage asks s3_prevent", v.id);
        let card = score(&bank, &v.id, json!({}));
        let empty = card.dimensions["prevention"].score;
        let answer = "Vi ville hatt klassemøter og vennskapsarbeid der barna og elevene er med \
                      og lager reglene, og vi ville ha et foreldremøte om dette. Vi gjennomgår \
                      rutinen for varsling på et personalmøte, så alle ansatte vet hva de skal gjøre.";
        let card = score(&bank, &v.id, json!({ "s3_prevent": answer }));
        assert!(
            card.dimensions["prevention"].score > empty,
            "{}: a prevention answer in s3_prevent moves the prevention score",
            v.id
        );
    }
}

#[test]
fn v6_the_county_governor_is_no_route_and_the_owner_counts_once() {
    let bank = bank();
    let card = score(&bank, "V6", json!({ "s3_who_to_go_to": "county_governor" }));
    assert_eq!(
        level(&card, "H7"),
        0,
        "no county-governor route for one kindergarten case"
    );
    assert!(card.red_flags.iter().any(|f| f.id == "RF_wrong_authority"));
    let card = score(&bank, "V6", json!({ "s3_who_to_go_to": "owner_direct" }));
    assert_eq!(level(&card, "H7"), 2);
    assert_eq!(
        level(&card, "D5"),
        0,
        "one choice is not credited on two critical criteria"
    );
}

/// Every text a participant or rater reads, per language, of every case
/// and rubric file.
fn texts(language: &str) -> String {
    let mut all = String::new();
    for kind in ["vignettes", "rubrics"] {
        for i in 1..=10 {
            let path = crate::common::repo().join(format!("{kind}/V{i}.json"));
            let value: Value =
                serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
            collect(&value, language, &mut all);
        }
    }
    all
}

fn collect(value: &Value, language: &str, out: &mut String) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                match inner {
                    Value::String(s) if key == language => {
                        out.push_str(s);
                        out.push('\n');
                    }
                    // Phrase lists are evidence, not text anyone reads.
                    _ if key == "terms" => {}
                    _ => collect(inner, language, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|i| collect(i, language, out)),
        _ => {}
    }
}

#[test]
fn the_corrections_found_in_review_are_in_the_bank() {
    let nb = texts("nb");
    for (wrong, right) in [
        ("Ida & Sofie", "Ida og Sofie"),
        ("medelever herme ", "hermer"),
        ("forteller fra hjemme", "hjemmefra"),
        (
            "konfrontasjonen med kollegaen ikke",
            "tar ikke konfrontasjonen",
        ),
        ("inspektører i friminutt", "inspeksjon"),
    ] {
        assert!(!nb.contains(wrong), "bokmål still has `{wrong}`");
        assert!(nb.contains(right), "bokmål lacks `{right}`");
    }
    let nn = texts("nn");
    for wrong in ["strykar fråværet", "prove det"] {
        assert!(!nn.contains(wrong), "nynorsk still has `{wrong}`");
    }
    let en = texts("en");
    // One form of who/whom in questions to the group: "who" ("by whom" stays).
    for wrong in [
        "contact teacher",
        "department",
        "Whom ",
        "whom do you",
        "extra Norwegian tuition",
    ] {
        assert!(!en.contains(wrong), "English still has `{wrong}`");
    }
    assert!(en.contains("class teacher"));
}

#[test]
fn a_leaders_voice_earns_what_the_same_action_earns() {
    let bank = bank();
    for (vignette, answer, criterion) in [
        (
            "V4",
            "Som rektor ville jeg varslet skoleeier samme dag.",
            "H7",
        ),
        (
            "V3",
            "Jeg som rektor vil at dere varsler meg med en gang.",
            "D5",
        ),
        ("V6", "Som styrer ville jeg varslet eieren.", "H7"),
    ] {
        let card = score(&bank, vignette, json!({ "s1_do": answer }));
        assert!(
            level(&card, criterion) >= 1,
            "{vignette} `{answer}`: {criterion}"
        );
    }
}
