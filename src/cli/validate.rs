//! `vignette validate`: checks every file of a bank and reports all problems.

use std::process::ExitCode;

use vignette::bank::templates::BANK_FUEL;
use vignette::bank::{self, BankSource, Report};
use vignette::input::printable;

use super::{DataFormat, Outcome};
use crate::cli::Context;

/// Check a bank: schemas, references, languages, and that every template
/// renders for every combination of factor levels.
///
/// A valid bank is also checked for answers it hands out: a level-2 phrase
/// of a rubric in the text a group reads before it writes (story, prompts,
/// options) is a warning.
///
/// All problems are listed in one run, sorted by file and position, each with
/// file:line:column, the JSON pointer and what was expected. Exit status: 0
/// valid (warnings allowed), 1 invalid, 2 the bank could not be read.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: DataFormat,
}

pub fn run(cx: &Context, args: &Args) -> Outcome {
    let (bank, mut report) = bank::load(&cx.source)?;
    if report.is_valid() {
        let cues = vignette::scoring::cue_warnings(&bank);
        report.extend(&bank, cues);
    }
    match args.format {
        DataFormat::Text => print!("{}", printable(&text(&cx.source, &report), true)),
        DataFormat::Json => {
            let json = serde_json::json!({
                "bank": cx.source.describe(),
                "valid": report.is_valid(),
                "errors": report.errors(),
                "warnings": report.warnings(),
                "stats": report.stats,
                "diagnostics": report.diagnostics,
            });
            println!("{json:#}");
        }
    }
    Ok(if report.is_valid() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn text(source: &BankSource, report: &Report) -> String {
    let mut out = String::new();
    for diagnostic in &report.diagnostics {
        out.push_str(&format!("{diagnostic}\n"));
    }
    let s = report.stats;
    out.push_str(&format!(
        "checked {}: {} files ({} studies, {} vignettes, {} rubrics, {} lexicons), \
         {} factor-level combinations rendered in every language ({} template renders, \
         {:.1} % of the bank's template budget)\n",
        source.describe(),
        s.files,
        s.studies,
        s.vignettes,
        s.rubrics,
        s.lexicons,
        s.combinations,
        s.renders,
        100.0 * s.template_instructions as f64 / BANK_FUEL as f64
    ));
    let verdict = if report.is_valid() {
        "valid"
    } else {
        "invalid"
    };
    out.push_str(&format!(
        "{verdict}: {} error(s), {} warning(s)\n",
        report.errors(),
        report.warnings()
    ));
    out
}
