//! `vignette rate assign`: plan who rates which unit, seeded.

use std::process::ExitCode;

use vignette::rating;

use crate::cli::Context;
use crate::cli::Outcome;

/// Plan who rates which unit: every unit with answers gets one primary rater
/// (balanced across raters), a share --overlap of the units, drawn at random,
/// a second, different rater for agreement; each rater gets their own order.
/// The seed, overlap and raters are recorded; the same seed gives the same
/// plan. A session has one plan: a second `assign` is refused.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Session id.
    session: String,
    /// Rater names, separated by commas.
    #[arg(long, value_delimiter = ',', required = true, value_name = "A,B,…")]
    raters: Vec<String>,
    /// Share (0–1) of units coded by two raters.
    #[arg(long, default_value_t = 0.25, value_name = "SHARE")]
    overlap: f64,
    /// Seed of the draw.
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

pub fn run(cx: &Context, args: &Args) -> Outcome {
    let mut store = cx.store()?;
    let raters: Vec<String> = args.raters.iter().map(|r| r.trim().to_string()).collect();
    let plan = rating::plan(&mut store, &args.session, &raters, args.overlap, args.seed)?;
    let units: std::collections::BTreeSet<&str> = plan.iter().map(|p| p.unit.as_str()).collect();
    let doubled = plan.iter().filter(|p| p.role == "second").count();
    println!(
        "planned {} unit(s) for {} rater(s), {doubled} double-coded (seed {}, overlap {})",
        units.len(),
        raters.len(),
        args.seed,
        args.overlap
    );
    for rater in &raters {
        let mine = plan.iter().filter(|p| &p.rater == rater).count();
        println!("  {rater}: {mine} unit(s)");
    }
    Ok(ExitCode::SUCCESS)
}
