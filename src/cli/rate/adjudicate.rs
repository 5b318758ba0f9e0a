//! `vignette rate adjudicate`: resolve ratings into consensus levels, by a
//! rule for every rated criterion, or by an adjudicator in the terminal for
//! each disagreement (stored one at a time, so a rerun resumes).

use std::io::IsTerminal;
use std::process::ExitCode;

use inquire::{InquireError, Select};
use vignette::bank::Criterion;
use vignette::bank::localized;
use vignette::messages::{self, Messages};
use vignette::rating::{self, Rated, Rule, Unit};
use vignette::session::{self, Session};
use vignette::store::Store;

use super::show::{criterion_text, unit_text};
use crate::cli::Context;
use crate::cli::{Failure, Outcome};

/// Resolve each unit's criterion into a consensus level and record who
/// decided it. A criterion rated by one rater takes that level (rule
/// `single`); one where all raters agree takes their level (`agreement`);
/// disagreements are decided by --rule: `median` (of two middle levels the
/// lower), `max` or `min`, or one by one in the terminal by an adjudicator
/// (--by NAME). Running it again only records what changed; consensus an
/// adjudicator decided is kept.
#[derive(Debug, clap::Args)]
#[command(
    group(clap::ArgGroup::new("how").required(true).args(["rule", "by"])),
    after_help = "Examples:\n  vignette rate adjudicate s1 --rule median\n  \
    vignette rate adjudicate s1 --by cy"
)]
pub struct Args {
    /// Session id.
    session: String,
    /// How disagreements are decided without an adjudicator.
    #[arg(long, value_enum)]
    rule: Option<RuleArg>,
    /// Decide each disagreement not yet adjudicated in the terminal, as NAME:
    /// the unit blind, the criterion's levels and every rater's level are
    /// shown, and the level picked is stored at once (rule `adjudicated`).
    #[arg(long, value_name = "NAME")]
    by: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum RuleArg {
    Median,
    Max,
    Min,
}

pub fn run(cx: &Context, args: &Args) -> Outcome {
    match (args.rule, &args.by) {
        (Some(rule), None) => by_rule(cx, &args.session, rule),
        (None, Some(name)) => by_adjudicator(cx, &args.session, name),
        _ => Err(Failure::usage("give exactly one of --rule and --by")),
    }
}

fn by_rule(cx: &Context, id: &str, rule: RuleArg) -> Outcome {
    let mut store = cx.store()?;
    let rule = match rule {
        RuleArg::Median => Rule::Median,
        RuleArg::Max => Rule::Max,
        RuleArg::Min => Rule::Min,
    };
    let decided = rating::adjudicate(&mut store, id, rule)?;
    let by_rule = decided.iter().filter(|c| c.rule == rule.name()).count();
    println!(
        "recorded {} consensus level(s), {by_rule} of them disagreements decided by rule {}",
        decided.len(),
        rule.name()
    );
    Ok(ExitCode::SUCCESS)
}

/// A level offered to the adjudicator, with the raters who gave it.
struct LevelChoice {
    level: u8,
    label: String,
}

impl std::fmt::Display for LevelChoice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.label)
    }
}

fn by_adjudicator(cx: &Context, id: &str, name: &str) -> Outcome {
    rating::check_adjudicator(name)?;
    let mut store = cx.store()?;
    let session = session::load(&store, id)?;
    let units = rating::units(&session, &store)?;
    let open = rating::open_disagreements(
        &session,
        &units,
        &store.latest_ratings(id)?,
        &store.consensus(id)?,
    );
    let w = messages::of(&session.record.language);
    if open.is_empty() {
        println!("{}", w.fill("rate.adj_none", &[("id", &id)]));
        return Ok(ExitCode::SUCCESS);
    }
    if !std::io::stdin().is_terminal() {
        return Err(no_terminal(id, open.len()));
    }
    let mut shown: Option<&str> = None;
    for (i, rated) in open.iter().enumerate() {
        let unit = rating::find_unit(&units, &rated.unit)
            .ok_or_else(|| Failure::usage(format!("unit {} has no answers", rated.unit)))?;
        if shown != Some(rated.unit.as_str()) {
            println!("\n{}", unit_text(&store, &session, unit)?);
            shown = Some(rated.unit.as_str());
        }
        let count = w.fill("rate.adj_count", &[("n", &(i + 1)), ("count", &open.len())]);
        println!("\n{count}");
        let criterion = criterion_of(&session, unit, rated)?;
        match ask(&session, criterion, rated, w)? {
            Some(level) => save(&mut store, id, rated, (level, name), w)?,
            None => {
                let resume = format!("`vignette rate adjudicate {id} --by {name}`");
                println!("{}", w.fill("rate.adj_stopped", &[("resume", &resume)]));
                return Ok(ExitCode::SUCCESS);
            }
        }
    }
    println!("{}", w.fill("rate.adj_done", &[("id", &id)]));
    Ok(ExitCode::SUCCESS)
}

