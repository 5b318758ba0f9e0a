//! The scoring engine on the shipped rubrics: evidence, negation, red flags.

use std::collections::BTreeMap;

use serde_json::{Value, json};
use vignette::bank::{self, Bank, BankSource};
use vignette::scoring::{Evidence, ScoreCard, Scorer};

fn bank() -> &'static Bank {
    static BANK: std::sync::LazyLock<Bank> =
        std::sync::LazyLock::new(|| bank::load(&BankSource::Embedded).unwrap().0);
    &BANK
}

fn score(bank: &Bank, vignette: &str, language: &str, answers: Value) -> ScoreCard {
    let v = &bank.vignette(vignette).unwrap().item;
    let r = &bank.rubric_for(vignette).unwrap().item;
    let answers: BTreeMap<String, Value> = serde_json::from_value(answers).unwrap();
    Scorer::new(r, v, language).score(&answers)
}

/// What the answer's own evidence earns a criterion: its level before
/// profile rules, which read the rest of the card (these answers of a line
/// or a choice have almost none; `profile_rules_*` test those rules).
fn level(card: &ScoreCard, criterion: &str) -> u8 {
    card.criteria
        .iter()
        .find(|c| c.id == criterion)
        .unwrap_or_else(|| panic!("no {criterion}"))
        .before_profile()
}

#[test]
fn a_good_answer_earns_levels_with_evidence_spans() {
    let bank = bank();
    let answer =
        "Vi snakker med Lea alene i dag og varsler rektor samme dag. Vi lager en aktivitetsplan.";
    let card = score(
        bank,
        "V2",
        "nb",
        json!({"s1_do": answer, "s1_first_action": "talk_with_lea"}),
    );
    assert_eq!(
        level(&card, "D5_notifies_leader"),
        2,
        "{:#?}",
        card.criteria.iter().find(|c| c.id == "D5_notifies_leader")
    );
    let d5 = card
        .criteria
        .iter()
        .find(|c| c.id == "D5_notifies_leader")
        .unwrap();
    let phrase = d5.evidence.iter().find_map(|e| match e {
        Evidence::Phrase {
            start, end, text, ..
        } => Some((*start, *end, text.clone())),
        _ => None,
    });
    let (start, end, text) = phrase.expect("phrase evidence for D5");
    assert_eq!(
        answer
            .chars()
            .skip(start)
            .take(end - start)
            .collect::<String>(),
        text
    );
    assert!(card.dimensions["detection"].score > 0.0);
    assert!(card.overall > 0.0 && card.overall <= 100.0);
}

#[test]
fn negated_phrases_are_no_evidence() {
    let bank = bank();
    let positive = score(
        bank,
        "V2",
        "nb",
        json!({"s1_do": "Vi varsler rektor i dag."}),
    );
    let negative = score(
        bank,
        "V2",
        "nb",
        json!({"s1_do": "Vi ville ikke varslet rektor i dag."}),
    );
    assert!(level(&positive, "D5_notifies_leader") > 0);
    assert_eq!(level(&negative, "D5_notifies_leader"), 0);
    let d5 = negative
        .criteria
        .iter()
        .find(|c| c.id == "D5_notifies_leader")
        .unwrap();
    assert!(!d5.negated.is_empty(), "the negated phrase is reported");
    let english = score(
        bank,
        "V2",
        "en",
        json!({"s1_do": "We would not tell the principal."}),
    );
    assert_eq!(level(&english, "D5_notifies_leader"), 0);
}

#[test]
fn red_flags_cap_criteria() {
    let bank = bank();
    let card = score(
        bank,
        "V2",
        "nb",
        json!({"s1_first_action": "call_home", "s1_do": "Dette er foreldrenes ansvar, det skjedde hjemme."}),
    );
    assert!(!card.red_flags.is_empty(), "{:#?}", card.red_flags);
}

#[test]
fn an_empty_answer_scores_zero_and_reports_critical_criteria() {
    let bank = bank();
    for id in ["V1", "V2", "V3", "V4", "V5", "V6"] {
        let card = score(bank, id, "nb", json!({}));
        assert_eq!(card.overall, 0.0);
        assert!(!card.critical_missing.is_empty(), "{id}");
        assert_eq!(card.dimensions.len(), 3);
    }
}

