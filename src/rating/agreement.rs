//! Inter-rater agreement: how consistently human raters code group answers
//! against a rubric's criteria on ordinal levels (0, 1, 2, …).
//!
//! Not for: reading files (the ratings CSV is read by `input`), printing,
//! storing ratings, or deciding a consensus level; this module only
//! measures agreement.
//!
//! Per criterion, with these definitions:
//! - **percent agreement**: the share (0–1) of units rated by two or more
//!   raters on which all of them gave the same level;
//! - **Cohen's kappa** (unweighted, linear, quadratic), only where exactly two
//!   raters rated every unit, exactly as `sklearn.metrics.cohen_kappa_score`:
//!   the labels are the sorted distinct observed levels and the weights use
//!   their *indices*, so with levels {0, 2, 3} the linear distance from 0 to 2
//!   is 1, not 2;
//! - **Krippendorff's alpha** (nominal, ordinal, interval), any number of
//!   raters, missing ratings allowed, through the coincidence matrix exactly as
//!   the PyPI `krippendorff` package with its default value domain (the sorted
//!   distinct observed levels): units with fewer than two ratings are not
//!   pairable and drop out; ordinal distances depend only on the order of the
//!   levels, interval distances on their values;
//! - **bootstrap 95 % interval of ordinal alpha**: the pairable units are
//!   resampled with replacement (units, not single ratings, because a unit's
//!   ratings are not independent of each other), `boot` times; resamples in
//!   which alpha is undefined are left out; the interval is the 2.5 and 97.5
//!   percentiles, interpolated linearly (numpy's default). Each criterion
//!   draws from its own ChaCha8 stream (the seed, and the FNV-1a hash of the
//!   criterion id as stream), so the same seed gives the same interval and a
//!   criterion's interval does not depend on the other criteria.
//!
//! A statistic that is not defined is `None` (JSON `null`), never NaN:
//! percent agreement where no unit has two ratings; kappa where the two-rater
//! condition fails or only one level was used (sklearn returns NaN); alpha
//! where fewer than two levels were observed, no unit is pairable or the
//! pairable values leave no disagreement to expect (the `krippendorff`
//! package raises or returns NaN); the interval where alpha is undefined.

use std::collections::BTreeMap;

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::stats::bootstrap::{fnv1a, percentile_interval};
use serde::Serialize;

pub use crate::input::ratings::Rating;

/// Bootstrap resamples when none are asked for.
pub const DEFAULT_BOOT: usize = 1000;

/// Seed of the bootstrap when none is given.
pub const DEFAULT_SEED: u64 = 1;

/// How the bootstrap interval is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Resamples; 0 gives no interval.
    pub boot: usize,
    pub seed: u64,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            boot: DEFAULT_BOOT,
            seed: DEFAULT_SEED,
        }
    }
}

/// Agreement on one criterion; `None` where a statistic is not defined.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CriterionAgreement {
    /// Units with at least one rating for the criterion.
    pub n_units: usize,
    /// Units rated by two or more raters: the ones agreement is measured on.
    pub n_paired: usize,
    /// Distinct raters who rated the criterion.
    pub n_raters: usize,
    /// Share (0–1) of the units rated by two or more raters on which all of
    /// them gave the same level.
    pub percent_agreement: Option<f64>,
    /// Cohen's kappa, unweighted.
    pub kappa: Option<f64>,
    /// Cohen's kappa with linear weights on label indices.
    pub kappa_linear: Option<f64>,
    /// Cohen's kappa with quadratic weights on label indices.
    pub kappa_quadratic: Option<f64>,
    pub alpha_nominal: Option<f64>,
    pub alpha_ordinal: Option<f64>,
    pub alpha_interval: Option<f64>,
    /// Bootstrap 95 % percentile interval of `alpha_ordinal`.
    pub alpha_ordinal_ci95: Option<[f64; 2]>,
}

/// Agreement per criterion, criteria in sorted order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Agreement {
    pub criteria: BTreeMap<String, CriterionAgreement>,
}

/// Krippendorff's levels of measurement used here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    Nominal,
    Ordinal,
    Interval,
}

