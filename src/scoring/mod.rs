//! Automatic scoring: a group's answers to one vignette, judged against the
//! vignette's pinned rubric. Each criterion gets a level with the evidence
//! for it (options chosen, ranks, Likert values, phrases written and where),
//! red flags cap or lower levels, and dimensions get scores from 0 to 100.
//! [`Scorer::score`] builds the full card with the evidence;
//! [`Scorer::levels`] only the levels, for scoring many units at once. Both
//! apply the same rules.
//!
//! Pure: no I/O, no store. Human ratings, which override these levels, are
//! another module's business.

pub mod fold;
mod matcher;
mod session;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::bank::{
    Criterion, Effect, FlagOption, LikertRule, NegativeRule, OptionRule, PhraseRule, PromptKind,
    RankRule, Rubric, Vignette,
};

pub use matcher::{Hit, Matcher, Target};
pub use session::{
    Export, LevelChange, ScoreStatus, Scored, ScoredSummary, latest_answers, read_export,
    score_session, score_session_with_bank,
};

/// An answer as the rules read it: a string (a text, or the option chosen)
/// borrowed as it is, or any JSON value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Answer<'a> {
    Str(&'a str),
    Json(&'a Value),
}

impl<'a> Answer<'a> {
    fn as_str(self) -> Option<&'a str> {
        match self {
            Answer::Str(text) => Some(text),
            Answer::Json(value) => value.as_str(),
        }
    }

    fn as_array(self) -> Option<&'a [Value]> {
        match self {
            Answer::Str(_) => None,
            Answer::Json(value) => value.as_array().map(Vec::as_slice),
        }
    }

    fn as_i64(self) -> Option<i64> {
        match self {
            Answer::Str(_) => None,
            Answer::Json(value) => value.as_i64(),
        }
    }
}

/// A rubric compiled for scoring answers in one language.
#[derive(Debug, Clone)]
pub struct Scorer<'r> {
    rubric: &'r Rubric,
    /// Ids of the pinned vignette's text prompts.
    text_prompts: foldhash::HashSet<&'r str>,
    matcher: Matcher,
    language: String,
    /// Per criterion: the red flags' effects on it, as (flag index, effect).
    effects: Vec<Vec<(usize, &'r Effect)>>,
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
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
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
        let (dimensions, overall) = summarise(self.criteria.iter().map(CriterionScore::as_level));
        self.dimensions = owned(dimensions);
        self.overall = overall;
        self.critical_missing =
            critical_missing(self.criteria.iter().map(CriterionScore::as_level))
                .map(str::to_string)
                .collect();
    }

    /// The card without its evidence.
    pub fn summary(&self) -> Summary<'_> {
        Summary {
            criteria: self.criteria.iter().map(CriterionScore::as_level).collect(),
            dimensions: self
                .dimensions
                .iter()
                .map(|(d, score)| (d.as_str(), *score))
                .collect(),
            overall: self.overall,
            red_flags: self.red_flags.iter().map(|f| f.id.as_str()).collect(),
            critical_missing: self.critical_missing.iter().map(String::as_str).collect(),
        }
    }
}

impl CriterionScore {
    fn as_level(&self) -> CriterionLevel<'_> {
        CriterionLevel {
            id: &self.id,
            dimension: &self.dimension,
            weight: self.weight,
            critical: self.critical,
            level: self.level,
            max_level: self.max_level,
        }
    }
}

/// The criterion levels and raised red flags of a score, without the
/// evidence: what [`Scorer::levels`] computes, the same as in the card of
/// [`Scorer::score`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Levels {
    /// Per criterion, in the rubric's order.
    pub criteria: Vec<u8>,
    /// The raised red flags by index in the rubric, ascending.
    pub red_flags: Vec<usize>,
}

/// One criterion's level without its evidence.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CriterionLevel<'a> {
    pub id: &'a str,
    pub dimension: &'a str,
    pub weight: f64,
    pub critical: bool,
    pub level: u8,
    pub max_level: u8,
}

