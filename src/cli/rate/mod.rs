//! `vignette rate …`: human raters code a session's answers blind, and their
//! ratings are planned, imported, exported and resolved into a consensus.

mod adjudicate;
mod assign;
mod export;
mod import;
mod run;
mod show;
mod status;

use super::Outcome;
use crate::cli::Context;

/// Rate a session's answers by hand, blind to group, site, offering and
/// phase: each unit (one group's answers to one vignette) is known by an
/// opaque code.
///
/// `vignette rate SESSION --rater NAME` opens the rating screen for one rater
/// in the order planned for them (`rate assign`), shows the unit's answers
/// and each criterion's levels with their descriptors, and stores every
/// rating at once; running it again resumes at the first criterion not
/// rated. Consensus levels (`rate adjudicate`) are the human reference
/// `vignette agreement SESSION` compares the automatic scores with.
#[derive(Debug, clap::Args)]
#[command(
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true,
    after_help = "Examples:\n  vignette rate assign s1 --raters anna,bo,cy --overlap 0.25 --seed 7\n  \
    vignette rate s1 --rater anna\n  vignette rate import ratings.csv\n  \
    vignette rate adjudicate s1 --rule median\n  vignette rate status s1"
)]
pub struct Args {
    #[command(subcommand)]
    command: Option<Command>,
    /// Session id, to rate in the terminal.
    #[arg(required = true)]
    session: Option<String>,
    /// Who is rating (a name from the plan).
    #[arg(long, required = true, value_name = "NAME")]
    rater: Option<String>,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    Assign(assign::Args),
    Show(show::Args),
    Import(import::Args),
    Export(export::Args),
    Adjudicate(adjudicate::Args),
    Status(status::Args),
}

pub fn run(cx: &Context, args: &Args) -> Outcome {
    match (&args.command, &args.session, &args.rater) {
        (Some(Command::Assign(a)), _, _) => assign::run(cx, a),
        (Some(Command::Show(a)), _, _) => show::run(cx, a),
        (Some(Command::Import(a)), _, _) => import::run(cx, a),
        (Some(Command::Export(a)), _, _) => export::run(cx, a),
        (Some(Command::Adjudicate(a)), _, _) => adjudicate::run(cx, a),
        (Some(Command::Status(a)), _, _) => status::run(cx, a),
        (None, Some(session), Some(rater)) => run::run(cx, session, rater),
        (None, _, _) => Err(super::Failure::usage(
            "give a SESSION and --rater NAME, or a subcommand",
        )),
    }
}
