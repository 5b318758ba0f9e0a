//! What a session holds, as data: progress per group and vignette, and the
//! answers as export rows for statistics packages.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::store::ResponseRecord;

use super::Session;

/// Progress of one group on one vignette.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StatusRow {
    pub group: String,
    pub position: u32,
    pub vignette: String,
    pub levels: BTreeMap<String, String>,
    /// Stages shown so far.
    pub revealed: u32,
    pub stages: usize,
    /// Per stage: prompts answered and prompts in the stage.
    pub answered: Vec<[usize; 2]>,
}

/// Progress of a whole session.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Status {
    pub session: String,
    pub closed: bool,
    pub answers: usize,
    pub revisions: usize,
    pub rows: Vec<StatusRow>,
}

/// Progress of every group on every vignette of the session.
pub fn status(session: &Session, responses: &[ResponseRecord]) -> Status {
    let rows = session
        .assignments
        .iter()
        .map(|a| {
            let vignette = session.vignette(a);
            let answered = vignette
                .stages
                .iter()
                .map(|stage| {
                    let done = stage
                        .prompts
                        .iter()
                        .filter(|p| {
                            responses.iter().any(|r| {
                                r.answer.group == a.group
                                    && r.answer.vignette == a.vignette
                                    && r.answer.prompt == p.id
                            })
                        })
                        .count();
                    [done, stage.prompts.len()]
                })
                .collect();
            StatusRow {
                group: a.group.clone(),
                position: a.position,
                vignette: a.vignette.clone(),
                levels: a.levels.clone(),
                revealed: a.revealed,
                stages: vignette.stages.len(),
                answered,
            }
        })
        .collect();
    Status {
        session: session.record.id.clone(),
        closed: session.record.closed_at.is_some(),
        answers: responses.iter().filter(|r| r.revision == 1).count(),
        revisions: responses.len(),
        rows,
    }
}

/// One stored answer (one revision) with everything an analysis needs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AnswerRow {
    pub session: String,
    pub group: String,
    pub site: String,
    pub site_attributes: BTreeMap<String, String>,
    pub offering: String,
    pub phase: String,
    pub cohort: String,
    pub roles: BTreeMap<String, u32>,
    pub vignette: String,
    pub levels: BTreeMap<String, String>,
    pub stage: u32,
    pub prompt: String,
    pub kind: String,
    pub value: serde_json::Value,
    pub revision: u32,
    /// Whether this is the revision that counts (the latest).
    pub latest: bool,
    pub answered_at: String,
    pub source: String,
    pub language: String,
    pub study_hash: String,
    pub vignette_hash: String,
    pub rubric_hash: String,
}

/// Every stored answer of a session as export rows, in the order stored.
pub fn answer_rows(session: &Session, responses: &[ResponseRecord]) -> Vec<AnswerRow> {
    let mut latest: BTreeMap<(&str, &str, &str), u32> = BTreeMap::new();
    for r in responses {
        let key = (
            r.answer.group.as_str(),
            r.answer.vignette.as_str(),
            r.answer.prompt.as_str(),
        );
        let entry = latest.entry(key).or_default();
        *entry = (*entry).max(r.revision);
    }
    let record = &session.record;
    responses
        .iter()
        .filter_map(|r| {
            let a = &r.answer;
            let assignment = session.assignment(&a.group, &a.vignette).ok()?;
            let roles = session
                .groups
                .iter()
                .find(|g| g.label == a.group)
                .map(|g| g.roles.clone())
                .unwrap_or_default();
            Some(AnswerRow {
                session: record.id.clone(),
                group: a.group.clone(),
                site: record.site.clone(),
                site_attributes: record.site_attributes.clone(),
                offering: record.offering.clone(),
                phase: record.phase.clone(),
                cohort: record.cohort.clone(),
                roles,
                vignette: a.vignette.clone(),
                levels: assignment.levels.clone(),
                stage: a.stage,
                prompt: a.prompt.clone(),
                kind: a.kind.clone(),
                value: a.value.clone(),
                revision: r.revision,
                latest: latest[&(a.group.as_str(), a.vignette.as_str(), a.prompt.as_str())]
                    == r.revision,
                answered_at: r.answered_at.clone(),
                source: a.source.clone(),
                language: record.language.clone(),
                study_hash: record.study_hash.clone(),
                vignette_hash: assignment.vignette_hash.clone(),
                rubric_hash: assignment.rubric_hash.clone(),
            })
        })
        .collect()
}
