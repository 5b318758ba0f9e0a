//! `vignette report`: a study's results as one self-contained HTML page,
//! written atomically. Not for the numbers alone (`vignette compare`).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use vignette::agreement::Options as AgreementOptions;
use vignette::compare;
use vignette::dataset::{self, Selection, StudyData};
use vignette::report::{self, Report, ReportError, SessionRatings};
use vignette::store::Store;
use vignette::{rating, session};

use super::session::open_existing;
use super::{Failure, Outcome};

/// Write a study's report: one HTML file that opens in any browser and
/// loads nothing from elsewhere (styles inline, charts as SVG, no script).
///
/// It shows the sessions included; the groups per offering and phase; the
/// dimension scores per offering at one phase with 95 % intervals; the
/// change of the same groups from the first to the last phase; scores by
/// role and by rural/urban site; rater agreement; the criteria groups most
/// often miss, with one group's answer quoted; and the methods, rubric
/// hashes and warnings. Every text from the data is escaped.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  vignette report --out report.html\n  \
    vignette report --study inkluderende-miljo --cohort 2026 --phase midpoint --lang nb")]
pub struct Args {
    /// The study (needed when the database holds sessions of several).
    #[arg(long, value_name = "ID")]
    study: Option<String>,
    /// Only this session; repeat for more (default: every session of the study).
    #[arg(long = "session", value_name = "ID")]
    sessions: Vec<String>,
    /// Only this cohort; repeat for more.
    #[arg(long = "cohort", value_name = "COHORT")]
    cohorts: Vec<String>,
    /// Compare offerings, roles and sites at this phase (default: the latest
    /// phase with scores).
    #[arg(long, value_name = "PHASE")]
    phase: Option<String>,
    /// The file to write.
    #[arg(long, value_name = "FILE.html", default_value = "report.html")]
    out: PathBuf,
    /// Bootstrap resamples for the intervals.
    #[arg(long, value_name = "N", default_value_t = compare::DEFAULT_BOOT as u32,
          value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    boot: u32,
    /// Seed of the bootstrap; the same seed gives the same report.
    #[arg(long, value_name = "S", default_value_t = compare::DEFAULT_SEED)]
    seed: u64,
    /// Language of the study's labels (offerings, phases, roles, criteria).
    #[arg(long, value_name = "LANG", default_value = "en")]
    lang: String,
}

pub fn run(db: &Path, args: &Args) -> Outcome {
    let store = open_existing(db)?;
    let selection = Selection {
        study: args.study.clone(),
        sessions: args.sessions.clone(),
        cohorts: args.cohorts.clone(),
        phases: Vec::new(),
    };
    let data = dataset::load(&store, &selection)?;
    check_language(&data, &args.lang)?;
    let options = report::Options {
        phase: args.phase.clone(),
        boot: args.boot as usize,
        seed: args.seed,
    };
    let analyses = report::analyse(&data, &options).map_err(failure)?;
    let example = report::example::find(&store, &data, &analyses.phase)?;
    let report = Report {
        rubrics: rubrics(&store, &data)?,
        agreement: ratings(&store, &data, &options)?,
        analyses,
        example,
        language: args.lang.clone(),
        data,
    };
    let html = report.html().map_err(failure)?;
    write_atomically(&args.out, &html)?;
    println!(
        "wrote {} ({} sessions, {} groups, {} scored answers)",
        args.out.display(),
        report.data.sessions.len(),
        report.data.groups.len(),
        report.data.units.len()
    );
    Ok(ExitCode::SUCCESS)
}

fn check_language(data: &StudyData, lang: &str) -> Result<(), Failure> {
    let languages = &data.study.languages;
    if languages.iter().any(|l| l == lang) {
        return Ok(());
    }
    Err(Failure::usage(format!(
        "study {} has no labels in `{lang}`; it has: {}",
        data.study.id,
        languages.join(", ")
    )))
}

fn failure(error: ReportError) -> Failure {
    let hint = match &error {
        ReportError::NoScores(_) => Some("score the sessions first: `vignette score SESSION`"),
        ReportError::UnknownPhase { .. } => Some("leave out --phase to use the latest phase"),
        _ => None,
    };
    let failure = Failure::usage(error.to_string());
    match hint {
        Some(hint) => failure.hint(hint),
        None => failure,
    }
}

/// The rubrics the sessions pinned, each once.
fn rubrics(store: &Store, data: &StudyData) -> Result<Vec<vignette::bank::Rubric>, Failure> {
    let mut rubrics = BTreeMap::new();
    for record in &data.sessions {
        rubrics.extend(session::load(store, &record.id)?.rubrics);
    }
    Ok(rubrics.into_values().collect())
}

/// Agreement of every session that has ratings.
fn ratings(
    store: &Store,
    data: &StudyData,
    options: &report::Options,
) -> Result<Vec<SessionRatings>, Failure> {
    let options = AgreementOptions {
        boot: options.boot,
        seed: options.seed,
    };
    let mut rated = Vec::new();
    for record in &data.sessions {
        let agreement = rating::session_agreement(store, &record.id, &options)?;
        if !agreement.human.criteria.is_empty() {
            rated.push(SessionRatings {
                session: record.id.clone(),
                agreement,
            });
        }
    }
    Ok(rated)
}

/// Writes `text` to a temp file beside `path`, then renames it into place,
/// so a reader never sees half a report.
fn write_atomically(path: &Path, text: &str) -> Result<(), Failure> {
    let cannot =
        |e: std::io::Error| Failure::usage(format!("cannot write {}: {e}", path.display()));
    let name = path
        .file_name()
        .ok_or_else(|| Failure::usage(format!("--out {} names no file", path.display())))?;
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let temp = dir.join(format!(
        ".{}.{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    let written = std::fs::File::create(&temp).and_then(|mut file| {
        file.write_all(text.as_bytes())?;
        file.sync_all()
    });
    if let Err(e) = written.and_then(|()| std::fs::rename(&temp, path)) {
        let _ = std::fs::remove_file(&temp);
        return Err(cannot(e));
    }
    Ok(())
}
