//! Comparisons of group-level scores: offerings, phases, roles and sites side
//! by side with honest uncertainty (t and bootstrap intervals, Hedges' g,
//! Welch's t with Holm-adjusted p, paired change, site-clustered bootstrap).
//!
//! The serialized [`Comparison`] is a contract: `vignette compare --format
//! json` prints it, and reports and exports read it.
//!
//! Not for: reading scores (see `dataset`) or printing. The statistics
//! themselves live in `stats`; this module decides what is compared with
//! what. Groups are the unit of analysis; a statistic that is not defined
//! (fewer than two groups, no variance) is `None` (JSON `null`), never NaN.
//!
//! - **Cells**: n, mean, sd (n − 1), median; the t interval mean ±
//!   t₀.₉₇₅(n − 1)·sd/√n; the percentile bootstrap interval of the mean
//!   (groups resampled with replacement, 2.5 and 97.5 percentiles with
//!   numpy's linear interpolation); with `cluster`, the same from resampling
//!   whole clusters, the resample's mean being Σ scores / Σ groups of the
//!   clusters drawn.
//! - **Pairwise** (levels of the first key, per dimension, pooled over the
//!   other keys): diff = mean a − mean b; Hedges' g = J·d with d = diff /
//!   pooled sd, J = 1 − 3/(4(n_a + n_b) − 9), interval g ± 1.959964·SE with
//!   SE² = J²·((n_a + n_b)/(n_a n_b) + d²/(2(n_a + n_b))) (Borenstein et al.
//!   2009); Welch's t with Welch–Satterthwaite df and two-sided p, and the
//!   interval diff ± t₀.₉₇₅(df)·SE; Holm's adjustment among the pairs of a
//!   dimension.
//! - **Change** (`change`): per offering and dimension, each group paired
//!   with itself by group id; mean change (B − A) with its t interval,
//!   d_z = mean / sd of the changes, paired t with n − 1 df; groups at only one phase are counted
//!   (`unpaired`) and named in a warning. Offerings' changes are compared as
//!   the pairwise levels are.
//! - **Clustering** (`cluster`): per dimension ICC(1) from a one-way ANOVA
//!   over the clusters (unequal sizes: n₀ = (N − Σ n_i²/N)/(k − 1)),
//!   truncated at 0, and the design effect 1 + (m̄ − 1)·ICC with m̄ = N/k.
//!   Clusters are taken over all selected scores of the dimension, so when
//!   clusters nest in offerings a difference between offerings counts as
//!   clustering: the ICC is then an upper bound of the within-offering one.
//! - **Bootstrap streams** and resampling by counts of distinct values: see
//!   [`crate::stats::bootstrap`]; the same seed gives the same
//!   intervals whatever the number of threads.

mod cells;
pub mod dataset;
mod frame;
mod pairwise;
mod warnings;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::compare::dataset::GroupScore;

pub use frame::NO_VALUE;
pub use warnings::{ROLE_MIX_DISTANCE, SMALL_CELL, Warning};

/// Bootstrap resamples when none are asked for.
pub const DEFAULT_BOOT: usize = 10_000;

/// Seed of the bootstrap when none is given.
pub const DEFAULT_SEED: u64 = 2026;

/// What to compare and how.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    /// Grouping keys, the first one compared pairwise (default `offering`).
    pub by: Vec<String>,
    /// Only scores of this phase (not applied to `change`).
    pub phase: Option<String>,
    /// Only this dimension.
    pub dimension: Option<String>,
    /// Phases in study order, when known (else the order they appear in).
    pub phase_order: Vec<String>,
    /// Dimensions in study order, when known (else the order they appear in).
    pub dimension_order: Vec<String>,
    /// Bootstrap resamples.
    pub boot: usize,
    pub seed: u64,
    /// Two phases to pair groups across (`baseline`, `endpoint`).
    pub change: Option<(String, String)>,
    /// A key whose levels are resampled as clusters (`site`).
    pub cluster: Option<String>,
}

impl Default for Request {
    /// Offerings compared, all phases and dimensions, default resamples and seed.
    fn default() -> Request {
        Request {
            by: vec!["offering".to_string()],
            phase: None,
            dimension: None,
            phase_order: Vec::new(),
            dimension_order: Vec::new(),
            boot: DEFAULT_BOOT,
            seed: DEFAULT_SEED,
            change: None,
            cluster: None,
        }
    }
}

/// A request that does not fit the scores.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CompareError {
    #[error("unknown key `{key}` {purpose}; the scores have the keys: {}", available.join(", "))]
    UnknownKey {
        key: String,
        purpose: &'static str,
        available: Vec<String>,
    },
    #[error("no {what} `{value}` in the scores; they have: {}", available.join(", "))]
    UnknownValue {
        what: &'static str,
        value: String,
        available: Vec<String>,
    },
    #[error("a change needs two different phases, not `{0}` twice")]
    SamePhase(String),
    #[error("no scores to compare (none at all, or none at the chosen phase and dimension)")]
    NoScores,
}

/// One cell (a combination of the `by` keys) on one dimension.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cell {
    /// The value of each `by` key.
    #[serde(flatten)]
    pub keys: BTreeMap<String, String>,
    pub dimension: String,
    pub n: usize,
    pub mean: f64,
    /// `None` for fewer than two groups.
    pub sd: Option<f64>,
    pub median: f64,
    pub ci95_t: Option<[f64; 2]>,
    pub ci95_boot: Option<[f64; 2]>,
    /// Percentile interval from resampling clusters (with `cluster`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ci95_cluster: Option<[f64; 2]>,
}

