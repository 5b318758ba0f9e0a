//! The automatic scorer against two blind raters on fifteen blind
//! validation sets: answers written without sight of the rubrics' evidence,
//! rated from the level descriptors by two raters blind to each other, to
//! the engine and to the authors' intent. The ninth to twelfth and the
//! fifteenth sets (tests/fixtures/validation9 to validation12 and
//! validation15, 800 answers to the ten cases) and the fourteenth
//! (validation14, 160 answers to V8) are the test sets: nothing was tuned
//! on them. The first eight (tests/fixtures/validation
//! to validation8) and the thirteenth (validation13, 160 answers to V8) are
//! the development sets the rubrics are tuned and calibrated on and the
//! profile rules fitted on; each of the second to eighth and the thirteenth
//! was a test set measured once before it became one.
//! The tests fail if the engine's agreement drops below the figures
//! recorded (docs/statistics.md reports them beside the raters' own
//! agreement).

use std::collections::BTreeMap;

use serde_json::Value;
use vignette::bank::{self, BankSource, Rubric};
use vignette::rating::agreement::{Weights, cohen_kappa};
use vignette::scoring::Scorer;
use vignette::stats::spearman;

/// A set and the floors of its figures.
struct RecordedSet {
    folder: &'static str,
    spearman_floors: &'static [(&'static str, f64)],
    kappa_floor: f64,
}

/// The test sets: answers and ratings nothing was tuned on. The ninth to
/// eleventh were measured once with rubrics 1.14.0 to 1.17.0 (2026-12-06,
/// at 02:02, 02:27 and 03:04 UTC; none read before) and once more with the
/// profile rules of rubrics 1.15.0 to 1.18.0, fitted on the development
/// sets alone (07:05 UTC); the twelfth was made while those rules were
/// fitted and measured once with them (07:08 UTC). Floors are the figures
/// measured with the profile rules (detection, handling, prevention;
/// median kappa) less 0.02. Issue 16 aims at 0.85 and 0.70
/// (docs/statistics.md has the history, the sets pooled, and each earlier
/// test set's one measurement before it became development data).
const TEST_SETS: &[RecordedSet] = &[
    // 0.920, 0.939, 0.891; 0.710 (with rubrics 1.14.0 to 1.17.0: 0.894, 0.938, 0.855; 0.644).
    RecordedSet {
        folder: "validation9",
        spearman_floors: &[
            ("detection", 0.90),
            ("handling", 0.91),
            ("prevention", 0.87),
        ],
        kappa_floor: 0.69,
    },
    // 0.915, 0.932, 0.855; 0.721 (before: 0.882, 0.929, 0.846; 0.638).
    RecordedSet {
        folder: "validation10",
        spearman_floors: &[
            ("detection", 0.89),
            ("handling", 0.91),
            ("prevention", 0.83),
        ],
        kappa_floor: 0.70,
    },
    // 0.926, 0.914, 0.878; 0.733 (before: 0.905, 0.902, 0.860; 0.635).
    RecordedSet {
        folder: "validation11",
        spearman_floors: &[
            ("detection", 0.90),
            ("handling", 0.89),
            ("prevention", 0.85),
        ],
        kappa_floor: 0.71,
    },
    // The twelfth set, made for the profile rules and measured once with
    // them: 0.919, 0.942, 0.862; 0.747 (the rubrics before them would give
    // 0.901, 0.930, 0.846; 0.639).
    RecordedSet {
        folder: "validation12",
        spearman_floors: &[
            ("detection", 0.89),
            ("handling", 0.92),
            ("prevention", 0.84),
        ],
        kappa_floor: 0.72,
    },
    // The fourteenth set: 160 answers to V8 alone, made to measure rubric V8
    // 1.17.0 (tuned on the thirteenth set after its one measurement) and
    // measured once with it (2026-12-06, 11:56 UTC): 0.941, 0.941, 0.701;
    // 0.702. V8's prevention has three criteria, one of which
    // (P7_childrens_participation) almost no group addresses, so its
    // Spearman is lower than that of a set over all ten cases.
    RecordedSet {
        folder: "validation14",
        spearman_floors: &[
            ("detection", 0.92),
            ("handling", 0.92),
            ("prevention", 0.68),
        ],
        kappa_floor: 0.68,
    },
    // The fifteenth set: 160 answers to the ten cases, made after rubric V8
    // 1.17.0 and measured once with the rubrics as they are (2026-12-06,
    // 12:41 UTC): 0.921, 0.931, 0.856; 0.696.
    RecordedSet {
        folder: "validation15",
        spearman_floors: &[
            ("detection", 0.90),
            ("handling", 0.91),
            ("prevention", 0.83),
        ],
        kappa_floor: 0.67,
    },
];

