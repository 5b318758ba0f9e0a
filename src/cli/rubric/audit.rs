//! `vignette rubric audit`: the rubric's evidence against a session's
//! human ratings.

use std::process::ExitCode;

use std::path::{Path, PathBuf};

use vignette::rating::{self, Audit, MIN_DECIDED, MIN_MOVED};
use vignette::{input, scoring, session};

use crate::cli::agreement::read_ratings;
use crate::cli::output::{self, number};
use crate::cli::{Context, DataFormat, Failure, Outcome};

/// Rows shown in each table of the text output (JSON has them all).
const SHOWN: usize = 15;

/// Audit a rubric against human ratings: per piece of evidence the rules
/// credit (a phrase, an option), how often it fired on rated units, how
/// often the humans gave less (over-credited), its precision and the mean
/// human level where it fired, the most over-crediting first: the false
/// friends to remove or bind to an action. Per criterion the automatic
/// against the human levels (linear weighted kappa), the answers the
/// humans credited that the rules missed, and the profile rules (a level
/// read against the rest of the card) the ratings suggest.
///
/// Of a session: the human level of a unit's criterion is the consensus
/// where there is one, else the single rating; score the session first
/// (`vignette score`). Of files: `--responses` (a session export) is scored
/// with the bank's rubrics, and each rating's unit is a unit code (as `rate`
/// shows and exports them); the human level is the raters' mean, halves
/// rounded down.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
    vignette rubric audit s1
    vignette rubric audit --responses export.jsonl --ratings ratings.csv --format json")]
pub struct Args {
    /// Session id.
    #[arg(required_unless_present = "responses", conflicts_with = "responses")]
    session: Option<String>,
    /// Audit the answers of this session export (JSON lines) instead of a session.
    #[arg(long, value_name = "FILE.jsonl", requires = "ratings")]
    responses: Option<PathBuf>,
    /// The human ratings of those answers (CSV `unit,rater,criterion,level`).
    #[arg(long, value_name = "FILE.csv", requires = "responses")]
    ratings: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: DataFormat,
}

pub fn run(cx: &Context, args: &Args) -> Outcome {
    let (audit, source) = match (&args.session, &args.responses, &args.ratings) {
        (_, Some(responses), Some(ratings)) => (audit_files(cx, responses, ratings)?, None),
        (Some(session), _, _) => (audit_session(cx, session)?, Some(session)),
        _ => {
            return Err(Failure::usage(
                "give a SESSION, or --responses FILE and --ratings FILE",
            ));
        }
    };
    match args.format {
        DataFormat::Json => {
            let json = match source {
                Some(session) => serde_json::json!({ "session": session, "audit": audit }),
                None => serde_json::json!({
                    "responses": args.responses.as_ref().map(|p| p.display().to_string()),
                    "ratings": args.ratings.as_ref().map(|p| p.display().to_string()),
                    "audit": audit,
                }),
            };
            println!("{json:#}");
        }
        DataFormat::Text => print!("{}", text(&audit)),
    }
    Ok(ExitCode::SUCCESS)
}

fn audit_session(cx: &Context, session: &str) -> Result<Audit, Failure> {
    let store = cx.store_to_read()?;
    let loaded = session::load(&store, session)?;
    let audit = rating::audit(&store, &loaded)?;
    if audit.criteria.is_empty() {
        return Err(Failure::usage(format!(
            "session {session} has no rated unit with an automatic score"
        ))
        .hint(format!(
            "score it (`vignette score {session}{}`) and import or enter ratings (`vignette rate`)",
            cx.db_flag()
        )));
    }
    Ok(audit)
}

fn audit_files(cx: &Context, responses: &Path, ratings: &Path) -> Result<Audit, Failure> {
    let bank = cx.bank()?;
    let bytes = input::map_file(
        responses,
        input::read::EXPORT_FILE,
        input::read::EXPORT_STREAM,
    )?;
    let export = scoring::Responses::read(&bank, &responses.display().to_string(), &bytes)?;
    let human = rating::human_levels(&read_ratings(ratings)?);
    let cards = export
        .scored(0..export.len())
        .into_iter()
        .enumerate()
        .map(|(i, scored)| (export.unit_code(i), scored.card));
    let audit = rating::audit_cards(cards, &human);
    if audit.criteria.is_empty() {
        return Err(Failure::invalid(format!(
            "no rating in {} names a unit of {}",
            ratings.display(),
            responses.display()
        ))
        .hint("a rating's unit is the unit code `rate` shows (U followed by ten characters)"));
    }
    Ok(audit)
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
        "decided",
        "suggest",
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
            t.decided.to_string(),
            t.suggested_level
                .map_or_else(String::new, |l| l.to_string()),
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
    let mut profile = output::table();
    profile.set_header([
        "criterion",
        "from",
        "to",
        "where the rest of the card is",
        "moved",
        "nearer",
    ]);
    for p in &audit.profile {
        let rest = match (p.others_at_least, p.others_below) {
            (Some(t), _) => format!("at least {}", number(Some(t), 2)),
            (_, Some(t)) => format!("below {}", number(Some(t), 2)),
            _ => String::new(),
        };
        profile.add_row([
            p.criterion.clone(),
            p.from.to_string(),
            p.to.to_string(),
            rest,
            p.moved.to_string(),
            p.nearer.to_string(),
        ]);
    }
    format!(
        "evidence the humans credited less (false friends first; `suggest`: the level \
         the humans give where it decided the level, on at least {MIN_DECIDED} units)\n{evidence}\n\n\
         criteria: the rules against the humans\n{criteria}\n\n\
         credited by the humans, missed by the rules (largest gap first; \
         `vignette rate show SESSION UNIT` shows the answers)\n{missed}\n\n\
         profile rules the ratings suggest (each moves at least {MIN_MOVED} units; \
         `nearer`: how many more of them it gets right than wrong; judge them on \
         ratings they were not drawn from)\n{profile}\n"
    )
}
