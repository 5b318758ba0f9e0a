//! Benchmarks of `vignette report` on one session of 33, 65, 130 and 260
//! groups (from about 1 000 to 8 000 scored answers), so that its time per
//! answer can be seen to stay flat: the whole report as the command makes
//! it (reading the study, the analyses with the default bootstrap, the
//! agreement, the quote and the HTML page), and on its own the example
//! quote (`report::example::find`), the step that once grew with the square
//! of a session's answers. The data are simulated from a fixed seed into a
//! SQLite file in a temp dir.

use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use vignette::bank::{self, BankSource};
use vignette::compare;
use vignette::compare::dataset::{self, Selection};
use vignette::report::{self, Report, example};
use vignette::scoring;
use vignette::session;
use vignette::simulate::{self, Spec};
use vignette::store::Store;

/// The allocator the binary uses (`src/main.rs`), so that the bench times
/// what `vignette report` does.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// One scored session of `groups` groups in a temp dir, and its answer count.
fn scored_session(groups: usize) -> (tempfile::TempDir, Store, usize) {
    let (bank, _) = bank::load(&BankSource::Embedded).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("bench.db")).unwrap();
    let spec = Spec {
        sites: 1,
        groups,
        phases: vec!["baseline".to_string()],
        vignettes_per_group: 6,
        ..Spec::default()
    };
    let simulation = simulate::plan(&bank, &spec)
        .unwrap()
        .run(&mut store)
        .unwrap();
    for summary in &simulation.sessions {
        let loaded = session::load(&store, &summary.id).unwrap();
        scoring::score_session(&mut store, &loaded, None).unwrap();
    }
    let answers = simulation.answers();
    eprintln!("{groups} groups: {answers} answers");
    (dir, store, answers)
}

fn whole_report(c: &mut Criterion) {
    let mut group = c.benchmark_group("report, one session");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    for groups in [33, 65, 130, 260] {
        let (_dir, store, answers) = scored_session(groups);
        let options = report::Options {
            phase: None,
            boot: compare::DEFAULT_BOOT,
            seed: compare::DEFAULT_SEED,
        };
        group.throughput(Throughput::Elements(answers as u64));
        group.bench_with_input(BenchmarkId::from_parameter(answers), &store, |b, store| {
            b.iter(|| {
                let data = dataset::load(store, &Selection::default()).unwrap();
                Report::assemble(store, data, &options, "en")
                    .unwrap()
                    .html()
                    .unwrap()
            })
        });
    }
    group.finish();
}

fn example_quote(c: &mut Criterion) {
    let mut group = c.benchmark_group("report example quote, one session");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(10));
    for groups in [33, 65, 130, 260] {
        let (_dir, store, answers) = scored_session(groups);
        let data = dataset::load(&store, &Selection::default()).unwrap();
        group.throughput(Throughput::Elements(answers as u64));
        group.bench_with_input(BenchmarkId::from_parameter(answers), &data, |b, data| {
            b.iter(|| example::find(&store, data, "baseline").unwrap())
        });
    }
    group.finish();
}

criterion_group!(benches, whole_report, example_quote);
criterion_main!(benches);
