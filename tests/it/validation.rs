//! The automatic scorer against two blind raters on eleven blind validation
//! sets: answers written without sight of the rubrics' evidence, rated from
//! the level descriptors by two raters blind to each other, to the engine
//! and to the authors' intent. The ninth to eleventh sets
//! (tests/fixtures/validation9, validation10, validation11) are the test
//! sets: nothing was tuned on them. The first eight
//! (tests/fixtures/validation to validation8) are the development sets the
//! rubrics are tuned and calibrated on; each of the later seven was a test
//! set measured once before it became one.
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

/// The test sets: answers and ratings nothing was tuned on, each measured
/// once with rubrics 1.14.0 to 1.17.0 (2026-12-06, the ninth set at 02:02
/// UTC, the tenth at 02:27 UTC, the eleventh at 03:04 UTC; none read
/// before). Floors are the
/// figures measured (detection, handling, prevention; median kappa) less
/// 0.02. Issue 16 aims at 0.85 and 0.70 (docs/statistics.md has the
/// history, the three sets pooled, and each earlier test set's one
/// measurement before it became development data).
const TEST_SETS: &[RecordedSet] = &[
    // 0.894, 0.938, 0.855; 0.644.
    RecordedSet {
        folder: "validation9",
        spearman_floors: &[
            ("detection", 0.87),
            ("handling", 0.91),
            ("prevention", 0.83),
        ],
        kappa_floor: 0.62,
    },
    // 0.882, 0.929, 0.846; 0.638.
    RecordedSet {
        folder: "validation10",
        spearman_floors: &[
            ("detection", 0.86),
            ("handling", 0.90),
            ("prevention", 0.82),
        ],
        kappa_floor: 0.61,
    },
    // 0.905, 0.902, 0.860; 0.635.
    RecordedSet {
        folder: "validation11",
        spearman_floors: &[
            ("detection", 0.88),
            ("handling", 0.88),
            ("prevention", 0.84),
        ],
        kappa_floor: 0.61,
    },
];

/// The development sets: the first eight blind sets, tuned on. Their floors
/// are their figures with rubrics 1.14.0 to 1.17.0 (detection, handling,
/// prevention; median kappa), less 0.02.
const DEVELOPMENT_SETS: &[RecordedSet] = &[
    // The first set: 0.874, 0.907, 0.815; 0.643.
    RecordedSet {
        folder: "validation",
        spearman_floors: &[
            ("detection", 0.85),
            ("handling", 0.88),
            ("prevention", 0.79),
        ],
        kappa_floor: 0.62,
    },
    // The second set, measured once as a test set with rubrics 1.7.0 and
    // 1.8.0 (0.831, 0.911, 0.688; 0.539); now 0.876, 0.912, 0.869; 0.664.
    RecordedSet {
        folder: "validation2",
        spearman_floors: &[
            ("detection", 0.85),
            ("handling", 0.89),
            ("prevention", 0.84),
        ],
        kappa_floor: 0.64,
    },
    // The third set, measured once as a test set with rubrics 1.7.0 to
    // 1.10.0 (0.854, 0.904, 0.806; 0.566); now 0.892, 0.912, 0.920; 0.656.
    RecordedSet {
        folder: "validation3",
        spearman_floors: &[
            ("detection", 0.87),
            ("handling", 0.89),
            ("prevention", 0.90),
        ],
        kappa_floor: 0.63,
    },
    // The fourth set, measured once as a test set with rubrics 1.8.0 to
    // 1.12.0 (0.851, 0.920, 0.777; 0.571); now 0.893, 0.920, 0.885; 0.665.
    RecordedSet {
        folder: "validation4",
        spearman_floors: &[
            ("detection", 0.87),
            ("handling", 0.90),
            ("prevention", 0.86),
        ],
        kappa_floor: 0.64,
    },
    // The fifth set, measured once as a test set with rubrics 1.10.0 to
    // 1.14.0 (0.857, 0.928, 0.786; 0.600); now 0.895, 0.928, 0.881; 0.678.
    RecordedSet {
        folder: "validation5",
        spearman_floors: &[
            ("detection", 0.87),
            ("handling", 0.90),
            ("prevention", 0.86),
        ],
        kappa_floor: 0.65,
    },
    // The sixth set, measured once as a test set with rubrics 1.10.0 to
    // 1.15.0 (0.900, 0.914, 0.815; 0.632); now 0.906, 0.912, 0.862; 0.689.
    RecordedSet {
        folder: "validation6",
        spearman_floors: &[
            ("detection", 0.88),
            ("handling", 0.89),
            ("prevention", 0.84),
        ],
        kappa_floor: 0.66,
    },
    // The seventh set, measured once as a test set with rubrics 1.13.0 to
    // 1.16.0 (0.880, 0.930, 0.800; 0.602); now 0.890, 0.929, 0.794; 0.627.
    RecordedSet {
        folder: "validation7",
        spearman_floors: &[
            ("detection", 0.87),
            ("handling", 0.90),
            ("prevention", 0.77),
        ],
        kappa_floor: 0.60,
    },
    // The eighth set, measured once as a test set with rubrics 1.13.0 to
    // 1.16.0 (0.873, 0.928, 0.823; 0.591); now 0.887, 0.928, 0.844; 0.627.
    RecordedSet {
        folder: "validation8",
        spearman_floors: &[
            ("detection", 0.86),
            ("handling", 0.90),
            ("prevention", 0.82),
        ],
        kappa_floor: 0.60,
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

/// The three test sets pooled (480 answers), with floors at the figures
/// measured (docs/statistics.md: 0.854, 0.893, 0.924; median kappa 0.633)
/// less 0.02; and, as issue 16 asks, the engine not more generous than
/// the raters: its mean criterion level not above theirs.
#[test]
fn the_engine_agrees_with_blind_raters_on_the_test_sets_pooled() {
    let sets: Vec<&str> = TEST_SETS.iter().map(|s| s.folder).collect();
    let f = figures(&sets);
    check(
        &f,
        &[
            ("detection", 0.87),
            ("handling", 0.90),
            ("prevention", 0.83),
        ],
        0.61,
    );
    let (engine, raters) = f.mean_level;
    assert!(
        engine <= raters,
        "pooled, the engine is more generous than the raters: {engine:.3} against {raters:.3}"
    );
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
