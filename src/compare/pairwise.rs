//! Differences between the levels of a key on one dimension (Welch's t, or
//! with a cluster key the CR2 cluster-robust test with Bell–McCaffrey
//! degrees of freedom; Hedges' g; Holm), and change between two phases
//! within offerings (paired t, d_z) compared between offerings the same way.

use std::collections::{BTreeMap, BTreeSet};

use super::frame::{Column, Frame};
use super::warnings::{self, Warning};
use super::{Change, Pairwise};
use crate::stats;

/// One level's scores on one dimension and, when a cluster key is given,
/// the code of each score's cluster.
pub struct Sample<'a> {
    pub name: &'a str,
    pub values: Vec<f64>,
    pub clusters: Vec<u32>,
}

/// Every pair of levels of the first `by` key, per dimension, pooled over
/// the other keys, tested at the level of `cluster` when given; Holm within
/// each dimension.
pub fn between_levels(frame: &Frame, cluster: Option<&str>) -> Vec<Pairwise> {
    let column = frame.column(&frame.by[0]);
    let clusters = cluster.map(|key| frame.column(key));
    let levels = frame.levels(column, frame.selected.iter().map(|&i| column.code(i)));
    // Of each dimension and value, the scores in order.
    let width = column.values.len();
    let mut samples: Vec<(Vec<f64>, Vec<u32>)> =
        vec![(Vec::new(), Vec::new()); frame.dimensions.len() * width];
    for &i in &frame.selected {
        if let Some(dimension) = frame.dimension(i) {
            let sample = &mut samples[dimension * width + column.code(i) as usize];
            sample.0.push(frame.score(i).score);
            if let Some(clusters) = clusters {
                sample.1.push(clusters.code(i));
            }
        }
    }
    frame
        .dimensions
        .iter()
        .enumerate()
        .flat_map(|(d, dimension)| {
            let samples: Vec<Sample> = levels
                .iter()
                .map(|&code| {
                    let (values, clusters) =
                        std::mem::take(&mut samples[d * width + code as usize]);
                    Sample {
                        name: column.value(code),
                        values,
                        clusters,
                    }
                })
                .collect();
            pairs(dimension, &samples, cluster)
        })
        .collect()
}

/// All pairs a, b (a before b) of the samples that have values, tested at
/// the level of `cluster` when given, with Holm-adjusted p among the pairs
/// whose p is defined.
pub fn pairs(dimension: &str, samples: &[Sample], cluster: Option<&str>) -> Vec<Pairwise> {
    let present: Vec<&Sample> = samples.iter().filter(|s| !s.values.is_empty()).collect();
    let mut result = Vec::new();
    for (i, a) in present.iter().enumerate() {
        for b in &present[i + 1..] {
            result.push(pair(dimension, a, b, cluster));
        }
    }
    let defined: Vec<usize> = (0..result.len())
        .filter(|&i| result[i].p.is_some())
        .collect();
    let p: Vec<f64> = defined.iter().filter_map(|&i| result[i].p).collect();
    for (&i, adjusted) in defined.iter().zip(stats::holm(&p)) {
        result[i].p_holm = Some(adjusted);
    }
    result
}

/// The mean of values known to be there.
fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len() as f64
}