/// The development sets: the first eight blind sets and the thirteenth,
/// tuned on, and the profile rules fitted on (the first eight). Their
/// floors are their figures with rubrics 1.15.0 to 1.18.0 and V8 1.17.0
/// (detection, handling, prevention; median kappa), less 0.02.
const DEVELOPMENT_SETS: &[RecordedSet] = &[
    // The first set, with rubrics 1.14.0 to 1.17.0: 0.874, 0.907, 0.815; 0.643.
    // With profile rules (rubrics 1.15.0 to 1.18.0): 0.916, 0.910, 0.825; 0.759.
    RecordedSet {
        folder: "validation",
        spearman_floors: &[
            ("detection", 0.89),
            ("handling", 0.89),
            ("prevention", 0.80),
        ],
        kappa_floor: 0.73,
    },
    // The second set, measured once as a test set with rubrics 1.7.0 and
    // 1.8.0 (0.831, 0.911, 0.688; 0.539); then 0.876, 0.912, 0.869; 0.664.
    // With profile rules (rubrics 1.15.0 to 1.18.0): 0.902, 0.921, 0.895; 0.747.
    RecordedSet {
        folder: "validation2",
        spearman_floors: &[
            ("detection", 0.88),
            ("handling", 0.90),
            ("prevention", 0.87),
        ],
        kappa_floor: 0.72,
    },
    // The third set, measured once as a test set with rubrics 1.7.0 to
    // 1.10.0 (0.854, 0.904, 0.806; 0.566); then 0.892, 0.912, 0.920; 0.656.
    // With profile rules (rubrics 1.15.0 to 1.18.0): 0.906, 0.919, 0.909; 0.732.
    RecordedSet {
        folder: "validation3",
        spearman_floors: &[
            ("detection", 0.88),
            ("handling", 0.89),
            ("prevention", 0.88),
        ],
        kappa_floor: 0.71,
    },
    // The fourth set, measured once as a test set with rubrics 1.8.0 to
    // 1.12.0 (0.851, 0.920, 0.777; 0.571); then 0.893, 0.920, 0.885; 0.665.
    // With profile rules (rubrics 1.15.0 to 1.18.0): 0.908, 0.935, 0.898; 0.746.
    RecordedSet {
        folder: "validation4",
        spearman_floors: &[
            ("detection", 0.88),
            ("handling", 0.91),
            ("prevention", 0.87),
        ],
        kappa_floor: 0.72,
    },
    // The fifth set, measured once as a test set with rubrics 1.10.0 to
    // 1.14.0 (0.857, 0.928, 0.786; 0.600); then 0.895, 0.928, 0.881; 0.678.
    // With profile rules (rubrics 1.15.0 to 1.18.0): 0.927, 0.930, 0.897; 0.741.
    RecordedSet {
        folder: "validation5",
        spearman_floors: &[
            ("detection", 0.90),
            ("handling", 0.91),
            ("prevention", 0.87),
        ],
        kappa_floor: 0.72,
    },
    // The sixth set, measured once as a test set with rubrics 1.10.0 to
    // 1.15.0 (0.900, 0.914, 0.815; 0.632); then 0.906, 0.912, 0.862; 0.689.
    // With profile rules (rubrics 1.15.0 to 1.18.0): 0.939, 0.922, 0.906; 0.776.
    RecordedSet {
        folder: "validation6",
        spearman_floors: &[
            ("detection", 0.91),
            ("handling", 0.90),
            ("prevention", 0.88),
        ],
        kappa_floor: 0.75,
    },
    // The seventh set, measured once as a test set with rubrics 1.13.0 to
    // 1.16.0 (0.880, 0.930, 0.800; 0.602); then 0.890, 0.929, 0.794; 0.627.
    // With profile rules (rubrics 1.15.0 to 1.18.0): 0.913, 0.946, 0.841; 0.697.
    RecordedSet {
        folder: "validation7",
        spearman_floors: &[
            ("detection", 0.89),
            ("handling", 0.92),
            ("prevention", 0.82),
        ],
        kappa_floor: 0.67,
    },
    // The eighth set, measured once as a test set with rubrics 1.13.0 to
    // 1.16.0 (0.873, 0.928, 0.823; 0.591); then 0.887, 0.928, 0.844; 0.627.
    // With profile rules (rubrics 1.15.0 to 1.18.0): 0.917, 0.930, 0.880; 0.710.
    RecordedSet {
        folder: "validation8",
        spearman_floors: &[
            ("detection", 0.89),
            ("handling", 0.91),
            ("prevention", 0.86),
        ],
        kappa_floor: 0.69,
    },
    // The thirteenth set (160 answers to V8 alone), measured once as a test
    // set with rubric V8 1.16.0 (2026-12-06, 11:34 UTC: 0.897, 0.943,
    // 0.754; 0.669, with P7_childrens_participation at 0.13 and
    // H6_follow_up_evaluate at 0.16); then rubric V8 1.17.0 was tuned on it:
    // 0.937, 0.953, 0.779; 0.705.
    RecordedSet {
        folder: "validation13",
        spearman_floors: &[
            ("detection", 0.91),
            ("handling", 0.93),
            ("prevention", 0.75),
        ],
        kappa_floor: 0.68,
    },
];

