//! `vignette rubric …`: working on the rubrics with a study's own data.

mod audit;

use crate::cli::{Context, Outcome};

/// Check the rubrics against a study's own ratings.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    Audit(audit::Args),
}

pub fn run(cx: &Context, args: &Args) -> Outcome {
    match &args.command {
        Command::Audit(args) => audit::run(cx, args),
    }
}