fn pair(dimension: &str, a: &Sample, b: &Sample, cluster: Option<&str>) -> Pairwise {
    let (va, vb) = (&a.values, &b.values);
    let welch = stats::welch(va, vb);
    let hedges = stats::hedges_g(va, vb);
    let mut pairwise = Pairwise {
        a: a.name.to_string(),
        b: b.name.to_string(),
        dimension: dimension.to_string(),
        n_a: va.len(),
        n_b: vb.len(),
        diff: mean(va) - mean(vb),
        method: "welch",
        level: "group".to_string(),
        clusters_a: None,
        clusters_b: None,
        se: welch.map(|w| w.se),
        t: welch.map(|w| w.t),
        df: welch.map(|w| w.df),
        diff_ci95: welch.map(|w| w.ci95),
        hedges_g: hedges.map(|h| h.g),
        hedges_g_ci95: hedges.map(|h| h.ci95),
        welch_t: welch.map(|w| w.t),
        welch_df: welch.map(|w| w.df),
        p: welch.map(|w| w.p),
        p_holm: None,
    };
    if let Some(key) = cluster {
        let (of_a, of_b) = (by_cluster(a), by_cluster(b));
        let nested = of_a.keys().all(|code| !of_b.contains_key(code));
        let clusters: Vec<stats::Cluster> = [(true, &of_a), (false, &of_b)]
            .into_iter()
            .flat_map(|(in_a, of)| {
                of.values()
                    .map(move |values| stats::Cluster { in_a, values })
            })
            .collect();
        let test = nested
            .then(|| stats::cluster_difference(&clusters))
            .flatten();
        pairwise.method = "cr2";
        pairwise.level = key.to_string();
        pairwise.clusters_a = Some(of_a.len());
        pairwise.clusters_b = Some(of_b.len());
        pairwise.se = test.map(|t| t.se);
        pairwise.t = test.map(|t| t.t);
        pairwise.df = test.map(|t| t.df);
        pairwise.diff_ci95 = test.map(|t| t.ci);
        pairwise.p = test.map(|t| t.p);
        // g's interval from the same cluster-robust interval of the difference,
        // on g's scale (J / s_pooled), so it is as wide as the clustering makes it.
        pairwise.hedges_g_ci95 = hedges
            .zip(test)
            .map(|(h, t)| t.ci.map(|bound| bound * h.scale));
    }
    pairwise
}

/// A sample's values by cluster code.
fn by_cluster(sample: &Sample) -> BTreeMap<u32, Vec<f64>> {
    let mut clusters: BTreeMap<u32, Vec<f64>> = BTreeMap::new();
    for (&code, &value) in sample.clusters.iter().zip(&sample.values) {
        clusters.entry(code).or_default().push(value);
    }
    clusters
}

/// One offering's groups on one dimension: their scores at the two phases.
type Pairing<'a> = BTreeMap<&'a str, [Vec<f64>; 2]>;

/// Change from phase `from` to `to` per offering and dimension, and the
/// changes compared between offerings, with what the reader must know.
pub struct Changes {
    pub change: Vec<Change>,
    pub pairwise: Vec<Pairwise>,
    pub warnings: Vec<Warning>,
}

/// Pairs each group with itself (by group id) across the two phases.
/// A group scored twice at one phase (two sessions of the same site and
/// label) counts with the mean of its scores. Offerings' changes are
/// compared at the level of `cluster` when given (a group in the cluster of
/// its first score).
pub fn change(frame: &Frame, from: &str, to: &str, cluster: Option<&str>) -> Changes {
    // Of each key set: 0 at `from`, 1 at `to`, else `None`.
    let side: Vec<Option<usize>> = frame
        .raw_values("phase")
        .into_iter()
        .map(|p| [from, to].iter().position(|phase| *phase == p))
        .collect();
    let at_either: Vec<usize> = frame
        .all_phases
        .iter()
        .copied()
        .filter(|&i| side[frame.set(i)].is_some())
        .collect();
    let column = frame.column("offering");
    let offerings = frame.levels(column, at_either.iter().map(|&i| column.code(i)));
    let (mut change, mut pairwise) = (Vec::new(), Vec::new());
    let mut gaps = Gaps::default();
    for (d, dimension) in frame.dimensions.iter().enumerate() {
        let mut samples = Vec::new();
        for &code in &offerings {
            let offering = column.value(code);
            let pairing = pairing(frame, &at_either, &side, d, column, code);
            gaps.note(offering, &pairing, [from, to]);
            let changes = changes(&pairing);
            change.push(summarise(offering, dimension, &pairing, &changes));
            let clusters = match cluster {
                Some(key) => clusters_of(frame, &at_either, d, key, &pairing),
                None => Vec::new(),
            };
            samples.push(Sample {
                name: offering,
                values: changes,
                clusters,
            });
        }
        pairwise.extend(pairs(dimension, &samples, cluster));
    }
    Changes {
        change,
        pairwise,
        warnings: gaps.warnings(from, to),
    }
}

