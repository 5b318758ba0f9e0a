//! Percentile bootstrap intervals of a cell's mean, resampling groups or
//! whole clusters, in parallel and reproducibly.
//!
//! Each sample has its own ChaCha8 stream (the seed, with the FNV-1a hash of
//! what the sample is as stream number), and its resamples are drawn in
//! fixed chunks of [`CHUNK`], chunk c starting at word 2⁴⁰·c of the stream.
//! So an interval depends only on the seed, the sample and the number of
//! resamples: not on the other cells, nor on how many threads run it.

use rand::{Rng, RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
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
    let stream = fnv1a(&job.name);
    let mut means: Vec<f64> = (0..boot.div_ceil(CHUNK))
        .into_par_iter()
        .flat_map_iter(|chunk| {
            let count = CHUNK.min(boot - chunk * CHUNK);
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            rng.set_stream(stream);
            rng.set_word_pos((chunk as u128) << 40);
            resample_means(&job.sample, n, count, &mut rng)
        })
        .collect();
    means.sort_unstable_by(f64::total_cmp);
    Some([
        quantile_sorted(&means, 0.025)?,
        quantile_sorted(&means, 0.975)?,
    ])
}

fn resample_means(sample: &Sample, n: u32, count: usize, rng: &mut ChaCha8Rng) -> Vec<f64> {
    let draw = Bounded::new(n);
    let mut words = vec![0; BATCH.min(n as usize)];
    match sample {
        Sample::Values(values) => (0..count)
            .map(|_| {
                // Four running sums keep the additions from waiting on each other.
                let mut sums = [0.0; 4];
                draw.each_batch(&mut words, rng, |batch, rng| {
                    let mut quads = batch.chunks_exact(4);
                    for quad in &mut quads {
                        for (sum, &word) in sums.iter_mut().zip(quad) {
                            *sum += values[draw.index(word, rng)];
                        }
                    }
                    for &word in quads.remainder() {
                        sums[0] += values[draw.index(word, rng)];
                    }
                });
                ((sums[0] + sums[1]) + (sums[2] + sums[3])) / f64::from(n)
            })
            .collect(),
        Sample::Clusters(clusters) => (0..count)
            .map(|_| {
                let (mut sum, mut groups) = (0.0, 0.0);
                draw.each_batch(&mut words, rng, |batch, rng| {
                    for &word in batch {
                        let (s, c) = clusters[draw.index(word, rng)];
                        sum += s;
                        groups += c;
                    }
                });
                sum / groups
            })
            .collect(),
    }
}

/// Words drawn from the stream per batch.
const BATCH: usize = 256;

/// Unbiased indices in 0..n from 32-bit words (Lemire 2019: multiply by n,
/// keep the high half; a word whose low half is below 2³² mod n is replaced
/// by a fresh one, which is rare for the n here).
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
    fn index(self, word: u32, rng: &mut ChaCha8Rng) -> usize {
        let mut m = u64::from(word) * u64::from(self.n);
        while (m as u32) < self.threshold {
            m = u64::from(rng.next_u32()) * u64::from(self.n);
        }
        (m >> 32) as usize
    }

    /// Draws n words from the stream, a batch at a time into `words`, and
    /// hands each batch to `use_batch` with the generator (for redraws).
    #[inline]
    fn each_batch(
        self,
        words: &mut [u32],
        rng: &mut ChaCha8Rng,
        mut use_batch: impl FnMut(&[u32], &mut ChaCha8Rng),
    ) {
        let (mut rest, size) = (self.n as usize, words.len());
        while rest > 0 {
            let batch = &mut words[..rest.min(size)];
            rng.fill(&mut *batch);
            use_batch(batch, rng);
            rest -= batch.len();
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
        let draw = Bounded::new(3);
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let mut counts = [0; 3];
        let mut words = [0; 3];
        for _ in 0..10_000 {
            draw.each_batch(&mut words, &mut rng, |batch, rng| {
                batch.iter().for_each(|&w| counts[draw.index(w, rng)] += 1);
            });
        }
        assert!(
            counts.iter().all(|&c| (9_500..10_500).contains(&c)),
            "{counts:?}"
        );
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
