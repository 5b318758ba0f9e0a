//! A difference between two groups of clusters (offerings given to whole
//! sites) with a cluster-robust standard error that holds with few
//! clusters: CR2 (Bell & McCaffrey 2002) with the Bell–McCaffrey
//! (Satterthwaite) degrees of freedom, as Pustejovsky & Tipton (2018) write
//! them for the working model Φ = I.
//!
//! The model is the OLS regression of the values on an intercept and an
//! indicator of group A, so the difference is mean A − mean B over the
//! observations, and every cluster lies in one group. Its design row is
//! then constant within a cluster, and every matrix of the general formulas
//! has a closed form: with M = (X'X)⁻¹, q_gh = x_g'Mx_h and n_g observations
//! in cluster g, H_gg = q_gg·J, (I − H_gg)^(−1/2) = I + (λ_g − 1)·J/n_g with
//! λ_g = (1 − n_g·q_gg)^(−1/2), so
//!
//! - SE² = Σ_g (λ_g·S_g·s_g)² with S_g the sum of g's residuals and
//!   s_g = c'Mx_g, c = (0, 1);
//! - the Gram matrix of the Bell–McCaffrey vectors u_g is
//!   k_g·k_h·n_g·(δ_gh − n_h·q_gh) with k_g = λ_g·s_g, and
//!   df = (Σ_g G_gg)² / Σ_gh G_gh².
//!
//! `tests/reference/cluster_reference.py` computes the same from the
//! general matrix formulas with numpy; the tests hold the two to 1e-9.

use super::student_t::{t_quantile, t_two_sided_p};

/// One cluster (a site) and the group (offering) it is in.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cluster<'a> {
    /// Whether the cluster is in group A (else in B).
    pub in_a: bool,
    pub values: &'a [f64],
}

/// Mean A − mean B with its CR2 standard error, Bell–McCaffrey degrees of
/// freedom, t test and 95 % interval.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct ClusterDifference {
    pub diff: f64,
    pub se: f64,
    pub df: f64,
    pub t: f64,
    pub p: f64,
    pub ci: [f64; 2],
    /// Clusters in A and in B.
    pub clusters: [usize; 2],
}

