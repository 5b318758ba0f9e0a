//! Typed instruments: the study, vignette and rubric formats of `schemas/`.
//!
//! These types are built only from JSON that has passed its schema, so they
//! carry no validation of their own; the semantic checks live in `check`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A text per language code, e.g. `{"nb": "…", "en": "…"}`.
pub type Text = BTreeMap<String, String>;

/// The text in `language`, or in the first language it has.
pub fn localized(text: &Text, language: &str) -> String {
    text.get(language)
        .or_else(|| text.values().next())
        .cloned()
        .unwrap_or_default()
}

/// Phrases per language code (`nn` may add nynorsk variants of `nb`).
pub type Terms = BTreeMap<String, Vec<String>>;

/// The label in `language` of the item of `list` with id `id`, or the id
/// itself where the list has no such item.
pub fn label_of(list: &[Labelled], id: &str, language: &str) -> String {
    list.iter()
        .find(|item| item.id == id)
        .map_or_else(|| id.to_string(), |item| localized(&item.label, language))
}

/// Something with a stable id and a label, such as an offering or a phase.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Labelled {
    pub id: String,
    pub label: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Text>,
}

/// The frame of a study: what is scored, compared and recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Study {
    pub id: String,
    pub version: String,
    pub title: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Text>,
    pub languages: Vec<String>,
    pub dimensions: Vec<Labelled>,
    pub offerings: Vec<Labelled>,
    /// The level offerings are given at, and compared at.
    #[serde(default)]
    pub assignment: Assignment,
    /// Phases in the order they happen.
    pub phases: Vec<Labelled>,
    pub roles: Vec<Labelled>,
    pub site_attributes: Vec<SiteAttribute>,
    /// Ids of the vignettes the study uses.
    pub vignettes: Vec<String>,
    /// Parallel forms: sets of vignettes that rotate over the phases, so a
    /// site does not meet the same case twice (empty: no forms).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub forms: Vec<Form>,
    /// For each phase in order, the step of a site's rotation it takes
    /// (0: the site's first form, 1: the next, …); by default the phase's
    /// position, so forms follow each other and wrap round.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form_rotation: Option<Vec<usize>>,
}

/// A set of the study's vignettes given together at one phase.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Form {
    pub id: String,
    pub label: Text,
    /// Ids of its vignettes, each also in the study's `vignettes`.
    pub vignettes: Vec<String>,
}

/// The level a study gives its offerings at.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Assignment {
    /// To whole sites: the groups of a site share its offering, so
    /// offerings are compared with sites as clusters.
    #[default]
    Site,
    /// To single groups: groups are the units compared.
    Group,
}

impl Assignment {
    /// The key whose levels are the clusters offerings are compared at;
    /// `None` where groups are the units.
    pub fn cluster_key(self) -> Option<&'static str> {
        match self {
            Assignment::Site => Some("site"),
            Assignment::Group => None,
        }
    }
}

/// An attribute recorded for every site: a closed list of values or a type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SiteAttribute {
    pub id: String,
    pub label: Text,
    #[serde(default)]
    pub required: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<Labelled>>,
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub value_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minimum: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maximum: Option<f64>,
}

/// A constructed case told in ordered stages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Vignette {
    pub id: String,
    pub version: String,
    pub sector: String,
    pub title: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<Text>,
    #[serde(default)]
    pub legal_basis: Vec<String>,
    pub languages: Vec<String>,
    /// Names of people outside the group's staff whom no factor names: a
    /// clause they open is theirs, not the group's.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_people: Vec<String>,
    pub factors: Vec<Factor>,
    pub stages: Vec<Stage>,
}

/// A factorial variable whose levels fill the templates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Factor {
    pub id: String,
    pub label: Text,
    /// Whether the names its levels set are other people's (children,
    /// parents), whose clauses are not the group's own actions; `false`
    /// for a factor naming the group's own staff or no person.
    #[serde(default = "yes", skip_serializing_if = "is_yes")]
    pub others: bool,
    pub levels: Vec<Level>,
}

fn yes() -> bool {
    true
}

fn is_yes(value: &bool) -> bool {
    *value
}

/// One level of a factor and the template variables it sets per language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Level {
    pub id: String,
    pub label: Text,
    pub values: BTreeMap<String, BTreeMap<String, String>>,
}

/// One step of the story, with the prompts the group answers at that step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stage {
    pub id: String,
    pub title: Text,
    pub text: Text,
    pub prompts: Vec<Prompt>,
}

/// A question put to the group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Prompt {
    pub id: String,
    pub text: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<Text>,
    #[serde(flatten)]
    pub kind: PromptKind,
}

/// What kind of answer a prompt takes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum PromptKind {
    /// Free text up to `max_length` characters.
    Text { max_length: u32 },
    /// Exactly one option.
    Single { options: Vec<ChoiceOption> },
    /// Any number of options, within the optional bounds.
    Multi {
        options: Vec<ChoiceOption>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min_choices: Option<u32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_choices: Option<u32>,
    },
    /// Options in order of priority: all of them, or the first
    /// `min_ranked` or more where a partial ranking is allowed (an option
    /// left out has no position).
    Rank {
        options: Vec<ChoiceOption>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min_ranked: Option<u32>,
    },
    /// An integer from `min` to `max`.
    Likert {
        min: i64,
        max: i64,
        anchors: Vec<Anchor>,
    },
}

impl PromptKind {
    /// The kind's name as written in the JSON.
    pub fn name(&self) -> &'static str {
        match self {
            PromptKind::Text { .. } => "text",
            PromptKind::Single { .. } => "single",
            PromptKind::Multi { .. } => "multi",
            PromptKind::Rank { .. } => "rank",
            PromptKind::Likert { .. } => "likert",
        }
    }

    /// The options of a choice prompt; empty for text and Likert prompts.
    pub fn options(&self) -> &[ChoiceOption] {
        match self {
            PromptKind::Single { options }
            | PromptKind::Multi { options, .. }
            | PromptKind::Rank { options, .. } => options,
            PromptKind::Text { .. } | PromptKind::Likert { .. } => &[],
        }
    }
}

