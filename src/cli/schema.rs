//! `vignette schema`: prints the JSON Schema of a bank format.

use std::process::ExitCode;

use vignette::bank::{Kind, schema_text};

use super::Outcome;

/// Print the JSON Schema (draft 2020-12) of a bank file format, for editors
/// and for authors writing new vignettes, rubrics, lexicons or studies.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Which format.
    #[arg(value_enum)]
    format: Which,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Which {
    Study,
    Vignette,
    Lexicon,
    Rubric,
}

pub fn run(args: &Args) -> Outcome {
    let kind = match args.format {
        Which::Study => Kind::Study,
        Which::Vignette => Kind::Vignette,
        Which::Lexicon => Kind::Lexicon,
        Which::Rubric => Kind::Rubric,
    };
    print!("{}", schema_text(kind));
    Ok(ExitCode::SUCCESS)
}
