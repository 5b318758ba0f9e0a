//! `vignette rubric audit`: the rubric's evidence against a session's
//! human ratings.

use std::process::ExitCode;

use vignette::rating::{self, Audit};
use vignette::session;

use crate::cli::output::{self, number};
use crate::cli::{Context, DataFormat, Failure, Outcome};

/// Rows shown in each table of the text output (JSON has them all).
const SHOWN: usize = 15;

/// Audit a rubric against a session's human ratings: per piece of evidence
/// the rules credit (a phrase, an option), how often it fired on rated
/// units, how often the humans gave less (over-credited), its precision and
/// the mean human level where it fired, the most over-crediting first: the
/// false friends to remove or bind to an action. Per criterion the
/// automatic against the human levels (linear weighted kappa), and the
/// answers the humans credited that the rules missed.
///
/// The human level of a unit's criterion is the consensus where there is
/// one, else the single rating. Score the session first (`vignette score`).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Session id.
    session: String,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: DataFormat,
}

pub fn run(cx: &Context, args: &Args) -> Outcome {
    let store = cx.store()?;
    let loaded = session::load(&store, &args.session)?;
    let audit = rating::audit(&store, &loaded)?;
    if audit.criteria.is_empty() {
        return Err(Failure::usage(format!(
            "session {} has no rated unit with an automatic score",
            args.session
        ))
        .hint(format!(
            "score it (`vignette score {}{}`) and import or enter ratings (`vignette rate`)",
            args.session,
            cx.db_flag()
        )));
    }
    match args.format {
        DataFormat::Json => {
            let json = serde_json::json!({ "session": args.session, "audit": audit });
            println!("{json:#}");
        }
        DataFormat::Text => print!("{}", text(&audit)),
    }
    Ok(ExitCode::SUCCESS)
}

fn text(audit: &Audit) -> String {
    let mut evidence = output::table();
    evidence.set_header([
        "criterion",
        "evidence",
        "gives",
        "fired",
        "over-credited",
        "precision",
        "mean human",
    ]);
    for t in audit
        .evidence
        .iter()
        .filter(|t| t.over_credited > 0)
        .take(SHOWN)
    {
        evidence.add_row([
            t.criterion.clone(),
            t.evidence.clone(),
            t.level.to_string(),
            t.fired.to_string(),
            t.over_credited.to_string(),
            number(Some(t.precision), 2),
            number(Some(t.mean_human_level), 2),
        ]);
    }
    let mut criteria = output::table();
    criteria.set_header(["criterion", "units", "mean auto", "mean human", "κ linear"]);
    for c in &audit.criteria {
        criteria.add_row([
            c.criterion.clone(),
            c.units.to_string(),
            number(Some(c.mean_auto_level), 2),
            number(Some(c.mean_human_level), 2),
            number(c.kappa_linear, 2),
        ]);
    }
    let mut missed = output::table();
    missed.set_header(["unit", "criterion", "auto", "human"]);
    for m in audit.missed.iter().take(SHOWN) {
        missed.add_row([
            m.unit.clone(),
            m.criterion.clone(),
            m.auto_level.to_string(),
            m.human_level.to_string(),
        ]);
    }
    format!(
        "evidence the humans credited less (false friends first)\n{evidence}\n\n\
         criteria: the rules against the humans\n{criteria}\n\n\
         credited by the humans, missed by the rules (largest gap first; \
         `vignette rate show SESSION UNIT` shows the answers)\n{missed}\n"
    )
}
