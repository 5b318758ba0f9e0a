//! The bootstrap: percentile intervals of resampled statistics, and the
//! streams resamples are drawn from, named so that an interval depends only
//! on the seed and what is resampled. Here too the means of a comparison's
//! cells, resampling groups or whole clusters, in parallel and reproducibly.
//!
//! Each sample has its own Xoshiro256++ stream, seeded (through SplitMix64)
//! with the seed and the FNV-1a hash of what the sample is, and its
//! resamples are drawn in fixed chunks of 256, chunk c starting 2¹²⁸·c
//! words into the stream (c jumps, so chunks never overlap). So an interval
//! depends only on the seed, the sample and the number of resamples: not on
//! the other cells, nor on how many threads run it.
//!
//! A resample is drawn in one of two ways, chosen from the sample alone:
//!
//! - **One draw per unit**: n indices drawn with replacement, each 64-bit
//!   word giving two 32-bit draws.
//! - **Counts of distinct units**, when the sample has few distinct units
//!   (scores take few values: 42 among the 100 000 groups of the Python
//!   comparison's scores file).
//!   How often each distinct unit is drawn in n draws with replacement is
//!   multinomial, with n trials and each distinct unit's share of the
//!   sample as its probability; it is drawn as a chain of binomials (the
//!   count of the first unit among the n draws, of the second among those
//!   left, …). The resample's mean is then Σ count·value / n: the same
//!   distribution as one draw per unit, in k binomial draws instead of n
//!   uniform ones.
use rand::{Rng, SeedableRng};
use rand_distr::{Binomial, Distribution};
use rand_xoshiro::Xoshiro256PlusPlus;
use rayon::prelude::*;

use super::quantile_sorted;

/// Resamples per independently seeded chunk.
const CHUNK: usize = 256;

/// How many uniform draws one binomial draw costs, about (on the benchmark
/// machine: ~120 ns against ~1.8 ns): a sample of n units with k distinct
/// ones is resampled by counts when k times this is at most n.
const BINOMIAL_COST: usize = 64;

/// What one resample draws from.
#[derive(Debug, Clone, PartialEq)]
pub enum Sample {
    /// Groups' scores: draw n of them with replacement.
    Values(Vec<f64>),
    /// Clusters as (sum of their groups' scores, number of groups): draw k
    /// clusters with replacement; the resample's mean is Σ sums / Σ counts.
    Clusters(Vec<(f64, f64)>),
}

impl Sample {
    fn len(&self) -> usize {
        match self {
            Sample::Values(v) => v.len(),
            Sample::Clusters(c) => c.len(),
        }
    }
}

/// One sample with the name its stream is derived from.
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    pub name: String,
    pub sample: Sample,
}

/// The 2.5 and 97.5 percentiles (linear interpolation, as numpy) of the
/// means of `boot` resamples of each job; `None` for fewer than two units
/// (or more than 2³² − 1), or no resamples.
pub fn intervals(jobs: &[Job], boot: usize, seed: u64) -> Vec<Option<[f64; 2]>> {
    jobs.par_iter()
        .map(|job| interval(job, boot, seed))
        .collect()
}

fn interval(job: &Job, boot: usize, seed: u64) -> Option<[f64; 2]> {
    let n = u32::try_from(job.sample.len()).ok()?;
    if n < 2 || boot == 0 {
        return None;
    }
    let tally = Tally::of(&job.sample).filter(|t| t.units.len() * BINOMIAL_COST <= n as usize);
    let starts = chunk_starts(seed, fnv1a(&job.name), boot.div_ceil(CHUNK));
    let means: Vec<f64> = starts
        .into_par_iter()
        .enumerate()
        .flat_map_iter(|(chunk, mut rng)| {
            let count = CHUNK.min(boot - chunk * CHUNK);
            match &tally {
                Some(tally) => (0..count).map(|_| tally.resample_mean(&mut rng)).collect(),
                None => resample_means(&job.sample, n, count, &mut rng),
            }
        })
        .collect();
    percentile_interval(means)
}

/// The 2.5 and 97.5 percentiles of resampled statistics, interpolated
/// linearly (numpy's default); `None` for none.
pub fn percentile_interval(mut resampled: Vec<f64>) -> Option<[f64; 2]> {
    resampled.sort_unstable_by(f64::total_cmp);
    Some([
        quantile_sorted(&resampled, 0.025)?,
        quantile_sorted(&resampled, 0.975)?,
    ])
}

