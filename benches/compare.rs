//! Benchmark of `compare::compare` on a large study: 100 000 groups (three
//! offerings, 5 000 sites) × 3 dimensions, 10 000 bootstrap resamples per
//! cell, on all cores. Scores drawn from a fixed seed.

use std::collections::BTreeMap;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use vignette::compare::dataset::{GroupScore, Keys};
use vignette::compare::{self, Request};

/// The allocator the `vignette` binary uses.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const GROUPS: usize = 100_000;
const OFFERINGS: [&str; 3] = ["laeringsmiljoprosjektet", "samlingsbasert", "nettbasert"];
const ROLES: [&str; 5] = [
    "municipal",
    "principal",
    "teacher",
    "kindergarten_head",
    "kindergarten_staff",
];
const DIMENSIONS: [&str; 3] = ["prevention", "detection", "handling"];

fn scores() -> Vec<GroupScore> {
    let mut rng = ChaCha8Rng::seed_from_u64(2026);
    let mut scores = Vec::with_capacity(GROUPS * DIMENSIONS.len());
    for g in 0..GROUPS {
        let site = g / 20;
        let keys = Keys::new(BTreeMap::from([
            ("offering".to_string(), OFFERINGS[site % 3].to_string()),
            ("phase".to_string(), "endpoint".to_string()),
            ("site".to_string(), format!("site {site}")),
            (
                "role".to_string(),
                ROLES[rng.random_range(0..ROLES.len())].to_string(),
            ),
        ]));
        for dimension in DIMENSIONS {
            scores.push(GroupScore {
                group: format!("1/site {site}/G{}", g % 20 + 1),
                keys: keys.clone(),
                dimension: dimension.to_string(),
                score: f64::from(rng.random_range(0..=400_u32)) / 4.0,
            });
        }
    }
    scores
}

fn compare_large(c: &mut Criterion) {
    let scores = scores();
    let request = Request::default();
    let mut group = c.benchmark_group("compare");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(100));
    group.bench_function("100k groups x 3 dimensions, 10k resamples", |b| {
        b.iter(|| compare::compare(&scores, &request).unwrap())
    });
    group.finish();
}

criterion_group!(benches, compare_large);
criterion_main!(benches);