/// One criterion's ratings: for each unit (sorted), its (rater index, level)s.
struct Table {
    units: Vec<Vec<(usize, i64)>>,
    raters: usize,
    /// The observed levels, sorted and distinct.
    domain: Vec<i64>,
}

/// Computes agreement for every criterion in `ratings`.
///
/// A repeated (unit, rater, criterion) keeps its last level
/// (the ratings CSV reader refuses repeats).
pub fn agreement(ratings: &[Rating], options: &Options) -> Agreement {
    let mut sorted: Vec<&Rating> = ratings.iter().collect();
    // Stable: of equal keys the last in the input comes last and is kept.
    sorted.sort_by(|a, b| a.key().cmp(&b.key()));
    let last_of_each: Vec<&Rating> = sorted
        .chunk_by(|a, b| a.key() == b.key())
        .filter_map(<[&Rating]>::last)
        .copied()
        .collect();
    let criteria = last_of_each
        .chunk_by(|a, b| a.criterion == b.criterion)
        .map(|rows| {
            let criterion = rows[0].criterion.as_str();
            let stats = criterion_agreement(&table(rows), options, fnv1a(criterion));
            (criterion.to_string(), stats)
        })
        .collect();
    Agreement { criteria }
}

/// One criterion's table from its ratings, sorted by unit and rater.
fn table(rows: &[&Rating]) -> Table {
    let mut raters: Vec<&str> = rows.iter().map(|r| r.rater.as_str()).collect();
    raters.sort_unstable();
    raters.dedup();
    let rater_id = |r: &Rating| raters.binary_search(&r.rater.as_str()).unwrap_or(0);
    let units: Vec<Vec<(usize, i64)>> = rows
        .chunk_by(|a, b| a.unit == b.unit)
        .map(|unit| unit.iter().map(|r| (rater_id(r), r.level)).collect())
        .collect();
    let mut domain: Vec<i64> = rows.iter().map(|r| r.level).collect();
    domain.sort_unstable();
    domain.dedup();
    Table {
        units,
        raters: raters.len(),
        domain,
    }
}

fn criterion_agreement(table: &Table, options: &Options, stream: u64) -> CriterionAgreement {
    let kappas = two_rater_columns(table).map(|(y1, y2)| {
        [
            cohen_kappa(&y1, &y2, Weights::None),
            cohen_kappa(&y1, &y2, Weights::Linear),
            cohen_kappa(&y1, &y2, Weights::Quadratic),
        ]
    });
    let [kappa, kappa_linear, kappa_quadratic] = kappas.unwrap_or([None; 3]);
    let counts = UnitCounts::new(table);
    let alpha_ordinal = counts.alpha(Metric::Ordinal);
    CriterionAgreement {
        n_units: table.units.len(),
        n_paired: table.units.iter().filter(|u| u.len() >= 2).count(),
        n_raters: table.raters,
        percent_agreement: percent_agreement(table),
        kappa,
        kappa_linear,
        kappa_quadratic,
        alpha_nominal: counts.alpha(Metric::Nominal),
        alpha_ordinal,
        alpha_interval: counts.alpha(Metric::Interval),
        alpha_ordinal_ci95: alpha_ordinal.and_then(|_| counts.bootstrap(options, stream)),
    }
}

/// Share of units with two or more ratings on which all ratings are equal.
fn percent_agreement(table: &Table) -> Option<f64> {
    let rated: Vec<&Vec<(usize, i64)>> = table.units.iter().filter(|u| u.len() >= 2).collect();
    if rated.is_empty() {
        return None;
    }
    let agreeing = rated
        .iter()
        .filter(|u| u.iter().all(|&(_, level)| level == u[0].1))
        .count();
    Some(agreeing as f64 / rated.len() as f64)
}

/// The two raters' levels per unit, if exactly two raters rated every unit.
fn two_rater_columns(table: &Table) -> Option<(Vec<i64>, Vec<i64>)> {
    if table.raters != 2 || table.units.iter().any(|u| u.len() != 2) {
        return None;
    }
    let level = |unit: &[(usize, i64)], rater: usize| {
        unit.iter()
            .find(|&&(r, _)| r == rater)
            .map(|&(_, level)| level)
    };
    let y1 = table
        .units
        .iter()
        .map(|u| level(u, 0))
        .collect::<Option<_>>()?;
    let y2 = table
        .units
        .iter()
        .map(|u| level(u, 1))
        .collect::<Option<_>>()?;
    Some((y1, y2))
}

