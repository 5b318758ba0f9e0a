//! The README's first command: `vignette demo` runs the whole simulated
//! study into a folder, prints the headline tables and where each file is,
//! and refuses to overwrite an earlier demo unless forced.

use crate::common::vignette;
use serde_json::Value;

#[test]
fn the_demo_runs_the_whole_study_into_its_folder() {
    let dir = tempfile::tempdir().unwrap();
    let demo = dir.path().join("demo");
    let arg = demo.to_str().unwrap();
    let out = vignette(["demo", "--dir", arg, "--boot", "200"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    for heading in [
        "Scores at endpoint by offering",
        "Change per offering",
        "Rater agreement",
        "report.html",
    ] {
        assert!(out.stdout.contains(heading), "{heading}: {}", out.stdout);
    }
    for offering in ["laeringsmiljoprosjektet", "samlingsbasert", "nettbasert"] {
        assert!(out.stdout.contains(offering), "{}", out.stdout);
    }

    let report = std::fs::read_to_string(demo.join("report.html")).unwrap();
    assert!(report.contains("<svg"), "the report has its charts inline");
    for external in ["http://", "https://", "<link", "<script", "@import", "url("] {
        assert!(
            !report.contains(external),
            "the report loads nothing: {external}"
        );
    }
    // The simulated sites rotate the study's two forms, half starting with each.
    assert!(
        report.contains("<dt>Forms</dt>"),
        "the methods say how forms rotated"
    );
    assert!(report.contains("A → A → B (2 sites), B → B → A (2 sites)"));
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(demo.join("export/manifest.json")).unwrap())
            .unwrap();
    assert!(manifest["files"].as_array().unwrap().len() >= 9);
    let groups = std::fs::read_to_string(demo.join("export/groups.csv")).unwrap();
    let header: Vec<&str> = groups.lines().next().unwrap().split(',').collect();
    let form = header
        .iter()
        .position(|c| *c == "form")
        .expect("groups.csv has a form column");
    let forms: std::collections::BTreeSet<&str> = groups
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(form).unwrap())
        .collect();
    assert_eq!(forms, ["A", "B"].into(), "every group's form is exported");
    let labels = std::fs::read_to_string(demo.join("export/groups.sps")).unwrap();
    assert!(
        labels.contains("'A' 'Form A'") || labels.contains("\"A\" \"Form A\""),
        "{labels}"
    );

    // The database is a normal study: other commands open it.
    let db = demo.join("study.db");
    let compare = vignette([
        "compare",
        "--db",
        db.to_str().unwrap(),
        "--phase",
        "endpoint",
        "--boot",
        "100",
        "--format",
        "json",
    ]);
    assert_eq!(compare.code, 0, "{}", compare.stderr);
    let json: Value = serde_json::from_str(&compare.stdout).unwrap();
    assert!(
        !json["warnings"].to_string().contains("different forms"),
        "forms are balanced between the offerings: {}",
        json["warnings"]
    );
    assert_eq!(
        json["groups"].as_array().unwrap().len(),
        9,
        "3 offerings × 3 dimensions"
    );
    let agreement = vignette([
        "agreement",
        "sim-kommune-01-baseline",
        "--db",
        db.to_str().unwrap(),
    ]);
    assert_eq!(agreement.code, 0, "{}", agreement.stderr);

    let again = vignette(["demo", "--dir", arg, "--boot", "200"]);
    assert_eq!(again.code, 2, "an earlier demo is not overwritten");
    assert!(again.stderr.contains("--force"), "{}", again.stderr);
    assert_eq!(
        std::fs::read_to_string(demo.join("report.html")).unwrap(),
        report
    );
}
