//! Benchmarks of the bank: validating the shipped bank (load, schema and
//! semantic checks, every template for every factor combination) and
//! rendering one stage.

use std::collections::BTreeMap;

use criterion::{Criterion, criterion_group, criterion_main};
use vignette::bank::{self, BankSource};
use vignette::render::{self, Format, Request, Stages};

fn validate_shipped_bank(c: &mut Criterion) {
    c.bench_function("validate shipped bank", |b| {
        b.iter(|| {
            let (_, report) = bank::load(&BankSource::Embedded).unwrap();
            assert!(report.is_valid());
            report
        })
    });
}

fn render_stage(c: &mut Criterion) {
    let (bank, _) = bank::load(&BankSource::Embedded).unwrap();
    let v2 = &bank.vignette("V2").unwrap().item;
    let request = Request {
        language: "nb".to_string(),
        stages: Stages::Number(2),
        levels: BTreeMap::new(),
        seed: Some(7),
    };
    c.bench_function("render one stage as HTML", |b| {
        b.iter(|| render::render(v2, &request).unwrap().write(Format::Html))
    });
}

criterion_group!(benches, validate_shipped_bank, render_stage);
criterion_main!(benches);
