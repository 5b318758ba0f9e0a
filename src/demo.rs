//! The whole study in one call, as the README's first command shows it: a
//! simulated study (three offerings, baseline to endpoint, nb and en) is
//! stored, scored, partly rated by two simulated raters and adjudicated,
//! compared, reported and exported, each step through the same library
//! calls the commands use.

use std::path::{Path, PathBuf};

use crate::bank::Bank;
use crate::compare::dataset::{self, Selection};
use crate::export::{self, ExportError};
use crate::rating::agreement::{self, Agreement, Rating};
use crate::rating::{self, Rule};
use crate::report::{self, Analyses, Report, ReportError};
use crate::session::{self, SessionError};
use crate::simulate::{self, SimulateError, Simulation, raters::Raters};
use crate::store::{Clock, Store};

/// Files a demo folder holds; `--force` replaces exactly these.
pub const DB_FILE: &str = "study.db";
pub const REPORT_FILE: &str = "report.html";
pub const EXPORT_DIR: &str = "export";

/// What to run.
#[derive(Debug, Clone, PartialEq)]
pub struct Spec {
    pub dir: PathBuf,
    pub seed: u64,
    /// Bootstrap resamples for intervals.
    pub boot: usize,
    /// Share of each session's units the two simulated raters code.
    pub rated_share: f64,
    /// Replace the files of an earlier demo in `dir`.
    pub force: bool,
    /// Where the database takes its timestamps from.
    pub clock: Clock,
}

/// The steps of a demo, in order.
pub const STEPS: [&str; 6] = ["simulate", "score", "rate", "compare", "report", "export"];

/// Told about progress: a step starts with how many items it has, items finish.
pub trait Progress {
    fn start(&mut self, step: &str, items: usize);
    fn advance(&mut self);
    fn finish(&mut self);
}

