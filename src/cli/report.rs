//! `vignette report`: a study's results as one self-contained HTML page,
//! written atomically. Not for the numbers alone (`vignette compare`).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use vignette::compare;
use vignette::compare::dataset::{self, Selection, StudyData};
use vignette::input;
use vignette::report::{self, Report};
use vignette::simulate::power::{self, Power};

use super::{Failure, Outcome};
use crate::cli::Context;

/// Write a study's report: one HTML file that opens in any browser and
/// loads nothing from elsewhere (styles inline, charts as SVG, no script).
///
/// It shows the sessions included; the groups per offering and phase; the
/// dimension scores per offering at one phase with 95 % intervals; the
/// change of the same groups from the first to the last phase; scores by
/// role and by rural/urban site; rater agreement; the criteria groups most
/// often miss, with one group's answer quoted; and the methods, rubric
/// hashes and warnings. With --power, a section on how many groups and
/// municipalities a comparison needs, from `vignette power --format json`.
/// Every text from the data is escaped.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  vignette report --out report.html\n  \
    vignette report --study inkluderende-miljo --cohort 2026 --phase midpoint --lang nb\n  \
    vignette power --format json > power.json && vignette report --power power.json")]
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
    /// Add a power section from this file, written by `vignette power --format json`.
    #[arg(long, value_name = "FILE.json")]
    power: Option<PathBuf>,
}

pub fn run(cx: &Context, args: &Args) -> Outcome {
    let power = args.power.as_deref().map(read_power).transpose()?;
    let store = cx.store_to_read()?;
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
    let mut report = Report::assemble(&store, data, &options, &args.lang)?;
    if let Some(power) = &power
        && power.study != report.data.study.id
    {
        eprintln!(
            "note: the power analysis is of study `{}`, the report of study `{}`",
            power.study, report.data.study.id
        );
    }
    report.power = power;
    let html = report.html()?;
    report::write_atomically(&args.out, &html)
        .map_err(|e| Failure::usage(format!("cannot write {}: {e}", args.out.display())))?;
    println!(
        "wrote {} ({} sessions, {} groups, {} scored answers)",
        args.out.display(),
        report.data.sessions.len(),
        report.data.groups.len(),
        report.data.units.len()
    );
    Ok(ExitCode::SUCCESS)
}

/// Reads a power analysis; a file that is not one is refused (exit 1).
fn read_power(path: &Path) -> Result<Power, Failure> {
    let bytes = input::read_file(path, input::read::POWER_FILE)?;
    Ok(power::read_json(&path.display().to_string(), &bytes)?)
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
