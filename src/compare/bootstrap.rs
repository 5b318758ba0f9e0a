//! Percentile bootstrap intervals of a cell's mean, resampling groups or
//! whole clusters, in parallel and reproducibly.
//!
//! Each sample has its own Xoshiro256++ stream, seeded (through SplitMix64)
//! with the seed and the FNV-1a hash of what the sample is, and its
//! resamples are drawn in fixed chunks of [`CHUNK`], chunk c starting 2¹²⁸·c
//! words into the stream (c jumps, so chunks never overlap). Each 64-bit
//! word gives two 32-bit draws. So an interval depends only on the seed, the
//! sample and the number of resamples: not on the other cells, nor on how
//! many threads run it.

use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use rayon::prelude::*;

use crate::stats::quantile_sorted;

/// Resamples per independently seeded chunk.
const CHUNK: usize = 256;

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
    let starts = chunk_starts(seed, fnv1a(&job.name), boot.div_ceil(CHUNK));
    let mut means: Vec<f64> = starts
        .into_par_iter()
        .enumerate()
        .flat_map_iter(|(chunk, mut rng)| {
            let count = CHUNK.min(boot - chunk * CHUNK);
            resample_means(&job.sample, n, count, &mut rng)
        })
        .collect();
    means.sort_unstable_by(f64::total_cmp);
    Some([
        quantile_sorted(&means, 0.025)?,
        quantile_sorted(&means, 0.975)?,
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

fn fnv1a(text: &str) -> u64 {
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
