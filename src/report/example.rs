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

/// Characters of context kept on each side of the marked phrases when the
/// sentences around them are longer than [`LONGEST`].
const CONTEXT: usize = 220;

/// The longest quote of whole sentences; longer ones are cut around the marks.
const LONGEST: usize = 600;

/// A quoted answer, in parts: the words that earned the level marked.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Example {
    pub criterion: String,
    pub session: String,
    pub group: String,
    pub vignette: String,
    pub prompt: String,
    pub parts: Vec<Part>,
}

/// A piece of a quoted answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Part {
    pub text: String,
    /// Whether these are words that earned the level.
    pub marked: bool,
}

/// The example for the most often missed criterion at `phase` that some
/// unit met in full through phrases; `None` when there is none.
///
/// Of the units that met it, the quote is the one that shows best what
/// earned the level: from a prompt that holds every phrase that earned it
/// (all the elements a rule needs together), in as few words as possible,
/// the sentences with those phrases marked. A unit whose answer changed
/// after it was scored is passed over: its phrases are no longer where the
/// score found them.
pub fn find(store: &Store, data: &StudyData, phase: &str) -> Result<Option<Example>, SessionError> {
    let missed = missed::missed(data, phase);
    let mut criteria: Vec<(f64, &String)> = missed
        .criteria
        .iter()
        .map(|c| (missed.total(c).share(), c))
        .filter(|(share, _)| *share > 0.0)
        .collect();
    criteria.sort_by(|a, b| b.0.total_cmp(&a.0));
    // Only the units considered are read, each by an index lookup: the time
    // grows with the units that met the criterion, not with the session
    // (reading a whole session per unit once made it grow with the square
    // of a session's answers).
    for (_, criterion) in criteria {
        let mut best: Option<(Fit, Example)> = None;
        for unit in full_marks(data, phase, criterion) {
            let Some(stored) = Stored::read(store, unit)? else {
                continue;
            };
            if let Some((fit, example)) = quote(&stored, unit, criterion)
                && best.as_ref().is_none_or(|(b, _)| fit < *b)
            {
                best = Some((fit, example));
            }
        }
        if let Some((_, example)) = best {
            return Ok(Some(example));
        }
    }
    Ok(None)
}

/// How well a quote shows what earned a level; less is better: first
/// whether the quoted prompt lacks some of the phrases that earned it, then
/// the quote's length.
type Fit = (bool, usize);

/// A unit's latest automatic score card and latest answers.
struct Stored {
    /// The card as JSON.
    card: String,
    /// Prompt → the latest answer.
    answers: BTreeMap<String, serde_json::Value>,
}