mod cli {
    //! `vignette score` through the real binary.

    use crate::common::{Db, fixture_bank};

    /// A database and the bank to run the binary with.
    struct Run {
        db: Db,
        bank: std::path::PathBuf,
    }

    impl Run {
        fn new(bank: std::path::PathBuf) -> Run {
            Run {
                db: Db::new(),
                bank,
            }
        }

        fn run(&self, args: &[&str]) -> (i32, String, String) {
            let out = self.db.command(args).arg("--bank").arg(&self.bank).run();
            (out.code, out.stdout, out.stderr)
        }

        fn answer(&self, json: &str) {
            let path = self.db.file("a.json", json);
            let (code, _, err) =
                self.run(&["session", "answer", "s", "--file", path.to_str().unwrap()]);
            assert_eq!(code, 0, "{err}");
        }
    }

    fn fixture_session() -> Run {
        session_in(fixture_bank())
    }

    /// A session of one group answering M1, in the bank at `bank`.
    fn session_in(bank: std::path::PathBuf) -> Run {
        session_with(bank, &[])
    }

    /// The same, with more arguments to `session new`.
    fn session_with(bank: std::path::PathBuf, more: &[&str]) -> Run {
        let run = Run::new(bank);
        let mut args = vec![
            "session",
            "new",
            "--id",
            "s",
            "--study",
            "mini",
            "--offering",
            "a",
            "--phase",
            "baseline",
            "--site",
            "X",
            "--cohort",
            "1",
            "--groups",
            "1",
            "--vignettes",
            "M1",
            "--seed",
            "1",
        ];
        args.extend_from_slice(more);
        let (code, _, err) = run.run(&args);
        assert_eq!(code, 0, "{err}");
        run
    }