fn no_terminal(id: &str, left: usize) -> Failure {
    Failure::usage(format!(
        "adjudicating {left} disagreement(s) by hand needs a terminal"
    ))
    .hint(format!(
        "decide them by a rule instead: `vignette rate adjudicate {id} --rule median`"
    ))
}

/// The rubric criterion a disagreement is about.
fn criterion_of<'s>(
    session: &'s Session,
    unit: &Unit<'_>,
    rated: &Rated,
) -> Result<&'s Criterion, Failure> {
    rating::rubric(session, unit)
        .criteria
        .iter()
        .find(|c| c.id == rated.criterion)
        .ok_or_else(|| {
            Failure::usage(format!(
                "unit {}'s rubric has no criterion `{}`",
                rated.unit, rated.criterion
            ))
        })
}

/// Shows the criterion and each rater's level, and asks for the level that
/// counts; `None` when the adjudicator stops.
fn ask(
    session: &Session,
    criterion: &Criterion,
    rated: &Rated,
    w: &Messages,
) -> Result<Option<u8>, Failure> {
    let language = &session.record.language;
    print!("{}", criterion_text(criterion, language));
    let given: Vec<String> = rated
        .levels
        .iter()
        .map(|(rater, level)| format!("{rater} {level}"))
        .collect();
    println!(
        "  {}",
        w.fill("rate.adj_raters", &[("levels", &given.join(" · "))])
    );
    let choices: Vec<LevelChoice> = criterion
        .levels
        .iter()
        .map(|l| LevelChoice {
            level: l.level,
            label: format!(
                "{} — {}{}",
                l.level,
                short(&localized(&l.descriptor, language)),
                raters_at(rated, l.level)
            ),
        })
        .collect();
    let title = w.fill(
        "rate.adj_level",
        &[("unit", &rated.unit), ("criterion", &criterion.id)],
    );
    match Select::new(&title, choices)
        .with_help_message(w.text("rate.help"))
        .prompt()
    {
        Ok(choice) => Ok(Some(choice.level)),
        Err(InquireError::OperationCanceled | InquireError::OperationInterrupted) => Ok(None),
        Err(InquireError::NotTTY) => Err(no_terminal(&session.record.id, 1)),
        Err(e) => Err(Failure::usage(format!("terminal: {e}"))),
    }
}

/// ` ← anna, bo` for the raters who gave `level`; empty if none did.
fn raters_at(rated: &Rated, level: u8) -> String {
    let names: Vec<&str> = rated
        .levels
        .iter()
        .filter(|(_, l)| **l == level)
        .map(|(rater, _)| rater.as_str())
        .collect();
    if names.is_empty() {
        String::new()
    } else {
        format!("  ← {}", names.join(", "))
    }
}

/// Stores the adjudicator's level as the consensus at once.
fn save(
    store: &mut Store,
    id: &str,
    rated: &Rated,
    (level, name): (u8, &str),
    w: &Messages,
) -> Result<(), Failure> {
    store.save_consensus(id, &[rating::adjudicated(rated, level, name)])?;
    let saved = w.fill(
        "rate.adj_saved",
        &[
            ("unit", &rated.unit),
            ("criterion", &rated.criterion),
            ("level", &level),
            ("name", &name.trim()),
        ],
    );
    println!("{saved}");
    Ok(())
}

/// The first 60 characters of a descriptor, for the list of levels.
fn short(text: &str) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match flat.char_indices().nth(60) {
        Some((i, _)) => format!("{}…", &flat[..i]),
        None => flat,
    }
}