/// Kappa weights, as in `sklearn.metrics.cohen_kappa_score`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weights {
    None,
    /// |i − j| on label indices.
    Linear,
    /// (i − j)² on label indices.
    Quadratic,
}

/// Cohen's kappa of two raters' paired levels, exactly as scikit-learn
/// computes it.
///
/// The labels are the sorted union of the levels in `y1` and `y2`; weights
/// use the labels' *indices* in that list, not their values, so with levels
/// {0, 2, 3} the distance between 0 and 2 is 1. `None` where sklearn returns
/// NaN (no pairs, or no disagreement possible) or the slices differ in length.
pub fn cohen_kappa(y1: &[i64], y2: &[i64], weights: Weights) -> Option<f64> {
    if y1.len() != y2.len() {
        return None;
    }
    let mut labels: Vec<i64> = y1.iter().chain(y2).copied().collect();
    labels.sort_unstable();
    labels.dedup();
    let k = labels.len();
    let index = |level: &i64| labels.binary_search(level).unwrap_or(0);
    let mut confusion = vec![vec![0.0_f64; k]; k];
    for (a, b) in y1.iter().zip(y2) {
        confusion[index(a)][index(b)] += 1.0;
    }
    let rows: Vec<f64> = confusion.iter().map(|r| r.iter().sum()).collect();
    let cols: Vec<f64> = (0..k)
        .map(|j| confusion.iter().map(|r| r[j]).sum())
        .collect();
    let total: f64 = rows.iter().sum();
    if total == 0.0 {
        return None;
    }
    let weight = |i: usize, j: usize| {
        let d = i.abs_diff(j) as f64;
        match weights {
            Weights::None => f64::from(u8::from(i != j)),
            Weights::Linear => d,
            Weights::Quadratic => d * d,
        }
    };
    let (mut observed, mut expected) = (0.0, 0.0);
    for i in 0..k {
        for j in 0..k {
            observed += weight(i, j) * confusion[i][j];
            expected += weight(i, j) * rows[i] * cols[j] / total;
        }
    }
    finite(1.0 - observed / expected)
}

fn finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

/// The pairable units (two or more ratings) grouped by pattern: how many
/// ratings fall on each level of the domain, as (level index, count) pairs.
/// Units with the same pattern add the same coincidences, so a resample only
/// needs to count how often it drew each pattern.
struct UnitCounts<'a> {
    domain: &'a [i64],
    patterns: Vec<Vec<(usize, f64)>>,
    /// Each pairable unit's pattern index.
    unit_pattern: Vec<usize>,
}