/// The difference between the two groups of clusters; `None` where it is
/// not defined: fewer than two clusters in a group (the variance between
/// clusters cannot be told from the difference), or no variation left.
pub fn cluster_difference(clusters: &[Cluster<'_>]) -> Option<ClusterDifference> {
    let clusters: Vec<&Cluster<'_>> = clusters.iter().filter(|c| !c.values.is_empty()).collect();
    let count = |in_a: bool| clusters.iter().filter(|c| c.in_a == in_a).count();
    let counts = [count(true), count(false)];
    if counts.iter().any(|&k| k < 2) {
        return None;
    }
    let total = |in_a: bool| -> (f64, f64) {
        clusters
            .iter()
            .filter(|c| c.in_a == in_a)
            .fold((0.0, 0.0), |(n, sum), c| {
                (
                    n + c.values.len() as f64,
                    sum + c.values.iter().sum::<f64>(),
                )
            })
    };
    let ((n_a, sum_a), (n_b, sum_b)) = (total(true), total(false));
    let (mean_a, mean_b) = (sum_a / n_a, sum_b / n_b);
    // M = (X'X)⁻¹ for X'X = [[N, N_a], [N_a, N_a]].
    let n = n_a + n_b;
    let det = n * n_a - n_a * n_a;
    let m = [[n_a / det, -n_a / det], [-n_a / det, n / det]];
    let row = |c: &Cluster<'_>| [1.0, if c.in_a { 1.0 } else { 0.0 }];
    let q = |g: &Cluster<'_>, h: &Cluster<'_>| {
        let (x, y) = (row(g), row(h));
        (0..2)
            .map(|i| (0..2).map(|j| x[i] * m[i][j] * y[j]).sum::<f64>())
            .sum::<f64>()
    };
    let mut se2 = 0.0;
    let mut k = Vec::with_capacity(clusters.len());
    for c in &clusters {
        let size = c.values.len() as f64;
        let lambda = (1.0 - size * q(c, c)).sqrt().recip();
        if !lambda.is_finite() {
            return None;
        }
        let fitted = if c.in_a { mean_a } else { mean_b };
        let residuals: f64 = c.values.iter().map(|v| v - fitted).sum();
        let x = row(c);
        let s = m[1][0] * x[0] + m[1][1] * x[1];
        se2 += (lambda * residuals * s).powi(2);
        k.push(lambda * s);
    }
    let (mut trace, mut squares) = (0.0, 0.0);
    for (g, cg) in clusters.iter().enumerate() {
        for (h, ch) in clusters.iter().enumerate() {
            let delta = if g == h { 1.0 } else { 0.0 };
            let size_h = ch.values.len() as f64;
            let gram = k[g] * k[h] * cg.values.len() as f64 * (delta - size_h * q(cg, ch));
            if g == h {
                trace += gram;
            }
            squares += gram * gram;
        }
    }
    let se = se2.sqrt();
    let df = trace * trace / squares;
    let diff = mean_a - mean_b;
    if !(se > 0.0 && df.is_finite() && df > 0.0) {
        return None;
    }
    let t = diff / se;
    let half = t_quantile(0.975, df)? * se;
    Some(ClusterDifference {
        diff,
        se,
        df,
        t,
        p: t_two_sided_p(t, df)?,
        ci: [diff - half, diff + half],
        clusters: counts,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// tests/fixtures/cluster/two_offerings.csv: offering a in 3 sites of
    /// 3, 1 and 5 groups, b in 4 sites of 2, 4, 1 and 3.
    fn fixture() -> Vec<(bool, Vec<f64>)> {
        vec![
            (true, vec![68.9, 73.4, 64.7]),
            (true, vec![39.8]),
            (true, vec![59.8, 77.5, 57.2, 74.4, 67.1]),
            (false, vec![62.0, 52.2]),
            (false, vec![38.6, 47.3, 64.0, 76.7]),
            (false, vec![58.3]),
            (false, vec![56.5, 71.5, 51.1]),
        ]
    }

    fn clusters(data: &[(bool, Vec<f64>)]) -> Vec<Cluster<'_>> {
        data.iter()
            .map(|(in_a, values)| Cluster {
                in_a: *in_a,
                values,
            })
            .collect()
    }

    #[test]
    fn equals_the_general_matrix_formulas() {
        // tests/reference/cluster_reference.py two_offerings.csv a b
        // (numpy 2.4.6, scipy 1.17.1).
        let data = fixture();
        let r = cluster_difference(&clusters(&data)).unwrap();
        let close = |x: f64, y: f64| (x - y).abs() < 1e-9 * y.abs().max(1.0);
        assert!(close(r.diff, 6.935555555555567), "{r:?}");
        assert!(close(r.se, 4.08040843306152), "{r:?}");
        assert!(close(r.df, 3.518273581621997), "{r:?}");
        assert!(close(r.t, 1.6997209150339485), "{r:?}");
        assert!((r.p - 0.17411725396122743).abs() < 1e-6, "{r:?}");
        assert!((r.ci[0] - -5.032253269648956).abs() < 1e-6, "{r:?}");
        assert!((r.ci[1] - 18.903364380760088).abs() < 1e-6, "{r:?}");
        assert_eq!(r.clusters, [3, 4]);
    }

    #[test]
    fn one_cluster_in_a_group_leaves_it_undefined() {
        let data = vec![
            (true, vec![1.0, 2.0, 3.0]),
            (false, vec![2.0, 3.0]),
            (false, vec![5.0]),
        ];
        assert_eq!(cluster_difference(&clusters(&data)), None);
    }
}
