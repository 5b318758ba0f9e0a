//! `vignette export`: a study's scores as tidy CSV with a codebook, SPSS and
//! Stata syntax and a manifest, written into a folder all or nothing.

use std::path::PathBuf;
use std::process::ExitCode;

use vignette::compare::dataset::{self, Selection, StudyData};
use vignette::export::{self, Options};

use super::{Failure, Outcome};
use crate::cli::Context;

/// Export scores for R, SPSS and Stata.
///
/// Writes into DIR: criteria.csv (one row per group × vignette × criterion:
/// the level reached), dimensions.csv (group × vignette × dimension: the
/// score 0–100) and groups.csv (group × dimension: the mean over the group's
/// vignettes, with the group's role counts); codebook.md and codebook.json
/// (every column: type, description, allowed values with their labels from
/// the study and rubrics); for each CSV an SPSS (.sps) and a Stata (.do) file
/// that reads it and labels every column and coded value; and manifest.json
/// (every file's SHA-256 and rows, the selection, the study and rubric
/// hashes).
///
/// The files are written to a temporary folder beside DIR and renamed into
/// place, so an error leaves no half-written file. Files of an earlier export
/// in DIR are only replaced with --force.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  vignette export --out export\n  \
    vignette export --study inkluderende-miljo --phase baseline --phase endpoint --out evaluation\n  \
    Rscript -e 'd <- read.csv(\"export/criteria.csv\")'")]
pub struct Args {
    /// The study; needed when the database holds sessions of more than one.
    #[arg(long, value_name = "ID")]
    study: Option<String>,
    /// Only this session (repeat for more).
    #[arg(long = "session", value_name = "ID")]
    sessions: Vec<String>,
    /// Only sessions of this cohort (repeat for more).
    #[arg(long = "cohort", value_name = "C")]
    cohorts: Vec<String>,
    /// Only sessions of this phase (repeat for more).
    #[arg(long = "phase", value_name = "P")]
    phases: Vec<String>,
    /// Language of the labels in the SPSS and Stata files [default: en if the
    /// study has it, else its first language]. The codebook has every language.
    #[arg(long, value_name = "LANG")]
    lang: Option<String>,
    /// The folder to write into; created if missing.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Replace the files of an earlier export in DIR.
    #[arg(long)]
    force: bool,
    /// Write text cells exactly as stored, for programs. By default a text
    /// cell that begins with =, +, -, @, a tab or a carriage return gets a
    /// leading ' so that a spreadsheet does not run it as a formula.
    #[arg(long)]
    raw_cells: bool,
}

pub fn run(cx: &Context, args: &Args) -> Outcome {
    let selection = Selection {
        study: args.study.clone(),
        sessions: args.sessions.clone(),
        cohorts: args.cohorts.clone(),
        phases: args.phases.clone(),
    };
    let store = cx.store_to_read()?;
    let data = dataset::load(&store, &selection)?;
    let options = Options {
        language: language(&data, args.lang.as_deref())?,
        exported_at: store.now()?,
        selection,
        formula_guard: !args.raw_cells,
    };
    let files = export::export(&data, &options)?;
    export::write_files(&args.out, &files, args.force)?;
    println!("wrote {} files to {}:", files.len(), args.out.display());
    for file in &files {
        match file.rows {
            Some(rows) => println!("  {} ({rows} rows)", file.name),
            None => println!("  {}", file.name),
        }
    }
    for (session, n) in &data.unscored {
        eprintln!(
            "warning: session {session} has {n} answered unit(s) not scored yet; \
             run `vignette score {session}{}` and export again",
            cx.db_flag()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// The label language asked for, checked against the study, or its default.
pub(super) fn language(data: &StudyData, wanted: Option<&str>) -> Result<String, Failure> {
    let languages = &data.study.languages;
    match wanted {
        Some(lang) if languages.iter().any(|l| l == lang) => Ok(lang.to_string()),
        Some(lang) => Err(Failure::usage(format!(
            "the study has no language `{lang}`; expected one of: {}",
            languages.join(", ")
        ))),
        None if languages.iter().any(|l| l == "en") => Ok("en".to_string()),
        None => Ok(languages
            .first()
            .cloned()
            .unwrap_or_else(|| "en".to_string())),
    }
}