/// The generator at the start of each of `chunks` chunks of a stream.
fn chunk_starts(seed: u64, stream: u64, chunks: usize) -> Vec<Xoshiro256PlusPlus> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(splitmix(seed) ^ stream);
    (0..chunks)
        .map(|_| {
            let start = rng.clone();
            rng.jump();
            start
        })
        .collect()
}

/// SplitMix64's output function: a bijection that mixes all bits of `x`.
fn splitmix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn resample_means(sample: &Sample, n: u32, count: usize, rng: &mut Xoshiro256PlusPlus) -> Vec<f64> {
    let draw = Bounded::new(n);
    match sample {
        Sample::Values(values) => (0..count)
            .map(|_| draw.sum_of(values, rng) / f64::from(n))
            .collect(),
        Sample::Clusters(clusters) => (0..count)
            .map(|_| {
                let (mut sum, mut groups) = (0.0, 0.0);
                draw.each(rng, |i| {
                    let (s, c) = clusters[i];
                    sum += s;
                    groups += c;
                });
                sum / groups
            })
            .collect(),
    }
}

/// A sample's distinct units as (sum of scores, groups), each with how
/// often it occurs, most frequent first (ties by value, so that the order,
/// and with it every resample, does not depend on the order of the sample).
#[derive(Debug, Clone, PartialEq)]
struct Tally {
    units: Vec<((f64, f64), u64)>,
    /// Units in the sample: the draws per resample.
    n: u64,
}

impl Tally {
    /// The tally of a sample; `None` for an empty one.
    fn of(sample: &Sample) -> Option<Tally> {
        let mut units: Vec<(f64, f64)> = match sample {
            Sample::Values(values) => values.iter().map(|&v| (v, 1.0)).collect(),
            Sample::Clusters(clusters) => clusters.clone(),
        };
        let order = |a: &(f64, f64), b: &(f64, f64)| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1));
        units.sort_unstable_by(order);
        let mut tally: Vec<((f64, f64), u64)> = Vec::new();
        for unit in units {
            match tally.last_mut() {
                Some((last, count)) if order(last, &unit).is_eq() => *count += 1,
                _ => tally.push((unit, 1)),
            }
        }
        tally.sort_by(|(a, m), (b, l)| l.cmp(m).then(order(a, b)));
        let n = tally.iter().map(|(_, m)| m).sum();
        (n > 0).then_some(Tally { units: tally, n })
    }

    /// The mean of one resample: each distinct unit's count drawn from a
    /// binomial given the draws and the share of the sample not yet counted.
    fn resample_mean(&self, rng: &mut Xoshiro256PlusPlus) -> f64 {
        let (mut left, mut share) = (self.n, self.n);
        let (mut sum, mut groups) = (0.0, 0.0);
        for &((unit_sum, unit_groups), m) in &self.units {
            if left == 0 {
                break;
            }
            let count = if m == share {
                left
            } else {
                Binomial::new(left, m as f64 / share as f64)
                    .expect("0 < m < share gives a probability in (0, 1)")
                    .sample(rng)
            };
            sum += count as f64 * unit_sum;
            groups += count as f64 * unit_groups;
            left -= count;
            share -= m;
        }
        sum / groups
    }
}

/// Unbiased indices in 0..n from 32-bit draws, two per 64-bit word (Lemire
/// 2019: multiply by n, keep the high half; a draw whose low half is below
/// 2³² mod n is replaced by the low half of a fresh word, which is rare for
/// the n here).
#[derive(Debug, Clone, Copy)]
struct Bounded {
    n: u32,
    threshold: u32,
}

impl Bounded {
    fn new(n: u32) -> Bounded {
        Bounded {
            n,
            threshold: n.wrapping_neg() % n,
        }
    }

    #[inline]
    fn index(self, draw: u32, rng: &mut Xoshiro256PlusPlus) -> usize {
        let mut m = u64::from(draw) * u64::from(self.n);
        while (m as u32) < self.threshold {
            m = u64::from(rng.next_u64() as u32) * u64::from(self.n);
        }
        (m >> 32) as usize
    }