impl Stored {
    /// `None` when the unit has no automatic score.
    fn read(store: &Store, unit: &UnitScore) -> Result<Option<Stored>, SessionError> {
        let Some(card) = store.latest_card(&unit.session, &unit.label, &unit.vignette, "auto")?
        else {
            return Ok(None);
        };
        let responses = store.unit_responses(&unit.session, &unit.label, &unit.vignette)?;
        let answers = latest_answers(&responses)
            .into_values()
            .next()
            .unwrap_or_default();
        Ok(Some(Stored { card, answers }))
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

/// The unit's answer with the phrases that earned `criterion` its level
/// marked, and how well it shows them; `None` when no phrase earned it or
/// the answer no longer has them where the score found them.
fn quote(stored: &Stored, unit: &UnitScore, criterion: &str) -> Option<(Fit, Example)> {
    let card = serde_json::from_str::<ScoreCard>(&stored.card).ok()?;
    let score = card.criteria.iter().find(|c| c.id == criterion)?;
    // Prompt → the character spans that earned the level there.
    let mut earned: BTreeMap<&str, Vec<(usize, usize)>> = BTreeMap::new();
    let answers = &stored.answers;
    for evidence in &score.evidence {
        let Evidence::Phrase {
            prompt,
            start,
            end,
            text,
            level,
            ..
        } = evidence
        else {
            continue;
        };
        if *level < score.level {
            continue;
        }
        let answer = answers.get(prompt).and_then(|v| v.as_str())?;
        if at(answer, *start, *end).is_none_or(|found| found != *text) {
            return None;
        }
        earned.entry(prompt).or_default().push((*start, *end));
    }
    let everywhere = earned.len();
    earned
        .into_iter()
        .filter_map(|(prompt, spans)| {
            let answer = answers.get(prompt)?.as_str()?;
            let parts = marked(answer, spans)?;
            let length: usize = parts.iter().map(|p| p.text.chars().count()).sum();
            let example = Example {
                criterion: criterion.to_string(),
                session: unit.session.clone(),
                group: unit.label.clone(),
                vignette: unit.vignette.clone(),
                prompt: prompt.to_string(),
                parts,
            };
            Some(((everywhere > 1, length), example))
        })
        .min_by_key(|(fit, _)| *fit)
}

/// The characters `start..end` of `text`, if it has them.
fn at(text: &str, start: usize, end: usize) -> Option<String> {
    (start < end && end <= text.chars().count())
        .then(|| text.chars().skip(start).take(end - start).collect())
}

/// The sentences of `text` that hold the character `spans`, in parts with
/// the spans marked (overlapping spans as one); sentences longer together
/// than [`LONGEST`] are cut to [`CONTEXT`] characters around the marks, at
/// a space, with "…" where cut.
fn marked(text: &str, mut spans: Vec<(usize, usize)>) -> Option<Vec<Part>> {
    let chars: Vec<char> = text.chars().collect();
    spans.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (start, end) in spans {
        if start >= end || end > chars.len() {
            return None;
        }
        match merged.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => merged.push((start, end)),
        }
    }
    let (first, last) = (merged.first()?.0, merged.last()?.1);
    let (mut from, mut to) = (sentence_start(&chars, first), sentence_end(&chars, last));
    let (mut lead, mut tail) = (String::new(), String::new());
    if to - from > LONGEST {
        if first - from > CONTEXT {
            from = first - CONTEXT;
            while from < first && !chars[from].is_whitespace() {
                from += 1;
            }
            lead.push('…');
        }
        if to - last > CONTEXT {
            to = last + CONTEXT;
            while to > last && !chars[to - 1].is_whitespace() {
                to -= 1;
            }
            tail.push('…');
        }
    }
    let piece = |a: usize, b: usize| -> String { chars[a..b].iter().collect() };
    let mut parts = Vec::new();
    let mut at = from;
    for (start, end) in merged {
        let before = piece(at, start);
        let before = if at == from {
            before.trim_start()
        } else {
            &before
        };
        parts.push(Part {
            text: format!("{lead}{before}"),
            marked: false,
        });
        lead.clear();
        parts.push(Part {
            text: piece(start, end),
            marked: true,
        });
        at = end;
    }
    parts.push(Part {
        text: format!("{}{tail}", piece(at, to).trim_end()),
        marked: false,
    });
    parts.retain(|p| !p.text.is_empty());
    Some(parts)
}

/// Where the sentence holding character `at` starts: after the last `.`,
/// `!`, `?` followed by white space, or line break, before it.
fn sentence_start(chars: &[char], at: usize) -> usize {
    (1..=at)
        .rev()
        .find(|&i| {
            chars[i - 1] == '\n'
                || (chars[i - 1].is_whitespace()
                    && i >= 2
                    && matches!(chars[i - 2], '.' | '!' | '?'))
        })
        .unwrap_or(0)
}

/// Where the sentence holding the character before `at` ends: after the
/// first `.`, `!` or `?` from `at` on, or at a line break or the end.
fn sentence_end(chars: &[char], at: usize) -> usize {
    (at..chars.len())
        .find_map(|i| match chars[i] {
            '\n' => Some(i),
            '.' | '!' | '?' => Some(i + 1),
            _ => None,
        })
        .unwrap_or(chars.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn said(parts: &[Part]) -> String {
        parts
            .iter()
            .map(|p| match p.marked {
                true => format!("[{}]", p.text),
                false => p.text.clone(),
            })
            .collect()
    }

    /// The character span of `word` in `text`.
    fn span(text: &str, word: &str) -> (usize, usize) {
        let start = text[..text.find(word).unwrap()].chars().count();
        (start, start + word.chars().count())
    }

    #[test]
    fn the_sentences_with_the_phrases_are_quoted_and_marked() {
        let text = "Vi hadde et møte i går. Vi ville ringt foreldrene først! Så venter vi.";
        let parents = span(text, "foreldrene");
        let parts = marked(text, vec![parents]).unwrap();
        assert_eq!(said(&parts), "Vi ville ringt [foreldrene] først!");
        // Two phrases of one sentence, given in any order and overlapping.
        let inside = (parents.0 + 2, parents.0 + 5);
        let parts = marked(text, vec![parents, span(text, "ringt"), inside]);
        assert_eq!(
            said(&parts.unwrap()),
            "Vi ville [ringt] [foreldrene] først!"
        );
        assert!(marked("kort", vec![(2, 9)]).is_none());
        let lines = "- Konkret: sånn snakker vi ikke.\n- Det vi gjør: hente barnet tilbake";
        let parts = marked(lines, vec![span(lines, "hente barnet tilbake")]).unwrap();
        assert_eq!(said(&parts), "- Det vi gjør: [hente barnet tilbake]");
    }

    #[test]
    fn long_sentences_are_cut_at_a_space() {
        let text = format!("{} mark {}", "ord ".repeat(200), "mer ".repeat(200));
        let start = text.find("mark").unwrap();
        let parts = marked(&text, vec![(start, start + 4)]).unwrap();
        let (before, after) = (&parts[0].text, &parts[2].text);
        assert!(before.starts_with('…') && before.chars().count() <= CONTEXT + 1);
        assert!(after.ends_with('…') && after.chars().count() <= CONTEXT + 1);
        assert!(before.starts_with("…ord"), "{before}");
    }
}
