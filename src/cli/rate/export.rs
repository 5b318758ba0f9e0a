//! `vignette rate export`: the latest ratings, blind, for agreement or archiving.

use std::process::ExitCode;

use crate::cli::Context;
use crate::cli::{Failure, Outcome};

/// Print the latest rating of every unit, criterion and rater. CSV has the
/// import's columns (`unit,rater,criterion,level`), so an export can be
/// imported again or given to `vignette agreement --ratings`; JSON adds the
/// revision, time and source, and the consensus with who decided it. Units
/// are codes only: no group, site, offering or phase.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Session id.
    session: String,
    /// Output format.
    #[arg(long, value_enum, default_value = "csv")]
    format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Csv,
    Json,
}

pub fn run(cx: &Context, args: &Args) -> Outcome {
    let store = cx.store_to_read()?;
    store.session(&args.session)?;
    let ratings = store.latest_ratings(&args.session)?;
    match args.format {
        Format::Json => {
            let consensus = store.consensus(&args.session)?;
            let json = serde_json::json!({ "ratings": ratings, "consensus": consensus });
            println!("{json:#}");
        }
        Format::Csv => {
            let mut writer = csv::Writer::from_writer(Vec::new());
            let failed = |e: csv::Error| Failure::usage(format!("cannot write CSV: {e}"));
            writer
                .write_record(vignette::input::ratings::CSV_HEADER)
                .map_err(failed)?;
            for r in &ratings {
                let r = &r.rating;
                let level = r.level.to_string();
                writer
                    .write_record([&r.unit, &r.rater, &r.criterion, &level])
                    .map_err(failed)?;
            }
            let bytes = writer
                .into_inner()
                .map_err(|e| Failure::usage(format!("cannot write CSV: {e}")))?;
            print!("{}", String::from_utf8_lossy(&bytes));
        }
    }
    Ok(ExitCode::SUCCESS)
}
