//! `vignette rate import`: store ratings from a CSV file, all or nothing.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use vignette::{rating, session};

use crate::cli::Outcome;
use crate::cli::session::open_existing;

/// Store ratings from a CSV file with the header `unit,rater,criterion,level`
/// (unit codes as in the plan and `rate export`).
///
/// The whole file is checked first against the session's pinned rubrics: an
/// unknown unit or criterion, a level that is not a whole number or not one
/// of the criterion's levels, or a (unit, rater, criterion) given twice →
/// every problem listed with its line, exit 1, nothing stored. Ratings
/// stored before get a new revision; the latest counts.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Session id.
    session: String,
    /// The CSV file.
    file: PathBuf,
}

pub fn run(db: &Path, args: &Args) -> Outcome {
    let mut store = open_existing(db)?;
    let bytes = session::read_input(&args.file)?;
    let name = args.file.display().to_string();
    let stored = rating::import(&mut store, &args.session, &name, &bytes)?;
    println!(
        "stored {stored} rating(s) from {name} in session {}",
        args.session
    );
    Ok(ExitCode::SUCCESS)
}
