//! Statistics shared by the reports and comparisons: rank correlation,
//! sample summaries, Student's t, two-sample and paired tests, effect sizes,
//! Holm's adjustment and the intra-class correlation; the one bootstrap
//! ([`bootstrap`]) and the one quantile.
//!
//! Pure functions on slices of numbers; undefined results are `None`, never
//! NaN. Not for rater agreement (see `agreement`).

pub mod bootstrap;
mod cluster;
mod icc;
mod student_t;
mod summary;
mod two_sample;

pub use cluster::{Cluster, ClusterDifference, cluster_difference};
pub use icc::{Icc, icc1};
pub use student_t::{t_cdf, t_quantile, t_two_sided_p};
pub use summary::{mean, median, quantile_sorted, sd, variance};
pub use two_sample::{Hedges, Paired, Welch, Z_975, hedges_g, holm, paired, welch};

/// Ranks from 1, ties given their average rank (as `scipy.stats.rankdata`).
pub fn ranks(values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let mut ranks = vec![0.0; values.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && values[order[j + 1]] == values[order[i]] {
            j += 1;
        }
        let average = (i + j) as f64 / 2.0 + 1.0;
        for &k in &order[i..=j] {
            ranks[k] = average;
        }
        i = j + 1;
    }
    ranks
}

/// Pearson's correlation; `None` when a side has no variance or the lengths differ.
pub fn pearson(x: &[f64], y: &[f64]) -> Option<f64> {
    if x.len() != y.len() || x.len() < 2 {
        return None;
    }
    let n = x.len() as f64;
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx).powi(2);
        syy += (b - my).powi(2);
    }
    (sxx > 0.0 && syy > 0.0).then(|| sxy / (sxx * syy).sqrt())
}

/// Spearman's rank correlation (Pearson on average ranks), as `scipy.stats.spearmanr`.
pub fn spearman(x: &[f64], y: &[f64]) -> Option<f64> {
    pearson(&ranks(x), &ranks(y))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reference values: scipy 1.17.1, `scipy.stats.spearmanr(x, y).statistic`.
    #[test]
    fn spearman_matches_scipy() {
        let cases: [(&[f64], &[f64], f64); 3] = [
            (
                &[1.0, 2.0, 2.0, 3.0, 5.0, 8.0, 8.0, 9.0],
                &[2.0, 1.0, 3.0, 3.0, 7.0, 6.0, 9.0, 9.0],
                0.8902439024390245,
            ),
            (
                &[10.0, 20.0, 30.0, 40.0, 50.0],
                &[5.0, 4.0, 3.0, 2.0, 1.0],
                -0.9999999999999999,
            ),
            (
                &[0.5, 12.25, 3.0, 3.0, 7.5, 100.0, 42.0],
                &[1.0, 2.0, 2.0, 9.0, 4.0, 8.0, 8.0],
                0.46790960017870337,
            ),
        ];
        for (x, y, expected) in cases {
            let rho = spearman(x, y).unwrap();
            assert!((rho - expected).abs() < 1e-12, "{rho} vs {expected}");
        }
        assert_eq!(spearman(&[1.0, 1.0], &[1.0, 2.0]), None);
    }
}
