//! Benchmark of the durable store: answers stored one per transaction
//! (checked against the pinned prompt, committed with WAL + synchronous=FULL).

use std::collections::BTreeMap;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use vignette::bank::{self, BankSource};
use vignette::session::{self, SessionSpec, VignetteChoice};
use vignette::store::{GroupRecord, Store};

fn store_answers(c: &mut Criterion) {
    let (bank, _) = bank::load(&BankSource::Embedded).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("bench.db")).unwrap();
    let spec = SessionSpec {
        id: Some("bench".to_string()),
        study: "inkluderende-miljo".to_string(),
        offering: "nettbasert".to_string(),
        phase: "baseline".to_string(),
        cohort: "1".to_string(),
        site: "Bodø".to_string(),
        site_attributes: BTreeMap::from([
            ("sector".to_string(), "school".to_string()),
            ("centrality".to_string(), "urban".to_string()),
        ]),
        language: None,
        groups: (1..=12)
            .map(|i| GroupRecord {
                label: format!("G{i}"),
                roles: BTreeMap::new(),
            })
            .collect(),
        vignettes: VignetteChoice::Listed(vec!["V2".to_string()]),
        form: None,
        seed: 1,
    };
    session::plan(&bank, &spec)
        .unwrap()
        .store(&mut store)
        .unwrap();
    let loaded = session::load(&store, "bench").unwrap();
    let text = r#"{"group": "G3", "vignette": "V2", "prompt": "s1_do", "value": "Vi snakker med Lea alene i dag, varsler rektor og skriver det ned i elevmappa."}"#;
    // Each iteration reads the line as the stream does, then checks and stores it.
    let mut store_line = |line: &str| {
        let mut lines = vignette::input::Stream::new(line.as_bytes(), "bench");
        let (place, answer) = lines.next().unwrap().unwrap();
        session::store_streamed(&mut store, &loaded, &place, answer).unwrap()
    };
    let mut group = c.benchmark_group("store");
    group.throughput(Throughput::Elements(1));
    group.bench_function("one text answer per transaction", |b| {
        b.iter(|| store_line(text))
    });
    let likert = r#"{"group": "G4", "vignette": "V2", "prompt": "s1_seriousness", "value": 4}"#;
    group.bench_function("one Likert answer per transaction", |b| {
        b.iter(|| store_line(likert))
    });
    group.finish();
}

criterion_group!(benches, store_answers);
criterion_main!(benches);
