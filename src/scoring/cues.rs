//! Answers the instrument would hand out: a level-2 phrase of a rubric that
//! the text a group has read by the time it writes (the case's title, the
//! story so far, prompts, help texts, options and anchors) already contains,
//! under some combination of factor levels. `validate` warns about each: a
//! group that copies the story's words must not earn level 2 for them.

use std::collections::{BTreeMap, BTreeSet};

use crate::bank::{Bank, Diagnostic, Level, Rubric, Vignette};
use crate::render::{self, RenderedStage, Request, Stages};

use super::matcher::{Hit, Matcher, Target};

/// Every level-2 phrase a group can read before it writes, once per rubric,
/// rule, term and language.
pub fn cue_warnings(bank: &Bank) -> Vec<Diagnostic> {
    let mut warnings = Vec::new();
    for entry in &bank.rubrics {
        let rubric = &entry.item;
        let Some(vignette) = bank.vignette(&rubric.vignette) else {
            continue;
        };
        for language in &vignette.item.languages {
            for cue in cues(rubric, &vignette.item, language) {
                let criterion = &rubric.criteria[cue.criterion];
                warnings.push(Diagnostic::warning(
                    &entry.path,
                    &format!("/criteria/{}/evidence/phrases/{}", cue.criterion, cue.rule),
                    format!(
                        "`{}` gives level 2 for {} but is in the text a group has read by \
                         stage {} ({language}{}); reword the text or lower the term, so that \
                         copying the case does not earn the level",
                        cue.term, criterion.id, cue.stage, cue.levels
                    ),
                ));
            }
        }
    }
    warnings
}

/// A level-2 phrase found in text shown by a stage where it can be written.
struct Cue {
    criterion: usize,
    rule: usize,
    term: String,
    stage: usize,
    /// `, with factor=level …` where it depends on the levels.
    levels: String,
}

/// The cues of one rubric in one language, over every combination of levels.
fn cues(rubric: &Rubric, vignette: &Vignette, language: &str) -> Vec<Cue> {
    let matcher = Matcher::new(rubric, language);
    let last_stage = last_written_stage(rubric, vignette);
    let mut seen: BTreeSet<(usize, usize, String)> = BTreeSet::new();
    let mut found = Vec::new();
    for combo in combinations(vignette) {
        let request = Request {
            language: language.to_string(),
            stages: Stages::All,
            levels: combo.clone(),
            seed: None,
        };
        let Ok(rendered) = render::render(vignette, &request) else {
            continue; // a template that does not render is reported by the bank checks
        };
        for stage in &rendered.stages {
            let mut pieces = shown_pieces(stage);
            if stage.number == 1 {
                pieces.push(&rendered.title);
            }
            // Each piece its own clause, as a group would read it: read one
            // at a time, for the phrases and for the conjunctions a piece
            // meets on its own.
            let hits: Vec<Vec<Hit>> = pieces.iter().map(|piece| matcher.find("", piece)).collect();
            let phrases = hits.iter().flatten().filter_map(|hit| match hit.target {
                Target::Phrase(c, r) => Some((c, r, hit.term.clone())),
                _ => None,
            });
            let conjunctions = hits.iter().flat_map(|hits| conjunctions_met(rubric, hits));
            for (c, r, term) in phrases.chain(conjunctions) {
                let rule = &rubric.criteria[c].evidence.phrases[r];
                if rule.level < 2 || stage.number > last_stage[c][r] {
                    continue;
                }
                if seen.insert((c, r, term.clone())) {
                    found.push(Cue {
                        criterion: c,
                        rule: r,
                        term,
                        stage: stage.number,
                        levels: levels_named(&combo),
                    });
                }
            }
        }
    }
    found
}

/// The conjunctions (`elements`) that the hits in one piece of shown text
/// (a story, a prompt, an option label) meet on their own, as (criterion,
/// rule, the terms found, joined by " + ").
fn conjunctions_met(rubric: &Rubric, hits: &[Hit]) -> Vec<(usize, usize, String)> {
    let mut found: BTreeMap<(usize, usize), BTreeMap<usize, &str>> = BTreeMap::new();
    for hit in hits {
        if let Target::Element(c, r, e) = hit.target {
            found
                .entry((c, r))
                .or_default()
                .entry(e)
                .or_insert(&hit.term);
        }
    }
    found
        .into_iter()
        .filter_map(|((c, r), elements)| {
            let need = rubric.criteria[c].evidence.phrases[r]
                .elements
                .as_ref()?
                .at_least;
            (elements.len() >= usize::from(need)).then(|| {
                let terms: Vec<&str> = elements.into_values().collect();
                (c, r, terms.join(" + "))
            })
        })
        .collect()
}

/// Per criterion and phrase rule, the last stage whose prompts the rule
/// reads: text shown up to then can be copied into an answer it scores.
fn last_written_stage(rubric: &Rubric, vignette: &Vignette) -> Vec<Vec<usize>> {
    let stage_of: BTreeMap<&str, usize> = vignette
        .stages
        .iter()
        .enumerate()
        .flat_map(|(s, stage)| stage.prompts.iter().map(move |p| (p.id.as_str(), s + 1)))
        .collect();
    rubric
        .criteria
        .iter()
        .map(|c| {
            c.evidence
                .phrases
                .iter()
                .map(|rule| match &rule.prompts {
                    Some(prompts) => prompts
                        .iter()
                        .filter_map(|p| stage_of.get(p.as_str()).copied())
                        .max()
                        .unwrap_or(0),
                    None => vignette.stages.len(),
                })
                .collect()
        })
        .collect()
}

/// Everything a stage shows, piece by piece: its title, story, prompts,
/// help, options and anchors.
fn shown_pieces(stage: &RenderedStage) -> Vec<&str> {
    let mut parts = vec![stage.title.as_str(), stage.text.as_str()];
    for prompt in &stage.prompts {
        parts.push(&prompt.text);
        parts.extend(prompt.help.as_deref());
        parts.extend(prompt.options.iter().map(|o| o.label.as_str()));
        parts.extend(prompt.anchors.iter().map(|a| a.label.as_str()));
    }
    parts
}

/// Every combination of one level per factor, as factor id → level id.
fn combinations(vignette: &Vignette) -> Vec<BTreeMap<String, String>> {
    vignette
        .factors
        .iter()
        .fold(vec![BTreeMap::new()], |acc, factor| {
            acc.iter()
                .flat_map(|prefix| {
                    factor.levels.iter().map(move |level: &Level| {
                        let mut next = prefix.clone();
                        next.insert(factor.id.clone(), level.id.clone());
                        next
                    })
                })
                .collect()
        })
}

/// `, with factor=level …`, or nothing for a vignette without factors.
fn levels_named(combo: &BTreeMap<String, String>) -> String {
    if combo.is_empty() {
        return String::new();
    }
    let named: Vec<String> = combo.iter().map(|(f, l)| format!("{f}={l}")).collect();
    format!(", with {}", named.join(" "))
}