/// Two levels of the first `by` key on one dimension; differences are a − b.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Pairwise {
    pub a: String,
    pub b: String,
    pub dimension: String,
    pub n_a: usize,
    pub n_b: usize,
    pub diff: f64,
    /// How the difference is tested: `welch` (groups as independent) or
    /// `cr2` (clusters of `level`, CR2 with Bell–McCaffrey df).
    pub method: &'static str,
    /// What the test treats as independent: `group`, or the cluster key.
    pub level: String,
    /// Clusters of a and of b, at a cluster level.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clusters_a: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clusters_b: Option<usize>,
    /// Standard error, t, degrees of freedom, 95 % interval and p of `method`.
    pub se: Option<f64>,
    pub t: Option<f64>,
    pub df: Option<f64>,
    pub diff_ci95: Option<[f64; 2]>,
    pub hedges_g: Option<f64>,
    pub hedges_g_ci95: Option<[f64; 2]>,
    pub welch_t: Option<f64>,
    pub welch_df: Option<f64>,
    pub p: Option<f64>,
    /// Holm-adjusted within the dimension.
    pub p_holm: Option<f64>,
}

/// One offering's change between two phases on one dimension.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    pub offering: String,
    pub dimension: String,
    pub n_pairs: usize,
    /// Groups seen in only one of the two phases.
    pub unpaired: usize,
    pub mean_change: Option<f64>,
    /// The paired t 95 % interval of the mean change.
    pub ci95: Option<[f64; 2]>,
    /// Cohen's d_z: mean change over the sd of the changes.
    pub dz: Option<f64>,
    /// How the change is tested: `paired_t`, each group its own control.
    pub method: &'static str,
    /// What the test treats as independent: `group`.
    pub level: &'static str,
    pub paired_t: Option<f64>,
    /// Degrees of freedom of the paired t: pairs − 1.
    pub df: Option<f64>,
    pub p: Option<f64>,
}

/// The intra-class correlation of a dimension's scores within clusters.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Clustering {
    pub dimension: String,
    pub clusters: usize,
    pub mean_cluster_size: f64,
    /// ICC(1) from a one-way ANOVA, truncated at 0.
    pub icc: Option<f64>,
    /// 1 + (mean cluster size − 1) × ICC.
    pub design_effect: Option<f64>,
}

/// The result of a comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    pub by: Vec<String>,
    pub groups: Vec<Cell>,
    pub pairwise: Vec<Pairwise>,
    /// With a `change` request: per offering and dimension.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change: Option<Vec<Change>>,
    /// With a `change` request: the change of offering a minus that of b (Welch).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change_pairwise: Option<Vec<Pairwise>>,
    /// With a `cluster` request.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clustering: Option<Vec<Clustering>>,
    /// What the reader must know: small cells, missing phases, role mixes.
    pub warnings: Vec<Warning>,
    /// Resamples and seed used, for the methods section.
    pub boot: usize,
    pub seed: u64,
    /// The phase the cells and pairwise comparisons are restricted to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phase: Option<String>,
    /// With a `change` request: the two phases, from and to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change_phases: Option<[String; 2]>,
    /// With a `cluster` request: the key whose levels are the clusters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster: Option<String>,
}

/// Compares the group scores as the request asks; see the module
/// documentation for every statistic.
pub fn compare(scores: &[GroupScore], request: &Request) -> Result<Comparison, CompareError> {
    let frame = frame::Frame::new(scores, request)?;
    // The cells' bootstrap beside everything else.
    let (groups, (about_data, pairwise, changes)) = rayon::join(
        || cells::describe(&frame, request),
        || {
            (
                warnings::about_data(&frame, request),
                pairwise::between_levels(&frame, request.cluster.as_deref()),
                request.change.as_ref().map(|(from, to)| {
                    pairwise::change(&frame, from, to, request.cluster.as_deref())
                }),
            )
        },
    );
    let mut warnings = warnings::about_cells(&groups);
    warnings.extend(about_data);
    warnings.extend(warnings::about_clusters(&pairwise));
    if let Some(changes) = &changes {
        warnings.extend(changes.warnings.iter().cloned());
    }
    let clustering = request.cluster.as_ref().map(|key| clustering(&frame, key));
    let (change, change_pairwise) = match changes {
        Some(c) => (Some(c.change), Some(c.pairwise)),
        None => (None, None),
    };
    Ok(Comparison {
        by: frame.by.clone(),
        pairwise,
        groups,
        change,
        change_pairwise,
        clustering,
        warnings,
        boot: request.boot,
        seed: request.seed,
        phase: request.phase.clone(),
        change_phases: request.change.clone().map(|(a, b)| [a, b]),
        cluster: request.cluster.clone(),
    })
}

/// ICC(1) and design effect per dimension, clusters being the levels of `key`.
fn clustering(frame: &frame::Frame, key: &str) -> Vec<Clustering> {
    let column = frame.column(key);
    frame
        .dimensions
        .iter()
        .enumerate()
        .map(|(d, dimension)| {
            // Codes sort as the clusters' values do.
            let mut clusters: BTreeMap<u32, Vec<f64>> = BTreeMap::new();
            for &i in frame
                .selected
                .iter()
                .filter(|&&i| frame.dimension(i) == Some(d))
            {
                clusters
                    .entry(column.code(i))
                    .or_default()
                    .push(frame.score(i).score);
            }
            let icc = crate::stats::icc1(&clusters.into_values().collect::<Vec<_>>());
            Clustering {
                dimension: dimension.clone(),
                clusters: icc.clusters,
                mean_cluster_size: icc.mean_cluster_size,
                icc: icc.icc,
                design_effect: icc.design_effect,
            }
        })
        .collect()
}