/// A score without its evidence: what tables and CSV show.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary<'a> {
    pub criteria: Vec<CriterionLevel<'a>>,
    pub dimensions: BTreeMap<&'a str, DimensionScore>,
    /// Weighted over all criteria, 0–100.
    pub overall: f64,
    /// Ids of the raised red flags.
    pub red_flags: Vec<&'a str>,
    /// Critical criteria at level 0.
    pub critical_missing: Vec<&'a str>,
}

/// Buffers that [`Scorer::levels`] reuses from one call to the next (one per thread).
#[derive(Debug, Default)]
pub struct Scratch<'a> {
    folded: String,
    spots: Vec<Spot<'a>>,
}

/// A phrase found, as the level rules read it.
#[derive(Debug, Clone, Copy)]
struct Spot<'a> {
    target: Target,
    prompt: &'a str,
    negated: bool,
}

impl<'r> Scorer<'r> {
    /// Compiles `rubric` (which scores `vignette`) for answers in `language`.
    pub fn new(rubric: &'r Rubric, vignette: &'r Vignette, language: &str) -> Scorer<'r> {
        let text_prompts = vignette
            .stages
            .iter()
            .flat_map(|s| &s.prompts)
            .filter(|p| matches!(p.kind, PromptKind::Text { .. }))
            .map(|p| p.id.as_str())
            .collect();
        Scorer {
            rubric,
            text_prompts,
            matcher: Matcher::new(rubric, language),
            language: language.to_string(),
            effects: effects(rubric),
        }
    }

    /// The rubric this scorer scores with.
    pub fn rubric(&self) -> &'r Rubric {
        self.rubric
    }

    /// The language this scorer reads.
    pub fn language(&self) -> &str {
        &self.language
    }

    /// Scores answers (prompt id → latest value); unknown prompts are ignored.
    pub fn score(&self, answers: &BTreeMap<String, Value>) -> ScoreCard {
        let answers: Vec<(&str, Answer<'_>)> = answers
            .iter()
            .map(|(p, v)| (p.as_str(), Answer::Json(v)))
            .collect();
        let hits: Vec<Hit> = self
            .texts(&answers)
            .flat_map(|(prompt, text)| self.matcher.find(prompt, text))
            .collect();
        let spots: Vec<Spot> = hits
            .iter()
            .map(|h| Spot {
                target: h.target,
                prompt: &h.prompt,
                negated: h.negated,
            })
            .collect();
        let raised = self.raised(&answers, &spots);
        let criteria: Vec<CriterionScore> = (0..self.rubric.criteria.len())
            .map(|c| self.criterion(c, &answers, &hits, &spots, &raised))
            .collect();
        let (dimensions, overall) = summarise(criteria.iter().map(CriterionScore::as_level));
        let dimensions = owned(dimensions);
        ScoreCard {
            rubric: self.rubric.id.clone(),
            rubric_version: self.rubric.version.clone(),
            method: auto(),
            critical_missing: critical_missing(criteria.iter().map(CriterionScore::as_level))
                .map(str::to_string)
                .collect(),
            criteria,
            dimensions,
            overall,
            red_flags: raised
                .iter()
                .map(|&f| self.raised_flag(f, &answers, &hits, &spots))
                .collect(),
        }
    }

    /// The levels and red flags that [`Scorer::score`] gives, without the
    /// evidence. `answers` are (prompt id, latest value), one per prompt, in
    /// any order (they are sorted here).
    pub fn levels<'a>(
        &self,
        answers: &mut [(&'a str, Answer<'a>)],
        scratch: &mut Scratch<'a>,
    ) -> Levels {
        answers.sort_unstable_by_key(|(prompt, _)| *prompt);
        let Scratch { folded, spots } = scratch;
        spots.clear();
        for (prompt, text) in self.texts(answers) {
            fold::fold_into(text, folded);
            self.matcher.targets(folded, |target, negated| {
                spots.push(Spot {
                    target,
                    prompt,
                    negated,
                })
            });
        }
        let raised = self.raised(answers, spots);
        Levels {
            criteria: (0..self.rubric.criteria.len())
                .map(|c| self.level(c, self.earned(c, answers, spots), spots, &raised))
                .collect(),
            red_flags: raised,
        }
    }

    /// The levels as a summary: criteria, dimension and overall scores, red
    /// flags and critical criteria missing, as in the card's summary.
    pub fn summary(&self, levels: &Levels) -> Summary<'r> {
        let rubric = self.rubric;
        let criteria: Vec<CriterionLevel<'r>> = rubric
            .criteria
            .iter()
            .zip(&levels.criteria)
            .map(|(c, &level)| CriterionLevel {
                id: &c.id,
                dimension: &c.dimension,
                weight: c.weight,
                critical: c.critical,
                level,
                max_level: c.max_level(),
            })
            .collect();
        let (dimensions, overall) = summarise(criteria.iter().copied());
        Summary {
            critical_missing: critical_missing(criteria.iter().copied()).collect(),
            criteria,
            dimensions,
            overall,
            red_flags: levels
                .red_flags
                .iter()
                .map(|&f| rubric.red_flags[f].id.as_str())
                .collect(),
        }
    }

    /// The answers to the vignette's text prompts, as (prompt, text).
    fn texts<'a>(
        &self,
        answers: &[(&'a str, Answer<'a>)],
    ) -> impl Iterator<Item = (&'a str, &'a str)> {
        answers
            .iter()
            .filter(|(prompt, _)| self.text_prompts.contains(prompt))
            .filter_map(|(prompt, value)| value.as_str().map(|text| (*prompt, text)))
    }

    /// The red flags raised by phrases or options, by index, ascending.
    fn raised(&self, answers: &[(&str, Answer<'_>)], spots: &[Spot]) -> Vec<usize> {
        (0..self.rubric.red_flags.len())
            .filter(|&f| {
                self.flag_spots(f, spots).next().is_some()
                    || self.flag_options(f, answers).next().is_some()
            })
            .collect()
    }

    /// Indices of the phrases that raise red flag `f`.
    fn flag_spots(&self, f: usize, spots: &[Spot]) -> impl Iterator<Item = usize> {
        let prompts = &self.rubric.red_flags[f].prompts;
        spots
            .iter()
            .enumerate()
            .filter(move |(_, s)| {
                s.target == Target::Flag(f) && !s.negated && allowed(prompts, s.prompt)
            })
            .map(|(i, _)| i)
    }

    /// The options whose choice (or rank) raises red flag `f`.
    fn flag_options(
        &self,
        f: usize,
        answers: &[(&str, Answer<'_>)],
    ) -> impl Iterator<Item = &'r FlagOption> {
        self.rubric.red_flags[f]
            .options
            .iter()
            .filter(move |o| match o.top {
                Some(top) => {
                    rank_position(answers, &o.prompt, &o.option).is_some_and(|p| p <= top as usize)
                }
                None => chosen(answers, &o.prompt, &o.option),
            })
    }

    fn raised_flag(
        &self,
        f: usize,
        answers: &[(&str, Answer<'_>)],
        hits: &[Hit],
        spots: &[Spot],
    ) -> RaisedFlag {
        RaisedFlag {
            id: self.rubric.red_flags[f].id.clone(),
            mentions: self
                .flag_spots(f, spots)
                .map(|i| hits[i].mention())
                .collect(),
            options: self
                .flag_options(f, answers)
                .map(|o| format!("{}:{}", o.prompt, o.option))
                .collect(),
        }
    }

    /// The phrases that are evidence for criterion `c`, negated ones
    /// included, as (index, phrase rule).
    fn phrases(&self, c: usize, spots: &[Spot]) -> impl Iterator<Item = (usize, &'r PhraseRule)> {
        let rules = &self.rubric.criteria[c].evidence.phrases;
        spots
            .iter()
            .enumerate()
            .filter_map(move |(i, s)| match s.target {
                Target::Phrase(of, r) if of == c => rules
                    .get(r)
                    .filter(|rule| allowed(&rule.prompts, s.prompt))
                    .map(|rule| (i, rule)),
                _ => None,
            })
    }

    /// The counter-phrases that lower criterion `c`, as (index, rule).
    fn counters(
        &self,
        c: usize,
        spots: &[Spot],
    ) -> impl Iterator<Item = (usize, &'r NegativeRule)> {
        let rules = &self.rubric.criteria[c].evidence.negative;
        spots
            .iter()
            .enumerate()
            .filter_map(move |(i, s)| match s.target {
                Target::Negative(of, r) if of == c && !s.negated => rules
                    .get(r)
                    .filter(|rule| allowed(&rule.prompts, s.prompt))
                    .map(|rule| (i, rule)),
                _ => None,
            })
    }

    /// The effects of raised red flags on criterion `c`, as (flag index, effect).
    fn flag_effects(
        &self,
        c: usize,
        raised: &[usize],
    ) -> impl Iterator<Item = (usize, &'r Effect)> {
        self.effects[c]
            .iter()
            .filter(move |(f, _)| raised.contains(f))
            .copied()
    }

    /// The level the evidence earns criterion `c`, before counter-phrases and red flags.
    fn earned(&self, c: usize, answers: &[(&str, Answer<'_>)], spots: &[Spot]) -> u8 {
        let choices = choices(&self.rubric.criteria[c], answers).map(|choice| choice.level());
        let phrases = self
            .phrases(c, spots)
            .filter(|(i, _)| !spots[*i].negated)
            .map(|(_, rule)| rule.level);
        choices.chain(phrases).max().unwrap_or(0)
    }

    /// Criterion `c`'s level: what it earned, lowered by counter-phrases,
    /// capped or lowered by raised red flags, down to a defined level.
    fn level(&self, c: usize, earned: u8, spots: &[Spot], raised: &[usize]) -> u8 {
        let mut level = earned;
        for (_, rule) in self.counters(c, spots) {
            level = level.saturating_sub(rule.lower);
        }
        for (_, effect) in self.flag_effects(c, raised) {
            if let Some(cap) = effect.cap {
                level = level.min(cap);
            }
            if let Some(lower) = effect.lower {
                level = level.saturating_sub(lower);
            }
        }
        defined_level(&self.rubric.criteria[c], level)
    }

    fn criterion(
        &self,
        c: usize,
        answers: &[(&str, Answer<'_>)],
        hits: &[Hit],
        spots: &[Spot],
        raised: &[usize],
    ) -> CriterionScore {
        let criterion = &self.rubric.criteria[c];
        let mut evidence: Vec<Evidence> = choices(criterion, answers)
            .map(|choice| choice.evidence())
            .collect();
        let mut negated = Vec::new();
        for (i, rule) in self.phrases(c, spots) {
            let hit = &hits[i];
            if hit.negated {
                negated.push(hit.mention());
            } else {
                evidence.push(phrase_evidence(hit, rule.level));
            }
        }
        let earned = self.earned(c, answers, spots);
        CriterionScore {
            id: criterion.id.clone(),
            dimension: criterion.dimension.clone(),
            weight: criterion.weight,
            critical: criterion.critical,
            level: self.level(c, earned, spots, raised),
            max_level: criterion.max_level(),
            earned,
            evidence,
            lowered_by: self
                .counters(c, spots)
                .map(|(i, rule)| (hits[i].mention(), rule.lower))
                .collect(),
            flags: self
                .flag_effects(c, raised)
                .map(|(f, _)| self.rubric.red_flags[f].id.clone())
                .collect(),
            negated,
            method: auto(),
        }
    }
}

/// Per criterion, the effects red flags have on it as (flag index, effect),
/// by flag. A flag takes the effects of the first flag with its id (ids are
/// unique in a valid rubric).
fn effects(rubric: &Rubric) -> Vec<Vec<(usize, &Effect)>> {
    let flags = &rubric.red_flags;
    rubric
        .criteria
        .iter()
        .map(|criterion| {
            flags
                .iter()
                .enumerate()
                .flat_map(|(f, flag)| {
                    let first = flags.iter().find(|x| x.id == flag.id).unwrap_or(flag);
                    first
                        .effects
                        .iter()
                        .filter(|e| e.criterion == criterion.id)
                        .map(move |e| (f, e))
                })
                .collect()
        })
        .collect()
}

fn phrase_evidence(hit: &Hit, level: u8) -> Evidence {
    Evidence::Phrase {
        prompt: hit.prompt.clone(),
        start: hit.start,
        end: hit.end,
        text: hit.text.clone(),
        term: hit.term.clone(),
        level,
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

/// The answer to `prompt` among answers sorted by prompt.
fn answer<'a>(answers: &[(&str, Answer<'a>)], prompt: &str) -> Option<Answer<'a>> {
    answers
        .binary_search_by(|(p, _)| (*p).cmp(prompt))
        .ok()
        .map(|i| answers[i].1)
}

fn chosen(answers: &[(&str, Answer<'_>)], prompt: &str, option: &str) -> bool {
    answer(answers, prompt).is_some_and(|a| match a.as_str() {
        Some(id) => id == option,
        None => a
            .as_array()
            .is_some_and(|ids| ids.iter().any(|id| id == option)),
    })
}

/// 1-based position of an option in a ranking answer.
fn rank_position(answers: &[(&str, Answer<'_>)], prompt: &str, option: &str) -> Option<usize> {
    answer(answers, prompt)?
        .as_array()?
        .iter()
        .position(|id| id == option)
        .map(|i| i + 1)
}

/// An answer that meets one of a criterion's choice rules.
enum Choice<'r> {
    Option(&'r OptionRule),
    /// The rule and the option's position.
    Rank(&'r RankRule, usize),
    /// The rule and the value.
    Likert(&'r LikertRule, i64),
}

impl Choice<'_> {
    fn level(&self) -> u8 {
        match self {
            Choice::Option(r) => r.level,
            Choice::Rank(r, _) => r.level,
            Choice::Likert(r, _) => r.level,
        }
    }

    fn evidence(&self) -> Evidence {
        match *self {
            Choice::Option(r) => Evidence::Option {
                prompt: r.prompt.clone(),
                option: r.option.clone(),
                level: r.level,
            },
            Choice::Rank(r, position) => Evidence::Rank {
                prompt: r.prompt.clone(),
                option: r.option.clone(),
                position,
                level: r.level,
            },
            Choice::Likert(r, value) => Evidence::Likert {
                prompt: r.prompt.clone(),
                value,
                level: r.level,
            },
        }
    }
}

/// The options chosen, ranks and Likert values that are evidence for
/// `criterion`: options first, then ranks, then Likert values.
fn choices<'r>(
    criterion: &'r Criterion,
    answers: &[(&str, Answer<'_>)],
) -> impl Iterator<Item = Choice<'r>> {
    let rules = &criterion.evidence;
    let options = rules
        .options
        .iter()
        .filter(|r| chosen(answers, &r.prompt, &r.option))
        .map(Choice::Option);
    let ranks = rules.ranks.iter().filter_map(|r| {
        let position = rank_position(answers, &r.prompt, &r.option)?;
        (position <= r.top as usize).then_some(Choice::Rank(r, position))
    });
    let likert = rules.likert.iter().filter_map(|r| {
        let value = answer(answers, &r.prompt)?.as_i64()?;
        (r.min..=r.max)
            .contains(&value)
            .then_some(Choice::Likert(r, value))
    });
    options.chain(ranks).chain(likert)
}

/// Critical criteria at level 0.
fn critical_missing<'a>(
    criteria: impl Iterator<Item = CriterionLevel<'a>>,
) -> impl Iterator<Item = &'a str> {
    criteria
        .filter(|c| c.critical && c.level == 0)
        .map(|c| c.id)
}

/// Dimension scores and the overall score, each weighted levels over their maximum × 100.
fn summarise<'a>(
    criteria: impl Iterator<Item = CriterionLevel<'a>>,
) -> (BTreeMap<&'a str, DimensionScore>, f64) {
    let mut sums: BTreeMap<&str, (f64, f64, usize)> = BTreeMap::new();
    for c in criteria.filter(|c| c.max_level > 0) {
        let entry = sums.entry(c.dimension).or_default();
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
                dimension,
                DimensionScore {
                    score: 100.0 * got / max,
                    criteria: n,
                },
            )
        })
        .collect();
    (dimensions, if max > 0.0 { 100.0 * got / max } else { 0.0 })
}

fn owned(dimensions: BTreeMap<&str, DimensionScore>) -> BTreeMap<String, DimensionScore> {
    dimensions
        .into_iter()
        .map(|(d, score)| (d.to_string(), score))
        .collect()
}
