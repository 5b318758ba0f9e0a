//! One group's own words, quoted in the report: for the criterion most
//! often missed, a text answer that earned its top level, with the phrase
//! that earned it marked. The only place the report reads the store.

use std::collections::BTreeMap;

use serde::Serialize;

use super::missed;
use crate::compare::dataset::{StudyData, UnitScore};
use crate::scoring::latest_answers;
use crate::scoring::{Evidence, ScoreCard};
use crate::session::SessionError;
use crate::store::Store;

/// Characters of context kept on each side of the marked phrase.
const CONTEXT: usize = 220;

/// A quoted answer, split around the phrase that earned the level.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Example {
    pub criterion: String,
    pub session: String,
    pub group: String,
    pub vignette: String,
    pub prompt: String,
    pub before: String,
    pub phrase: String,
    pub after: String,
}

/// The example for the most often missed criterion at `phase` that some
/// unit met in full through a phrase; `None` when there is none.
pub fn find(store: &Store, data: &StudyData, phase: &str) -> Result<Option<Example>, SessionError> {
    let missed = missed::missed(data, phase);
    let mut criteria: Vec<(f64, &String)> = missed
        .criteria
        .iter()
        .map(|c| (missed.total(c).share(), c))
        .filter(|(share, _)| *share > 0.0)
        .collect();
    criteria.sort_by(|a, b| b.0.total_cmp(&a.0));
    // Each session's scores and answers are read once, however many of its
    // units are considered (reading them per unit made the report's time
    // grow with the square of a session's answers).
    let mut sessions: BTreeMap<&str, Stored> = BTreeMap::new();
    for (_, criterion) in criteria {
        for unit in full_marks(data, phase, criterion) {
            if !sessions.contains_key(unit.session.as_str()) {
                sessions.insert(&unit.session, Stored::read(store, &unit.session)?);
            }
            if let Some(example) = quote(&sessions[unit.session.as_str()], unit, criterion) {
                return Ok(Some(example));
            }
        }
    }
    Ok(None)
}

/// A session's latest automatic score cards and latest answers.
struct Stored {
    /// (group, vignette) → the card as JSON.
    cards: BTreeMap<(String, String), String>,
    answers: BTreeMap<(String, String), BTreeMap<String, serde_json::Value>>,
}

impl Stored {
    fn read(store: &Store, session: &str) -> Result<Stored, SessionError> {
        let cards = store
            .latest_scores(session, "auto")?
            .into_iter()
            .map(|s| ((s.group, s.vignette), s.card))
            .collect();
        let answers = latest_answers(&store.responses(session)?);
        Ok(Stored { cards, answers })
    }
}

/// Units of `phase` at the top level of `criterion`.
fn full_marks<'d>(
    data: &'d StudyData,
    phase: &'d str,
    criterion: &'d str,
) -> impl Iterator<Item = &'d UnitScore> {
    data.units.iter().filter(move |u| {
        let at_phase = data
            .sessions
            .iter()
            .any(|s| s.id == u.session && s.phase == phase);
        at_phase
            && u.criteria
                .iter()
                .any(|c| c.criterion == criterion && c.level == c.max_level && c.method == "auto")
    })
}

/// The unit's answer with the phrase that earned `criterion` its level.
fn quote(stored: &Stored, unit: &UnitScore, criterion: &str) -> Option<Example> {
    let key = (unit.label.clone(), unit.vignette.clone());
    let card = serde_json::from_str::<ScoreCard>(stored.cards.get(&key)?).ok()?;
    let score = card.criteria.iter().find(|c| c.id == criterion)?;
    let (prompt, start, end) = score.evidence.iter().find_map(|e| match e {
        Evidence::Phrase {
            prompt,
            start,
            end,
            level,
            ..
        } if *level == score.level => Some((prompt, *start, *end)),
        _ => None,
    })?;
    let text = stored
        .answers
        .get(&key)
        .and_then(|a| a.get(prompt))
        .and_then(|v| v.as_str());
    text.and_then(|text| split(text, start, end))
        .map(|(before, phrase, after)| Example {
            criterion: criterion.to_string(),
            session: unit.session.clone(),
            group: unit.label.clone(),
            vignette: unit.vignette.clone(),
            prompt: prompt.clone(),
            before,
            phrase,
            after,
        })
}

/// `text` around the character range `start..end`, the sides cut to
/// [`CONTEXT`] characters at a space, with "…" where cut.
fn split(text: &str, start: usize, end: usize) -> Option<(String, String, String)> {
    let chars: Vec<char> = text.chars().collect();
    if start >= end || end > chars.len() {
        return None;
    }
    let before: String = chars[..start].iter().collect();
    let after: String = chars[end..].iter().collect();
    let before = match before.chars().count() > CONTEXT {
        true => {
            let tail: String = before
                .chars()
                .skip(before.chars().count() - CONTEXT)
                .collect();
            format!(
                "…{}",
                tail.split_once(' ').map_or(tail.as_str(), |(_, rest)| rest)
            )
        }
        false => before,
    };
    let after = match after.chars().count() > CONTEXT {
        true => {
            let head: String = after.chars().take(CONTEXT).collect();
            format!(
                "{}…",
                head.rsplit_once(' ')
                    .map_or(head.as_str(), |(kept, _)| kept)
            )
        }
        false => after,
    };
    Some((before, chars[start..end].iter().collect(), after))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_phrase_is_split_out_by_characters() {
        let (before, phrase, after) = split("Vi ville ringt foreldrene først.", 15, 25).unwrap();
        assert_eq!(
            (before.as_str(), phrase.as_str(), after.as_str()),
            ("Vi ville ringt ", "foreldrene", " først.")
        );
        assert!(split("kort", 2, 9).is_none());
    }

    #[test]
    fn long_sides_are_cut_at_a_space() {
        let text = format!("{} mark {}", "ord ".repeat(100), "mer ".repeat(100));
        let start = text.find("mark").unwrap();
        let (before, _, after) = split(&text, start, start + 4).unwrap();
        assert!(before.starts_with('…') && before.chars().count() <= CONTEXT + 1);
        assert!(after.ends_with('…') && after.chars().count() <= CONTEXT + 1);
        assert!(before.starts_with("…ord"), "{before}");
    }
}
