//! The one renderer every face uses: a vignette's stages in one language with
//! chosen factor levels, as plain text, Markdown, HTML or JSON.
//!
//! Bank texts are minijinja templates with strict undefined variables; their
//! variables come only from factor levels. Answers and any other user text are
//! never template source: output formats receive rendered text as data, and
//! the HTML page escapes it.

mod handout;
mod output;

use std::collections::BTreeMap;

use minijinja::Environment;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use crate::bank::templates::{self, variables};
use crate::bank::{Level, Prompt, PromptKind, Text, Vignette, localized};

pub(crate) use handout::escape_markdown;
pub use handout::{Handout, HandoutFormat, HandoutGroup};
pub use output::Format;

/// Why a vignette could not be rendered as asked.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RenderError {
    #[error("vignette {vignette} has no factor `{factor}`; its factors are: {known}")]
    UnknownFactor {
        vignette: String,
        factor: String,
        known: String,
    },
    #[error("factor `{factor}` has no level `{level}`; its levels are: {known}")]
    UnknownLevel {
        factor: String,
        level: String,
        known: String,
    },
    #[error("vignette {vignette} is not written in `{language}`; it has: {known}")]
    UnknownLanguage {
        vignette: String,
        language: String,
        known: String,
    },
    #[error("vignette {vignette} has {count} stages; stage {stage} does not exist")]
    UnknownStage {
        vignette: String,
        stage: usize,
        count: usize,
    },
    #[error("cannot render {place}: {message}")]
    Template { place: String, message: String },
}

/// Which stages to render.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stages {
    All,
    /// One stage, counted from 1.
    Number(usize),
}

/// The level chosen for one factor.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChosenLevel {
    pub factor: String,
    pub factor_label: String,
    pub level: String,
    pub level_label: String,
}

/// What to render: language, stages, factor levels.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub language: String,
    pub stages: Stages,
    /// Factor id → level id; factors not named take their first level, or a
    /// seeded random level when `seed` is set.
    pub levels: BTreeMap<String, String>,
    pub seed: Option<u64>,
}

/// A vignette rendered for one group: plain data, ready for any output format.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RenderedVignette {
    pub id: String,
    pub version: String,
    pub language: String,
    pub title: String,
    pub stage_count: usize,
    pub factors: Vec<ChosenLevel>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    pub stages: Vec<RenderedStage>,
}

/// One stage of a rendered vignette.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RenderedStage {
    /// Counted from 1.
    pub number: usize,
    pub id: String,
    pub title: String,
    pub text: String,
    pub prompts: Vec<RenderedPrompt>,
}

/// One rendered prompt, with whatever its kind needs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RenderedPrompt {
    pub id: String,
    pub kind: &'static str,
    pub text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u32>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<RenderedOption>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_choices: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_choices: Option<u32>,
    /// How many options a partial ranking lists at least (none: all).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_ranked: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max: Option<i64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub anchors: Vec<RenderedAnchor>,
}

impl RenderedPrompt {
    /// The label of one of its options, or the id itself if there is none.
    pub fn option_label<'a>(&'a self, id: &'a str) -> &'a str {
        self.options
            .iter()
            .find(|o| o.id == id)
            .map_or(id, |o| o.label.as_str())
    }

    /// A Likert point with its anchor label where it has one: `4 · Svært alvorlig`.
    pub fn likert_label(&self, value: i64) -> String {
        match self.anchors.iter().find(|a| a.value == value) {
            Some(a) => format!("{value} · {}", a.label),
            None => value.to_string(),
        }
    }

    /// An answer in words, one part per chosen option: the text as written,
    /// option labels (numbered for a ranking), or a Likert point with its
    /// anchor and scale.
    pub fn answer_in_words(&self, value: &serde_json::Value) -> Vec<String> {
        use serde_json::Value;
        let label = |id: &Value| {
            self.option_label(id.as_str().unwrap_or_default())
                .to_string()
        };
        match value {
            Value::String(text) if self.kind == "text" => vec![text.clone()],
            Value::String(_) => vec![label(value)],
            Value::Array(items) if self.kind == "rank" => items
                .iter()
                .enumerate()
                .map(|(i, id)| format!("{}. {}", i + 1, label(id)))
                .collect(),
            Value::Array(items) => items.iter().map(label).collect(),
            Value::Number(n) => vec![format!(
                "{} (on {}–{})",
                self.likert_label(n.as_i64().unwrap_or_default()),
                self.min.unwrap_or_default(),
                self.max.unwrap_or_default()
            )],
            other => vec![other.to_string()],
        }
    }
}

/// A rendered option of a choice prompt.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RenderedOption {
    pub id: String,
    pub label: String,
}

/// A labelled point of a rendered Likert scale.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RenderedAnchor {
    pub value: i64,
    pub label: String,
}

