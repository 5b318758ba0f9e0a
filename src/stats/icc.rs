//! How alike the groups of one cluster (a site) are: ICC(1) from a one-way
//! analysis of variance with unequal cluster sizes, and the design effect.

use super::summary::mean;

/// The intra-class correlation of values nested in clusters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Icc {
    pub clusters: usize,
    /// N / k: values per cluster on average.
    pub mean_cluster_size: f64,
    /// ICC(1), not truncated (may be negative).
    pub raw: Option<f64>,
    /// ICC(1) truncated at 0.
    pub icc: Option<f64>,
    /// 1 + (mean cluster size − 1)·ICC.
    pub design_effect: Option<f64>,
}

/// ICC(1) = (MSB − MSW) / (MSB + (n₀ − 1)·MSW) for k clusters and N values,
/// with MSB = Σ n_i (m_i − m)² / (k − 1), MSW = Σ_i Σ_j (x_ij − m_i)² / (N − k)
/// and n₀ = (N − Σ n_i² / N) / (k − 1) for unequal cluster sizes; `None`
/// with fewer than two clusters, no replication within clusters (N = k) or no
/// variance at all. Empty clusters are ignored.
pub fn icc1(clusters: &[Vec<f64>]) -> Icc {
    let clusters: Vec<&Vec<f64>> = clusters.iter().filter(|c| !c.is_empty()).collect();
    let k = clusters.len();
    let n: usize = clusters.iter().map(|c| c.len()).sum();
    let mean_cluster_size = if k == 0 { 0.0 } else { n as f64 / k as f64 };
    let raw = anova_icc(&clusters, n);
    let icc = raw.map(|r| r.max(0.0));
    Icc {
        clusters: k,
        mean_cluster_size,
        raw,
        icc,
        design_effect: icc.map(|icc| 1.0 + (mean_cluster_size - 1.0) * icc),
    }
}

fn anova_icc(clusters: &[&Vec<f64>], n: usize) -> Option<f64> {
    let k = clusters.len();
    if k < 2 || n <= k {
        return None;
    }
    let all: Vec<f64> = clusters.iter().flat_map(|c| c.iter().copied()).collect();
    let grand = mean(&all)?;
    let (mut ssb, mut ssw, mut sum_sq_sizes) = (0.0, 0.0, 0.0);
    for cluster in clusters {
        let m = mean(cluster)?;
        let size = cluster.len() as f64;
        ssb += size * (m - grand) * (m - grand);
        ssw += cluster.iter().map(|x| (x - m) * (x - m)).sum::<f64>();
        sum_sq_sizes += size * size;
    }
    let msb = ssb / (k - 1) as f64;
    let msw = ssw / (n - k) as f64;
    let n0 = (n as f64 - sum_sq_sizes / n as f64) / (k - 1) as f64;
    let denominator = msb + (n0 - 1.0) * msw;
    (denominator > 0.0).then(|| (msb - msw) / denominator)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_clusters_have_no_clustering() {
        let same = icc1(&[vec![1.0, 2.0, 3.0], vec![1.0, 2.0, 3.0]]);
        assert!(same.raw.unwrap() < 0.0);
        assert_eq!(same.icc, Some(0.0));
        assert_eq!(same.design_effect, Some(1.0));
    }

    #[test]
    fn constant_within_clusters_is_one() {
        let apart = icc1(&[vec![1.0, 1.0], vec![5.0, 5.0, 5.0]]);
        assert_eq!(apart.icc, Some(1.0));
        assert_eq!(apart.mean_cluster_size, 2.5);
        assert_eq!(icc1(&[vec![1.0, 2.0]]).icc, None);
    }
}
