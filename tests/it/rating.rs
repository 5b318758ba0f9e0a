//! Human rating through the real binary: seeded plans, all-or-nothing
//! imports, export round trips, consensus rules, agreement from a session
//! and blindness (no group, site, offering or phase on any rater's page).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::Value;

use crate::common::{self, Db, Output};

/// A temp database holding session `s`: 8 groups answering V2.
fn rated() -> Db {
    let db = Db::new();
    let out = db.new_session(&["--groups", "8", "--vignettes", "V2", "--seed", "3"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let mut rows = String::from("group,vignette,prompt,value\n");
    for g in 1..=8 {
        rows.push_str(&format!(
            "G{g},V2,s1_do,\"Snakke med Lea i dag, varsle rektor og kontakte foreldrene\"\n\
             G{g},V2,s1_first_action,talk_with_lea\n"
        ));
    }
    let file = db.file("answers.csv", &rows);
    let out = db.run(&["session", "import", "s", file.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    db
}

fn status(db: &Db) -> Value {
    serde_json::from_str(&db.ok(&["rate", "status", "s", "--format", "json"])).unwrap()
}

/// The unit codes in the plan, sorted.
fn units(db: &Db) -> Vec<String> {
    let codes: BTreeSet<String> = status(db)["assignments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["unit"].as_str().unwrap().to_string())
        .collect();
    codes.into_iter().collect()
}

fn import(db: &Db, csv: &str) -> Output {
    let file = db.file("ratings.csv", csv);
    db.run(&["rate", "import", "s", file.to_str().unwrap()])
}

fn export(db: &Db) -> String {
    db.ok(&["rate", "export", "s"])
}

const ASSIGN: [&str; 9] = [
    "rate",
    "assign",
    "s",
    "--raters",
    "anna,bo,cy",
    "--overlap",
    "0.25",
    "--seed",
    "7",
];

#[test]
fn a_plan_gives_each_unit_one_primary_balanced_and_a_different_second_rater() {
    let db = rated();
    db.ok(&ASSIGN);
    let status = status(&db);
    assert_eq!(status["plan"]["seed"], 7);
    assert_eq!(status["plan"]["overlap"], 0.25);
    let mut primary: BTreeMap<String, String> = BTreeMap::new();
    let mut second: BTreeMap<String, String> = BTreeMap::new();
    let mut load: BTreeMap<String, usize> = BTreeMap::new();
    for a in status["assignments"].as_array().unwrap() {
        let (rater, unit) = (a["rater"].as_str().unwrap(), a["unit"].as_str().unwrap());
        let role = if a["role"] == "primary" {
            &mut primary
        } else {
            &mut second
        };
        assert!(
            role.insert(unit.into(), rater.into()).is_none(),
            "{unit} twice"
        );
        if a["role"] == "primary" {
            *load.entry(rater.into()).or_default() += 1;
        }
    }
    assert_eq!(
        primary.len(),
        8,
        "every unit with answers has a primary rater"
    );
    assert_eq!(second.len(), 2, "round(0.25 × 8) units are double-coded");
    for (unit, rater) in &second {
        assert_ne!(&primary[unit], rater, "{unit}: second rater = primary");
    }
    let (min, max) = (load.values().min().unwrap(), load.values().max().unwrap());
    assert!(max - min <= 1, "primary load unbalanced: {load:?}");
    let again = db.run(&ASSIGN);
    assert_eq!(again.code, 2, "a second plan is refused");
    assert!(
        again.stderr.contains("has a rating plan already"),
        "{}",
        again.stderr
    );
}

#[test]
fn the_same_seed_gives_the_same_plan_and_another_seed_another() {
    let plan = |seed: &str| {
        let db = rated();
        let mut args = ASSIGN.to_vec();
        args[8] = seed;
        db.ok(&args);
        status(&db)["assignments"].clone()
    };
    assert_eq!(plan("7"), plan("7"));
    assert_ne!(plan("7"), plan("8"));
}

#[test]
fn bad_assign_arguments_are_usage_errors() {
    let db = rated();
    for (args, message) in [
        (
            vec!["--raters", "anna", "--overlap", "0.5"],
            "needs two or more raters",
        ),
        (vec!["--raters", "anna,anna"], "named once"),
        (
            vec!["--raters", "anna,bo", "--overlap", "1.5"],
            "not a share",
        ),
        (vec!["--raters", "auto,bo"], "reserved"),
    ] {
        let mut all = vec!["rate", "assign", "s"];
        all.extend(args);
        let out = db.run(&all);
        assert_eq!(out.code, 2, "{all:?}");
        assert!(out.stderr.contains(message), "{all:?}: {}", out.stderr);
    }
}

#[test]
fn bad_ratings_files_are_refused_whole_with_every_problem_and_its_line() {
    let db = rated();
    db.ok(&ASSIGN);
    let u = units(&db);
    let csv = format!(
        "unit,rater,criterion,level\n\
         {0},anna,D2_talks_with_child,2\n\
         {0},anna,X9_unknown,1\n\
         {0},anna,D5_notifies_leader,two\n\
         {0},anna,H5_activity_plan,3\n\
         Unope,anna,D2_talks_with_child,1\n\
         {0},anna,D2_talks_with_child,1\n",
        u[0]
    );
    let out = import(&db, &csv);
    assert_eq!(out.code, 1, "{}", out.stderr);
    for expected in [
        "ratings.csv:3: rubric `V2` has no criterion `X9_unknown`",
        "ratings.csv:4: level `two` is not a whole number",
        "ratings.csv:5: level 3 is outside criterion `H5_activity_plan`'s levels 0, 1, 2",
        "ratings.csv:6: session s has no unit `Unope`",
        "ratings.csv:7: repeats line 2",
        "nothing was stored",
    ] {
        assert!(
            out.stderr.contains(expected),
            "missing `{expected}` in:\n{}",
            out.stderr
        );
    }
    assert_eq!(
        export(&db),
        "unit,rater,criterion,level\n",
        "nothing was stored"
    );
}

#[test]
fn an_export_imports_again_unchanged_and_revisions_are_kept() {
    let db = rated();
    db.ok(&ASSIGN);
    let u = units(&db);
    let csv = format!(
        "unit,rater,criterion,level\n\
         {0},anna,D2_talks_with_child,2\n{0},bo,D2_talks_with_child,1\n\
         {1},cy,H5_activity_plan,0\n",
        u[0], u[1]
    );
    assert_eq!(import(&db, &csv).code, 0);
    assert_eq!(export(&db), csv);
    let file = db.file("exported.csv", &export(&db));
    db.ok(&["rate", "import", "s", file.to_str().unwrap()]);
    assert_eq!(export(&db), csv, "importing an export changes no level");
    let json: Value =
        serde_json::from_str(&db.ok(&["rate", "export", "s", "--format", "json"])).unwrap();
    assert!(
        json["ratings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["revision"] == 2)
    );
}

#[test]
fn consensus_rules_decide_disagreements_and_single_ratings_stand() {
    let db = rated();
    db.ok(&ASSIGN);
    let u = units(&db);
    let csv = format!(
        "unit,rater,criterion,level\n\
         {0},anna,D2_talks_with_child,0\n{0},bo,D2_talks_with_child,2\n\
         {0},anna,D5_notifies_leader,1\n{0},bo,D5_notifies_leader,1\n\
         {1},cy,H5_activity_plan,2\n",
        u[0], u[1]
    );
    assert_eq!(import(&db, &csv).code, 0);
    let consensus = |rule: &str| {
        db.ok(&["rate", "adjudicate", "s", "--rule", rule]);
        let json: Value =
            serde_json::from_str(&db.ok(&["rate", "export", "s", "--format", "json"])).unwrap();
        json["consensus"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                let key = format!(
                    "{} {}",
                    c["unit"].as_str().unwrap(),
                    c["criterion"].as_str().unwrap()
                );
                (
                    key,
                    (
                        c["level"].as_u64().unwrap(),
                        c["rule"].as_str().unwrap().to_string(),
                        c["decided_by"].as_str().unwrap().to_string(),
                    ),
                )
            })
            .collect::<BTreeMap<_, _>>()
    };
    let median = consensus("median");
    let key = |unit: &str, c: &str| format!("{unit} {c}");
    assert_eq!(
        median[&key(&u[0], "D2_talks_with_child")],
        (0, "median".into(), "rule".into()),
        "lower median"
    );
    assert_eq!(
        median[&key(&u[0], "D5_notifies_leader")],
        (1, "agreement".into(), "rule".into())
    );
    assert_eq!(
        median[&key(&u[1], "H5_activity_plan")],
        (2, "single".into(), "cy".into())
    );
    assert_eq!(consensus("max")[&key(&u[0], "D2_talks_with_child")].0, 2);
    assert_eq!(consensus("min")[&key(&u[0], "D2_talks_with_child")].0, 0);
}

#[test]
fn agreement_for_a_session_adds_auto_against_human() {
    let db = rated();
    db.ok(&ASSIGN);
    db.ok(&["score", "s"]);
    let u = units(&db);
    let mut csv = String::from("unit,rater,criterion,level\n");
    for code in &u[..4] {
        csv.push_str(&format!(
            "{code},anna,D2_talks_with_child,2\n{code},bo,D2_talks_with_child,2\n"
        ));
    }
    let imported = import(&db, &csv);
    assert_eq!(imported.code, 0, "{}", imported.stderr);
    let json: Value =
        serde_json::from_str(&db.ok(&["agreement", "s", "--format", "json", "--boot", "10"]))
            .unwrap();
    assert_eq!(json["session"], "s");
    let human = &json["criteria"]["D2_talks_with_child"];
    assert_eq!(human["n_units"], 4);
    assert_eq!(
        human["n_paired"], 4,
        "every unit of the plan was rated twice"
    );
    assert_eq!(human["percent_agreement"], 1.0);
    let auto = &json["auto_vs_human"]["criteria"]["D2_talks_with_child"];
    assert_eq!(auto["n_units"], 4);
    assert_eq!(auto["n_raters"], 2);
    let both = db.run(&["agreement", "s", "--ratings", "x.csv"]);
    assert_eq!(
        both.code, 2,
        "SESSION and --ratings together are a usage error"
    );
}

#[test]
fn raters_never_see_group_site_offering_or_phase() {
    let db = rated();
    db.ok(&ASSIGN);
    let u = units(&db);
    let shown = db.ok(&["rate", "show", "s", &u[0]]);
    assert!(
        shown.contains(&u[0]) && shown.contains("D2_talks_with_child"),
        "{shown}"
    );
    assert!(
        shown.contains("Snakke med Lea"),
        "the answers are shown: {shown}"
    );
    assert_eq!(
        import(
            &db,
            &format!(
                "unit,rater,criterion,level\n{},anna,D2_talks_with_child,1\n",
                u[0]
            )
        )
        .code,
        0
    );
    let exported = export(&db) + &db.ok(&["rate", "export", "s", "--format", "json"]);
    // The rating screen as JSON, for raters who work offline: the same
    // blind content.
    let offline = db.ok(&["rate", "show", "s", &u[0], "--format", "json"]);
    let json: Value = serde_json::from_str(&offline).unwrap();
    assert_eq!(json["unit"]["code"], u[0].as_str());
    assert!(offline.contains("Snakke med Lea"), "{offline}");
    let criteria = json["criteria"].as_array().unwrap();
    let d2 = criteria
        .iter()
        .find(|c| c["id"] == "D2_talks_with_child")
        .expect("the criterion is listed");
    assert_eq!(d2["levels"].as_array().unwrap().len(), 3, "{d2}");
    assert!(
        d2["levels"][2]["descriptor"]
            .as_str()
            .is_some_and(|d| !d.is_empty())
    );
    for page in [&shown, &exported, &offline] {
        for secret in ["G1", "G2", "G8", "Bodø", "nettbasert", "baseline", "rural"] {
            assert!(
                !page.contains(secret),
                "`{secret}` shown to raters:\n{page}"
            );
        }
    }
}

#[test]
fn human_consensus_overrides_the_automatic_levels_in_scores() {
    let db = rated();
    db.ok(&ASSIGN);
    let scores = |db: &Db| -> Vec<Value> {
        serde_json::from_str(&db.ok(&["score", "s", "--format", "json"])).unwrap()
    };
    let level = |score: &Value, criterion: &str| {
        let c = score["card"]["criteria"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == criterion)
            .unwrap()
            .clone();
        (
            c["level"].as_u64().unwrap(),
            c["method"].as_str().unwrap().to_string(),
        )
    };
    let auto = scores(&db);
    let g1 = auto.iter().find(|s| s["group"] == "G1").unwrap();
    assert_eq!(g1["card"]["method"], "auto");
    let (auto_d5, _) = level(g1, "D5_notifies_leader");
    // Two raters agree on a level the scorer did not give.
    let human = if auto_d5 == 0 { 2 } else { 0 };
    let code = vignette::session::unit_code("s", "G1", "V2");
    let csv = format!(
        "unit,rater,criterion,level\n{code},anna,D5_notifies_leader,{human}\n{code},bo,D5_notifies_leader,{human}\n"
    );
    assert_eq!(import(&db, &csv).code, 0);
    db.ok(&["rate", "adjudicate", "s", "--rule", "median"]);
    let after = scores(&db);
    let g1 = after.iter().find(|s| s["group"] == "G1").unwrap();
    assert_eq!(
        level(g1, "D5_notifies_leader"),
        (human, "consensus".to_string())
    );
    assert_eq!(g1["card"]["method"], "auto+consensus");
    assert_eq!(
        g1["status"], "new",
        "the consensus series starts at version 1"
    );
    assert_eq!(g1["version"], 1);
    // The table and the CSV say which score is which.
    let table = db.ok(&["score", "s"]);
    let g1_row = table.lines().find(|l| l.contains(" G1 ")).unwrap();
    assert!(g1_row.contains("auto+consensus"), "{table}");
    let csv = db.ok(&["score", "s", "--format", "csv"]);
    assert!(
        csv.lines().next().unwrap().ends_with(",version,method"),
        "{csv}"
    );
    assert!(
        csv.lines()
            .any(|l| l.starts_with("G1,V2,D5_notifies_leader,") && l.ends_with(",consensus")),
        "{csv}"
    );
    assert!(
        csv.lines()
            .any(|l| l.starts_with("G2,V2,") && l.ends_with(",auto")),
        "{csv}"
    );
    // Other units keep their automatic scores; scoring again changes nothing.
    let g2 = after.iter().find(|s| s["group"] == "G2").unwrap();
    assert_eq!(g2["card"]["method"], "auto");
    assert!(scores(&db).iter().all(|s| s["status"] == "unchanged"));
    // Agreement still compares the pure automatic levels with the humans'.
    let json: Value =
        serde_json::from_str(&db.ok(&["agreement", "s", "--format", "json", "--boot", "10"]))
            .unwrap();
    let d5 = &json["auto_vs_human"]["criteria"]["D5_notifies_leader"];
    assert_eq!(
        d5["percent_agreement"], 0.0,
        "auto {auto_d5} vs human {human}: {d5}"
    );
}

#[test]
fn an_import_without_a_session_finds_it_from_the_unit_codes() {
    let db = rated();
    db.ok(&ASSIGN);
    let u = units(&db);
    let csv = format!(
        "unit,rater,criterion,level\n{},anna,D2_talks_with_child,2\n",
        u[0]
    );
    let file = db.file("ratings.csv", &csv);
    let out = db.ok(&["rate", "import", file.to_str().unwrap()]);
    assert!(out.contains("in session s"), "{out}");
    assert_eq!(export(&db), csv);
}

#[test]
fn an_import_without_a_session_refuses_codes_of_no_session_or_of_two() {
    let db = rated();
    let mut args: Vec<&str> = common::NEW_SESSION
        .iter()
        .map(|a| if *a == "s" { "t" } else { a })
        .collect();
    args.extend(["--groups", "2", "--vignettes", "V2", "--seed", "4"]);
    db.ok(&args);
    let answers = db.file(
        "t.csv",
        "group,vignette,prompt,value\nG1,V2,s1_first_action,talk_with_lea\n",
    );
    db.ok(&["session", "import", "t", answers.to_str().unwrap()]);
    let s_unit = vignette::session::unit_code("s", "G1", "V2");
    let t_unit = vignette::session::unit_code("t", "G1", "V2");

    let unknown = db.file(
        "unknown.csv",
        "unit,rater,criterion,level\nU0000000000,anna,D2_talks_with_child,1\n",
    );
    let out = db.run(&["rate", "import", unknown.to_str().unwrap()]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr.contains("no stored session has any"),
        "{}",
        out.stderr
    );

    let both = db.file(
        "both.csv",
        &format!(
            "unit,rater,criterion,level\n{s_unit},anna,D2_talks_with_child,1\n\
             {t_unit},anna,D2_talks_with_child,1\n"
        ),
    );
    let out = db.run(&["rate", "import", both.to_str().unwrap()]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("2 sessions (s: 1 unit(s), t: 1 unit(s))"),
        "{}",
        out.stderr
    );
    assert_eq!(
        export(&db),
        "unit,rater,criterion,level\n",
        "nothing was stored"
    );
}

/// A rater the plan does not name (a typo such as `Anna` for `anna`) is
/// refused with the plan's names, every problem of a row is listed, and a
/// rater added on purpose is accepted.
#[test]
fn a_rater_not_in_the_plan_is_refused_unless_added_on_purpose() {
    let db = rated();
    db.ok(&ASSIGN);
    let unit = &units(&db)[0];
    let csv = format!(
        "unit,rater,criterion,level\n{unit},anna,D2_talks_with_child,2\n{unit},Anna,X9_nope,1\n"
    );
    let out = import(&db, &csv);
    assert_eq!(out.code, 1, "{}", out.stderr);
    for expected in [
        "ratings.csv:3: rater `Anna` is not in the session's rating plan; its raters are: anna, bo, cy",
        "ratings.csv:3: rubric `V2` has no criterion `X9_nope`",
    ] {
        assert!(
            out.stderr.contains(expected),
            "missing `{expected}` in:\n{}",
            out.stderr
        );
    }
    let stored = format!("{unit},anna,D2_talks_with_child,2");
    assert!(
        !export(&db).contains(&stored),
        "nothing is stored from a refused file"
    );
    let fixed = format!(
        "unit,rater,criterion,level\n{unit},anna,D2_talks_with_child,2\n{unit},dag,D2_talks_with_child,1\n"
    );
    assert_eq!(import(&db, &fixed).code, 1, "dag is not in the plan either");
    let file = db.file("ratings.csv", &fixed);
    let out = db.run(&[
        "rate",
        "import",
        "s",
        file.to_str().unwrap(),
        "--add-rater",
        "dag",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.starts_with("stored 2 rating(s)"),
        "{}",
        out.stdout
    );
    assert!(export(&db).contains(&stored), "{}", export(&db));
}

/// The audit lists first the evidence the humans credited least: here the
/// age limit the story itself states, which the rules take as work with
/// the parents (a known false friend), and "si fra til rektor" in a
/// sentence that puts it off.
#[test]
fn the_rubric_audit_lists_the_false_friends_first() {
    let db = Db::new();
    db.ok(&[
        &common::NEW_SESSION[..],
        &["--groups", "4", "--vignettes", "V2", "--seed", "1"],
    ]
    .concat());
    let answers = db.file(
        "answers.csv",
        "group,vignette,prompt,value\n\
         G1,V2,s1_do,\"Det tar vi på et foreldremøte, det er foreldrenes ansvar. Vi venter med å si fra til rektor.\"\n\
         G2,V2,s1_do,\"Snapchat får foreldrene ta seg av på et foreldremøte. Vi venter og ser.\"\n\
         G3,V2,s1_do,\"Vi snakker med Lea alene i dag og varsler rektor samme dag.\"\n\
         G4,V2,s1_do,\"Vi tar en prat med klassen en gang.\"\n",
    );
    db.ok(&["session", "import", "s", answers.to_str().unwrap()]);
    db.ok(&["score", "s"]);
    let unit = |g: &str| vignette::session::unit_code("s", g, "V2");
    let mut csv = String::from("unit,rater,criterion,level\n");
    for rater in ["anna", "bo"] {
        for (group, criterion, level) in [
            ("G1", "P5_home_cooperation", 0),
            ("G1", "D5_notifies_leader", 0),
            ("G2", "P5_home_cooperation", 0),
            ("G3", "D5_notifies_leader", 2),
            ("G3", "D2_talks_with_child", 2),
            ("G4", "P1_rules_norms", 1),
        ] {
            csv += &format!("{},{rater},{criterion},{level}\n", unit(group));
        }
    }
    assert_eq!(import(&db, &csv).code, 0);
    db.ok(&["rate", "adjudicate", "s", "--rule", "median"]);
    let json: Value =
        serde_json::from_str(&db.ok(&["rubric", "audit", "s", "--format", "json"])).unwrap();
    let evidence = json["audit"]["evidence"].as_array().unwrap();
    assert!(
        json["audit"]["profile"].is_array(),
        "the suggested profile rules are listed: {json:#}"
    );
    assert_eq!(
        evidence[0]["criterion"], "P5_home_cooperation",
        "{evidence:#?}"
    );
    assert_eq!(evidence[0]["evidence"], "phrase:foreldremøte");
    assert_eq!(
        (
            evidence[0]["fired"].as_u64(),
            evidence[0]["over_credited"].as_u64()
        ),
        (Some(2), Some(2))
    );
    assert_eq!(evidence[0]["precision"], 0.0);
    let acting = evidence
        .iter()
        .find(|e| e["evidence"] == "phrase:varsler rektor")
        .expect("the good phrase fired");
    assert_eq!(acting["over_credited"], 0);
    let missed = json["audit"]["missed"].as_array().unwrap();
    assert!(
        missed
            .iter()
            .any(|m| m["criterion"] == "P1_rules_norms" && m["human_level"] == 1),
        "{missed:#?}"
    );
    let text = db.ok(&["rubric", "audit", "s"]);
    assert!(text.contains("false friends first"), "{text}");
    // The same answers and ratings as files give the same audit: the two
    // raters agree here, so their mean is the session's consensus.
    let responses = db.file("export.jsonl", &db.ok(&["session", "export", "s"]));
    let ratings = db.file("ratings.csv", &csv);
    let from_files: Value = serde_json::from_str(
        &db.ok(&[
            &audit_of_files(&responses, &ratings)[..],
            &["--format", "json"],
        ]
        .concat()),
    )
    .unwrap();
    assert_eq!(from_files["audit"], json["audit"]);
    let unrelated = db.file(
        "other.csv",
        "unit,rater,criterion,level
Unope,anna,D5_notifies_leader,1
",
    );
    let out = db.run(&audit_of_files(&responses, &unrelated));
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.contains("names a unit of"), "{}", out.stderr);
    // Without ratings there is nothing to audit, and the hint says what to do.
    let fresh = Db::new();
    fresh.ok(&[
        &common::NEW_SESSION[..],
        &["--groups", "1", "--vignettes", "V2", "--seed", "1"],
    ]
    .concat());
    let out = fresh.run(&["rubric", "audit", "s"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("hint: score it"), "{}", out.stderr);
}

/// Where a piece of evidence decides a criterion's level on enough units
/// and the raters place those units half a level or more away, the audit
/// suggests the raters' level (as the shipped rubrics were calibrated);
/// where the raters agree with it, it suggests nothing.
#[test]
fn the_rubric_audit_suggests_the_level_the_raters_give_where_evidence_decides() {
    let db = Db::new();
    let groups: Vec<String> = (1..=9).map(|g| format!("G{g}")).collect();
    let mut export = String::new();
    let mut ratings = String::from("unit,rater,criterion,level\n");
    for group in &groups {
        export += &serde_json::json!({
            "session": "s", "group": group, "vignette": "V2", "prompt": "s1_do",
            "value": "Vi tar det opp på et foreldremøte. Vi varsler rektor samme dag.",
            "revision": 1, "language": "nb",
        })
        .to_string();
        export.push('\n');
        let unit = vignette::session::unit_code("s", group, "V2");
        for rater in ["anna", "bo"] {
            ratings += &format!("{unit},{rater},P5_home_cooperation,0\n");
            ratings += &format!("{unit},{rater},D5_notifies_leader,2\n");
        }
    }
    let responses = db.file("export.jsonl", &export);
    let ratings = db.file("ratings.csv", &ratings);
    let args = audit_of_files(&responses, &ratings);
    let json: Value =
        serde_json::from_str(&db.ok(&[&args[..], &["--format", "json"]].concat())).unwrap();
    let evidence = json["audit"]["evidence"].as_array().unwrap();
    let meeting = evidence
        .iter()
        .find(|e| e["evidence"] == "phrase:foreldremøte")
        .expect("the parents' meeting fired");
    assert_eq!(meeting["criterion"], "P5_home_cooperation");
    assert_eq!(meeting["level"], 1);
    // Nine units, each counted once; the raters gave all nine 0.
    assert_eq!(meeting["fired"], 9);
    assert_eq!(meeting["decided"], 9);
    assert_eq!(meeting["mean_human_level_decided"], 0.0);
    assert_eq!(meeting["suggested_level"], 0);
    let notifying: Vec<&Value> = evidence
        .iter()
        .filter(|e| e["criterion"] == "D5_notifies_leader" && e["decided"] == 9)
        .collect();
    assert!(!notifying.is_empty(), "{evidence:#?}");
    for e in notifying {
        assert_eq!(e["mean_human_level_decided"], 2.0, "{e}");
        assert_eq!(e["suggested_level"], Value::Null, "{e}");
    }
    let text = db.ok(&args);
    assert!(text.contains("suggest"), "{text}");
}

/// `vignette rubric audit` of an export and a ratings file.
fn audit_of_files<'a>(responses: &'a Path, ratings: &'a Path) -> [&'a str; 6] {
    [
        "rubric",
        "audit",
        "--responses",
        responses.to_str().unwrap(),
        "--ratings",
        ratings.to_str().unwrap(),
    ]
}
