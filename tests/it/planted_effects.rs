//! Planted effects come back: 50 seeded simulated studies with known
//! offering and phase effects, each composed, scored by the engine and
//! compared with `compare` (endpoint cells, pairwise differences, change
//! from baseline, sites as clusters). The order and sign of the planted
//! effects must be recovered, and the 95 % intervals must cover the true
//! values in most repetitions.
//!
//! The planted effects are on the competence scale θ (SD units); the
//! intervals are on the score scale (0–100), which the engine's scoring maps
//! θ onto without a formula. The true score-scale values are therefore the
//! population values of the same design: one large simulation (120 sites,
//! 480 groups at each phase, its own seed) compared the same way. Its
//! means have about a third of a repetition's standard error, which lowers
//! the coverage one can expect by about half a percentage point.

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde_json::Value;
use vignette::bank::{self, Bank, BankSource};
use vignette::compare::{self, Request};
use vignette::simulate::{self, Effect, Scorers, Spec};

const REPETITIONS: u64 = 50;
const OFFERINGS: [&str; 3] = ["laeringsmiljoprosjektet", "samlingsbasert", "nettbasert"];
const DIMENSIONS: [&str; 3] = ["prevention", "detection", "handling"];

/// Planted on θ: at endpoint the offerings differ by 0.6 SD in this order,
/// and everyone gains 0.4 SD; so the changes are 1.6, 1.0 and 0.4 SD.
const PLANTED: [&str; 4] = [
    "offering=laeringsmiljoprosjektet:1.2",
    "offering=samlingsbasert:0.6",
    "offering=nettbasert:0",
    "phase=endpoint:0.4",
];

/// A study like the demo's, at baseline and endpoint: 12 municipalities (4
/// per offering), 4 groups each, 3 cases per group, ICC 0.1.
fn spec(seed: u64, sites: usize) -> Spec {
    Spec {
        seed,
        sites,
        phases: vec!["baseline".into(), "endpoint".into()],
        effects: Some(
            PLANTED
                .iter()
                .map(|e| e.parse::<Effect>().unwrap())
                .collect(),
        ),
        ..Spec::default()
    }
}

/// Simulates, scores in memory and compares one study.
fn compared(bank: &Bank, scorers: &Scorers, spec: &Spec, boot: usize) -> Value {
    let scored = simulate::plan(bank, spec)
        .unwrap()
        .score_in_memory(scorers)
        .unwrap();
    let request = Request {
        phase: Some("endpoint".into()),
        change: Some(("baseline".into(), "endpoint".into())),
        cluster: Some("site".into()),
        boot,
        seed: spec.seed,
        ..Request::default()
    };
    let comparison = compare::compare(&scored.data.group_scores(), &request).unwrap();
    serde_json::to_value(comparison).unwrap()
}

/// The one item of a list whose fields have these values.
fn find<'a>(list: &'a Value, keys: &[(&str, &str)]) -> &'a Value {
    let mut found = list
        .as_array()
        .unwrap()
        .iter()
        .filter(|item| keys.iter().all(|(k, v)| item[k] == *v));
    let item = found.next().unwrap_or_else(|| panic!("{keys:?} in {list}"));
    assert!(found.next().is_none(), "{keys:?} twice");
    item
}

fn number(value: &Value) -> f64 {
    value
        .as_f64()
        .unwrap_or_else(|| panic!("{value} is not a number"))
}

/// One estimate with its interval (none without resamples).
struct Estimate {
    value: f64,
    interval: Option<[f64; 2]>,
}

impl Estimate {
    fn of(item: &Value, value: &str, interval: &str) -> Estimate {
        let interval = &item[interval];
        Estimate {
            value: number(&item[value]),
            interval: (!interval.is_null()).then(|| [number(&interval[0]), number(&interval[1])]),
        }
    }

    fn covers(&self, truth: f64) -> bool {
        let [low, high] = self.interval.expect("an interval");
        low <= truth && truth <= high
    }
}

/// The estimates of one kind (e.g. "change, t interval"), keyed by what
/// they estimate, from one comparison.
type Estimates = BTreeMap<String, Estimate>;

/// The estimates of each kind in one comparison.
fn estimates(json: &Value) -> BTreeMap<&'static str, Estimates> {
    let mut kinds: BTreeMap<&'static str, Estimates> = BTreeMap::new();
    for dimension in DIMENSIONS {
        for offering in OFFERINGS {
            let cell = find(
                &json["groups"],
                &[("offering", offering), ("dimension", dimension)],
            );
            let change = find(
                &json["change"],
                &[("offering", offering), ("dimension", dimension)],
            );
            let key = format!("{offering} {dimension}");
            for (kind, item, value, interval) in [
                ("endpoint mean, t", cell, "mean", "ci95_t"),
                ("endpoint mean, bootstrap", cell, "mean", "ci95_boot"),
                (
                    "endpoint mean, site bootstrap",
                    cell,
                    "mean",
                    "ci95_cluster",
                ),
                ("change, paired t", change, "mean_change", "ci95"),
            ] {
                let estimate = Estimate::of(item, value, interval);
                kinds.entry(kind).or_default().insert(key.clone(), estimate);
            }
        }
        for (kind, list) in [
            ("endpoint difference, Welch", "pairwise"),
            ("difference in change, Welch", "change_pairwise"),
        ] {
            for (i, a) in OFFERINGS.iter().enumerate() {
                for b in &OFFERINGS[i + 1..] {
                    let (first, second) = if a < b { (a, b) } else { (b, a) };
                    let pair = find(
                        &json[list],
                        &[("a", first), ("b", second), ("dimension", dimension)],
                    );
                    let mut estimate = Estimate::of(pair, "diff", "diff_ci95");
                    if first != a {
                        estimate.value = -estimate.value;
                        estimate.interval = estimate.interval.map(|[low, high]| [-high, -low]);
                    }
                    let key = format!("{a} − {b} {dimension}");
                    kinds.entry(kind).or_default().insert(key, estimate);
                }
            }
        }
    }
    kinds
}

