//! Parallel forms: a site meets new cases at a later phase, the starting
//! form is balanced across sites, compare warns when offerings answered
//! different forms, and validate checks the forms.

use std::collections::BTreeSet;
use std::fmt::Write;

use serde_json::{Value, json};

use crate::common::{Db, TempBank};

/// The shipped bank with two forms in the default study: A = V1, V2, V3 and
/// B = V6, V4, V5 (one kindergarten and two school cases each), baseline
/// and midpoint on a site's first form and endpoint on the other.
fn bank_with_forms() -> TempBank {
    let bank = TempBank::shipped();
    bank.edit_json("studies/inkluderende-miljo.json", |study| {
        study["form_rotation"] = json!([0, 0, 1]);
        study["forms"] = json!([
            {"id": "A", "label": {"nb": "Form A", "en": "Form A"}, "vignettes": ["V1", "V2", "V3"]},
            {"id": "B", "label": {"nb": "Form B", "en": "Form B"}, "vignettes": ["V6", "V4", "V5"]}
        ]);
    });
    bank
}

/// Creates a session of `site` at `phase` drawing 2 cases per group, and
/// returns its stored design.
fn session(db: &Db, bank: &TempBank, site: &str, sector: &str, phase: &str, seed: u64) -> Value {
    let id = format!("{site}-{phase}");
    let seed = seed.to_string();
    let args = [
        "session",
        "new",
        "--id",
        &id,
        "--offering",
        "nettbasert",
        "--phase",
        phase,
        "--site",
        site,
        "--site-attr",
        &format!("sector={sector}"),
        "--site-attr",
        "centrality=rural",
        "--cohort",
        "2026",
        "--groups",
        "4",
        "--per-group",
        "2",
        "--seed",
        &seed,
    ];
    let out = db.command(&args).arg("--bank").arg(bank.path()).run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("form "),
        "session new names the form: {}",
        out.stdout
    );
    let design = db
        .command(&["session", "design", &id, "--format", "json"])
        .ok();
    serde_json::from_str(&design).unwrap()
}