/// An option of a choice prompt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChoiceOption {
    pub id: String,
    pub label: Text,
}

/// A labelled point of a Likert scale.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Anchor {
    pub value: i64,
    pub label: Text,
}

/// Phrase lists the bank's rubrics share: a rubric term `@name` stands
/// for entry `name`'s terms in the answer's language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Lexicon {
    pub id: String,
    pub version: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub languages: Vec<String>,
    /// Entry name → phrases per language.
    pub entries: BTreeMap<String, Terms>,
}

/// How the answers to one vignette are scored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rubric {
    pub id: String,
    pub version: String,
    /// Id of the vignette this rubric scores.
    pub vignette: String,
    pub title: Text,
    #[serde(default)]
    pub legal_basis: Vec<String>,
    pub languages: Vec<String>,
    pub criteria: Vec<Criterion>,
    #[serde(default)]
    pub red_flags: Vec<RedFlag>,
}

/// One thing a good answer does, in one dimension.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Criterion {
    pub id: String,
    pub dimension: String,
    pub weight: f64,
    /// Whether its absence is reported on its own.
    #[serde(default)]
    pub critical: bool,
    pub title: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Text>,
    /// Ordered levels, lowest (0) first.
    pub levels: Vec<LevelDescriptor>,
    pub evidence: Evidence,
}

impl Criterion {
    /// The highest level the criterion can reach.
    pub fn max_level(&self) -> u8 {
        self.levels.iter().map(|l| l.level).max().unwrap_or(0)
    }
}

/// A level of a criterion and what an answer at that level looks like.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LevelDescriptor {
    pub level: u8,
    pub descriptor: Text,
}

/// The rules that earn a criterion its levels.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    #[serde(default)]
    pub options: Vec<OptionRule>,
    #[serde(default)]
    pub ranks: Vec<RankRule>,
    #[serde(default)]
    pub likert: Vec<LikertRule>,
    #[serde(default)]
    pub phrases: Vec<PhraseRule>,
    #[serde(default)]
    pub negative: Vec<NegativeRule>,
    /// Levels read against the rest of the card, applied after counter-phrases
    /// and red flags; the first rule that fits moves the level.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub profile: Vec<ProfileRule>,
}

/// A level read against the rest of the card: where the criterion's level
/// is `from` and the other criteria's levels (each over its maximum,
/// averaged) are at least `others_at_least` or below `others_below`, the
/// level becomes `to`, one step up or down. Calibrated on human ratings:
/// raters read a criterion in the light of the whole answer, and a rule
/// says where they do so consistently.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProfileRule {
    pub from: u8,
    pub to: u8,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub others_at_least: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub others_below: Option<f64>,
}

impl ProfileRule {
    /// Whether the rule fits a criterion at `level` with the rest of the card at `others`.
    pub fn fits(&self, level: u8, others: f64) -> bool {
        level == self.from
            && self.others_at_least.is_none_or(|t| others >= t)
            && self.others_below.is_none_or(|t| others < t)
    }
}

/// Choosing `option` in a single or multi prompt earns `level`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OptionRule {
    pub prompt: String,
    pub option: String,
    pub level: u8,
}

/// Ranking `option` at position `top` or better (1 is first) earns `level`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RankRule {
    pub prompt: String,
    pub option: String,
    pub top: u32,
    pub level: u8,
}

/// A Likert answer in `min..=max` earns `level`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LikertRule {
    pub prompt: String,
    pub min: i64,
    pub max: i64,
    pub level: u8,
}

/// Writing one of the terms (not negated) earns `level`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PhraseRule {
    pub level: u8,
    /// Text prompts to look in; all text prompts when `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompts: Option<Vec<String>>,
    /// Each earns the level on its own (none for a rule of `elements` only).
    #[serde(default, skip_serializing_if = "Terms::is_empty")]
    pub terms: Terms,
    /// When given, a term counts only in a clause that also has one of
    /// these (an action bound to its object, in either order).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub with: Option<Terms>,
    /// With `with`: the `with` term must come first in the clause (the
    /// action before its object: "varsle rektor", not "rektor varsler").
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub with_first: bool,
    /// When given, a term does not count in a clause that also has one of
    /// these (someone or something else the words are about).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub without: Option<Terms>,
    /// When given, the level needs at least `at_least` of these elements
    /// (each a list of terms) in the answers, besides or instead of `terms`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub elements: Option<Elements>,
}

/// A conjunction: at least `at_least` of the `of` elements, each written
/// with one of its terms.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Elements {
    pub at_least: u8,
    pub of: Vec<Terms>,
}

/// Writing one of the terms lowers the criterion by `lower` levels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NegativeRule {
    #[serde(default = "one")]
    pub lower: u8,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompts: Option<Vec<String>>,
    pub terms: Terms,
}

fn one() -> u8 {
    1
}

/// A known mistake; when raised it caps or lowers criteria.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RedFlag {
    pub id: String,
    pub label: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompts: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terms: Option<Terms>,
    #[serde(default)]
    pub options: Vec<FlagOption>,
    pub effects: Vec<Effect>,
}

/// An option whose choice raises a red flag (for rank prompts: ranked at `top` or better).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlagOption {
    pub prompt: String,
    pub option: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub top: Option<u32>,
}

/// What a red flag does to one criterion: exactly one of `cap` and `lower` is set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Effect {
    pub criterion: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cap: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lower: Option<u8>,
}