/// Groups that could not be paired, and groups scored twice at a phase.
#[derive(Default)]
struct Gaps<'a> {
    /// Offering → group → the one phase it was seen at.
    unpaired: BTreeMap<&'a str, BTreeMap<&'a str, &'a str>>,
    doubled: BTreeSet<&'a str>,
}

impl<'a> Gaps<'a> {
    fn note(&mut self, offering: &'a str, pairing: &Pairing<'a>, phases: [&'a str; 2]) {
        for (group, sides) in pairing {
            if let Some(only) = (0..2).find(|&i| !sides[i].is_empty() && sides[1 - i].is_empty()) {
                let groups = self.unpaired.entry(offering).or_default();
                groups.insert(group, phases[only]);
            }
            if sides.iter().any(|side| side.len() > 1) {
                self.doubled.insert(group);
            }
        }
    }

    fn warnings(&self, from: &str, to: &str) -> Vec<Warning> {
        let mut warnings: Vec<Warning> = self
            .unpaired
            .iter()
            .map(|(offering, groups)| warnings::unpaired(offering, groups, from, to))
            .collect();
        if !self.doubled.is_empty() {
            warnings.push(warnings::doubled(&self.doubled, from, to));
        }
        warnings
    }
}

/// The groups of one offering (`code` in `offerings`) on one dimension,
/// with their scores at each side.
fn pairing<'a>(
    frame: &Frame<'a>,
    scores: &[usize],
    side: &[Option<usize>],
    dimension: usize,
    offerings: &Column,
    code: u32,
) -> Pairing<'a> {
    let mut pairing: Pairing = BTreeMap::new();
    for &i in scores
        .iter()
        .filter(|&&i| frame.dimension(i) == Some(dimension) && offerings.code(i) == code)
    {
        let s = frame.score(i);
        let side = side[frame.set(i)].unwrap_or_default();
        pairing.entry(&s.group).or_default()[side].push(s.score);
    }
    pairing
}

/// The cluster code of each paired group of `pairing`, in the order of
/// [`changes`].
fn clusters_of(
    frame: &Frame,
    scores: &[usize],
    dimension: usize,
    key: &str,
    pairing: &Pairing,
) -> Vec<u32> {
    let column = frame.column(key);
    let mut of_group: BTreeMap<&str, u32> = BTreeMap::new();
    for &i in scores
        .iter()
        .filter(|&&i| frame.dimension(i) == Some(dimension))
    {
        of_group
            .entry(frame.score(i).group.as_str())
            .or_insert_with(|| column.code(i));
    }
    pairing
        .iter()
        .filter(|(_, [a, b])| !a.is_empty() && !b.is_empty())
        .map(|(group, _)| of_group[group])
        .collect()
}

fn changes(pairing: &Pairing) -> Vec<f64> {
    pairing
        .values()
        .filter(|[a, b]| !a.is_empty() && !b.is_empty())
        .map(|[a, b]| mean(b) - mean(a))
        .collect()
}

fn summarise(offering: &str, dimension: &str, pairing: &Pairing, changes: &[f64]) -> Change {
    let test = stats::paired(changes);
    Change {
        offering: offering.to_string(),
        dimension: dimension.to_string(),
        n_pairs: changes.len(),
        unpaired: pairing.len() - changes.len(),
        mean_change: stats::mean(changes),
        ci95: test.map(|t| t.ci95),
        dz: test.map(|t| t.dz),
        method: "paired_t",
        level: "group",
        paired_t: test.map(|t| t.t),
        df: test.map(|_| changes.len() as f64 - 1.0),
        p: test.map(|t| t.p),
    }
}
