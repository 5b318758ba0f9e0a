//! Automatic scoring: a group's answers to one vignette, judged against the
//! vignette's pinned rubric. Each criterion gets a level with the evidence
//! for it (options chosen, ranks, Likert values, phrases written and where),
//! red flags cap or lower levels, and dimensions get scores from 0 to 100.
//!
//! Pure: no I/O, no store. Human ratings, which override these levels, are
//! another module's business.

mod matcher;
pub mod text;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::bank::{Criterion, PromptKind, Rubric, Vignette};

pub use matcher::{Hit, Matcher, Target};

/// A rubric compiled for scoring answers in one language.
#[derive(Debug, Clone)]
pub struct Scorer<'r> {
    rubric: &'r Rubric,
    /// Prompt id → kind, stage and options of the pinned vignette.
    prompts: BTreeMap<&'r str, &'r PromptKind>,
    matcher: Matcher,
    language: String,
}

/// Where a criterion's level came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Evidence {
    /// An option chosen in a single or multi prompt.
    Option {
        prompt: String,
        option: String,
        level: u8,
    },
    /// An option ranked at `position` (1 = first).
    Rank {
        prompt: String,
        option: String,
        position: usize,
        level: u8,
    },
    /// A Likert answer.
    Likert {
        prompt: String,
        value: i64,
        level: u8,
    },
    /// A phrase written in a text answer; `start..end` are character offsets in the answer.
    Phrase {
        prompt: String,
        start: usize,
        end: usize,
        text: String,
        term: String,
        level: u8,
    },
}

impl Evidence {
    /// The level this evidence earns.
    pub fn level(&self) -> u8 {
        match self {
            Evidence::Option { level, .. }
            | Evidence::Rank { level, .. }
            | Evidence::Likert { level, .. }
            | Evidence::Phrase { level, .. } => *level,
        }
    }
}

/// A phrase that counted against a criterion, or was not counted because it was negated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mention {
    pub prompt: String,
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub term: String,
}

/// A red flag raised by an answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RaisedFlag {
    pub id: String,
    /// Phrases that raised it.
    pub mentions: Vec<Mention>,
    /// Options that raised it, as `prompt:option`.
    pub options: Vec<String>,
}

/// One criterion's level and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CriterionScore {
    pub id: String,
    pub dimension: String,
    pub weight: f64,
    pub critical: bool,
    pub level: u8,
    pub max_level: u8,
    /// The level the evidence earned before counter-phrases and red flags.
    pub earned: u8,
    pub evidence: Vec<Evidence>,
    /// Counter-phrases that lowered the level, with how much.
    pub lowered_by: Vec<(Mention, u8)>,
    /// Red flags that capped or lowered the level.
    pub flags: Vec<String>,
    /// Phrases that would have counted but were negated ("vi ville ikke …").
    pub negated: Vec<Mention>,
    /// `auto`, or the method of the human level that replaced it (`consensus`).
    #[serde(default = "auto")]
    pub method: String,
}

fn auto() -> String {
    "auto".to_string()
}

/// A dimension's score: weighted criterion levels over their maximum, 0–100.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DimensionScore {
    pub score: f64,
    pub criteria: usize,
}

/// The automatic score of one group's answers to one vignette.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoreCard {
    pub rubric: String,
    pub rubric_version: String,
    pub method: String,
    pub criteria: Vec<CriterionScore>,
    pub dimensions: BTreeMap<String, DimensionScore>,
    /// Weighted over all criteria, 0–100.
    pub overall: f64,
    pub red_flags: Vec<RaisedFlag>,
    /// Critical criteria at level 0.
    pub critical_missing: Vec<String>,
}

impl ScoreCard {
    /// Replaces criterion levels by human ones (criterion id → level), marking
    /// them with `method` and recomputing the dimension and overall scores.
    /// The card's method becomes `method` when every criterion was replaced,
    /// `auto+METHOD` when some were.
    pub fn override_levels(&mut self, levels: &BTreeMap<String, u8>, method: &str) {
        for c in &mut self.criteria {
            if let Some(&level) = levels.get(&c.id) {
                c.level = level.min(c.max_level);
                c.method = method.to_string();
            }
        }
        let replaced = self.criteria.iter().filter(|c| c.method == method).count();
        self.method = match replaced {
            0 => auto(),
            n if n == self.criteria.len() => method.to_string(),
            _ => format!("auto+{method}"),
        };
        let (dimensions, overall) = summarise(&self.criteria);
        self.dimensions = dimensions;
        self.overall = overall;
        self.critical_missing = self
            .criteria
            .iter()
            .filter(|c| c.critical && c.level == 0)
            .map(|c| c.id.clone())
            .collect();
    }
}