    /// The sum of n values drawn with replacement: two words give four
    /// draws, added to four running sums so that the additions do not wait
    /// on each other.
    #[inline]
    fn sum_of(self, values: &[f64], rng: &mut Xoshiro256PlusPlus) -> f64 {
        let mut sums = [0.0; 4];
        let n = self.n as usize;
        for _ in 0..n / 4 {
            let (a, b) = (rng.next_u64(), rng.next_u64());
            sums[0] += values[self.index(a as u32, rng)];
            sums[1] += values[self.index((a >> 32) as u32, rng)];
            sums[2] += values[self.index(b as u32, rng)];
            sums[3] += values[self.index((b >> 32) as u32, rng)];
        }
        let rest = n % 4;
        if rest > 0 {
            let a = rng.next_u64();
            sums[0] += values[self.index(a as u32, rng)];
            if rest > 1 {
                sums[1] += values[self.index((a >> 32) as u32, rng)];
            }
            if rest > 2 {
                sums[2] += values[self.index(rng.next_u64() as u32, rng)];
            }
        }
        (sums[0] + sums[1]) + (sums[2] + sums[3])
    }

    /// Hands n indices to `each`, drawn as [`Bounded::sum_of`] draws them.
    #[inline]
    fn each(self, rng: &mut Xoshiro256PlusPlus, mut each: impl FnMut(usize)) {
        let n = self.n as usize;
        for _ in 0..n / 4 {
            let (a, b) = (rng.next_u64(), rng.next_u64());
            each(self.index(a as u32, rng));
            each(self.index((a >> 32) as u32, rng));
            each(self.index(b as u32, rng));
            each(self.index((b >> 32) as u32, rng));
        }
        let rest = n % 4;
        if rest > 0 {
            let a = rng.next_u64();
            each(self.index(a as u32, rng));
            if rest > 1 {
                each(self.index((a >> 32) as u32, rng));
            }
            if rest > 2 {
                each(self.index(rng.next_u64() as u32, rng));
            }
        }
    }
}