/// Share of `true`.
fn share(flags: impl Iterator<Item = bool>) -> f64 {
    let (hits, all) = flags.fold((0, 0), |(h, n), f| (h + usize::from(f), n + 1));
    hits as f64 / all as f64
}

#[test]
fn compare_recovers_planted_effects_and_its_intervals_cover_them() {
    let (bank, _) = bank::load(&BankSource::Embedded).unwrap();
    let scorers = Scorers::new(&bank, simulate::DEFAULT_STUDY).unwrap();
    // The population: the same design with 10 times the municipalities.
    let truth = estimates(&compared(&bank, &scorers, &spec(999_999, 120), 0));
    let repetitions: Vec<BTreeMap<&str, Estimates>> = (0..REPETITIONS)
        .into_par_iter()
        .map(|r| estimates(&compared(&bank, &scorers, &spec(1_000 + r, 12), 1_000)))
        .collect();

    // Order and sign: planted LMP > gathering > online at endpoint, all
    // changes positive, larger for the offering with the larger effect.
    let value = |kinds: &BTreeMap<&str, Estimates>, kind: &str, key: &str| kinds[kind][key].value;
    for dimension in DIMENSIONS {
        for kind in ["endpoint mean, t", "change, paired t"] {
            let population: Vec<f64> = OFFERINGS
                .iter()
                .map(|o| value(&truth, kind, &format!("{o} {dimension}")))
                .collect();
            let average: Vec<f64> = OFFERINGS
                .iter()
                .map(|o| {
                    let key = format!("{o} {dimension}");
                    let sum: f64 = repetitions.iter().map(|r| value(r, kind, &key)).sum();
                    sum / REPETITIONS as f64
                })
                .collect();
            eprintln!(
                "{kind}, {dimension}: population {population:.1?}, mean of repetitions {average:.1?}"
            );
            for values in [&population, &average] {
                assert!(
                    values[0] > values[1] && values[1] > values[2],
                    "{kind} on {dimension} not in the planted order: {values:?}"
                );
            }
        }
        let in_order = share(repetitions.iter().map(|r| {
            let v: Vec<f64> = OFFERINGS
                .iter()
                .map(|o| value(r, "endpoint mean, t", &format!("{o} {dimension}")))
                .collect();
            v[0] > v[1] && v[1] > v[2]
        }));
        let largest_positive = share(repetitions.iter().map(|r| {
            let key = format!("laeringsmiljoprosjektet − nettbasert {dimension}");
            value(r, "endpoint difference, Welch", &key) > 0.0
        }));
        let gains = share(repetitions.iter().flat_map(|r| {
            OFFERINGS
                .iter()
                .map(|o| value(r, "change, paired t", &format!("{o} {dimension}")) > 0.0)
                .collect::<Vec<_>>()
        }));
        eprintln!(
            "{dimension}: all three offerings in order in {in_order:.2} of the repetitions, \
             LMP above online in {largest_positive:.2}, changes positive in {gains:.2}"
        );
        // 1.2 SD of θ apart: the sign is wrong in a repetition only by chance.
        assert!(largest_positive >= 0.95, "{dimension}: {largest_positive}");
        // Gains of 0.4 to 1.6 SD, every group its own control.
        assert!(gains >= 0.95, "{dimension}: {gains}");
    }

    // Coverage of the population values.
    let mut coverage = BTreeMap::new();
    for (kind, population) in &truth {
        let covered = share(repetitions.iter().flat_map(|r| {
            population
                .iter()
                .map(|(key, true_value)| r[kind][key].covers(true_value.value))
                .collect::<Vec<_>>()
        }));
        eprintln!("coverage of 95 % intervals, {kind}: {covered:.3}");
        coverage.insert(*kind, covered);
    }
    // Groups are independent within their own change: the paired t
    // interval should hold its level. With rubrics 1.6.0 the simulated
    // scores are coarser (a rank earns level 2 only in first place) and
    // the changes cover 89.6 % and 90.4 % (93.6 % and 93.3 % with 1.2.0):
    // docs/statistics.md reports both.
    for kind in ["change, paired t", "difference in change, Welch"] {
        assert!(coverage[kind] >= 0.88, "{kind}: {coverage:?}");
    }
    // Between offerings, groups of a municipality share its random effect
    // (ICC 0.1 on θ), which intervals treating groups as independent ignore:
    // a little under the level. The percentile bootstrap of 16 groups is
    // narrower still (no small-sample correction).
    for (kind, floor) in [
        ("endpoint mean, t", 0.88),
        ("endpoint difference, Welch", 0.88),
        ("endpoint mean, bootstrap", 0.82),
    ] {
        assert!(coverage[kind] >= floor, "{kind}: {coverage:?}");
    }
    // Four municipalities per offering are too few for a percentile
    // bootstrap of whole clusters; its coverage is reported, not required.
    assert!(
        coverage["endpoint mean, site bootstrap"] > 0.6,
        "{coverage:?}"
    );
    // Too wide is wrong too: 450 intervals of a kind at 95 % would almost
    // never all but 1 % cover.
    for (kind, covered) in &coverage {
        assert!(*covered <= 0.99, "{kind}: {coverage:?}");
    }
}
