//! The report built from hand-made data and comparisons.

use std::collections::{BTreeMap, BTreeSet};

use super::example::Part;
use super::*;
use crate::bank::{self, BankSource};
use crate::compare::dataset::{CriterionLevel, GroupInfo, UnitScore};
use crate::compare::{Cell, Change, Pairwise};
use crate::rating::agreement::{self, Rating};
use crate::store::SessionRecord;

const SCRIPT: &str = "<script>alert(1)</script>";

fn study(id: &str) -> crate::bank::Study {
    let (bank, _) = bank::load(&BankSource::Embedded).expect("embedded bank loads");
    bank.study(id).expect("shipped study").item.clone()
}

fn session(id: &str, offering: &str, phase: &str, site: &str, centrality: &str) -> SessionRecord {
    SessionRecord {
        id: id.into(),
        study_id: "inkluderende-miljo".into(),
        study_hash: "ab".repeat(32),
        offering: offering.into(),
        phase: phase.into(),
        cohort: "2026".into(),
        site: site.into(),
        site_attributes: BTreeMap::from([("centrality".to_string(), centrality.to_string())]),
        language: "nb".into(),
        seed: 1,
        design: "{}".into(),
        created_at: "2026-03-01T09:30:00.000Z".into(),
        closed_at: None,
        discarded_at: None,
    }
}

fn group(record: &SessionRecord, label: &str, role: &str) -> GroupInfo {
    let mut keys = BTreeMap::from([
        ("offering".to_string(), record.offering.clone()),
        ("phase".to_string(), record.phase.clone()),
        ("site".to_string(), record.site.clone()),
        ("role".to_string(), role.to_string()),
    ]);
    keys.extend(record.site_attributes.clone());
    GroupInfo {
        session: record.id.clone(),
        label: label.into(),
        id: format!("{}/{}/{label}", record.cohort, record.site),
        roles: BTreeMap::from([(role.to_string(), 3)]),
        keys,
    }
}

fn unit(session: &str, label: &str, score: f64, h5: u8) -> UnitScore {
    let level = |criterion: &str, dimension: &str, level: u8| CriterionLevel {
        criterion: criterion.into(),
        dimension: dimension.into(),
        level,
        max_level: 2,
        critical: false,
        method: "auto".into(),
        stage: None,
    };
    UnitScore {
        session: session.into(),
        label: label.into(),
        vignette: "V2".into(),
        method: "auto".into(),
        version: 1,
        rubric: "V2".into(),
        rubric_version: "1.0.0".into(),
        rubric_hash: "cd".repeat(32),
        dimensions: ["prevention", "detection", "handling"]
            .iter()
            .map(|d| (d.to_string(), score))
            .collect(),
        overall: score,
        criteria: vec![
            level("P1_rules_norms", "prevention", 1),
            level("H5_activity_plan", "handling", h5),
        ],
    }
}

/// Two offerings; the project at baseline and endpoint, the online offering at baseline only.
fn data() -> StudyData {
    let sessions = vec![
        session(
            "lmp-base",
            "laeringsmiljoprosjektet",
            "baseline",
            "Bodø",
            "rural",
        ),
        session(
            "lmp-end",
            "laeringsmiljoprosjektet",
            "endpoint",
            "Bodø",
            "rural",
        ),
        session("nett-base", "nettbasert", "baseline", SCRIPT, "urban"),
    ];
    let mut groups = Vec::new();
    let mut units = Vec::new();
    for (s, scores) in sessions
        .iter()
        .zip([[40.0, 50.0], [60.0, 75.0], [30.0, 35.0]])
    {
        for (i, (label, score)) in ["G1", SCRIPT].iter().zip(scores).enumerate() {
            groups.push(group(
                s,
                label,
                if i == 0 { "teacher" } else { "principal" },
            ));
            units.push(unit(&s.id, label, score, u8::from(i == 0)));
        }
    }
    StudyData {
        study: study("inkluderende-miljo"),
        study_hashes: BTreeSet::from(["ab".repeat(32)]),
        sessions,
        groups,
        units,
        unscored: BTreeMap::new(),
        rubrics: BTreeMap::new(),
        vignette_titles: BTreeMap::new(),
    }
}

fn cell(key: &str, value: &str, dimension: &str, mean: f64) -> Cell {
    Cell {
        keys: BTreeMap::from([(key.to_string(), value.to_string())]),
        dimension: dimension.into(),
        n: 2,
        mean,
        sd: Some(7.1),
        median: mean,
        ci95_t: Some([mean - 10.0, mean + 10.0]),
        ci95_boot: Some([mean - 5.0, mean + 5.0]),
        ci95_cluster: None,
    }
}