/// The FNV-1a hash of a name: the stream of what the name resamples.
pub fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(name: &str, values: &[f64]) -> Job {
        Job {
            name: name.into(),
            sample: Sample::Values(values.to_vec()),
        }
    }

    #[test]
    fn draws_cover_the_range_evenly() {
        for n in [3, 5] {
            let draw = Bounded::new(n);
            let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
            let mut counts = vec![0; n as usize];
            for _ in 0..10_000 {
                draw.each(&mut rng, |i| counts[i] += 1);
            }
            assert!(
                counts.iter().all(|&c| (9_500..10_500).contains(&c)),
                "{counts:?}"
            );
        }
    }

    #[test]
    fn sums_and_single_draws_take_the_same_indices() {
        let values: Vec<f64> = (0..7).map(|i| f64::from(1 << i)).collect();
        for n in [2, 3, 4, 5, 6, 7] {
            let draw = Bounded::new(n);
            let (mut a, mut b) = (
                Xoshiro256PlusPlus::seed_from_u64(9),
                Xoshiro256PlusPlus::seed_from_u64(9),
            );
            for _ in 0..100 {
                let mut sum = 0.0;
                draw.each(&mut b, |i| sum += values[i]);
                // Powers of two below 2⁵³: any order of adding gives the same sum.
                assert_eq!(draw.sum_of(&values, &mut a), sum, "n = {n}");
            }
        }
    }

    #[test]
    fn chunks_start_one_jump_apart_in_a_stream_of_their_own() {
        let starts = chunk_starts(7, 1, 3);
        let mut jumped = starts[0].clone();
        jumped.jump();
        assert_eq!(starts[1], jumped);
        assert_ne!(chunk_starts(7, 2, 1)[0], starts[0]);
        assert_ne!(chunk_starts(8, 1, 1)[0], starts[0]);
    }

    #[test]
    fn intervals_depend_on_seed_and_name_only() {
        let values = [1.0, 5.0, 2.0, 8.0, 3.0, 9.0, 4.0];
        let one = intervals(&[job("a", &values)], 1000, 7);
        let with_other = intervals(&[job("b", &[1.0, 2.0]), job("a", &values)], 1000, 7);
        assert_eq!(one[0], with_other[1]);
        assert_ne!(one, intervals(&[job("a", &values)], 1000, 8));
        let [lo, hi] = one[0].unwrap();
        assert!(
            lo < 4.571 && 4.572 < hi && 1.0 <= lo && hi <= 9.0,
            "{lo} {hi}"
        );
    }

    /// Mean and variance (n − 1) of resample means.
    fn moments(means: &[f64]) -> (f64, f64) {
        let n = means.len() as f64;
        let mean = means.iter().sum::<f64>() / n;
        let var = means.iter().map(|m| (m - mean).powi(2)).sum::<f64>() / (n - 1.0);
        (mean, var)
    }

    #[test]
    fn counts_of_distinct_values_resample_as_one_draw_per_group_does() {
        // 300 groups with three scores: 150 × 0, 100 × 50, 50 × 100.
        let values: Vec<f64> = [(0.0, 150), (50.0, 100), (100.0, 50)]
            .iter()
            .flat_map(|&(v, m)| std::iter::repeat_n(v, m))
            .collect();
        let sample = Sample::Values(values.clone());
        let tally = Tally::of(&sample).unwrap();
        assert_eq!(tally.units.len(), 3);
        assert_eq!(tally.units[0], ((0.0, 1.0), 150));
        let resamples = 20_000;
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(3);
        let by_counts: Vec<f64> = (0..resamples)
            .map(|_| tally.resample_mean(&mut rng))
            .collect();
        let by_draws = resample_means(&sample, 300, resamples, &mut rng);
        // The bootstrap distribution of the mean: mean x̄ = 100/3 and
        // variance σ²/n with the population variance σ² = 2500 − x̄² = 12500/9
        // (ddof 0).
        let (mean, var): (f64, f64) = (100.0 / 3.0, 12_500.0 / 9.0 / 300.0);
        for means in [&by_counts, &by_draws] {
            let (m, v) = moments(means);
            // Five standard errors of each estimate from 20 000 resamples.
            assert!((m - mean).abs() < 5.0 * (var / 20_000.0).sqrt(), "{m}");
            assert!(
                (v / var - 1.0).abs() < 5.0 * (2.0 / 20_000.0_f64).sqrt(),
                "{v}"
            );
            // Every resample mean is a multiple of 50/300.
            assert!(
                means
                    .iter()
                    .all(|m| (m * 6.0 - (m * 6.0).round()).abs() < 1e-9)
            );
        }
    }

    #[test]
    fn counts_do_not_depend_on_the_order_of_the_sample() {
        // 7 distinct values among 700: resampled by counts.
        let values: Vec<f64> = (0..700).map(|i| f64::from(i % 7) * 12.5).collect();
        assert!(7 * BINOMIAL_COST <= values.len());
        let reversed: Vec<f64> = values.iter().rev().copied().collect();
        let a = intervals(&[job("a", &values)], 1000, 7);
        assert_eq!(a, intervals(&[job("a", &reversed)], 1000, 7));
        let [lo, hi] = a[0].unwrap();
        assert!(lo < 37.5 && 37.5 < hi, "{lo} {hi}");
    }

    #[test]
    fn repeated_clusters_are_resampled_by_counts_too() {
        // 64 clusters of two kinds: (sum 6, 2 groups) and (sum 9, 1 group).
        let clusters: Vec<(f64, f64)> = (0..64)
            .map(|i| if i % 4 == 0 { (9.0, 1.0) } else { (6.0, 2.0) })
            .collect();
        let sample = Sample::Clusters(clusters);
        let tally = Tally::of(&sample).unwrap();
        assert_eq!(tally.units, [((6.0, 2.0), 48), ((9.0, 1.0), 16)]);
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(5);
        let by_counts: Vec<f64> = (0..20_000).map(|_| tally.resample_mean(&mut rng)).collect();
        let by_draws = resample_means(&sample, 64, 20_000, &mut rng);
        let ((mc, vc), (md, vd)) = (moments(&by_counts), moments(&by_draws));
        // Ratio means: compare the two methods with each other.
        assert!((mc - md).abs() < 5.0 * (vd / 10_000.0).sqrt(), "{mc} {md}");
        assert!((vc / vd - 1.0).abs() < 0.1, "{vc} {vd}");
        assert!(by_counts.iter().all(|m| (3.0..=9.0).contains(m)));
    }

    #[test]
    fn one_unit_or_no_resamples_give_no_interval() {
        assert_eq!(intervals(&[job("a", &[3.0])], 100, 1), [None]);
        assert_eq!(intervals(&[job("a", &[3.0, 4.0])], 0, 1), [None]);
        let clusters = Job {
            name: "c".into(),
            sample: Sample::Clusters(vec![(6.0, 2.0), (3.0, 1.0)]),
        };
        assert_eq!(intervals(&[clusters], 500, 1), [Some([3.0, 3.0])]);
    }
}