fn cases(design: &Value) -> BTreeSet<String> {
    design["groups"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| g["vignettes"].as_array().unwrap())
        .map(|v| v["vignette"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn sites_take_the_other_form_later_and_starts_are_balanced() {
    let bank = bank_with_forms();
    let db = Db::new();
    let sites = ["s1", "s2", "s3", "s4"];
    let mut starts = Vec::new();
    for (seed, site) in sites.iter().enumerate() {
        let baseline = session(&db, &bank, site, "school", "baseline", seed as u64);
        let form = baseline["form"]["form"].as_str().unwrap().to_string();
        let school: BTreeSet<String> = if form == "A" {
            ["V2", "V3"].map(String::from).into()
        } else {
            ["V4", "V5"].map(String::from).into()
        };
        assert_eq!(
            cases(&baseline),
            school,
            "{site} gets the school cases of form {form}"
        );
        let endpoint = session(&db, &bank, site, "school", "endpoint", 99);
        let later = endpoint["form"]["form"].as_str().unwrap();
        assert_ne!(later, form, "{site} meets new cases at endpoint");
        assert_eq!(endpoint["form"]["chosen"], "site");
        assert!(cases(&baseline).is_disjoint(&cases(&endpoint)));
        starts.push(form);
    }
    let a = starts.iter().filter(|f| *f == "A").count();
    assert_eq!(a, 2, "half the sites start with A: {starts:?}");
    let text = db.command(&["session", "design", "s1-endpoint"]).ok();
    assert!(
        text.contains("continuing the site's earlier sessions"),
        "{text}"
    );
}

#[test]
fn a_kindergarten_site_gets_the_kindergarten_case_of_its_form() {
    let bank = bank_with_forms();
    let db = Db::new();
    let args = [
        "session",
        "new",
        "--id",
        "k",
        "--offering",
        "nettbasert",
        "--phase",
        "baseline",
        "--site",
        "k",
        "--site-attr",
        "sector=kindergarten",
        "--site-attr",
        "centrality=rural",
        "--cohort",
        "2026",
        "--groups",
        "2",
        "--per-group",
        "2",
        "--seed",
        "1",
    ];
    let out = db.command(&args).arg("--bank").arg(bank.path()).run();
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert!(
        out.stderr.contains("but form `") && out.stderr.contains("expected at most 1"),
        "{}",
        out.stderr
    );
    let mut one = args.to_vec();
    let per_group = one.len() - 3;
    one[per_group] = "1";
    let out = db.command(&one).arg("--bank").arg(bank.path()).run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let design: Value = serde_json::from_str(
        &db.command(&["session", "design", "k", "--format", "json"])
            .ok(),
    )
    .unwrap();
    let form = design["form"]["form"].as_str().unwrap();
    let expected = if form == "A" { "V1" } else { "V6" };
    assert_eq!(cases(&design), BTreeSet::from([expected.to_string()]));
}

#[test]
fn a_form_named_by_hand_sets_the_rotation_and_an_unknown_one_is_refused() {
    let bank = bank_with_forms();
    let db = Db::new();
    let base = [
        "session",
        "new",
        "--offering",
        "nettbasert",
        "--phase",
        "midpoint",
        "--site",
        "x",
        "--site-attr",
        "sector=school",
        "--site-attr",
        "centrality=rural",
        "--cohort",
        "2026",
        "--groups",
        "2",
        "--per-group",
        "2",
        "--seed",
        "1",
    ];
    let out = db
        .command(&base)
        .args(["--form", "C", "--bank"])
        .arg(bank.path())
        .run();
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("no form `C`; expected one of: A, B"),
        "{}",
        out.stderr
    );
    let out = db
        .command(&base)
        .args(["--form", "A", "--bank"])
        .arg(bank.path())
        .run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .contains("form A (the site's rotation: baseline A → midpoint A → endpoint B)"),
        "{}",
        out.stdout
    );
}

/// Group scores of two offerings, three sites each; `forms` gives the form
/// of each offering's sites in turn.
fn scores_csv(forms: [[&str; 3]; 2]) -> String {
    let mut csv = String::from("group,site,offering,phase,role,dimension,score,form\n");
    for (o, offering) in ["a", "b"].iter().enumerate() {
        for (s, form) in forms[o].iter().enumerate() {
            for g in 0..4 {
                for (d, dimension) in ["prevention", "detection", "handling"].iter().enumerate() {
                    let score = 40 + (o * 7 + s * 5 + g * 3 + d * 11) % 37;
                    writeln!(
                        csv,
                        "{offering}{s}/G{g},{offering}{s},{offering},baseline,teacher,{dimension},{score},{form}"
                    )
                    .unwrap();
                }
            }
        }
    }
    csv
}

#[test]
fn compare_warns_when_offerings_answered_different_forms() {
    let db = Db::new();
    let unbalanced = db.file(
        "unbalanced.csv",
        &scores_csv([["A", "A", "A"], ["B", "B", "A"]]),
    );
    let out = db
        .command(&[
            "compare",
            "--scores",
            unbalanced.to_str().unwrap(),
            "--format",
            "json",
        ])
        .run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let result: Value = serde_json::from_str(&out.stdout).unwrap();
    let warnings = result["warnings"].to_string();
    assert!(
        warnings.contains("offerings `a` and `b` answered different forms")
            && warnings.contains("a: A 100 %"),
        "{warnings}"
    );
    let balanced = db.file(
        "balanced.csv",
        &scores_csv([["A", "B", "A"], ["B", "A", "A"]]),
    );
    let out = db
        .command(&[
            "compare",
            "--scores",
            balanced.to_str().unwrap(),
            "--format",
            "json",
        ])
        .run();
    assert!(!out.stdout.contains("different forms"), "{}", out.stdout);
}

#[test]
fn validate_checks_the_forms() {
    let bank = bank_with_forms();
    bank.edit_json("studies/inkluderende-miljo.json", |study| {
        study["forms"][0]["vignettes"] = json!(["V1", "V2", "V3", "V9"]);
        study["forms"][1]["vignettes"] = json!(["V2", "V4"]);
        study["form_rotation"] = json!([0, 1]);
    });
    let out = crate::common::vignette(["validate", "--bank", bank.path().to_str().unwrap()]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    for expected in [
        "/forms/0/vignettes/3",
        "form `A` names vignette `V9`, which is not among the study's vignettes",
        "/forms/1/vignettes/0",
        "vignette `V2` is in form `A` and in form `B`",
        "vignette `V5` is in no form",
        "the forms have different numbers of `kindergarten` cases (A 1, B 0)",
        "the form rotation has 2 steps but the study has 3 phases",
    ] {
        assert!(
            out.stdout.contains(expected),
            "missing `{expected}` in\n{}",
            out.stdout
        );
    }
}
