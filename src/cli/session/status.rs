//! `vignette session status`: how far each group has come.

use std::process::ExitCode;

use comfy_table::Table;
use vignette::messages::{self, Messages};
use vignette::session;

use crate::cli::Context;
use crate::cli::output;
use crate::cli::{DataFormat, Outcome};

/// Show a session's progress: for every group and vignette, the stages shown
/// and how many prompts of each stage are answered.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Session id.
    session: String,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: DataFormat,
}

pub fn run(cx: &Context, args: &Args) -> Outcome {
    let store = cx.store_to_read()?;
    let loaded = session::load(&store, &args.session)?;
    let responses = store.responses(&args.session)?;
    let status = session::status(&loaded, &responses);
    if args.format == DataFormat::Json {
        println!("{:#}", serde_json::json!(status));
        return Ok(ExitCode::SUCCESS);
    }
    let r = &loaded.record;
    println!(
        "session {} · {} · {} · {} · cohort {} · {}{}",
        r.id,
        r.study_id,
        r.offering,
        r.phase,
        r.cohort,
        r.site,
        if status.closed { " · closed" } else { "" }
    );
    let table = table(&status, messages::of("en"));
    println!("{table}");
    println!(
        "{} answer(s), {} with revisions counted",
        status.answers, status.revisions
    );
    Ok(ExitCode::SUCCESS)
}

/// Groups × vignettes with the stages shown and the prompts answered per stage.
pub(super) fn table(status: &session::Status, words: &Messages) -> Table {
    let mut table = output::table();
    let stages = status.rows.iter().map(|row| row.stages).max().unwrap_or(0);
    table.set_header(
        [
            "runner.column_group",
            "runner.column_number",
            "runner.column_vignette",
            "runner.column_shown",
        ]
        .into_iter()
        .map(|key| words.text(key).to_string())
        .chain((1..=stages).map(|s| words.fill("runner.column_stage", &[("n", &s)]))),
    );
    for row in &status.rows {
        let cells = [
            row.group.clone(),
            row.position.to_string(),
            row.vignette.clone(),
            format!("{}/{}", row.revealed, row.stages),
        ];
        let answered = row
            .answered
            .iter()
            .map(|[done, total]| format!("{done}/{total}"));
        table.add_row(cells.into_iter().chain(answered));
    }
    table
}
