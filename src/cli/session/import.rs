//! `vignette session import`: store answers transcribed from paper handouts.

use std::path::PathBuf;
use std::process::ExitCode;

use vignette::input;
use vignette::session;

use crate::cli::Context;
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

pub fn run(cx: &Context, args: &Args) -> Outcome {
    let mut store = cx.store()?;
    let bytes = input::read_file(&args.file, input::read::ANSWER_FILE)?;
    let name = args.file.display().to_string();
    let stored = session::store_import(&mut store, &args.session, &name, &bytes)?;
    println!(
        "stored {stored} answer(s) from {name} in session {}",
        args.session
    );
    Ok(ExitCode::SUCCESS)
}