impl<'r> Scorer<'r> {
    /// Compiles `rubric` (which scores `vignette`) for answers in `language`.
    pub fn new(rubric: &'r Rubric, vignette: &'r Vignette, language: &str) -> Scorer<'r> {
        let prompts = vignette
            .stages
            .iter()
            .flat_map(|s| &s.prompts)
            .map(|p| (p.id.as_str(), &p.kind))
            .collect();
        Scorer {
            rubric,
            prompts,
            matcher: Matcher::new(rubric, language),
            language: language.to_string(),
        }
    }

    /// The language this scorer reads.
    pub fn language(&self) -> &str {
        &self.language
    }

    /// Scores answers (prompt id → latest value); unknown prompts are ignored.
    pub fn score(&self, answers: &BTreeMap<String, Value>) -> ScoreCard {
        let hits = self.text_hits(answers);
        let flags = self.raised_flags(answers, &hits);
        let criteria: Vec<CriterionScore> = self
            .rubric
            .criteria
            .iter()
            .enumerate()
            .map(|(index, criterion)| self.criterion(index, criterion, answers, &hits, &flags))
            .collect();
        let (dimensions, overall) = summarise(&criteria);
        ScoreCard {
            rubric: self.rubric.id.clone(),
            rubric_version: self.rubric.version.clone(),
            method: "auto".to_string(),
            critical_missing: criteria
                .iter()
                .filter(|c| c.critical && c.level == 0)
                .map(|c| c.id.clone())
                .collect(),
            criteria,
            dimensions,
            overall,
            red_flags: flags,
        }
    }

    /// Every phrase hit in every text answer.
    fn text_hits(&self, answers: &BTreeMap<String, Value>) -> Vec<Hit> {
        answers
            .iter()
            .filter(|(prompt, _)| {
                matches!(
                    self.prompts.get(prompt.as_str()),
                    Some(PromptKind::Text { .. })
                )
            })
            .filter_map(|(prompt, value)| value.as_str().map(|text| (prompt, text)))
            .flat_map(|(prompt, text)| self.matcher.find(prompt, text))
            .collect()
    }

    fn raised_flags(&self, answers: &BTreeMap<String, Value>, hits: &[Hit]) -> Vec<RaisedFlag> {
        self.rubric
            .red_flags
            .iter()
            .enumerate()
            .filter_map(|(index, flag)| {
                let mentions: Vec<Mention> = hits
                    .iter()
                    .filter(|h| {
                        h.target == Target::Flag(index)
                            && !h.negated
                            && allowed(&flag.prompts, &h.prompt)
                    })
                    .map(Hit::mention)
                    .collect();
                let options: Vec<String> = flag
                    .options
                    .iter()
                    .filter(|o| match o.top {
                        Some(top) => rank_position(answers, &o.prompt, &o.option)
                            .is_some_and(|p| p <= top as usize),
                        None => chosen(answers, &o.prompt, &o.option),
                    })
                    .map(|o| format!("{}:{}", o.prompt, o.option))
                    .collect();
                (!mentions.is_empty() || !options.is_empty()).then(|| RaisedFlag {
                    id: flag.id.clone(),
                    mentions,
                    options,
                })
            })
            .collect()
    }

    fn criterion(
        &self,
        index: usize,
        criterion: &Criterion,
        answers: &BTreeMap<String, Value>,
        hits: &[Hit],
        flags: &[RaisedFlag],
    ) -> CriterionScore {
        let mut evidence = choice_evidence(criterion, answers);
        let mut negated = Vec::new();
        for hit in hits {
            let Target::Phrase(c, rule) = hit.target else {
                continue;
            };
            let phrase_rule = &criterion.evidence.phrases.get(rule);
            if c != index || !phrase_rule.is_some_and(|r| allowed(&r.prompts, &hit.prompt)) {
                continue;
            }
            if hit.negated {
                negated.push(hit.mention());
            } else if let Some(rule) = phrase_rule {
                let m = hit.mention();
                evidence.push(Evidence::Phrase {
                    prompt: m.prompt,
                    start: m.start,
                    end: m.end,
                    text: m.text,
                    term: m.term,
                    level: rule.level,
                });
            }
        }
        let earned = evidence.iter().map(Evidence::level).max().unwrap_or(0);
        let mut level = earned;
        let mut lowered_by = Vec::new();
        for hit in hits.iter().filter(|h| !h.negated) {
            if let Target::Negative(c, rule) = hit.target
                && c == index
                && let Some(rule) = criterion.evidence.negative.get(rule)
                && allowed(&rule.prompts, &hit.prompt)
            {
                level = level.saturating_sub(rule.lower);
                lowered_by.push((hit.mention(), rule.lower));
            }
        }
        let mut flag_ids = Vec::new();
        for raised in flags {
            let Some(flag) = self.rubric.red_flags.iter().find(|f| f.id == raised.id) else {
                continue;
            };
            for effect in flag.effects.iter().filter(|e| e.criterion == criterion.id) {
                if let Some(cap) = effect.cap {
                    level = level.min(cap);
                }
                if let Some(lower) = effect.lower {
                    level = level.saturating_sub(lower);
                }
                flag_ids.push(raised.id.clone());
            }
        }
        CriterionScore {
            id: criterion.id.clone(),
            dimension: criterion.dimension.clone(),
            weight: criterion.weight,
            critical: criterion.critical,
            level: defined_level(criterion, level),
            max_level: criterion.max_level(),
            earned,
            evidence,
            lowered_by,
            flags: flag_ids,
            negated,
            method: auto(),
        }
    }
}