    #[test]
    fn explain_shows_levels_reasons_and_marked_answers() {
        let run = fixture_session();
        run.answer(r#"{"group": "G1", "vignette": "M1", "answers": {
            "s1_do": "Vi skal snakke med eleven i dag, ikke vente og se. Vi ville ikke hatt fellesmøte.",
            "s1_first": "talk", "s1_serious": 5,
            "s2_measures": ["meeting", "plan"], "s2_next": ["principal"]}}"#);
        let (code, out, err) = run.run(&["score", "s", "--explain", "G1", "M1"]);
        assert_eq!(code, 0, "{err}");
        insta::assert_snapshot!(out);
    }

    #[test]
    fn explain_says_where_a_profile_rule_moved_a_level() {
        let bank = crate::common::TempBank::copy_of(&fixture_bank());
        bank.edit_json("rubrics/M1.json", |rubric| {
            let d2 = rubric["criteria"]
                .as_array_mut()
                .unwrap()
                .iter_mut()
                .find(|c| c["id"] == "D2_talks_with_child")
                .unwrap();
            d2["evidence"]["profile"] =
                serde_json::json!([{"from": 1, "to": 0, "others_below": 0.5}]);
        });
        let run = session_in(bank.path().to_path_buf());
        run.answer(
            r#"{"group": "G1", "vignette": "M1", "answers": {
            "s1_do": "Vi skal snakke med eleven i dag.", "s1_first": "talk", "s1_serious": 5,
            "s2_measures": ["meeting", "plan"]}}"#,
        );
        let (code, out, err) = run.run(&["score", "s", "--explain", "G1", "M1"]);
        assert_eq!(code, 0, "{err}");
        assert!(
            out.contains("Snakker med barnet [kritisk, vekt 2, oppnådd i del 1]: nivå 0 av 2")
                && out.contains(
                    "↓ senket fra 1 av resten av skjemaet: de andre kriteriene på 0 % av sitt maksimum (profilregel)"
                ),
            "{out}"
        );
    }

    /// The words around the bank's texts come in the session's language:
    /// an English session's explanation is English throughout.
    #[test]
    fn explain_speaks_the_sessions_language() {
        let run = session_with(fixture_bank(), &["--lang", "en"]);
        run.answer(
            r#"{"group": "G1", "vignette": "M1", "answers": {
            "s1_do": "We will talk with the pupil today.", "s1_first": "talk", "s1_serious": 5,
            "s2_measures": ["meeting", "plan"]}}"#,
        );
        let (code, out, err) = run.run(&["score", "s", "--explain", "G1", "M1"]);
        assert_eq!(code, 0, "{err}");
        for english in [
            "· auto score, version 1",
            "(of 100)",
            "[critical, weight 2, earned at stage 1]: level ",
            "+ chose talk in s1_first → 2",
            "answers, with evidence marked [like this] and red-flag phrases {like this}",
        ] {
            assert!(out.contains(english), "no {english:?} in\n{out}");
        }
        for norwegian in ["nivå", "vekt", "valgte", "svarene", "Avdekke"] {
            assert!(!out.contains(norwegian), "{norwegian:?} in\n{out}");
        }
    }

    #[test]
    fn rescoring_stores_a_new_version_and_shows_what_changed() {
        let run = fixture_session();
        run.answer(r#"{"group": "G1", "vignette": "M1", "answers": {"s1_do": "Vi har inspeksjon i friminuttene."}}"#);
        let (_, first, _) = run.run(&["score", "s", "--format", "json"]);
        let first: serde_json::Value = serde_json::from_str(&first).unwrap();
        assert_eq!(first[0]["status"], "new");
        assert_eq!(first[0]["version"], 1);
        // Same answers, same rubric: nothing new.
        let (_, again, _) = run.run(&["score", "s", "--format", "json"]);
        let again: serde_json::Value = serde_json::from_str(&again).unwrap();
        assert_eq!(again[0]["status"], "unchanged");
        assert_eq!(again[0]["version"], 1);
        // A revised answer: version 2, with the change named.
        run.answer(r#"{"group": "G1", "vignette": "M1", "answers": {"s1_do": "Vi skal snakke med eleven."}}"#);
        let (_, text, _) = run.run(&["score", "s"]);
        assert!(
            text.contains("rescored G1 M1: P4_supervision 2→0, D2_talks_with_child 0→2"),
            "{text}"
        );
        let (_, json, _) = run.run(&["score", "s", "--format", "json"]);
        let json: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(json[0]["version"], 2);
    }
}

mod property {
    //! Arbitrary answer text never makes the scorer panic, and levels stay in range.

    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

        #[test]
        fn any_text_scores_without_panicking(
            text in "(\\PC|[–—’´`\\n ]|ikke |not |varsl|rektor|aktivitetsplan){0,80}",
            vignette in prop::sample::select(vec!["V1", "V2", "V3", "V4", "V5", "V6"]),
            language in prop::sample::select(vec!["nb", "en"]),
        ) {
            let bank = bank();
            let v = &bank.vignette(vignette).unwrap().item;
            let answers: Value = v.stages.iter().flat_map(|s| &s.prompts)
                .filter(|p| p.kind.name() == "text")
                .map(|p| (p.id.clone(), Value::String(text.clone())))
                .collect::<serde_json::Map<_, _>>()
                .into();
            let card = score(bank, vignette, language, answers);
            for c in &card.criteria {
                prop_assert!(c.level <= c.max_level);
                for e in &c.evidence {
                    if let Evidence::Phrase { start, end, text: found, .. } = e {
                        let span: String = text.chars().skip(*start).take(end - start).collect();
                        prop_assert_eq!(&span, found);
                    }
                }
            }
            prop_assert!((0.0..=100.0).contains(&card.overall));
        }
    }
}

#[test]
fn nynorsk_answers_match_the_nynorsk_and_the_bokmal_phrases() {
    let bank = bank();
    // "seie frå til rektor" is only in the nn list, "sier fra til rektor"
    // only in the nb list; groups writing nynorsk mix the two forms.
    for (language, answer) in [
        ("nn", "Vi må seie frå til rektor i dag."),
        ("nn", "Vi sier fra til rektor i dag."),
        ("nb", "Vi må seie frå til rektor i dag."),
    ] {
        let card = score(bank, "V2", language, json!({ "s1_do": answer }));
        assert_eq!(
            level(&card, "D5_notifies_leader"),
            2,
            "{language}: {answer}"
        );
    }
    let card = score(
        bank,
        "V2",
        "en",
        json!({ "s1_do": "Vi må seie frå til rektor i dag." }),
    );
    assert_eq!(
        level(&card, "D5_notifies_leader"),
        0,
        "English answers use the en list"
    );
}