fn comparison(key: &str, values: &[(&str, f64)]) -> Comparison {
    let dimensions = ["prevention", "detection", "handling"];
    Comparison {
        by: vec![key.into()],
        groups: values
            .iter()
            .flat_map(|(v, mean)| dimensions.iter().map(move |d| cell(key, v, d, *mean)))
            .collect(),
        pairwise: Vec::new(),
        change: None,
        change_pairwise: None,
        clustering: None,
        warnings: vec![crate::compare::Warning::text(format!(
            "only 2 groups per {key}: intervals are wide"
        ))],
        boot: 200,
        seed: 9,
        phase: Some("endpoint".into()),
        change_phases: None,
        cluster: None,
    }
}

fn change() -> Comparison {
    let mut c = comparison("offering", &[]);
    c.change_phases = Some(["baseline".into(), "endpoint".into()]);
    c.change = Some(
        ["prevention", "detection", "handling"]
            .iter()
            .map(|d| Change {
                offering: "laeringsmiljoprosjektet".into(),
                dimension: d.to_string(),
                n_pairs: 2,
                unpaired: 0,
                mean_change: Some(22.5),
                ci95: Some([-41.0, 86.0]),
                dz: Some(4.5),
                method: "paired_t",
                level: "group",
                paired_t: Some(4.5),
                df: Some(1.0),
                p: Some(0.139),
            })
            .collect(),
    );
    c
}

fn report(data: StudyData) -> Report {
    let mut offerings = comparison(
        "offering",
        &[("laeringsmiljoprosjektet", 67.5), ("nettbasert", 32.5)],
    );
    offerings.pairwise.push(Pairwise {
        a: "laeringsmiljoprosjektet".into(),
        b: "nettbasert".into(),
        dimension: "handling".into(),
        n_a: 2,
        n_b: 2,
        diff: 35.0,
        method: "welch",
        level: "group".into(),
        clusters_a: None,
        clusters_b: None,
        se: Some(7.1),
        t: Some(4.9),
        df: Some(2.0),
        diff_ci95: Some([4.2, 65.8]),
        hedges_g: Some(2.9),
        hedges_g_ci95: Some([0.4, 5.3]),
        welch_t: Some(4.9),
        welch_df: Some(2.0),
        p: Some(0.0004),
        p_holm: Some(0.0012),
    });
    Report {
        analyses: Analyses {
            phase: "endpoint".into(),
            offerings,
            change: Some(change()),
            roles: comparison("role", &[("teacher", 50.0), ("principal", 55.0)]),
            centrality: Some(comparison("centrality", &[("rural", 67.5)])),
        },
        data,
        rubrics: Vec::new(),
        agreement: Vec::new(),
        example: None,
        power: None,
        language: "en".into(),
    }
}

fn html(report: &Report) -> String {
    report.html().expect("report renders")
}

#[test]
fn every_section_is_there_with_its_numbers() {
    let page = html(&report(data()));
    for id in [
        "sessions",
        "collection",
        "scores",
        "change",
        "roles",
        "agreement",
        "missed",
        "methods",
    ] {
        assert!(
            page.contains(&format!("<section id=\"{id}\">")),
            "section {id}"
        );
    }
    assert!(page.contains("Scores by offering, Endpoint"));
    assert!(page.contains("Change from Baseline to Endpoint"));
    assert!(page.contains("The Learning Environment Project"));
    assert!(page.contains("<span class=\"count\">2</span>"));
    assert!(
        page.contains("not collected"),
        "empty offering × phase cells are marked"
    );
    assert!(
        page.contains("<span class=\"mean\">67.5</span> <span class=\"ci\">57.5 to 77.5</span>")
    );
    assert!(page.contains("+22.5") && page.contains("+4.50"));
    assert!(page.contains("&lt; 0.001") && page.contains("0.001"));
    assert!(page.contains("Rural"));
    assert!(page.contains("only 2 groups per offering: intervals are wide"));
    assert!(page.contains("200 resamples of the groups, seed 9"));
    assert!(page.contains(&"cd".repeat(32)) && page.contains(&"ab".repeat(32)));
}

