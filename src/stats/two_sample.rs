//! Two independent samples (Welch's t, Hedges' g), one sample of paired
//! differences (paired t, Cohen's d_z), and Holm's adjustment of p values.
//!
//! A statistic that is not defined (too few values, no variance) is `None`,
//! never NaN.

use super::student_t::{t_quantile, t_two_sided_p};
use super::summary::{mean, variance};

/// z for a two-sided 95 % normal interval: Φ⁻¹(0.975).
pub const Z_975: f64 = 1.959963984540054;

/// Welch's unequal-variances t test of mean a − mean b.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Welch {
    /// Standard error of the difference, √(s_a²/n_a + s_b²/n_b).
    pub se: f64,
    pub t: f64,
    /// Welch–Satterthwaite degrees of freedom.
    pub df: f64,
    /// Two-sided.
    pub p: f64,
    /// 95 % interval of m_a − m_b: diff ± t₀.₉₇₅(df)·SE.
    pub ci95: [f64; 2],
}

/// Welch's t = (m_a − m_b) / √(s_a²/n_a + s_b²/n_b) with Welch–Satterthwaite
/// df = (s_a²/n_a + s_b²/n_b)² / ((s_a²/n_a)²/(n_a − 1) + (s_b²/n_b)²/(n_b − 1)),
/// as `scipy.stats.ttest_ind(a, b, equal_var=False)` (and its
/// `confidence_interval()`). `None` when a side has fewer than two values or
/// both have no variance.
pub fn welch(a: &[f64], b: &[f64]) -> Option<Welch> {
    let (va, vb) = (variance(a)? / a.len() as f64, variance(b)? / b.len() as f64);
    let se2 = va + vb;
    if se2 <= 0.0 {
        return None;
    }
    let diff = mean(a)? - mean(b)?;
    let t = diff / se2.sqrt();
    let df = se2 * se2 / (va * va / (a.len() - 1) as f64 + vb * vb / (b.len() - 1) as f64);
    let p = t_two_sided_p(t, df)?;
    let half = t_quantile(0.975, df)? * se2.sqrt();
    Some(Welch {
        se: se2.sqrt(),
        t,
        df,
        p,
        ci95: [diff - half, diff + half],
    })
}

/// Hedges' g with its 95 % interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hedges {
    pub g: f64,
    pub ci95: [f64; 2],
    /// J / s_pooled: what turns a difference of means into g.
    pub scale: f64,
}

/// Hedges' g of a − b (Borenstein et al. 2009, ch. 4):
/// d = (m_a − m_b) / s_pooled with s_pooled² = ((n_a − 1)s_a² + (n_b − 1)s_b²)
/// / (n_a + n_b − 2); J = 1 − 3/(4(n_a + n_b) − 9); g = J·d;
/// SE² = J²·((n_a + n_b)/(n_a n_b) + d²/(2(n_a + n_b))); interval g ± 1.96·SE.
/// `None` when a side has fewer than two values or the pooled sd is 0.
pub fn hedges_g(a: &[f64], b: &[f64]) -> Option<Hedges> {
    let (na, nb) = (a.len() as f64, b.len() as f64);
    let pooled = ((na - 1.0) * variance(a)? + (nb - 1.0) * variance(b)?) / (na + nb - 2.0);
    if pooled <= 0.0 {
        return None;
    }
    let d = (mean(a)? - mean(b)?) / pooled.sqrt();
    let j = 1.0 - 3.0 / (4.0 * (na + nb) - 9.0);
    let g = j * d;
    let se = j * ((na + nb) / (na * nb) + d * d / (2.0 * (na + nb))).sqrt();
    Some(Hedges {
        g,
        ci95: [g - Z_975 * se, g + Z_975 * se],
        scale: j / pooled.sqrt(),
    })
}

/// The paired t test of changes (B − A per pair), as `scipy.stats.ttest_rel(b, a)`
/// (and its `confidence_interval()`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Paired {
    /// Cohen's d_z: the mean change over the sd of the changes.
    pub dz: f64,
    /// mean / (sd / √n), with n − 1 degrees of freedom.
    pub t: f64,
    /// Two-sided.
    pub p: f64,
    /// 95 % interval of the mean change: mean ± t₀.₉₇₅(n − 1)·sd/√n.
    pub ci95: [f64; 2],
}

/// The paired test of `changes`; `None` below two changes or when all are equal.
pub fn paired(changes: &[f64]) -> Option<Paired> {
    let sd = variance(changes)?.sqrt();
    if sd <= 0.0 {
        return None;
    }
    let n = changes.len() as f64;
    let mean = mean(changes)?;
    let dz = mean / sd;
    let t = dz * n.sqrt();
    let half = t_quantile(0.975, n - 1.0)? * sd / n.sqrt();
    Some(Paired {
        dz,
        t,
        p: t_two_sided_p(t, n - 1.0)?,
        ci95: [mean - half, mean + half],
    })
}

/// Holm's step-down adjustment, in the input order: with the m p values
/// sorted ascending, p_(i) becomes max over j ≤ i of (m − j + 1)·p_(j),
/// capped at 1 (as `statsmodels.stats.multitest.multipletests(method="holm")`).
pub fn holm(p: &[f64]) -> Vec<f64> {
    let m = p.len();
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| p[a].total_cmp(&p[b]));
    let mut adjusted = vec![0.0; m];
    let mut running: f64 = 0.0;
    for (rank, &i) in order.iter().enumerate() {
        running = running.max(((m - rank) as f64 * p[i]).min(1.0));
        adjusted[i] = running;
    }
    adjusted
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holm_is_monotone_and_capped() {
        let adjusted = holm(&[0.04, 0.01, 0.03, 0.5]);
        assert_eq!(adjusted, [0.09, 0.04, 0.09, 0.5]);
        assert_eq!(holm(&[0.6, 0.7]), [1.0, 1.0]);
        assert!(holm(&[]).is_empty());
    }

    #[test]
    fn no_variance_is_undefined() {
        assert_eq!(welch(&[1.0, 1.0], &[2.0, 2.0]), None);
        assert_eq!(hedges_g(&[1.0, 1.0], &[2.0, 2.0]), None);
        assert_eq!(paired(&[3.0, 3.0, 3.0]), None);
        assert_eq!(welch(&[1.0], &[2.0, 3.0]), None);
        assert!(welch(&[1.0, 1.0], &[2.0, 3.0]).is_some());
    }
}