#[test]
fn a_criterion_says_the_earliest_stage_that_earned_it() {
    let bank = bank();
    let late = "Vi varsler rektor samme dag.";
    let card = score(bank, "V2", "nb", json!({ "s3_do": late }));
    let d5 = card
        .criteria
        .iter()
        .find(|c| c.id == "D5_notifies_leader")
        .unwrap();
    assert_eq!(
        (d5.before_profile(), d5.stage),
        (2, Some(3)),
        "only after the story told more"
    );
    assert!(d5.evidence.iter().all(|e| e.stage() == 3));
    let card = score(bank, "V2", "nb", json!({ "s1_do": late, "s3_do": late }));
    let d5 = card
        .criteria
        .iter()
        .find(|c| c.id == "D5_notifies_leader")
        .unwrap();
    assert_eq!(d5.stage, Some(1), "unprompted, at the first stage");
    let nothing = card
        .criteria
        .iter()
        .find(|c| c.level == 0 && c.earned == 0)
        .unwrap();
    assert_eq!(nothing.stage, None);
}

mod from_bank {
    use crate::common::{Db, NEW_SESSION, TempBank};

    /// A bank with V99, a copy of V2 under another id.
    fn bank_with_v99() -> TempBank {
        let bank = TempBank::shipped();
        for kind in ["vignettes", "rubrics"] {
            let mut value: serde_json::Value =
                serde_json::from_str(&bank.read(&format!("{kind}/V2.json"))).unwrap();
            value["id"] = "V99".into();
            if kind == "rubrics" {
                value["vignette"] = "V99".into();
            }
            bank.write(&format!("{kind}/V99.json"), value.to_string());
        }
        bank.edit_json("studies/inkluderende-miljo.json", |study| {
            study["vignettes"]
                .as_array_mut()
                .unwrap()
                .push("V99".into());
        });
        bank
    }

    #[test]
    fn rescoring_a_case_from_another_bank_says_to_give_that_bank() {
        let bank = bank_with_v99();
        let db = Db::new();
        let path = bank.path().to_str().unwrap();
        let mut args = NEW_SESSION.to_vec();
        args.extend([
            "--groups",
            "1",
            "--vignettes",
            "V99",
            "--seed",
            "1",
            "--bank",
            path,
        ]);
        let out = db.run(&args);
        assert_eq!(out.code, 0, "{}", out.stderr);
        let out = db.run(&["score", "s", "--rubric-from-bank"]);
        assert_eq!(out.code, 2);
        assert!(out.stderr.contains("no rubric for `V99`"), "{}", out.stderr);
        assert!(
            out.stderr.contains("give that bank with --bank DIR"),
            "{}",
            out.stderr
        );
        let out = db.run(&["score", "s", "--rubric-from-bank", "--bank", path]);
        assert_eq!(out.code, 0, "{}", out.stderr);
    }
}

mod profile_rules {
    //! Profile rules: a criterion read against the rest of the card, on a
    //! copy of the shipped V2 whose rules the test sets.

    use std::collections::BTreeMap;

    use serde_json::{Value, json};
    use vignette::bank::{self, Bank, BankSource};
    use vignette::scoring::{Answer, CriterionScore, ScoreCard, Scorer, Scratch};

    use crate::common::TempBank;

    /// The shipped bank with V2's profile rules replaced: D1's by `d1`,
    /// D5's by `d5`, every other criterion's removed.
    fn bank_with(d1: Value, d5: Value) -> Bank {
        let temp = TempBank::shipped();
        temp.edit_json("rubrics/V2.json", |rubric| {
            for c in rubric["criteria"].as_array_mut().unwrap() {
                let rules = match c["id"].as_str().unwrap() {
                    "D1_takes_signal_seriously" => d1.clone(),
                    "D5_notifies_leader" => d5.clone(),
                    _ => json!([]),
                };
                c["evidence"]["profile"] = rules;
            }
        });
        bank::load(&BankSource::Dir(temp.path().to_path_buf()))
            .unwrap()
            .0
    }