/// Picks a level for every factor: the requested ones, then first or seeded-random levels.
pub fn choose_levels<'v>(
    vignette: &'v Vignette,
    request: &Request,
) -> Result<Vec<(ChosenLevel, &'v Level)>, RenderError> {
    for factor in request.levels.keys() {
        if !vignette.factors.iter().any(|f| &f.id == factor) {
            return Err(RenderError::UnknownFactor {
                vignette: vignette.id.clone(),
                factor: factor.clone(),
                known: join(vignette.factors.iter().map(|f| f.id.as_str())),
            });
        }
    }
    let mut rng = request.seed.map(ChaCha8Rng::seed_from_u64);
    let language = &request.language;
    vignette
        .factors
        .iter()
        .map(|factor| {
            let level = match request.levels.get(&factor.id) {
                Some(wanted) => {
                    factor
                        .levels
                        .iter()
                        .find(|l| &l.id == wanted)
                        .ok_or_else(|| RenderError::UnknownLevel {
                            factor: factor.id.clone(),
                            level: wanted.clone(),
                            known: join(factor.levels.iter().map(|l| l.id.as_str())),
                        })?
                }
                None => match rng.as_mut() {
                    Some(rng) => &factor.levels[rng.random_range(0..factor.levels.len())],
                    None => &factor.levels[0],
                },
            };
            let chosen = ChosenLevel {
                factor: factor.id.clone(),
                factor_label: localized(&factor.label, language),
                level: level.id.clone(),
                level_label: localized(&level.label, language),
            };
            Ok((chosen, level))
        })
        .collect()
}

/// Renders the requested stages of a vignette.
pub fn render(vignette: &Vignette, request: &Request) -> Result<RenderedVignette, RenderError> {
    let language = request.language.as_str();
    if !vignette.languages.iter().any(|l| l == language) {
        return Err(RenderError::UnknownLanguage {
            vignette: vignette.id.clone(),
            language: language.to_string(),
            known: join(vignette.languages.iter().map(String::as_str)),
        });
    }
    let chosen = choose_levels(vignette, request)?;
    let context = variables(language, chosen.iter().map(|(_, level)| *level));
    let filler = Filler {
        env: templates::environment(),
        context,
        language,
    };
    let count = vignette.stages.len();
    let numbers: Vec<usize> = match request.stages {
        Stages::All => (1..=count).collect(),
        Stages::Number(n) if (1..=count).contains(&n) => vec![n],
        Stages::Number(stage) => {
            return Err(RenderError::UnknownStage {
                vignette: vignette.id.clone(),
                stage,
                count,
            });
        }
    };
    let stages = numbers
        .into_iter()
        .map(|number| filler.stage(vignette, number))
        .collect::<Result<_, _>>()?;
    Ok(RenderedVignette {
        id: vignette.id.clone(),
        version: vignette.version.clone(),
        language: language.to_string(),
        title: localized(&vignette.title, language),
        stage_count: count,
        factors: chosen.into_iter().map(|(c, _)| c).collect(),
        seed: request.seed,
        stages,
    })
}

/// Fills the templates of one vignette for one language and combination.
struct Filler<'a> {
    env: Environment<'static>,
    context: BTreeMap<String, String>,
    language: &'a str,
}

impl Filler<'_> {
    fn fill(&self, text: &Text, place: impl Fn() -> String) -> Result<String, RenderError> {
        let source = text
            .get(self.language)
            .ok_or_else(|| RenderError::Template {
                place: place(),
                message: format!("no text in `{}`", self.language),
            })?;
        self.env
            .render_str(source, &self.context)
            .map_err(|e| RenderError::Template {
                place: place(),
                message: e.to_string(),
            })
    }

    fn stage(&self, vignette: &Vignette, number: usize) -> Result<RenderedStage, RenderError> {
        let stage = &vignette.stages[number - 1];
        let at = format!("{} stage {number}", vignette.id);
        let prompts = stage
            .prompts
            .iter()
            .map(|prompt| self.prompt(prompt, &format!("{at} prompt {}", prompt.id)))
            .collect::<Result<_, _>>()?;
        Ok(RenderedStage {
            number,
            id: stage.id.clone(),
            title: localized(&stage.title, self.language),
            text: self.fill(&stage.text, || format!("{at} text"))?,
            prompts,
        })
    }

    fn prompt(&self, prompt: &Prompt, at: &str) -> Result<RenderedPrompt, RenderError> {
        let options = prompt
            .kind
            .options()
            .iter()
            .map(|o| {
                Ok(RenderedOption {
                    id: o.id.clone(),
                    label: self.fill(&o.label, || format!("{at} option {}", o.id))?,
                })
            })
            .collect::<Result<_, RenderError>>()?;
        let help = match &prompt.help {
            Some(help) => Some(self.fill(help, || format!("{at} help"))?),
            None => None,
        };
        let mut rendered = RenderedPrompt {
            id: prompt.id.clone(),
            kind: prompt.kind.name(),
            text: self.fill(&prompt.text, || format!("{at} text"))?,
            help,
            max_length: None,
            options,
            min_choices: None,
            max_choices: None,
            min_ranked: None,
            min: None,
            max: None,
            anchors: Vec::new(),
        };
        match &prompt.kind {
            PromptKind::Text { max_length } => rendered.max_length = Some(*max_length),
            PromptKind::Multi {
                min_choices,
                max_choices,
                ..
            } => {
                rendered.min_choices = *min_choices;
                rendered.max_choices = *max_choices;
            }
            PromptKind::Likert { min, max, anchors } => {
                rendered.min = Some(*min);
                rendered.max = Some(*max);
                rendered.anchors = anchors
                    .iter()
                    .map(|a| RenderedAnchor {
                        value: a.value,
                        label: localized(&a.label, self.language),
                    })
                    .collect();
            }
            PromptKind::Rank { min_ranked, .. } => rendered.min_ranked = *min_ranked,
            PromptKind::Single { .. } => {}
        }
        Ok(rendered)
    }
}

fn join<'a>(items: impl Iterator<Item = &'a str>) -> String {
    items.collect::<Vec<_>>().join(", ")
}
