//! `vignette profile` through the real binary: its figures against a hand
//! computation from the export's CSVs, the target practices against the
//! rubric files, unknown sites and phases, and escaping in HTML and Markdown.

use crate::common;
use std::collections::BTreeMap;

use crate::common::study::{SITE_A, SITE_B, Study, read_csv};
use serde_json::Value;

fn profile(study: &Study, args: &[&str]) -> Value {
    let mut all = vec!["profile", "--format", "json"];
    all.extend_from_slice(args);
    let out = study.run(&all);
    assert_eq!(out.code, 0, "{}", out.stderr);
    serde_json::from_str(&out.stdout).unwrap()
}

fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len() as f64
}

fn close(a: &Value, b: f64) -> bool {
    (a.as_f64().unwrap() - b).abs() < 1e-9
}

#[test]
fn the_figures_match_a_hand_computation_from_the_export() {
    let study = Study::scored();
    let dir = study.export(&[]);
    let p = profile(&study, &["--site", SITE_A]);
    assert_eq!(p["phase"], "baseline", "the earliest phase by default");
    assert_eq!(p["groups"], 3);
    assert_eq!(p["sites"], 2);
    assert_eq!(p["language"], "nb");

    // Group means over vignettes, from dimensions.csv, at baseline.
    let (_, rows) = read_csv(&dir.join("dimensions.csv"));
    let mut groups: BTreeMap<(String, String, String), Vec<f64>> = BTreeMap::new();
    for row in rows.iter().filter(|r| r["phase"] == "baseline") {
        groups
            .entry((
                row["dimension"].clone(),
                row["site"].clone(),
                row["group"].clone(),
            ))
            .or_default()
            .push(row["score"].parse().unwrap());
    }
    for d in p["dimensions"].as_array().unwrap() {
        let dimension = d["dimension"].as_str().unwrap();
        let of = |site: Option<&str>| -> Vec<f64> {
            groups
                .iter()
                .filter(|((dim, s, _), _)| dim == dimension && site.is_none_or(|x| x == s))
                .map(|(_, scores)| mean(scores))
                .collect()
        };
        let (own, other, all) = (of(Some(SITE_A)), of(Some(SITE_B)), of(None));
        assert!(close(&d["mean"], mean(&own)), "{dimension}: {d}");
        assert_eq!(d["groups"], own.len());
        assert!(close(&d["all_mean"], mean(&all)), "{dimension}: {d}");
        assert_eq!(d["all_groups"], 6);
        let (a, b) = (mean(&own), mean(&other));
        let (rank, percentile) = if a > b + 1e-9 {
            (1, 100.0)
        } else if a < b - 1e-9 {
            (2, 0.0)
        } else {
            (1, 50.0)
        };
        assert_eq!(d["rank"], rank, "{dimension}: {d}");
        assert!(close(&d["percentile"], percentile), "{dimension}: {d}");
    }
    assert_eq!(
        p["dimensions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["label"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["Forebygge", "Avdekke", "Håndtere"]
    );

    // Share of units at level 0 per criterion, from criteria.csv.
    let (_, rows) = read_csv(&dir.join("criteria.csv"));
    let mut tally: BTreeMap<String, (usize, usize, bool)> = BTreeMap::new();
    for row in rows
        .iter()
        .filter(|r| r["site"] == SITE_A && r["phase"] == "baseline")
    {
        let t = tally.entry(row["criterion"].clone()).or_default();
        t.0 += 1;
        t.1 += usize::from(row["level"] == "0");
        t.2 |= row["critical"] == "1";
    }
    let missed = p["missed"].as_array().unwrap();
    assert_eq!(missed.len(), tally.len());
    for m in missed {
        let (units, zero, critical) = tally[m["criterion"].as_str().unwrap()];
        assert_eq!(m["units"], units, "{m}");
        assert_eq!(m["missed"], zero, "{m}");
        assert!(close(&m["share_missed"], zero as f64 / units as f64), "{m}");
        assert_eq!(m["critical"], critical, "{m}");
    }
    let shares: Vec<f64> = missed
        .iter()
        .map(|m| m["share_missed"].as_f64().unwrap())
        .collect();
    assert!(
        shares.windows(2).all(|w| w[0] >= w[1]),
        "most often missed first: {shares:?}"
    );
    let d5 = missed
        .iter()
        .find(|m| m["criterion"] == "D5_notifies_leader")
        .unwrap();
    assert_eq!(d5["critical"], true);
    assert_eq!(
        d5["label"], "Varsler rektor",
        "the V2 title, in the session language"
    );
}

#[test]
fn what_to_work_on_quotes_the_rubrics_top_level() {
    let study = Study::scored();
    let p = profile(&study, &["--site", SITE_A, "--lang", "en"]);
    let rubric = |id: &str| -> Value {
        let text =
            std::fs::read_to_string(common::repo().join(format!("rubrics/{id}.json"))).unwrap();
        serde_json::from_str(&text).unwrap()
    };
    let rubrics = [("V2", rubric("V2")), ("V3", rubric("V3"))];
    let targets = p["work_on"].as_array().unwrap();
    assert!((3..=5).contains(&targets.len()), "{targets:?}");
    let missed = p["missed"].as_array().unwrap();
    let weakest: Vec<&Value> = missed
        .iter()
        .filter(|m| m["attainment"].as_f64().unwrap() < 1.0)
        .take(targets.len())
        .map(|m| &m["criterion"])
        .collect();
    assert_eq!(
        targets.iter().map(|t| &t["criterion"]).collect::<Vec<_>>(),
        weakest
    );
    for target in targets {
        let practices = target["practices"].as_array().unwrap();
        assert!(!practices.is_empty(), "{target}");
        for practice in practices {
            let (_, rubric) = rubrics
                .iter()
                .find(|(id, _)| practice["rubric"] == *id)
                .unwrap();
            let criterion = rubric["criteria"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["id"] == target["criterion"])
                .unwrap();
            let top = criterion["levels"]
                .as_array()
                .unwrap()
                .iter()
                .find(|l| l["level"] == 2)
                .unwrap();
            assert_eq!(practice["level"], 2);
            assert_eq!(
                practice["descriptor"], top["descriptor"]["en"],
                "{practice}"
            );
            assert_eq!(practice["title"], criterion["title"]["en"]);
        }
    }
}

#[test]
fn the_phase_can_be_chosen_and_a_missing_one_is_named() {
    let study = Study::scored();
    let p = profile(&study, &["--site", SITE_A, "--phase", "endpoint"]);
    assert_eq!(p["phase"], "endpoint");
    assert_eq!(p["sessions"], serde_json::json!(["a-end"]));
    assert_eq!(p["groups"], 1);
    assert_eq!(p["sites"], 1);
    assert!(
        p["dimensions"][0]["percentile"].is_null(),
        "no other site to rank against"
    );
    assert!(
        p["notes"][0].as_str().unwrap().contains("bare 1 gruppe"),
        "in the language of the site's sessions: {}",
        p["notes"]
    );
    let english = profile(
        &study,
        &["--site", SITE_A, "--phase", "endpoint", "--lang", "en"],
    );
    assert!(
        english["notes"][0]
            .as_str()
            .unwrap()
            .contains("only 1 group"),
        "{}",
        p["notes"]
    );
    let out = study.run(&["profile", "--site", SITE_A, "--phase", "midpoint"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("has no scores at phase `midpoint`; it has scores at: baseline, endpoint"),
        "{}",
        out.stderr
    );
}

#[test]
fn an_unknown_site_is_refused_with_the_sites_there_are() {
    let study = Study::scored();
    let out = study.run(&["profile", "--site", "Oslo"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains(&format!(
            "no site `Oslo` in the selected sessions; the sites are: `{SITE_A}`, `{SITE_B}`"
        )),
        "{}",
        out.stderr
    );
    let out = study.run(&["profile", "--site", SITE_A, "--lang", "de"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("no language `de`"), "{}", out.stderr);
}

#[test]
fn html_and_markdown_escape_what_comes_from_the_data() {
    let study = Study::scored();
    let out = study.run(&["profile", "--site", SITE_B, "--format", "html"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let html = out.stdout;
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(
        html.contains("<h1>Behovsanalyse: Tromsø &amp; &lt;Omegn&gt;</h1>"),
        "{html}"
    );
    assert!(!html.contains("<Omegn>"));
    assert!(
        !html.contains("<script") && !html.contains("src=") && !html.contains("<link"),
        "self-contained"
    );
    let out = study.run(&[
        "profile", "--site", SITE_B, "--format", "md", "--lang", "en",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .starts_with("# Needs analysis: Tromsø & \\<Omegn>\n"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("## What to work on"));
}

#[test]
fn the_text_sheet_shows_scores_missed_criteria_and_targets() {
    let study = Study::scored();
    let out = study.run(&["profile", "--site", SITE_A, "--lang", "en"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    for expected in [
        SITE_A,
        "Prevention",
        "site mean",
        "most often missed",
        "what to work on",
        "1 of 2",
    ] {
        assert!(
            out.stdout.contains(expected),
            "`{expected}` in:\n{}",
            out.stdout
        );
    }
    let bokmal = study.run(&["profile", "--site", SITE_A, "--lang", "nb"]);
    for expected in [
        "snitt her",
        "oftest manglet",
        "dette bør dere arbeide med",
        "1 av 2",
    ] {
        assert!(
            bokmal.stdout.contains(expected),
            "`{expected}` in:\n{}",
            bokmal.stdout
        );
    }
}
