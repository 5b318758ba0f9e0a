//! The blind view of a unit, what raters see: its code, the case as the
//! group read it and the group's answers in words. Never the group, the
//! site, the offering, the phase or the session's other details, so that
//! ratings cannot lean on what they are meant to compare (a rule of
//! research integrity, kept here for every face).

use std::collections::BTreeMap;

use crate::render::RenderError;
use crate::scoring::latest_answers;
use crate::session::{Session, SessionError};
use crate::store::Store;

use super::Unit;

/// One unit as raters see it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct BlindUnit {
    pub code: String,
    /// The vignette's id and title.
    pub vignette: String,
    pub title: String,
    pub stages: Vec<BlindStage>,
}

/// One stage of the case with the group's answers to its prompts.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct BlindStage {
    pub number: usize,
    pub title: String,
    pub text: String,
    pub prompts: Vec<BlindPrompt>,
}

/// A prompt with the group's latest answer in words, one line each (a
/// text, the chosen options, a ranking, a Likert point with its anchor);
/// `None` where the group did not answer.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct BlindPrompt {
    pub id: String,
    pub text: String,
    pub answer: Option<Vec<String>>,
}

/// The blind view of `unit` of `session`.
pub fn blind_unit(
    store: &Store,
    session: &Session,
    unit: &Unit<'_>,
) -> Result<BlindUnit, SessionError> {
    let a = unit.assignment;
    let view = session
        .render_assignment(a)
        .map_err(|e: RenderError| SessionError::Spec(e.to_string()))?;
    let latest = latest_answers(&store.responses(&session.record.id)?);
    let empty = BTreeMap::new();
    let answers = latest
        .get(&(a.group.clone(), a.vignette.clone()))
        .unwrap_or(&empty);
    let stages = view
        .stages
        .iter()
        .map(|stage| BlindStage {
            number: stage.number,
            title: stage.title.clone(),
            text: stage.text.clone(),
            prompts: stage
                .prompts
                .iter()
                .map(|p| BlindPrompt {
                    id: p.id.clone(),
                    text: p.text.clone(),
                    answer: answers.get(&p.id).map(|v| p.answer_in_words(v)),
                })
                .collect(),
        })
        .collect();
    Ok(BlindUnit {
        code: unit.code.clone(),
        vignette: view.id,
        title: view.title,
        stages,
    })
}
