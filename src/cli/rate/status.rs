//! `vignette rate status`: how far each rater has come.

use std::process::ExitCode;

use vignette::rating;

use crate::cli::Context;
use crate::cli::output;
use crate::cli::{DataFormat, Outcome};

/// Show each rater's progress: units assigned, units with every criterion
/// rated, ratings stored; and the plan's seed and overlap. JSON adds every
/// planned (rater, unit, position, role).
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
    let raters = rating::status(&store, &args.session)?;
    let run = store.rating_run(&args.session)?;
    let consensus = store.consensus(&args.session)?.len();
    if args.format == DataFormat::Json {
        let plan = store.rating_plan(&args.session)?;
        let json = serde_json::json!({
            "plan": run, "assignments": plan, "raters": raters, "consensus": consensus
        });
        println!("{json:#}");
        return Ok(ExitCode::SUCCESS);
    }
    match &run {
        Some(run) => println!(
            "rating plan: seed {}, overlap {}, raters {}",
            run.seed,
            run.overlap,
            run.raters.join(", ")
        ),
        None => println!(
            "no rating plan yet: `vignette rate assign {} --raters …`",
            args.session
        ),
    }
    let mut table = output::table();
    table.set_header(["rater", "assigned", "done", "ratings"]);
    for r in &raters {
        table.add_row([
            r.rater.clone(),
            r.assigned.to_string(),
            r.done.to_string(),
            r.ratings.to_string(),
        ]);
    }
    println!("{table}");
    println!("consensus levels: {consensus}");
    Ok(ExitCode::SUCCESS)
}
