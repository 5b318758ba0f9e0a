//! Benchmark of the report's example quote (`report::example::find`), the
//! step that once grew with the square of a session's answers: one study
//! with a session of 50 groups × 6 vignettes per site (about 4 000 scored
//! answers each), three sites, all scored. The data are simulated from a
//! fixed seed into a SQLite file in a temp dir.

use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use vignette::bank::{self, BankSource};
use vignette::compare::dataset::{self, Selection};
use vignette::report::example;
use vignette::scoring;
use vignette::session;
use vignette::simulate::{self, Spec};
use vignette::store::Store;

fn example_quote(c: &mut Criterion) {
    let (bank, _) = bank::load(&BankSource::Embedded).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("bench.db")).unwrap();
    let spec = Spec {
        sites: 3,
        groups: 50,
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
    let data = dataset::load(&store, &Selection::default()).unwrap();
    eprintln!(
        "{} groups, {} answers",
        simulation.groups(),
        simulation.answers()
    );
    let mut group = c.benchmark_group("report");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    group.bench_function("example quote, 3 sessions of 50 groups", |b| {
        b.iter(|| example::find(&store, &data, "baseline").unwrap())
    });
    group.finish();
}

criterion_group!(benches, example_quote);
criterion_main!(benches);
