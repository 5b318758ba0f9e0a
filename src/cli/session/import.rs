//! `vignette session import`: store answers transcribed from paper handouts.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use vignette::session;

use crate::cli::Outcome;

/// Store answers transcribed from paper: a CSV file with the header
/// `group,vignette,prompt,value`, one answer per row.
///
/// Values: text as written; an option id for `single`; option ids separated
/// by `;` for `multi` and `rank` (rank in order, first = most important); a
/// whole number for Likert. The whole file is checked first: if any row is
/// wrong, every problem is listed with its line and nothing is stored.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Session id.
    session: String,
    /// The CSV file.
    file: PathBuf,
}

pub fn run(db: &Path, args: &Args) -> Outcome {
    let mut store = super::open_existing(db)?;
    let bytes = session::read_input(&args.file)?;
    let name = args.file.display().to_string();
    let stored = session::store_import(&mut store, &args.session, &name, &bytes)?;
    println!(
        "stored {stored} answer(s) from {name} in session {}",
        args.session
    );
    Ok(ExitCode::SUCCESS)
}