    /// The card, checked against the fast path's levels.
    fn score(bank: &Bank, answers: Value) -> ScoreCard {
        let v = &bank.vignette("V2").unwrap().item;
        let r = &bank.rubric_for("V2").unwrap().item;
        let answers: BTreeMap<String, Value> = serde_json::from_value(answers).unwrap();
        let scorer = Scorer::new(r, v, "nb");
        let card = scorer.score(&answers);
        let pairs: Vec<(&str, Answer)> = answers
            .iter()
            .map(|(p, v)| (p.as_str(), Answer::Json(v)))
            .collect();
        let fast = scorer.levels(&pairs, &mut Scratch::default());
        let levels: Vec<u8> = card.criteria.iter().map(|c| c.level).collect();
        assert_eq!(
            fast.criteria, levels,
            "the fast path applies the same rules"
        );
        card
    }

    fn criterion<'c>(card: &'c ScoreCard, id: &str) -> &'c CriterionScore {
        card.criteria.iter().find(|c| c.id == id).unwrap()
    }

    /// The other criteria's levels before profile rules, each over its maximum, averaged.
    fn others(card: &ScoreCard, id: &str) -> f64 {
        let rest: Vec<f64> = card
            .criteria
            .iter()
            .filter(|c| c.id != id)
            .map(|c| f64::from(c.before_profile()) / f64::from(c.max_level))
            .collect();
        rest.iter().sum::<f64>() / rest.len() as f64
    }

    /// Seriousness 5 earns D1 level 1; talking with Lea, mapping, talking
    /// with each pupil and continuing the plan earn four others level 2.
    fn strong_rest() -> Value {
        json!({
            "s1_seriousness": 5,
            "s1_first_action": "talk_with_lea",
            "s3_next_steps": ["mapping", "talk_each_pupil", "continue_plan"],
        })
    }

    #[test]
    fn a_strong_rest_of_the_card_raises_a_criterion_one_level() {
        let bank = bank_with(
            json!([{"from": 1, "to": 2, "others_at_least": 0.2}]),
            json!([]),
        );
        let card = score(&bank, strong_rest());
        let d1 = criterion(&card, "D1_takes_signal_seriously");
        let rest = others(&card, &d1.id);
        assert!(rest >= 0.2, "the rest of the card: {rest}");
        assert_eq!((d1.earned, d1.level), (1, 2), "{d1:#?}");
        let moved = d1.profile.expect("the move is on the card");
        assert_eq!((moved.from, moved.others), (1, rest));
        let bank = bank_with(
            json!([{"from": 1, "to": 2, "others_at_least": 0.9}]),
            json!([]),
        );
        let d1 = criterion(&score(&bank, strong_rest()), "D1_takes_signal_seriously").clone();
        assert_eq!(
            (d1.level, d1.profile),
            (1, None),
            "the rest is not strong enough"
        );
    }

    #[test]
    fn a_red_flag_on_the_criterion_holds_a_raise() {
        let bank = bank_with(
            json!([{"from": 1, "to": 2, "others_at_least": 0.2}]),
            json!([]),
        );
        let mut answers = strong_rest();
        // "leave it to the chat's owners" raises RF_outside_school, which caps D1 at 1.
        answers["s3_next_steps"]
            .as_array_mut()
            .unwrap()
            .push("leave_chat".into());
        let card = score(&bank, answers);
        assert!(card.red_flags.iter().any(|f| f.id == "RF_outside_school"));
        let d1 = criterion(&card, "D1_takes_signal_seriously");
        assert!(others(&card, &d1.id) >= 0.2);
        assert_eq!((d1.level, d1.profile), (1, None), "{d1:#?}");
    }

    #[test]
    fn a_weak_rest_of_the_card_lowers_a_lone_level() {
        let bank = bank_with(
            json!([]),
            json!([{"from": 2, "to": 1, "others_below": 0.5}]),
        );
        let card = score(&bank, json!({"s1_do": "Vi varsler rektor i dag."}));
        let d5 = criterion(&card, "D5_notifies_leader");
        assert_eq!((d5.earned, d5.before_profile(), d5.level), (2, 2, 1));
        assert_eq!(d5.profile.unwrap().from, 2);
        // The dimension score follows the moved level.
        let unmoved = bank_with(json!([]), json!([]));
        let before = score(&unmoved, json!({"s1_do": "Vi varsler rektor i dag."}));
        assert!(card.dimensions["detection"].score < before.dimensions["detection"].score);
    }
}