impl<'a> UnitCounts<'a> {
    fn new(table: &'a Table) -> UnitCounts<'a> {
        let index = |level: i64| table.domain.binary_search(&level).unwrap_or(0);
        let mut ids: BTreeMap<Vec<(usize, u32)>, usize> = BTreeMap::new();
        let mut unit_pattern = Vec::new();
        for unit in table.units.iter().filter(|u| u.len() >= 2) {
            let mut counts: BTreeMap<usize, u32> = BTreeMap::new();
            for &(_, level) in unit {
                *counts.entry(index(level)).or_default() += 1;
            }
            let next = ids.len();
            unit_pattern.push(*ids.entry(counts.into_iter().collect()).or_insert(next));
        }
        let mut patterns = vec![Vec::new(); ids.len()];
        for (pattern, id) in ids {
            patterns[id] = pattern
                .into_iter()
                .map(|(c, n)| (c, f64::from(n)))
                .collect();
        }
        UnitCounts {
            domain: &table.domain,
            patterns,
            unit_pattern,
        }
    }

    /// Krippendorff's alpha over all pairable units.
    fn alpha(&self, metric: Metric) -> Option<f64> {
        let mut weights = vec![0.0; self.patterns.len()];
        for &p in &self.unit_pattern {
            weights[p] += 1.0;
        }
        self.weighted_alpha(metric, &weights)
    }

    /// Alpha with each pattern counted `weights[p]` times.
    fn weighted_alpha(&self, metric: Metric, weights: &[f64]) -> Option<f64> {
        if self.domain.len() < 2 || self.unit_pattern.is_empty() {
            return None;
        }
        let v = self.domain.len();
        let mut o = vec![vec![0.0_f64; v]; v];
        for (pattern, &w) in self.patterns.iter().zip(weights) {
            if w > 0.0 {
                add_coincidences(&mut o, pattern, w);
            }
        }
        alpha_from_coincidences(&o, self.domain, metric)
    }

    /// Bootstrap 95 % percentile interval of ordinal alpha: resample the
    /// pairable units with replacement; resamples where alpha is undefined
    /// are left out; `None` if none is defined or `boot` is 0.
    fn bootstrap(&self, options: &Options, stream: u64) -> Option<[f64; 2]> {
        let n = self.unit_pattern.len();
        if n == 0 || options.boot == 0 {
            return None;
        }
        let mut rng = ChaCha8Rng::seed_from_u64(options.seed);
        rng.set_stream(stream);
        let mut weights = vec![0.0; self.patterns.len()];
        let mut alphas = Vec::with_capacity(options.boot);
        for _ in 0..options.boot {
            weights.iter_mut().for_each(|w| *w = 0.0);
            for _ in 0..n {
                weights[self.unit_pattern[rng.random_range(0..n)]] += 1.0;
            }
            alphas.extend(self.weighted_alpha(Metric::Ordinal, &weights));
        }
        percentile_interval(alphas)
    }
}

/// Adds one unit's values to the coincidence matrix, `weight` times.
fn add_coincidences(o: &mut [Vec<f64>], unit: &[(usize, f64)], weight: f64) {
    let m: f64 = unit.iter().map(|&(_, count)| count).sum();
    for &(c, n_c) in unit {
        for &(k, n_k) in unit {
            let pairs = if c == k { n_c * (n_c - 1.0) } else { n_c * n_k };
            o[c][k] += weight * pairs / (m - 1.0);
        }
    }
}

/// Alpha = 1 − D_o / D_e from a coincidence matrix over `domain`.
fn alpha_from_coincidences(o: &[Vec<f64>], domain: &[i64], metric: Metric) -> Option<f64> {
    let v = domain.len();
    let n_v: Vec<f64> = (0..v).map(|k| o.iter().map(|row| row[k]).sum()).collect();
    let n: f64 = n_v.iter().sum();
    let distance = distances(domain, &n_v, metric);
    let (mut observed, mut expected) = (0.0, 0.0);
    for c in 0..v {
        for k in 0..v {
            let e = (n_v[c] * n_v[k] - if c == k { n_v[c] } else { 0.0 }) / (n - 1.0);
            observed += o[c][k] * distance[c][k];
            expected += e * distance[c][k];
        }
    }
    if expected == 0.0 {
        return None;
    }
    finite(1.0 - observed / expected)
}

/// Squared distances between levels, as the `krippendorff` package defines
/// them: nominal 0/1; ordinal (Σ_{g=c..k} n_g − (n_c + n_k)/2)² over level
/// indices; interval (c − k)² over level values.
fn distances(domain: &[i64], n_v: &[f64], metric: Metric) -> Vec<Vec<f64>> {
    let v = domain.len();
    let mut prefix = vec![0.0; v + 1];
    for (i, n) in n_v.iter().enumerate() {
        prefix[i + 1] = prefix[i] + n;
    }
    let d = |c: usize, k: usize| match metric {
        Metric::Nominal => f64::from(u8::from(c != k)),
        Metric::Ordinal => {
            let (lo, hi) = (c.min(k), c.max(k));
            let between = prefix[hi + 1] - prefix[lo] - (n_v[lo] + n_v[hi]) / 2.0;
            between * between
        }
        Metric::Interval => {
            let diff = domain[c] as f64 - domain[k] as f64;
            diff * diff
        }
    };
    (0..v).map(|c| (0..v).map(|k| d(c, k)).collect()).collect()
}

/// Krippendorff's alpha of a reliability matrix (`data[rater][unit]`, `None`
/// for a missing rating), as `krippendorff.alpha(reliability_data=…,
/// level_of_measurement=…)` computes it with the default value domain (the
/// sorted distinct observed levels).
pub fn krippendorff_alpha(data: &[Vec<Option<i64>>], metric: Metric) -> Option<f64> {
    let units = data.iter().map(Vec::len).max().unwrap_or(0);
    let by_unit: Vec<Vec<(usize, i64)>> = (0..units)
        .map(|u| {
            data.iter()
                .enumerate()
                .filter_map(|(rater, row)| row.get(u).copied().flatten().map(|l| (rater, l)))
                .collect()
        })
        .collect();
    let mut domain: Vec<i64> = by_unit.iter().flatten().map(|&(_, l)| l).collect();
    domain.sort_unstable();
    domain.dedup();
    let table = Table {
        units: by_unit,
        raters: data.len(),
        domain,
    };
    UnitCounts::new(&table).alpha(metric)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rating(unit: &str, rater: &str, level: i64) -> Rating {
        Rating {
            unit: unit.into(),
            rater: rater.into(),
            criterion: "P1".into(),
            level,
        }
    }

    /// Krippendorff (2011), "Computing Krippendorff's alpha-reliability", p. 8.
    fn krippendorff_2011() -> Vec<Vec<Option<i64>>> {
        let rows: [[i64; 12]; 4] = [
            [1, 2, 3, 3, 2, 1, 4, 1, 2, 0, 0, 0],
            [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, 0, 3],
            [0, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, 0],
            [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, 0],
        ];
        rows.iter()
            .map(|r| r.iter().map(|&l| (l != 0).then_some(l)).collect())
            .collect()
    }

    #[test]
    fn krippendorff_2011_published_values() {
        let data = krippendorff_2011();
        let round = |x: Option<f64>| x.map(|x| (x * 1000.0).round() / 1000.0);
        assert_eq!(
            round(krippendorff_alpha(&data, Metric::Nominal)),
            Some(0.743)
        );
        assert_eq!(
            round(krippendorff_alpha(&data, Metric::Ordinal)),
            Some(0.815)
        );
        assert_eq!(
            round(krippendorff_alpha(&data, Metric::Interval)),
            Some(0.849)
        );
    }

    #[test]
    fn kappa_matches_the_sklearn_docstring() {
        // negative, neutral, positive → 0, 1, 2 keep their sorted order.
        let y1 = [0, 2, 0, 1, 2];
        let y2 = [0, 2, 0, 1, 0];
        assert_eq!(cohen_kappa(&y1, &y2, Weights::None), Some(0.6875));
    }

    #[test]
    fn kappa_weights_use_label_indices() {
        let by_value = cohen_kappa(&[0, 2, 3, 0], &[2, 2, 3, 3], Weights::Linear);
        let by_index = cohen_kappa(&[0, 1, 2, 0], &[1, 1, 2, 2], Weights::Linear);
        assert_eq!(by_value, by_index);
    }

    #[test]
    fn one_value_is_undefined_not_nan() {
        let ratings = [
            rating("a", "r1", 2),
            rating("a", "r2", 2),
            rating("b", "r1", 2),
        ];
        let result = agreement(&ratings, &Options::default());
        let p1 = &result.criteria["P1"];
        assert_eq!(p1.percent_agreement, Some(1.0));
        assert_eq!(
            (p1.kappa, p1.alpha_ordinal, p1.alpha_ordinal_ci95),
            (None, None, None)
        );
    }

    #[test]
    fn perfect_agreement_is_one() {
        let ratings = [
            rating("a", "r1", 0),
            rating("a", "r2", 0),
            rating("b", "r1", 2),
            rating("b", "r2", 2),
        ];
        let p1 = &agreement(&ratings, &Options::default()).criteria["P1"];
        assert_eq!(p1.kappa, Some(1.0));
        assert_eq!(p1.alpha_interval, Some(1.0));
        assert_eq!(p1.alpha_ordinal_ci95, Some([1.0, 1.0]));
    }
}
