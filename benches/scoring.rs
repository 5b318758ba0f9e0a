//! Benchmark of scoring a session export: 1 000 000 generated answer lines
//! (JSON lines, as `session export --format jsonl` writes them; see
//! `tests/it/common/generate.rs`) scored with the shipped rubrics, against only
//! reading and grouping the same file. Both run on all cores (rayon).
//!
//! - `parse only`: map the file into memory (as `score --responses` does:
//!   [`input::map_file`]), check UTF-8, parse
//!   every line into borrowed fields, keep the latest revision per prompt,
//!   group into units and sort them: exactly what scoring does before it
//!   scores ([`scoring::parse_responses`]).
//! - `score`: the same, then what `vignette score --responses FILE` computes
//!   for its table and CSV: compile each rubric once per language, score every
//!   unit's criterion levels and red flags ([`scoring::Responses::levels`]), then
//!   its dimension and overall scores ([`scoring::Responses::summaries`]). Printing
//!   is left out; `--format json` and `--explain` build full score cards
//!   instead, which this does not measure.
//!
//! The file is generated once per run from a fixed seed into a temp dir.
//! `VIGNETTE_BENCH_LINES=N` makes it smaller; `VIGNETTE_BENCH_FILE=PATH`
//! writes it to PATH and keeps it (for `/usr/bin/time -v vignette score
//! --responses PATH`). After the timings, a child process scores the file
//! once as `score` does and reports its peak resident memory.

#[path = "../tests/it/common/generate.rs"]
mod generate;

use std::io::BufWriter;
use std::path::Path;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group};
use vignette::bank::{self, Bank, BankSource};

/// The allocator the `vignette` binary uses.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Answer lines in the benchmark file.
const LINES: usize = 1_000_000;
/// The generator's seed.
const SEED: u64 = 2026;
/// Set in the child process that measures peak memory: the file to score.
const RSS_CHILD: &str = "VIGNETTE_BENCH_RSS_FILE";

fn main() {
    if let Ok(path) = std::env::var(RSS_CHILD) {
        println!("{}", peak_rss_of_scoring(Path::new(&path)));
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(20));
    targets = scoring
}

fn scoring(c: &mut Criterion) {
    let lines = std::env::var("VIGNETTE_BENCH_LINES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(LINES);
    let (bank, _) = bank::load(&BankSource::Embedded).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = std::env::var_os("VIGNETTE_BENCH_FILE")
        .map_or_else(|| dir.path().join("export.jsonl"), Into::into);
    let file = BufWriter::new(std::fs::File::create(&path).unwrap());
    generate::generate(&bank, lines, SEED, file).unwrap();
    let size = std::fs::metadata(&path).unwrap().len();
    eprintln!(
        "generated {lines} answer lines ({:.1} MiB) in {}",
        size as f64 / 1048576.0,
        path.display()
    );
    let mut group = c.benchmark_group("score export");
    group.throughput(Throughput::Elements(lines as u64));
    group.bench_function("parse only (read, parse, group into units)", |b| {
        b.iter(|| {
            let bytes = vignette::input::map_file(
                &path,
                vignette::input::read::EXPORT_FILE,
                vignette::input::read::EXPORT_STREAM,
            )
            .unwrap();
            vignette::scoring::parse_responses("export.jsonl", &bytes).unwrap()
        })
    });
    group.bench_function(
        "score (read, parse, group, score levels and dimensions)",
        |b| b.iter(|| score(&bank, &path)),
    );
    group.finish();
    report_peak_memory(&path, size);
}

/// Scores the file as `score --responses` does for its table and CSV;
/// returns the number of units and the sum of their overall scores.
fn score(bank: &Bank, path: &Path) -> (usize, f64) {
    let bytes = vignette::input::map_file(
        path,
        vignette::input::read::EXPORT_FILE,
        vignette::input::read::EXPORT_STREAM,
    )
    .unwrap();
    let export = vignette::scoring::Responses::read(bank, "export.jsonl", &bytes).unwrap();
    let levels = export.levels();
    let overall = export.summaries(&levels).map(|s| s.summary.overall).sum();
    (levels.len(), overall)
}

// ---------------------------------------------------------------------------
// Peak memory: a child process (this binary again) scores the file once.

/// Scores the file once and returns "peak RSS in KiB" from /proc.
fn peak_rss_of_scoring(path: &Path) -> String {
    let (bank, _) = bank::load(&BankSource::Embedded).unwrap();
    let (units, _) = score(&bank, path);
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let peak = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .unwrap_or("unknown")
        .trim();
    format!("{peak} ({units} units scored)")
}

fn report_peak_memory(path: &Path, size: u64) {
    let Ok(me) = std::env::current_exe() else {
        return;
    };
    let out = std::process::Command::new(me).env(RSS_CHILD, path).output();
    if let Ok(out) = out {
        eprintln!(
            "peak RSS of scoring the file ({:.1} MiB): {}",
            size as f64 / 1048576.0,
            String::from_utf8_lossy(&out.stdout).trim()
        );
    }
}