/// The highest level of the criterion at or below `level`.
fn defined_level(criterion: &Criterion, level: u8) -> u8 {
    criterion
        .levels
        .iter()
        .map(|l| l.level)
        .filter(|&l| l <= level)
        .max()
        .unwrap_or(0)
}

fn allowed(prompts: &Option<Vec<String>>, prompt: &str) -> bool {
    prompts
        .as_ref()
        .is_none_or(|list| list.iter().any(|p| p == prompt))
}

fn chosen(answers: &BTreeMap<String, Value>, prompt: &str, option: &str) -> bool {
    match answers.get(prompt) {
        Some(Value::String(id)) => id == option,
        Some(Value::Array(ids)) => ids.iter().any(|id| id == option),
        _ => false,
    }
}

/// 1-based position of an option in a ranking answer.
fn rank_position(answers: &BTreeMap<String, Value>, prompt: &str, option: &str) -> Option<usize> {
    answers
        .get(prompt)?
        .as_array()?
        .iter()
        .position(|id| id == option)
        .map(|i| i + 1)
}

fn choice_evidence(criterion: &Criterion, answers: &BTreeMap<String, Value>) -> Vec<Evidence> {
    let rules = &criterion.evidence;
    let options = rules
        .options
        .iter()
        .filter(|r| chosen(answers, &r.prompt, &r.option))
        .map(|r| Evidence::Option {
            prompt: r.prompt.clone(),
            option: r.option.clone(),
            level: r.level,
        });
    let ranks = rules.ranks.iter().filter_map(|r| {
        let position = rank_position(answers, &r.prompt, &r.option)?;
        (position <= r.top as usize).then(|| Evidence::Rank {
            prompt: r.prompt.clone(),
            option: r.option.clone(),
            position,
            level: r.level,
        })
    });
    let likert = rules.likert.iter().filter_map(|r| {
        let value = answers.get(&r.prompt)?.as_i64()?;
        (r.min..=r.max).contains(&value).then(|| Evidence::Likert {
            prompt: r.prompt.clone(),
            value,
            level: r.level,
        })
    });
    options.chain(ranks).chain(likert).collect()
}

/// Dimension scores and the overall score, each weighted levels over their maximum × 100.
fn summarise(criteria: &[CriterionScore]) -> (BTreeMap<String, DimensionScore>, f64) {
    let mut sums: BTreeMap<&str, (f64, f64, usize)> = BTreeMap::new();
    for c in criteria.iter().filter(|c| c.max_level > 0) {
        let entry = sums.entry(&c.dimension).or_default();
        entry.0 += c.weight * f64::from(c.level) / f64::from(c.max_level);
        entry.1 += c.weight;
        entry.2 += 1;
    }
    let (got, max) = sums
        .values()
        .fold((0.0, 0.0), |(g, m), (got, max, _)| (g + got, m + max));
    let dimensions = sums
        .into_iter()
        .map(|(dimension, (got, max, n))| {
            (
                dimension.to_string(),
                DimensionScore {
                    score: 100.0 * got / max,
                    criteria: n,
                },
            )
        })
        .collect();
    (dimensions, if max > 0.0 { 100.0 * got / max } else { 0.0 })
}