#[test]
fn text_from_the_data_is_escaped() {
    let page = html(&report(data()));
    assert!(!page.contains("<script"), "no raw script tag");
    assert!(page.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;"));
}

#[test]
fn nothing_is_loaded_from_elsewhere() {
    let page = html(&report(data()));
    for external in [
        "http://", "https://", "src=", "<link", "<script", "@import", "url(",
    ] {
        assert!(!page.contains(external), "{external}");
    }
}

#[test]
fn charts_are_inline_svg_with_a_title_and_description() {
    let page = html(&report(data()));
    assert_eq!(page.matches("<svg class=\"chart").count(), 3);
    assert!(page.contains("<title id=\"chart-scores-title\">Mean scores per offering at Endpoint"));
    assert!(page.contains(
        "Prevention: The Learning Environment Project 67.5 (95 % interval 57.5 to 77.5)"
    ));
    assert!(page.contains("The gathering-based offering no groups"));
    assert!(page.contains("The Learning Environment Project from 45.0 to 67.5"));
}

#[test]
fn the_heatmap_shows_the_share_at_level_zero() {
    let page = html(&report(data()));
    // At endpoint, H5 is at level 0 for one of the two project groups.
    assert!(page.contains("<title>1 of 2 units at level 0</title>"));
    assert!(
        page.contains("<code>H5_activity_plan</code> (50 % of 2)"),
        "most missed overall"
    );
    assert!(page.contains(">50 %</text>"));
    assert!(page.contains("H5_activity_plan"));
}

#[test]
fn a_quoted_answer_is_escaped_text_with_its_phrase_marked() {
    let mut report = report(data());
    report.example = Some(Example {
        criterion: "H5_activity_plan".into(),
        session: "lmp-end".into(),
        group: SCRIPT.into(),
        vignette: "V2".into(),
        prompt: "s2_do".into(),
        parts: vec![
            Part {
                text: format!("{SCRIPT} vi lager en "),
                marked: false,
            },
            Part {
                text: "aktivitetsplan".into(),
                marked: true,
            },
            Part {
                text: " & følger opp".into(),
                marked: false,
            },
        ],
    });
    let page = html(&report);
    assert!(page.contains(
        "“&lt;script&gt;alert(1)&lt;&#x2f;script&gt; vi lager en <mark>aktivitetsplan</mark> &amp; følger opp”"
    ));
    assert!(!page.contains("<script"));
}

#[test]
fn one_phase_and_no_centrality_are_said_not_hidden() {
    let mut report = report(data());
    report.analyses.change = None;
    report.analyses.centrality = None;
    let page = html(&report);
    assert!(page.contains("no change can be measured yet"));
    assert!(page.contains("No <code>centrality</code> site attribute (rural or urban)"));
}

#[test]
fn no_ratings_are_said_plainly_and_ratings_are_tabled() {
    let mut report = report(data());
    assert!(html(&report).contains("have been rated by people yet"));
    let ratings: Vec<Rating> = [
        ("u1", "anna", 2),
        ("u1", "bo", 2),
        ("u2", "anna", 0),
        ("u2", "bo", 1),
    ]
    .iter()
    .map(|(unit, rater, level)| Rating {
        unit: unit.to_string(),
        rater: rater.to_string(),
        criterion: "H5_activity_plan".into(),
        level: *level,
    })
    .collect();
    let options = agreement::Options { boot: 50, seed: 1 };
    report.agreement.push(SessionRatings {
        session: "lmp-end".into(),
        agreement: crate::rating::SessionAgreement {
            human: agreement::agreement(&ratings, &options),
            auto_vs_human: agreement::agreement(&[], &options),
        },
    });
    let page = html(&report);
    assert!(page.contains("Session <code>lmp-end</code>"));
    assert!(page.contains("<td class=\"n\">50 %</td>"));
    assert!(page.contains("No ratings in: <code>lmp-base</code>"));
}

#[test]
fn the_plan_compares_at_the_latest_phase_and_pairs_first_with_last() {
    let data = data();
    assert_eq!(phases_present(&data), ["baseline", "endpoint"]);
    let options = Options {
        phase: None,
        boot: 100,
        seed: 3,
    };
    let plan = plan(&data, &options).unwrap();
    assert_eq!(plan.phase, "endpoint");
    assert_eq!(plan.offerings.phase.as_deref(), Some("endpoint"));
    assert_eq!(plan.offerings.by, ["offering"]);
    let change = plan.change.unwrap();
    assert_eq!(
        change.change,
        Some(("baseline".to_string(), "endpoint".to_string()))
    );
    assert_eq!(change.by, ["offering", "phase"]);
    assert_eq!(change.phase, None);
    assert_eq!(plan.roles.by, ["role"]);
    assert_eq!(plan.centrality.unwrap().by, ["centrality"]);
    let at_baseline = Options {
        phase: Some("baseline".into()),
        ..options.clone()
    };
    assert_eq!(plan_phase(&data, &at_baseline), "baseline");
    let unknown = Options {
        phase: Some("midpoint".into()),
        ..options
    };
    assert!(matches!(
        super::plan(&data, &unknown),
        Err(ReportError::UnknownPhase { .. })
    ));
}

fn plan_phase(data: &StudyData, options: &Options) -> String {
    plan(data, options).unwrap().phase
}

#[test]
fn a_study_without_centrality_or_a_second_phase_plans_less() {
    let mut data = data();
    data.study = study("kompetanseloftet");
    data.units.retain(|u| u.session != "lmp-end");
    let plan = plan(
        &data,
        &Options {
            phase: None,
            boot: 10,
            seed: 1,
        },
    )
    .unwrap();
    assert!(plan.change.is_none());
    assert!(plan.centrality.is_none());
    data.units.clear();
    assert!(matches!(
        super::plan(
            &data,
            &Options {
                phase: None,
                boot: 10,
                seed: 1
            }
        ),
        Err(ReportError::NoScores(_))
    ));
}

#[test]
fn numbers_are_written_for_people() {
    use super::view::{ci, num, pct, pvalue, signed};
    assert_eq!(num(Some(-3.25), None), "−3.2");
    assert_eq!(num(Some(-0.01), None), "0.0");
    assert_eq!(num(None, None), "–");
    assert_eq!(num(Some(f64::NAN), None), "–");
    assert_eq!(signed(Some(2.0), Some(2)), "+2.00");
    assert_eq!(signed(Some(0.001), None), "0.0");
    assert_eq!(ci(Some(vec![-1.0, 2.5]), None), "−1.0 to 2.5");
    assert_eq!(pvalue(Some(0.0004)), "< 0.001");
    assert_eq!(pvalue(Some(0.0412)), "0.041");
    assert_eq!(pct(Some(0.456)), "46 %");
}

/// A power analysis of two designs with a study id and a dimension that
/// carry markup.
fn power() -> crate::simulate::power::Power {
    use crate::simulate::power::{Power, Recommendation, Recommended, Row, TestPower};
    let test = |power: f64| TestPower {
        power,
        mc_se: 0.03,
        undefined: 0,
    };
    let row = |sites: usize, dimension: &str, site: f64| Row {
        sites,
        groups_per_site: 2,
        groups: sites * 2,
        dimension: dimension.into(),
        group_level: test(site + 0.1),
        site_level: test(site),
        cluster_robust: test(site),
        mean_diff: Some(6.25),
        mean_hedges_g: Some(0.41),
    };
    Power {
        study: SCRIPT.into(),
        offerings: ["laeringsmiljoprosjektet".into(), "nettbasert".into()],
        phase: "endpoint".into(),
        difference: 0.5,
        icc: 0.1,
        vignettes_per_group: 3,
        english: 0.3,
        alpha: 0.05,
        target: 0.8,
        replications: 200,
        seed: 7,
        dimensions: vec!["handling".into(), SCRIPT.into()],
        rows: vec![
            row(4, "handling", 0.5),
            row(4, SCRIPT, 0.4),
            row(8, "handling", 0.85),
            row(8, SCRIPT, 0.7),
        ],
        recommendations: vec![
            Recommendation {
                dimension: "handling".into(),
                design: Some(Recommended {
                    sites: 8,
                    groups_per_site: 2,
                    groups: 16,
                    power: 0.85,
                }),
            },
            Recommendation {
                dimension: SCRIPT.into(),
                design: None,
            },
        ],
    }
}

#[test]
fn a_power_analysis_gets_its_section_with_curves_and_escaped_labels() {
    let without = html(&report(data()));
    assert!(!without.contains("<section id=\"power\">"));
    let mut with = report(data());
    with.power = Some(power());
    let page = html(&with);
    let start = page
        .find("<section id=\"power\">")
        .expect("a power section");
    let section = &page[start..start + page[start..].find("</section>").unwrap()];
    assert!(!page.contains("<script"), "no raw script tag");
    assert!(section.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;"));
    assert_eq!(section.matches("<svg class=\"chart").count(), 1);
    assert_eq!(
        section.matches("<polyline").count(),
        4,
        "2 dimensions × 2 numbers of sites"
    );
    assert!(
        section.contains("class=\"target\""),
        "the target as a dashed line"
    );
    assert!(section.contains("Handling: 4 municipalities per offering: 8 groups 0.50"));
    assert!(section.contains(
        "Handling: 8 municipalities × 2 groups = 16 groups per offering (site-level power 0.85)"
    ));
    assert!(section.contains("no design simulated reaches power 0.8"));
    assert!(section.contains("<td class=\"reached\"><span class=\"mean\">0.85</span>"));
    assert!(
        section.contains("<td><span class=\"mean\">0.50</span>"),
        "not reached"
    );
    assert!(section.contains("group level 0.95"));
    assert!(page.contains("<a href=\"#power\">8 Power</a>"));
    assert!(page.contains("<a href=\"#methods\">9 Methods</a>"));
}
