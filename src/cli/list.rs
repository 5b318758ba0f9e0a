//! `vignette list`: the vignettes of the bank, with what each one covers.

use std::process::ExitCode;

use comfy_table::{ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};
use vignette::input::printable;

use super::Outcome;
use crate::cli::Context;

/// List the vignettes in the bank: languages, stages, factors, the dimensions
/// their rubric scores and the studies that use them.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Output format: a table for people, JSON for programs.
    #[arg(long, value_enum, default_value = "table")]
    format: Format,

    /// Language of the titles (default: each vignette's first language).
    #[arg(long, value_name = "LANG")]
    lang: Option<String>,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Format {
    Table,
    Json,
}

pub fn run(cx: &Context, args: &Args) -> Outcome {
    let bank = cx.bank()?;
    let summaries = bank.summaries(args.lang.as_deref());
    match args.format {
        Format::Json => println!("{:#}", serde_json::json!(summaries)),
        Format::Table => {
            let mut table = Table::new();
            table
                .load_preset(UTF8_FULL_CONDENSED)
                .set_content_arrangement(ContentArrangement::Dynamic);
            if table.width().is_none() {
                table.set_width(120); // not a terminal: a width that reads well in a file
            }
            table.set_header([
                "id",
                "title",
                "sector",
                "languages",
                "stages",
                "factors",
                "variants",
                "dimensions",
                "studies",
            ]);
            for s in &summaries {
                table.add_row([
                    s.id.clone(),
                    s.title.clone(),
                    s.sector.clone(),
                    s.languages.join(" "),
                    s.stages.to_string(),
                    s.factors.join("\n"),
                    s.combinations.to_string(),
                    s.dimensions.join("\n"),
                    s.studies.join("\n"),
                ]);
            }
            println!("{}", printable(&table.to_string(), true));
        }
    }
    Ok(ExitCode::SUCCESS)
}
