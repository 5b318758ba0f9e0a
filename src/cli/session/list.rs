//! `vignette session list`: the sessions in a database.

use std::process::ExitCode;

use crate::cli::Context;
use crate::cli::output;
use crate::cli::{DataFormat, Outcome};

/// List the sessions in the database.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: DataFormat,
}

pub fn run(cx: &Context, args: &Args) -> Outcome {
    let store = cx.store_to_read()?;
    let sessions = store.sessions()?;
    if args.format == DataFormat::Json {
        let items: Vec<_> = sessions
            .iter()
            .map(|s| {
                serde_json::json!({
                    "id": s.id, "study": s.study_id, "offering": s.offering, "phase": s.phase,
                    "cohort": s.cohort, "site": s.site, "site_attributes": s.site_attributes,
                    "language": s.language, "seed": s.seed, "created_at": s.created_at,
                    "closed_at": s.closed_at, "discarded_at": s.discarded_at,
                })
            })
            .collect();
        println!("{:#}", serde_json::json!(items));
        return Ok(ExitCode::SUCCESS);
    }
    let mut table = output::table();
    table.set_header([
        "id",
        "study",
        "offering",
        "phase",
        "cohort",
        "site",
        "created",
        "closed",
        "discarded",
    ]);
    for s in &sessions {
        table.add_row([
            s.id.clone(),
            s.study_id.clone(),
            s.offering.clone(),
            s.phase.clone(),
            s.cohort.clone(),
            s.site.clone(),
            s.created_at.clone(),
            s.closed_at.clone().unwrap_or_default(),
            s.discarded_at.clone().unwrap_or_default(),
        ]);
    }
    println!("{table}");
    Ok(ExitCode::SUCCESS)
}
