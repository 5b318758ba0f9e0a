//! `vignette simulate`: seeded, stored through the normal session paths,
//! refused cleanly on bad input, and scored by the engine in the order of
//! the competence it was simulated with.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Value, json};
use vignette::bank::{self, BankSource};
use vignette::session;
use vignette::simulate::{self, Effect, Simulation, Spec};
use vignette::store::Store;

use crate::common::{Db, Output};

/// A small simulation for the command line: 3 sites, 2 groups, 2 phases.
const SMALL: [&str; 7] = [
    "simulate",
    "--sites",
    "3",
    "--groups",
    "2",
    "--phases",
    "baseline,endpoint",
];

/// Runs the small simulation (plus `extra`) into the database.
fn small(db: &Db, extra: &[&str]) -> Output {
    let mut args = SMALL.to_vec();
    args.extend_from_slice(extra);
    db.run(&args)
}

/// Everything stored, without wall-clock timestamps.
fn content(db: &Path) -> Value {
    let store = Store::open(db).unwrap();
    let mut sessions = store.sessions().unwrap();
    sessions.sort_by(|a, b| a.id.cmp(&b.id));
    let all: Vec<Value> = sessions
        .into_iter()
        .map(|mut record| {
            record.created_at.clear();
            let id = record.id.clone();
            let mut responses = json!(store.responses(&id).unwrap());
            for r in responses.as_array_mut().unwrap() {
                r["answered_at"] = Value::Null;
            }
            json!({
                "session": record,
                "groups": store.groups(&id).unwrap(),
                "assignments": store.assignments(&id).unwrap(),
                "responses": responses,
            })
        })
        .collect();
    Value::Array(all)
}

