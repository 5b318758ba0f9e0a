//! `vignette rate SESSION --rater NAME`: the rating screen. One unit at a
//! time in the rater's planned order, blind; each criterion's level is
//! picked from its descriptors and stored before the next is asked, so
//! Ctrl-C loses nothing confirmed and the next run resumes where it stopped.

use std::process::ExitCode;

use inquire::{InquireError, Select};
use vignette::bank::Criterion;
use vignette::bank::localized;
use vignette::input::printable;
use vignette::messages::{self, Messages};
use vignette::rating;
use vignette::session::{self, Session};
use vignette::store::{RatingRecord, Store};

use super::show::{criterion_text, unit_text};
use crate::cli::Context;
use crate::cli::terminal::{self, wrap_indented};
use crate::cli::{Failure, Outcome};

/// A level offered for a criterion.
struct LevelChoice {
    level: u8,
    label: String,
}

impl std::fmt::Display for LevelChoice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.label)
    }
}

pub fn run(cx: &Context, id: &str, rater: &str) -> Outcome {
    let mut store = cx.store()?;
    let session = session::load(&store, id)?;
    let plan = store.rating_plan(id)?;
    if plan.is_empty() {
        return Err(
            Failure::usage(format!("session {id} has no rating plan")).hint(format!(
                "plan one with `vignette rate assign {id} --raters …`"
            )),
        );
    }
    if !plan.iter().any(|p| p.rater == rater) {
        let mut raters: Vec<&str> = plan.iter().map(|p| p.rater.as_str()).collect();
        raters.dedup();
        return Err(Failure::usage(format!(
            "rater `{rater}` is not in the plan of session {id}; its raters are: {}",
            raters.join(", ")
        )));
    }
    let w = messages::of(&session.record.language);
    loop {
        let units = rating::units(&session, &store)?;
        let ratings = store.latest_ratings(id)?;
        let Some(code) = rating::resume_at(&session, &units, &plan, &ratings, rater) else {
            println!("{}", w.fill("rate.all_rated", &[("rater", &rater)]));
            return Ok(ExitCode::SUCCESS);
        };
        let unit = rating::find_unit(&units, &code)
            .ok_or_else(|| Failure::usage(format!("unit {code} has no answers")))?;
        let mine: Vec<&str> = plan
            .iter()
            .filter(|p| p.rater == rater)
            .map(|p| p.unit.as_str())
            .collect();
        let place = mine.iter().position(|u| *u == code).map_or(0, |i| i + 1);
        let progress = w.fill("rate.progress", &[("n", &place), ("total", &mine.len())]);
        let text = unit_text(&store, &session, unit)?;
        if !show_paged(
            &wrap_indented(&printable(&text, true), terminal::width()),
            w,
        )? {
            println!("\n{}", w.text("rate.stopped"));
            return Ok(ExitCode::SUCCESS);
        }
        for criterion in rating::open_criteria(&session, &units, &ratings, rater, &code) {
            match ask(&session, criterion, w, &progress)? {
                Some(level) => save(&mut store, id, &code, (criterion, level), rater, w)?,
                None => {
                    // On a line of its own, below the question inquire leaves.
                    println!("\n{}", w.text("rate.stopped"));
                    return Ok(ExitCode::SUCCESS);
                }
            }
        }
    }
}

/// Rows a question takes below the answers: the criterion, the place in the
/// plan, the question, three levels, the key hint and a spare row.
const QUESTION_ROWS: usize = 10;

/// Prints a unit's answers, a screenful at a time where they do not fit
/// above the first question; Esc skips to the questions. `false` when the
/// rater stops (Ctrl-C).
fn show_paged(shown: &str, w: &Messages) -> Result<bool, Failure> {
    let lines: Vec<&str> = shown.lines().collect();
    let rows = terminal::height();
    let pages = terminal::pages(
        lines.len(),
        rows.saturating_sub(2).max(5),
        rows.saturating_sub(QUESTION_ROWS).max(3),
    );
    println!();
    for (n, page) in pages.iter().enumerate() {
        for line in &lines[page.clone()] {
            println!("{line}");
        }
        if n + 1 == pages.len() {
            break;
        }
        let more = w.fill("rate.more", &[("page", &(n + 1)), ("pages", &pages.len())]);
        match inquire::Text::new(&more).prompt() {
            Ok(_) => {}
            Err(InquireError::OperationCanceled) => break,
            Err(InquireError::OperationInterrupted) => return Ok(false),
            Err(e) => return Err(Failure::usage(format!("terminal: {e}"))),
        }
    }
    Ok(true)
}

/// Shows a criterion and asks for its level, with where the rater is in
/// the plan just above the question; `None` when the rater stops.
fn ask(
    session: &Session,
    criterion: &Criterion,
    w: &Messages,
    progress: &str,
) -> Result<Option<u8>, Failure> {
    let language = &session.record.language;
    print!(
        "{}",
        wrap_indented(&criterion_text(criterion, language), terminal::width())
    );
    // Above the question, not in its help line: the keys alone fit 80 columns.
    println!("{progress}");
    let choices: Vec<LevelChoice> = criterion
        .levels
        .iter()
        .map(|l| LevelChoice {
            level: l.level,
            label: format!(
                "{} — {}",
                l.level,
                short(&localized(&l.descriptor, language))
            ),
        })
        .collect();
    let title = w.fill("rate.level", &[("criterion", &criterion.id)]);
    match Select::new(&title, choices)
        .with_help_message(w.text("rate.help"))
        .prompt()
    {
        Ok(choice) => Ok(Some(choice.level)),
        Err(InquireError::OperationCanceled | InquireError::OperationInterrupted) => Ok(None),
        Err(InquireError::NotTTY) => Err(Failure::usage(
            "the rating screen needs a terminal; use `vignette rate import` for ratings from a file",
        )),
        Err(e) => Err(Failure::usage(format!("terminal: {e}"))),
    }
}

fn save(
    store: &mut Store,
    id: &str,
    unit: &str,
    (criterion, level): (&Criterion, u8),
    rater: &str,
    w: &Messages,
) -> Result<(), Failure> {
    let record = RatingRecord {
        unit: unit.to_string(),
        criterion: criterion.id.clone(),
        rater: rater.to_string(),
        level,
        source: "terminal".into(),
    };
    let revision = store.save_ratings(id, &[record])?[0];
    let saved = w.fill(
        "rate.saved",
        &[
            ("unit", &unit),
            ("criterion", &criterion.id),
            ("level", &level),
            ("revision", &revision),
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
