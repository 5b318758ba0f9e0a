//! What scoring gives: criterion levels with their evidence, dimension
//! scores, the score card of a unit, and the answers the rules read.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::rules::{critical_missing, owned, summarise};

/// An answer as the rules read it: a string (a text, or the option chosen)
/// borrowed as it is, or any JSON value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Answer<'a> {
    Str(&'a str),
    Json(&'a Value),
}

impl<'a> Answer<'a> {
    pub(super) fn as_str(self) -> Option<&'a str> {
        match self {
            Answer::Str(text) => Some(text),
            Answer::Json(value) => value.as_str(),
        }
    }

    pub(super) fn as_array(self) -> Option<&'a [Value]> {
        match self {
            Answer::Str(_) => None,
            Answer::Json(value) => value.as_array().map(Vec::as_slice),
        }
    }

    pub(super) fn as_i64(self) -> Option<i64> {
        match self {
            Answer::Str(_) => None,
            Answer::Json(value) => value.as_i64(),
        }
    }
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
        /// The stage of the prompt, from 1 (0 in cards scored before stages were kept).
        #[serde(default)]
        stage: u32,
    },
    /// An option ranked at `position` (1 = first).
    Rank {
        prompt: String,
        option: String,
        position: usize,
        level: u8,
        /// The stage of the prompt, from 1 (0 in cards scored before stages were kept).
        #[serde(default)]
        stage: u32,
    },
    /// A Likert answer.
    Likert {
        prompt: String,
        value: i64,
        level: u8,
        /// The stage of the prompt, from 1 (0 in cards scored before stages were kept).
        #[serde(default)]
        stage: u32,
    },
    /// A phrase written in a text answer; `start..end` are character offsets in the answer.
    Phrase {
        prompt: String,
        start: usize,
        end: usize,
        text: String,
        term: String,
        level: u8,
        /// The stage of the prompt, from 1 (0 in cards scored before stages were kept).
        #[serde(default)]
        stage: u32,
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

    /// The stage of the prompt it was found in, from 1.
    pub fn stage(&self) -> u32 {
        match self {
            Evidence::Option { stage, .. }
            | Evidence::Rank { stage, .. }
            | Evidence::Likert { stage, .. }
            | Evidence::Phrase { stage, .. } => *stage,
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
    /// The earliest stage whose answers earned the level the evidence
    /// gave (`earned`): what the group did before the story told it more.
    /// `None` when nothing was earned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<u32>,
    /// Where a profile rule moved the level: from which level, and the rest
    /// of the card that moved it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<ProfileMove>,
}

/// A card's levels as profile rules read them: every criterion's level
/// (before profile rules) over its maximum, summed in rubric order, and
/// how many criteria have a maximum above 0. The scorer and the rubric
/// audit read the rest of a card through it, so that both read it alike.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct CardSum {
    total: f64,
    count: u32,
}

impl CardSum {
    /// The sum of (level, maximum) pairs, in order.
    pub fn of(levels: impl Iterator<Item = (u8, u8)>) -> CardSum {
        let mut sum = CardSum::default();
        for (level, max) in levels.filter(|&(_, max)| max > 0) {
            sum.total += f64::from(level) / f64::from(max);
            sum.count += 1;
        }
        sum
    }

    /// The rest of the card for a criterion at `level` of `max`: the other
    /// criteria's levels, each over its maximum, averaged (the sum less
    /// this criterion's part); `None` without others.
    pub fn others(self, level: u8, max: u8) -> Option<f64> {
        let (total, count) = if max > 0 {
            (
                self.total - f64::from(level) / f64::from(max),
                self.count - 1,
            )
        } else {
            (self.total, self.count)
        };
        (count > 0).then(|| total / f64::from(count))
    }
}

/// A level moved by a profile rule: the level before, and the other
/// criteria's levels (each over its maximum, averaged) that moved it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ProfileMove {
    pub from: u8,
    pub others: f64,
}

/// The method of a level from the rubric's evidence rules.
pub const AUTO: &str = "auto";

pub(super) fn auto() -> String {
    AUTO.to_string()
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
                c.stage = None;
                c.profile = None;
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
    /// The level from the evidence, counter-phrases and red flags, before
    /// any profile rule moved it.
    pub fn before_profile(&self) -> u8 {
        self.profile.map_or(self.level, |p| p.from)
    }

    pub(super) fn as_level(&self) -> CriterionLevel<'_> {
        CriterionLevel {
            id: &self.id,
            dimension: &self.dimension,
            weight: self.weight,
            critical: self.critical,
            level: self.level,
            max_level: self.max_level,
            method: &self.method,
        }
    }
}

/// The criterion levels and raised red flags of a score, without the
/// evidence: what [`Scorer::levels`](super::Scorer::levels) computes, the same as in the card of
/// [`Scorer::score`](super::Scorer::score).
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
    /// Where the level comes from: `auto`, or `consensus` where raters decided it.
    pub method: &'a str,
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