#[test]
fn the_same_seed_gives_the_same_database_and_another_seed_another() {
    let run = |seed: &str| {
        let db = Db::new();
        let out = small(&db, &["--seed", seed, "--attrition", "0.3"]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        let path = db.path();
        let summary = out.stdout.replace(path.to_str().unwrap(), "DB");
        (content(&path), summary)
    };
    let (first, summary) = run("11");
    let (again, summary_again) = run("11");
    assert_eq!(first, again);
    assert_eq!(summary, summary_again);
    let (other, _) = run("12");
    assert_ne!(first, other);
    let sessions = first.as_array().unwrap();
    assert_eq!(sessions.len(), 6, "3 sites × 2 phases");
    assert!(
        sessions
            .iter()
            .all(|s| !s["responses"].as_array().unwrap().is_empty())
    );
    assert!(
        summary.contains("simulated 6 session(s) of cohort `sim`"),
        "{summary}"
    );
}

#[test]
fn the_truth_and_the_export_describe_what_was_stored() {
    let db = Db::new();
    let (truth, jsonl) = (db.dir().join("truth.csv"), db.dir().join("answers.jsonl"));
    let out = small(
        &db,
        &[
            "--truth",
            truth.to_str().unwrap(),
            "--jsonl",
            jsonl.to_str().unwrap(),
            "--format",
            "json",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let summary: Value = serde_json::from_str(&out.stdout).unwrap();
    let truth = std::fs::read_to_string(truth).unwrap();
    let mut lines = truth.lines();
    assert_eq!(
        lines.next(),
        Some("session,group,site,offering,phase,theta")
    );
    assert_eq!(lines.count() as u64, summary["groups"].as_u64().unwrap());
    // The export lines of a session are exactly what `session export` prints.
    let first = summary["sessions"][0]["id"].as_str().unwrap();
    let export = db.run(&["session", "export", first, "--format", "jsonl"]);
    assert_eq!(export.code, 0, "{}", export.stderr);
    let written = std::fs::read_to_string(&jsonl).unwrap();
    let of_first: Vec<&str> = written
        .lines()
        .filter(|l| l.contains(&format!("\"session\":\"{first}\"")))
        .collect();
    assert_eq!(of_first, export.stdout.lines().collect::<Vec<_>>());
    assert_eq!(
        written.lines().count() as u64,
        summary["answers"].as_u64().unwrap()
    );
    // And `score --responses` reads it.
    let scored = db.run(&[
        "score",
        "--responses",
        jsonl.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(scored.code, 0, "{}", scored.stderr);
    assert!(
        serde_json::from_str::<Value>(&scored.stdout)
            .unwrap()
            .as_array()
            .unwrap()
            .len()
            > 6
    );
}

#[test]
fn without_the_store_only_the_files_are_written() {
    let db = Db::new();
    let jsonl = db.dir().join("answers.jsonl");
    let out = small(&db, &["--no-store", "--jsonl", jsonl.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("into memory (nothing stored)"),
        "{}",
        out.stdout
    );
    assert!(!db.path().exists());
    assert!(std::fs::metadata(&jsonl).unwrap().len() > 0);
    let missing = small(&db, &["--no-store"]);
    assert_eq!(missing.code, 2);
    assert!(missing.stderr.contains("--jsonl"), "{}", missing.stderr);
}

#[test]
fn bad_requests_are_refused_before_a_database_is_made() {
    let db = Db::new();
    let cases: [(&[&str], &str); 7] = [
        (
            &["--effect", "colour=red:1"],
            "unknown key `colour`; expected one of: offering, phase, role, sector, centrality",
        ),
        (
            &["--effect", "offering=nope:1"],
            "the study has no offering `nope`; expected one of: laeringsmiljoprosjektet, samlingsbasert, nettbasert",
        ),
        (
            &["--effect", "offering=nettbasert"],
            "expected KEY=LEVEL:SIZE",
        ),
        (&["--icc", "1"], "the site ICC must be in [0, 1); got 1"),
        (&["--icc=-0.1"], "the site ICC must be in [0, 1); got -0.1"),
        (
            &["--study", "nope"],
            "no study `nope` in the bank; expected one of:",
        ),
        (
            &["--phases", "later"],
            "the study has no phase `later`; expected one of: baseline, midpoint, endpoint",
        ),
    ];
    for (args, expected) in cases {
        let out = small(&db, args);
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(out.stderr.contains(expected), "{args:?}: {}", out.stderr);
        assert!(!db.path().exists(), "{args:?} made a database");
    }
}

#[test]
fn chosen_offerings_take_the_sites_in_turn_and_are_checked() {
    let spec = Spec {
        sites: 4,
        groups: 1,
        phases: vec!["endpoint".into()],
        offerings: vec!["nettbasert".into(), "laeringsmiljoprosjektet".into()],
        ..Spec::default()
    };
    let (_, simulation) = simulate_in_memory(&spec);
    let offerings: Vec<&str> = simulation
        .sessions
        .iter()
        .map(|s| s.offering.as_str())
        .collect();
    assert_eq!(
        offerings,
        [
            "nettbasert",
            "laeringsmiljoprosjektet",
            "nettbasert",
            "laeringsmiljoprosjektet"
        ]
    );
    let (bank, _) = bank::load(&BankSource::Embedded).unwrap();
    for (offerings, expected) in [
        (
            vec!["nope"],
            "the study has no offering `nope`; expected one of: laeringsmiljoprosjektet, samlingsbasert, nettbasert",
        ),
        (
            vec!["nettbasert", "nettbasert"],
            "offering `nettbasert` is given twice",
        ),
    ] {
        let spec = Spec {
            offerings: offerings.iter().map(|o| o.to_string()).collect(),
            ..Spec::default()
        };
        let error = simulate::plan(&bank, &spec).err().unwrap().to_string();
        assert_eq!(error, expected);
    }
}

/// Each offering's sorted (sector, centrality) pairs, one per site, from
/// the answers `simulate --jsonl` wrote.
fn offering_mixes(jsonl: &Path) -> BTreeMap<String, Vec<(String, String)>> {
    let mut sites: BTreeMap<String, (String, (String, String))> = BTreeMap::new();
    for line in std::fs::read_to_string(jsonl).unwrap().lines() {
        let row: Value = serde_json::from_str(line).unwrap();
        let attribute = |key: &str| row["site_attributes"][key].as_str().unwrap().to_string();
        let offering = row["offering"].as_str().unwrap().to_string();
        let pair = (attribute("sector"), attribute("centrality"));
        sites.insert(row["site"].as_str().unwrap().to_string(), (offering, pair));
    }
    let mut mixes: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for (offering, pair) in sites.into_values() {
        mixes.entry(offering).or_default().push(pair);
    }
    for mix in mixes.values_mut() {
        mix.sort();
    }
    mixes
}

/// With 2, 3 or 5 municipalities per offering (not a whole round of the 4
/// sector × centrality combinations), every offering still gets the same
/// sectors and centralities, so neither is confounded with the offering.
#[test]
fn offerings_get_the_same_sectors_and_centralities_whatever_the_number_of_sites() {
    for sites in ["6", "9", "15"] {
        let db = Db::new();
        let jsonl = db.dir().join("answers.jsonl");
        let out = db.run(&[
            "simulate",
            "--no-store",
            "--sites",
            sites,
            "--groups",
            "1",
            "--phases",
            "endpoint",
            "--vignettes-per-group",
            "1",
            "--jsonl",
            jsonl.to_str().unwrap(),
        ]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        let mixes = offering_mixes(&jsonl);
        assert_eq!(mixes.len(), 3, "{sites} sites: {mixes:?}");
        let first = mixes.values().next().unwrap();
        assert!(first.iter().any(|(sector, _)| sector == "school"));
        assert!(
            mixes.values().all(|mix| mix == first),
            "{sites} sites: {mixes:#?}"
        );
    }
}

#[test]
fn a_second_simulation_of_the_same_cohort_is_refused_and_changes_nothing() {
    let db = Db::new();
    assert_eq!(small(&db, &[]).code, 0);
    let before = content(&db.path());
    let again = small(&db, &["--seed", "2"]);
    assert_eq!(again.code, 2);
    assert!(
        again
            .stderr
            .contains("already holds 6 session(s) of cohort `sim`"),
        "{}",
        again.stderr
    );
    assert!(
        again.stderr.contains("hint: choose another --cohort"),
        "{}",
        again.stderr
    );
    assert_eq!(content(&db.path()), before);
    let other = db.run(&[
        "simulate", "--cohort", "sim2", "--sites", "1", "--groups", "1",
    ]);
    assert_eq!(other.code, 0, "{}", other.stderr);
}

fn simulate_in_memory(spec: &Spec) -> (Store, Simulation) {
    let (bank, _) = bank::load(&BankSource::Embedded).unwrap();
    let mut store = Store::in_memory().unwrap();
    let simulation = simulate::plan(&bank, spec)
        .unwrap()
        .run(&mut store)
        .unwrap();
    (store, simulation)
}

/// Each group's overall score in each session (the mean over its
/// vignettes), from the sessions' export scored as `score --responses` does.
fn overall_scores(store: &Store, simulation: &Simulation) -> BTreeMap<(String, String), f64> {
    let mut export = String::new();
    for s in &simulation.sessions {
        let loaded = session::load(store, &s.id).unwrap();
        for row in session::answer_rows(&loaded, &store.responses(&s.id).unwrap()) {
            export.push_str(&format!("{}\n", json!(row)));
        }
    }
    let (bank, _) = bank::load(&BankSource::Embedded).unwrap();
    let mut scores: BTreeMap<(String, String), Vec<f64>> = BTreeMap::new();
    let export = vignette::scoring::Responses::read(&bank, "simulated", export.as_bytes()).unwrap();
    for scored in export.scored(0..export.len()) {
        let (session, group) = scored.group.split_once('/').unwrap();
        scores
            .entry((session.to_string(), group.to_string()))
            .or_default()
            .push(scored.card.overall);
    }
    scores
        .into_iter()
        .map(|(key, all)| (key, all.iter().sum::<f64>() / all.len() as f64))
        .collect()
}

#[test]
fn the_engine_ranks_groups_by_their_simulated_competence() {
    let spec = Spec {
        sites: 8,
        seed: 3,
        ..Spec::default()
    };
    let (store, simulation) = simulate_in_memory(&spec);
    let scores = overall_scores(&store, &simulation);
    let (thetas, overall): (Vec<f64>, Vec<f64>) = simulation
        .truth
        .iter()
        .map(|t| (t.theta, scores[&(t.session.clone(), t.group.clone())]))
        .unzip();
    assert_eq!(thetas.len(), 8 * 3 * 4);
    let rho = vignette::stats::spearman(&thetas, &overall).unwrap();
    eprintln!(
        "Spearman(θ, overall score) over {} groups: {rho:.3}",
        thetas.len()
    );
    assert!(rho >= 0.85, "Spearman {rho}");
}

#[test]
fn a_planted_offering_effect_shows_in_the_endpoint_scores() {
    let effects: Vec<Effect> = [
        "offering=laeringsmiljoprosjektet:2",
        "offering=samlingsbasert:1",
        "offering=nettbasert:-1",
    ]
    .iter()
    .map(|e| e.parse().unwrap())
    .collect();
    let spec = Spec {
        seed: 5,
        phases: vec!["endpoint".into()],
        effects: Some(effects),
        ..Spec::default()
    };
    let (store, simulation) = simulate_in_memory(&spec);
    let scores = overall_scores(&store, &simulation);
    let mut by_offering: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    for t in &simulation.truth {
        by_offering
            .entry(t.offering.as_str())
            .or_default()
            .push(scores[&(t.session.clone(), t.group.clone())]);
    }
    let mean = |o: &str| by_offering[o].iter().sum::<f64>() / by_offering[o].len() as f64;
    let (project, gathering, online) = (
        mean("laeringsmiljoprosjektet"),
        mean("samlingsbasert"),
        mean("nettbasert"),
    );
    eprintln!("mean endpoint overall: {project:.1} {gathering:.1} {online:.1}");
    assert!(
        project > gathering && gathering > online,
        "{project} {gathering} {online}"
    );
    assert!(project - online > 15.0, "{project} vs {online}");
}

#[test]
fn scoring_in_memory_gives_what_storing_and_scoring_gives() {
    let spec = Spec {
        sites: 3,
        seed: 8,
        attrition: 0.3,
        ..Spec::default()
    };
    let (bank, _) = bank::load(&BankSource::Embedded).unwrap();
    let scorers = simulate::Scorers::new(&bank, &spec.study).unwrap();
    let in_memory = simulate::plan(&bank, &spec)
        .unwrap()
        .score_in_memory(&scorers)
        .unwrap();
    let (mut store, stored) = simulate_in_memory(&spec);
    for s in &stored.sessions {
        let loaded = session::load(&store, &s.id).unwrap();
        vignette::scoring::score_session(&mut store, &loaded, None).unwrap();
    }
    let data = vignette::compare::dataset::load(&store, &Default::default()).unwrap();
    assert_eq!(in_memory.simulation, stored);
    let sorted = |mut scores: Vec<vignette::compare::dataset::GroupScore>| {
        scores.sort_by(|a, b| {
            (&a.group, &a.keys, &a.dimension).cmp(&(&b.group, &b.keys, &b.dimension))
        });
        scores
    };
    let expected = sorted(data.group_scores());
    assert_eq!(
        expected.len(),
        stored.groups() * 3,
        "three dimensions per group"
    );
    let got = sorted(in_memory.data.group_scores());
    assert_eq!(got.len(), expected.len());
    for (got, expected) in got.iter().zip(&expected) {
        assert_eq!(got, expected);
    }
    let units = |mut units: Vec<vignette::compare::dataset::UnitScore>| {
        units.sort_by(|a, b| {
            (&a.session, &a.label, &a.vignette).cmp(&(&b.session, &b.label, &b.vignette))
        });
        units
    };
    assert_eq!(units(in_memory.data.units), units(data.units));
    assert_eq!(in_memory.data.groups, data.groups);
    assert_eq!(in_memory.data.rubrics, data.rubrics);
}

/// A stored study whose offerings are given to whole sites (the default)
/// is compared with sites as clusters; the group level is there when asked.
#[test]
fn stored_offerings_are_compared_with_their_sites_as_clusters() {
    let db = Db::new();
    let out = db.run(&[
        "simulate", "--sites", "6", "--groups", "2", "--phases", "endpoint",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let sessions: Value =
        serde_json::from_str(&db.ok(&["session", "list", "--format", "json"])).unwrap();
    for session in sessions.as_array().unwrap() {
        db.ok(&["score", session["id"].as_str().unwrap()]);
    }
    let compare = |extra: &[&str]| -> Value {
        let mut args = vec![
            "compare", "--phase", "endpoint", "--boot", "50", "--format", "json",
        ];
        args.extend_from_slice(extra);
        serde_json::from_str(&db.ok(&args)).unwrap()
    };
    let json = compare(&[]);
    let pairs = json["pairwise"].as_array().unwrap();
    assert!(!pairs.is_empty());
    for pair in pairs {
        assert_eq!(pair["method"], "cr2", "{pair}");
        assert_eq!(pair["level"], "site", "{pair}");
        assert_eq!(pair["clusters_a"], 2, "{pair}");
    }
    let groups = compare(&["--group-level"]);
    assert_eq!(groups["pairwise"][0]["method"], "welch");
    let text = db.ok(&["compare", "--phase", "endpoint", "--boot", "50"]);
    assert!(
        text.contains("sites as clusters (CR2 standard error"),
        "{text}"
    );
}

/// The next steps `simulate` prints run as printed: `score --all` with the
/// database named, then `compare`.
#[test]
fn the_printed_next_steps_run_as_printed() {
    let db = Db::new();
    let out = db.run(&[
        "simulate", "--sites", "3", "--groups", "2", "--phases", "endpoint",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let next = out
        .stdout
        .lines()
        .find(|l| l.starts_with("next: "))
        .unwrap_or_else(|| panic!("no next step in {}", out.stdout));
    let commands: Vec<&str> = next.split('`').skip(1).step_by(2).collect();
    assert_eq!(commands.len(), 2, "{next}");
    for command in commands {
        let words: Vec<&str> = command.split_whitespace().collect();
        assert_eq!(words[0], "vignette", "{command}");
        assert!(command.contains(" --db "), "{command}");
        let run = crate::common::Vignette::new().args(&words[1..]).run();
        assert_eq!(run.code, 0, "{command}: {}", run.stderr);
        if words[1] == "score" {
            assert_eq!(run.stdout.lines().count(), 3, "{}", run.stdout);
            assert!(run.stdout.contains(" new, 0 rescored"), "{}", run.stdout);
        }
    }
}
