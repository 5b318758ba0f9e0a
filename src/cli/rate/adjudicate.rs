//! `vignette rate adjudicate`: resolve ratings into consensus levels.

use std::path::Path;
use std::process::ExitCode;

use vignette::rating::{self, Rule};

use crate::cli::Outcome;
use crate::cli::session::open_existing;

/// Resolve each unit's criterion into a consensus level and record who
/// decided it. A criterion rated by one rater takes that level (rule
/// `single`); one where all raters agree takes their level (`agreement`);
/// disagreements are decided by --rule: `median` (of two middle levels the
/// lower), `max` or `min`. Running it again only records what changed;
/// consensus an adjudicator decided is kept.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Session id.
    session: String,
    /// How disagreements are decided.
    #[arg(long, value_enum)]
    rule: RuleArg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum RuleArg {
    Median,
    Max,
    Min,
}

pub fn run(db: &Path, args: &Args) -> Outcome {
    let mut store = open_existing(db)?;
    let rule = match args.rule {
        RuleArg::Median => Rule::Median,
        RuleArg::Max => Rule::Max,
        RuleArg::Min => Rule::Min,
    };
    let decided = rating::adjudicate(&mut store, &args.session, rule)?;
    let by_rule = decided.iter().filter(|c| c.rule == rule.name()).count();
    println!(
        "recorded {} consensus level(s), {by_rule} of them disagreements decided by rule {}",
        decided.len(),
        rule.name()
    );
    Ok(ExitCode::SUCCESS)
}
