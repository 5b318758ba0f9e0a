//! `vignette rate import`: store ratings from a CSV file, all or nothing.

use std::path::PathBuf;
use std::process::ExitCode;

use vignette::input;
use vignette::rating;

use crate::cli::Context;
use crate::cli::Outcome;

/// Store ratings from a CSV file with the header `unit,rater,criterion,level`
/// (unit codes as in the plan and `rate export`).
///
/// The session is found from the unit codes (`vignette rate import
/// FILE.csv`), or named first (`vignette rate import SESSION FILE.csv`).
/// The whole file is checked first against the session's pinned rubrics: an
/// unknown unit or criterion, a level that is not a whole number or not one
/// of the criterion's levels, a (unit, rater, criterion) given twice, or a
/// rater who is not in the session's rating plan (a misspelt name would
/// otherwise count as a rater of its own) → every problem listed with its
/// line, exit 1, nothing stored. Ratings stored before get a new revision;
/// the latest counts.
#[derive(Debug, clap::Args)]
#[command(override_usage = "vignette rate import [SESSION] <FILE>")]
pub struct Args {
    /// The CSV file, or the session id when a file follows.
    #[arg(value_name = "[SESSION] FILE")]
    first: PathBuf,
    /// The CSV file, after a session id.
    #[arg(hide = true)]
    file: Option<PathBuf>,
    /// A rater to accept though the rating plan does not name them
    /// (repeatable): a rater added on purpose.
    #[arg(long, value_name = "NAME")]
    add_rater: Vec<String>,
}

pub fn run(cx: &Context, args: &Args) -> Outcome {
    let mut store = cx.store()?;
    let (session_arg, file) = match &args.file {
        Some(file) => (Some(args.first.display().to_string()), file),
        None => (None, &args.first),
    };
    let bytes = input::read_file(file, input::read::ANSWER_FILE)?;
    let name = file.display().to_string();
    let id = match session_arg {
        Some(id) => id,
        None => rating::session_of_ratings(&store, &name, &bytes)?,
    };
    let stored = rating::import(&mut store, &id, &name, &bytes, &args.add_rater)?;
    println!("stored {stored} rating(s) from {name} in session {id}");
    Ok(ExitCode::SUCCESS)
}
