//! Comparisons of group-level scores: offerings, phases, roles and sites side
//! by side with honest uncertainty (t and bootstrap intervals, Hedges' g,
//! Welch's t with Holm-adjusted p, paired change, site-clustered bootstrap).
//!
//! The serialized [`Comparison`] is a contract: `vignette compare --format
//! json` prints it, and reports and exports read it.

use std::collections::BTreeMap;

use serde::Serialize;

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
    /// Cohen's d_z: mean change over the sd of the changes.
    pub dz: Option<f64>,
    pub paired_t: Option<f64>,
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
    pub warnings: Vec<String>,
    /// Resamples and seed used, for the methods section.
    pub boot: usize,
    pub seed: u64,
}