/// Why a demo stopped.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("{dir} holds an earlier demo ({file})")]
    Exists { dir: String, file: String },
    #[error("cannot prepare {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error(transparent)]
    Simulate(#[from] SimulateError),
    #[error(transparent)]
    Session(#[from] SessionError),
    #[error(transparent)]
    Report(#[from] ReportError),
    #[error(transparent)]
    Export(#[from] ExportError),
}

/// What a demo made, for the summary.
#[derive(Debug)]
pub struct Demo {
    pub simulation: Simulation,
    pub units_scored: usize,
    pub ratings: usize,
    /// Among the simulated raters, pooled over sessions.
    pub human: Agreement,
    /// The automatic levels against the human reference, pooled.
    pub auto_vs_human: Agreement,
    pub analyses: Analyses,
    pub db: PathBuf,
    pub report: PathBuf,
    pub export: PathBuf,
}

/// Runs every step into `spec.dir`.
pub fn run(bank: &Bank, spec: &Spec, progress: &mut dyn Progress) -> Result<Demo, DemoError> {
    let db = prepare(spec)?;
    let mut store = Store::open(&db)
        .map_err(SessionError::from)?
        .with_clock(spec.clock);

    progress.start(STEPS[0], 1);
    let simulation = simulate::plan(
        bank,
        &simulate::Spec {
            seed: spec.seed,
            attrition: 0.1,
            ..simulate::Spec::default()
        },
    )?
    .run(&mut store)?;
    progress.finish();
    let ids: Vec<String> = simulation.sessions.iter().map(|s| s.id.clone()).collect();

    progress.start(STEPS[1], ids.len());
    let mut units_scored = 0;
    for id in &ids {
        units_scored += score(&mut store, id)?;
        progress.advance();
    }
    progress.finish();

    progress.start(STEPS[2], ids.len());
    let (mut human, mut paired, mut ratings) = (Vec::new(), Vec::new(), 0);
    for (i, id) in ids.iter().enumerate() {
        ratings += rate(&mut store, id, spec, i as u64)?;
        let (h, p): (Vec<Rating>, Vec<Rating>) = rating::agreement_ratings(&store, id)?;
        human.extend(h);
        paired.extend(p);
        progress.advance();
    }
    let options = agreement::Options {
        boot: 0,
        seed: spec.seed,
    };
    progress.finish();

    progress.start(STEPS[3], 1);
    let data = dataset::load(&store, &Selection::default())?;
    let report_options = report::Options {
        phase: None,
        boot: spec.boot,
        seed: spec.seed,
    };
    let language = data.study.languages.iter().find(|l| *l == "en").cloned();
    let language = language.unwrap_or_else(|| data.study.languages[0].clone());
    let exported_at = store.now().map_err(SessionError::from)?;
    let report = Report::assemble(&store, data, &report_options, &language)?;
    progress.finish();

    progress.start(STEPS[4], 1);
    let report_path = spec.dir.join(REPORT_FILE);
    report::write_atomically(&report_path, &report.html()?).map_err(|source| DemoError::Io {
        path: report_path.display().to_string(),
        source,
    })?;
    progress.finish();

    progress.start(STEPS[5], 1);
    let export_dir = spec.dir.join(EXPORT_DIR);
    let files = export::export(
        &report.data,
        &export::Options {
            formula_guard: true,
            language,
            exported_at,
            selection: Selection::default(),
        },
    )?;
    export::write_files(&export_dir, &files, true)?;
    progress.finish();

    Ok(Demo {
        simulation,
        units_scored,
        ratings,
        human: agreement::agreement(&human, &options),
        auto_vs_human: agreement::agreement(&paired, &options),
        analyses: report.analyses,
        db,
        report: report_path,
        export: export_dir,
    })
}

/// Creates the folder; refuses one with an earlier demo unless forced, then
/// removes exactly the earlier demo's files. Returns the database path.
fn prepare(spec: &Spec) -> Result<PathBuf, DemoError> {
    let io = |path: &Path| {
        let path = path.display().to_string();
        move |source| DemoError::Io { path, source }
    };
    std::fs::create_dir_all(&spec.dir).map_err(io(&spec.dir))?;
    let db = spec.dir.join(DB_FILE);
    let earlier: Vec<PathBuf> = [DB_FILE, REPORT_FILE, EXPORT_DIR]
        .iter()
        .map(|f| spec.dir.join(f))
        .filter(|p| p.exists())
        .collect();
    if let Some(first) = earlier.first()
        && !spec.force
    {
        return Err(DemoError::Exists {
            dir: spec.dir.display().to_string(),
            file: first.display().to_string(),
        });
    }
    for path in earlier {
        let removed = if path.is_dir() {
            std::fs::remove_dir_all(&path)
        } else {
            std::fs::remove_file(&path)
        };
        removed.map_err(io(&path))?;
    }
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(spec.dir.join(format!("{DB_FILE}{suffix}")));
    }
    Ok(db)
}

/// Scores a session; returns how many units were scored.
fn score(store: &mut Store, id: &str) -> Result<usize, DemoError> {
    let loaded = session::load(store, id)?;
    Ok(crate::scoring::score_session(store, &loaded, None)?.len())
}

/// Two simulated raters code a share of the session's units; their ratings
/// are imported, disagreements settled by the median rule, and the session
/// rescored so that the consensus counts. Returns the ratings stored.
fn rate(store: &mut Store, id: &str, spec: &Spec, index: u64) -> Result<usize, DemoError> {
    let raters = Raters {
        names: vec!["rater-a".into(), "rater-b".into()],
        share: spec.rated_share,
        agree: 0.85,
        seed: spec.seed.wrapping_add(index),
    };
    let csv = simulate::raters::ratings_csv(store, id, &raters)?;
    if csv.lines().count() <= 1 {
        return Ok(0);
    }
    let stored = rating::import(store, id, "simulated-ratings.csv", csv.as_bytes(), &[])?;
    rating::adjudicate(store, id, Rule::Median)?;
    score(store, id)?;
    Ok(stored)
}