fn fixture(set: &str, name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(set)
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[derive(serde::Deserialize)]
struct Unit {
    id: String,
    vignette: String,
    language: String,
    answers: BTreeMap<String, Value>,
}

/// Unit → criterion → level, from a ratings CSV.
fn ratings(set: &str, name: &str) -> BTreeMap<String, BTreeMap<String, u8>> {
    let text = fixture(set, name);
    let rows = vignette::input::parse_ratings_csv(name, text.as_bytes()).expect("valid ratings");
    let mut by_unit: BTreeMap<String, BTreeMap<String, u8>> = BTreeMap::new();
    for r in rows {
        let level = u8::try_from(r.level).expect("a level 0–2");
        by_unit
            .entry(r.unit)
            .or_default()
            .insert(r.criterion, level);
    }
    by_unit
}

/// Weighted levels over their maximum × 100, per dimension (as the scorer does).
/// Dimension scores from the criteria the raters rated: a criterion added to
/// a rubric after the set was rated is left out on both sides until it is.
fn dimension_scores(
    rubric: &Rubric,
    rated: impl Fn(&str) -> bool,
    level: impl Fn(&str) -> f64,
) -> BTreeMap<String, f64> {
    let mut sums: BTreeMap<String, (f64, f64)> = BTreeMap::new();
    for c in rubric.criteria.iter().filter(|c| rated(&c.id)) {
        let entry = sums.entry(c.dimension.clone()).or_default();
        entry.0 += c.weight * level(&c.id) / f64::from(c.max_level());
        entry.1 += c.weight;
    }
    sums.into_iter()
        .map(|(d, (got, max))| (d, 100.0 * got / max))
        .collect()
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

/// What a set shows.
struct Figures {
    /// Dimension → Spearman of the engine's dimension scores against the raters' mean.
    spearman: BTreeMap<String, f64>,
    /// Raters A against B, the same per dimension.
    raters_spearman: BTreeMap<String, f64>,
    /// Per criterion id, linear weighted kappa of the engine against each rater, averaged.
    kappa: BTreeMap<String, f64>,
    /// Per criterion id, rater A against rater B.
    raters_kappa: BTreeMap<String, f64>,
    /// Mean criterion level: the engine's, and the raters' mean.
    mean_level: (f64, f64),
}

/// The figures on every unit of the sets (one set, or several pooled).
fn figures(sets: &[&str]) -> Figures {
    let (bank, _) = bank::load(&BankSource::Embedded).unwrap();
    let mut tally = Tally::default();
    for set in sets {
        tally.add(&bank, set);
    }
    tally.figures()
}

/// The engine's and the raters' levels and dimension scores, gathered set by set.
#[derive(Default)]
struct Tally {
    /// Dimension → [engine, rater A, rater B] dimension scores, one per unit.
    dims: BTreeMap<String, [Vec<f64>; 3]>,
    /// Criterion id → [engine, rater A, rater B] levels, one per unit rated.
    levels: BTreeMap<String, [Vec<i64>; 3]>,
    /// Sums of the engine's levels and of the raters' mean levels, and their count.
    sums: (f64, f64, f64),
}

impl Tally {
    /// Scores every unit of a set and adds it with its ratings.
    fn add(&mut self, bank: &vignette::bank::Bank, set: &str) {
        let (a, b) = (ratings(set, "rater-a.csv"), ratings(set, "rater-b.csv"));
        for line in fixture(set, "answers.jsonl").lines() {
            let unit: Unit = serde_json::from_str(line).unwrap();
            let vignette = &bank.vignette(&unit.vignette).unwrap().item;
            let rubric = &bank.rubric_for(&unit.vignette).unwrap().item;
            let card = Scorer::new(rubric, vignette, &unit.language).score(&unit.answers);
            let (ra, rb) = (&a[&unit.id], &b[&unit.id]);
            let rated = |c: &str| ra.contains_key(c) && rb.contains_key(c);
            for c in card.criteria.iter().filter(|c| rated(&c.id)) {
                let entry = self.levels.entry(c.id.clone()).or_default();
                entry[0].push(i64::from(c.level));
                entry[1].push(i64::from(ra[&c.id]));
                entry[2].push(i64::from(rb[&c.id]));
                self.sums.0 += f64::from(c.level);
                self.sums.1 += (f64::from(ra[&c.id]) + f64::from(rb[&c.id])) / 2.0;
                self.sums.2 += 1.0;
            }
            let engine: BTreeMap<&str, f64> = card
                .criteria
                .iter()
                .map(|c| (c.id.as_str(), f64::from(c.level)))
                .collect();
            let scores_a = dimension_scores(rubric, rated, |c| f64::from(ra[c]));
            let scores_b = dimension_scores(rubric, rated, |c| f64::from(rb[c]));
            for (dimension, engine) in dimension_scores(rubric, rated, |c| engine[c]) {
                let entry = self.dims.entry(dimension.clone()).or_default();
                entry[0].push(engine);
                entry[1].push(scores_a[&dimension]);
                entry[2].push(scores_b[&dimension]);
            }
        }
    }

    /// Spearman per dimension, kappa per criterion and the mean levels.
    fn figures(&self) -> Figures {
        let (engine_sum, raters_sum, count) = self.sums;
        let mut f = Figures {
            spearman: BTreeMap::new(),
            raters_spearman: BTreeMap::new(),
            kappa: BTreeMap::new(),
            raters_kappa: BTreeMap::new(),
            mean_level: (engine_sum / count, raters_sum / count),
        };
        for (dimension, [engine, sa, sb]) in &self.dims {
            let mean: Vec<f64> = sa.iter().zip(sb).map(|(x, y)| (x + y) / 2.0).collect();
            f.spearman
                .insert(dimension.clone(), spearman(engine, &mean).unwrap());
            f.raters_spearman
                .insert(dimension.clone(), spearman(sa, sb).unwrap());
        }
        for (criterion, [engine, la, lb]) in &self.levels {
            let kappa = |x: &[i64], y: &[i64]| cohen_kappa(x, y, Weights::Linear);
            // A criterion on which everyone gave one level has no kappa.
            if let (Some(ka), Some(kb)) = (kappa(engine, la), kappa(engine, lb)) {
                f.kappa.insert(criterion.clone(), (ka + kb) / 2.0);
            }
            if let Some(k) = kappa(la, lb) {
                f.raters_kappa.insert(criterion.clone(), k);
            }
        }
        f
    }
}

#[test]
fn the_engine_agrees_with_blind_raters_on_the_test_sets_as_recorded() {
    for set in TEST_SETS {
        println!("{}:", set.folder);
        check(
            &figures(&[set.folder]),
            set.spearman_floors,
            set.kappa_floor,
        );
    }
}

/// The five test sets over all ten cases pooled (sets 9–12 and 15, 800
/// answers), with floors at the figures measured with rubric V8 1.17.0
/// (docs/statistics.md: 0.867, 0.918, 0.929; median kappa 0.717) less
/// 0.02, and issue 16's median of 0.70; as the issue asks, the engine's
/// mean criterion level not above the raters' (not more generous) and
/// within 0.15 of it, and no criterion's kappa below 0.40. V8's
/// P7_childrens_participation is 0.66 here, but that rests on the 2 of 80
/// answers the raters credited; its blind figure on enough answers is the
/// fourteenth set's (the next test).
#[test]
fn the_engine_agrees_with_blind_raters_on_the_test_sets_pooled() {
    let sets: Vec<&str> = TEST_SETS
        .iter()
        .map(|s| s.folder)
        .filter(|folder| *folder != "validation14")
        .collect();
    let f = figures(&sets);
    check(
        &f,
        &[
            ("detection", 0.89),
            ("handling", 0.90),
            ("prevention", 0.84),
        ],
        0.70,
    );
    for (criterion, kappa) in &f.kappa {
        assert!(
            *kappa >= 0.40,
            "pooled, {criterion}'s kappa {kappa:.3} is below 0.40"
        );
    }
    let (engine, raters) = f.mean_level;
    assert!(
        engine <= raters,
        "pooled, the engine is more generous than the raters: {engine:.3} against {raters:.3}"
    );
    assert!(
        raters - engine <= 0.15,
        "pooled, the engine's mean level is more than 0.15 below the raters': {engine:.3} against {raters:.3}"
    );
}

/// V8 on its own test set (the fourteenth, 160 answers, blind to rubric
/// V8 1.17.0): no criterion's kappa below 0.40. The lowest is
/// P7_childrens_participation at 0.42: of the 18 answers at least one rater
/// credited, the engine credits 8 (and 1 that neither did). The engine's
/// mean level there is 0.04 above the raters' (0.893 against 0.851), within
/// the 0.15 that `check` allows.
#[test]
fn every_v8_criterion_agrees_with_blind_raters_on_its_own_test_set() {
    let f = figures(&["validation14"]);
    assert_eq!(
        f.kappa.len(),
        17,
        "V8 has 17 criteria: {:?}",
        f.kappa.keys()
    );
    for (criterion, kappa) in &f.kappa {
        assert!(
            *kappa >= 0.40,
            "validation14, {criterion}'s kappa {kappa:.3} is below 0.40"
        );
    }
}

/// The development sets, the only ones rules may be tuned on: their
/// figures show what a change does; the test set is measured once it is
/// made.
#[test]
fn the_engine_agrees_with_blind_raters_on_the_development_sets_as_recorded() {
    for set in DEVELOPMENT_SETS {
        println!("{}:", set.folder);
        check(
            &figures(&[set.folder]),
            set.spearman_floors,
            set.kappa_floor,
        );
    }
}

/// Prints the figures and fails if any is below its floor.
fn check(f: &Figures, spearman_floors: &[(&str, f64)], kappa_floor: f64) {
    for (dimension, rho) in &f.spearman {
        println!(
            "{dimension}: Spearman engine vs raters' mean {rho:.3}; rater A vs B {:.3}",
            f.raters_spearman[dimension]
        );
    }
    let engine_median = median(f.kappa.values().copied().collect());
    let raters_median = median(f.raters_kappa.values().copied().collect());
    let lowest = f.kappa.iter().min_by(|x, y| x.1.total_cmp(y.1)).unwrap();
    println!(
        "linear weighted kappa over {} criteria: engine vs raters median {engine_median:.3} \
         (lowest {} {:.3}); rater A vs B median {raters_median:.3}",
        f.kappa.len(),
        lowest.0,
        lowest.1
    );
    println!(
        "mean criterion level: engine {:.3}, raters {:.3}",
        f.mean_level.0, f.mean_level.1
    );
    let mut by_kappa: Vec<(&String, &f64)> = f.kappa.iter().collect();
    by_kappa.sort_by(|a, b| a.1.total_cmp(b.1));
    let lowest: Vec<String> = by_kappa[..by_kappa.len().min(8)]
        .iter()
        .map(|(c, k)| format!("{c} {k:.2}"))
        .collect();
    println!("lowest kappas: {}", lowest.join(", "));
    for (dimension, floor) in spearman_floors {
        let rho = f.spearman[*dimension];
        assert!(
            rho >= *floor,
            "{dimension}: Spearman {rho:.3} fell below {floor}"
        );
    }
    assert!(
        engine_median >= kappa_floor,
        "median kappa {engine_median:.3} fell below {kappa_floor}"
    );
    let (engine, raters) = f.mean_level;
    assert!(
        (engine - raters).abs() <= MEAN_LEVEL_TOLERANCE,
        "mean criterion level: engine {engine:.3} against the raters' {raters:.3}"
    );
}

/// The raters agree with each other far better than the engine agrees with
/// them: the set measures the engine, not noise in the ratings.
#[test]
fn the_raters_agree_with_each_other() {
    for set in TEST_SETS.iter().chain(DEVELOPMENT_SETS) {
        let f = figures(&[set.folder]);
        for (dimension, rho) in &f.raters_spearman {
            let set = set.folder;
            assert!(*rho >= 0.8, "{set} {dimension}: raters' Spearman {rho:.3}");
        }
    }
}

/// How far the engine's mean criterion level may be from the raters' mean.
const MEAN_LEVEL_TOLERANCE: f64 = 0.15;
