//! Parallel forms: a site meets new cases at a later phase, the starting
//! form is balanced across sites, compare warns when offerings answered
//! different forms, and validate checks the forms.

use std::collections::BTreeSet;
use std::fmt::Write;

use serde_json::{Value, json};

use crate::common::{Db, TempBank};

/// Creates a session of `site` at `phase` drawing 2 cases per group, and
/// returns its stored design.
fn session(db: &Db, site: &str, sector: &str, phase: &str, seed: u64) -> Value {
    let id = format!("{site}-{phase}");
    let sector = format!("sector={sector}");
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
        &sector,
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
    let out = db.command(&args).run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("form "),
        "session new names the form: {}",
        out.stdout
    );
    design(db, &id)
}

fn design(db: &Db, id: &str) -> Value {
    serde_json::from_str(
        &db.command(&["session", "design", id, "--format", "json"])
            .ok(),
    )
    .unwrap()
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

fn set(ids: &[&str]) -> BTreeSet<String> {
    ids.iter().map(|s| s.to_string()).collect()
}

/// The shipped study's forms: A has V1 and V8 for kindergartens, V2, V3 and
/// V4 for schools; B has V6 and V7, and V5, V9 and V10. Baseline and
/// midpoint take a site's first form, endpoint the other.
#[test]
fn sites_take_the_other_form_later_and_starts_are_balanced() {
    let db = Db::new();
    let mut starts = Vec::new();
    for (seed, site) in ["s1", "s2", "s3", "s4"].iter().enumerate() {
        let baseline = session(&db, site, "school", "baseline", seed as u64);
        let form = baseline["form"]["form"].as_str().unwrap().to_string();
        let school = if form == "A" {
            set(&["V2", "V3", "V4"])
        } else {
            set(&["V5", "V9", "V10"])
        };
        assert_eq!(
            cases(&baseline),
            school,
            "{site} gets the school cases of form {form}"
        );
        let endpoint = session(&db, site, "school", "endpoint", 99);
        assert_ne!(
            endpoint["form"]["form"], baseline["form"]["form"],
            "{site} meets new cases"
        );
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
fn a_kindergarten_site_gets_the_kindergarten_cases_of_its_form() {
    let db = Db::new();
    let args = |per_group: &'static str| {
        [
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
            per_group,
            "--seed",
            "1",
        ]
    };
    let out = db.command(&args("3")).run();
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert!(
        out.stderr.contains("but form `") && out.stderr.contains("expected at most 2"),
        "{}",
        out.stderr
    );
    let out = db.command(&args("2")).run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let design = design(&db, "k");
    let expected = if design["form"]["form"] == "A" {
        set(&["V1", "V8"])
    } else {
        set(&["V6", "V7"])
    };
    assert_eq!(cases(&design), expected);
}

#[test]
fn a_form_named_by_hand_sets_the_rotation_and_an_unknown_one_is_refused() {
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
    let out = db.command(&base).args(["--form", "C"]).run();
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("no form `C`; expected one of: A, B"),
        "{}",
        out.stderr
    );
    let out = db.command(&base).args(["--form", "A"]).run();
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
    let bank = TempBank::shipped();
    bank.edit_json("studies/inkluderende-miljo.json", |study| {
        study["forms"][0]["vignettes"] = json!(["V1", "V2", "V3", "V99"]);
        study["forms"][1]["vignettes"] = json!(["V2", "V4"]);
        study["form_rotation"] = json!([0, 1]);
    });
    let out = crate::common::vignette(["validate", "--bank", bank.path().to_str().unwrap()]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    for expected in [
        "/forms/0/vignettes/3",
        "form `A` names vignette `V99`, which is not among the study's vignettes",
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
