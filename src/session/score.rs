//! Scoring a session: the latest answers of every group and vignette, scored
//! with the pinned rubric (or a newer one from the bank), stored as versions
//! so that rescoring never overwrites and always says what changed.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::bank::{Entry, Rubric};
use crate::scoring::{ScoreCard, Scorer};
use crate::store::{InstrumentRecord, ResponseRecord, ScoreRecord, Store};

use super::{Session, SessionError, content_hash};

/// Whether a score is new, changed since the last scoring, or as before.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ScoreStatus {
    New,
    Rescored,
    Unchanged,
}

/// A criterion whose level changed between two versions of a score.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LevelChange {
    pub criterion: String,
    pub from: u8,
    pub to: u8,
}

/// The score of one group's answers to one vignette, with its provenance.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scored {
    pub group: String,
    pub vignette: String,
    /// The language the answers were scored in.
    pub language: String,
    pub version: u32,
    pub rubric_hash: String,
    pub status: ScoreStatus,
    /// Changes against the previous version (empty unless rescored).
    pub changes: Vec<LevelChange>,
    pub card: ScoreCard,
    /// The answers that were scored (prompt id → latest value).
    #[serde(skip)]
    pub answers: BTreeMap<String, Value>,
}

/// The latest answer to every prompt, by (group, vignette).
pub fn latest_answers(
    responses: &[ResponseRecord],
) -> BTreeMap<(String, String), BTreeMap<String, Value>> {
    let mut latest: BTreeMap<(String, String), BTreeMap<String, (u32, Value)>> = BTreeMap::new();
    for r in responses {
        let a = &r.answer;
        let unit = latest
            .entry((a.group.clone(), a.vignette.clone()))
            .or_default();
        match unit.get(&a.prompt) {
            Some((revision, _)) if *revision > r.revision => {}
            _ => {
                unit.insert(a.prompt.clone(), (r.revision, a.value.clone()));
            }
        }
    }
    latest
        .into_iter()
        .map(|(unit, answers)| {
            (
                unit,
                answers.into_iter().map(|(p, (_, v))| (p, v)).collect(),
            )
        })
        .collect()
}

/// Scores every group and vignette that has answers; stores new and changed
/// scores as new versions, all in one transaction.
///
/// `newer` replaces the pinned rubric of its vignette (it is pinned too).
pub fn score_session(
    store: &mut Store,
    session: &Session,
    newer: Option<&Entry<Rubric>>,
) -> Result<Vec<Scored>, SessionError> {
    let id = &session.record.id;
    if let Some(entry) = newer {
        store.pin(&InstrumentRecord {
            hash: content_hash(&entry.text),
            kind: "rubric".to_string(),
            item_id: entry.item.id.clone(),
            version: entry.item.version.clone(),
            text: entry.text.clone(),
        })?;
    }
    let previous: BTreeMap<(String, String), ScoreRecord> = store
        .latest_scores(id, "auto")?
        .into_iter()
        .map(|s| ((s.group.clone(), s.vignette.clone()), s))
        .collect();
    let mut scored = Vec::new();
    let mut to_store = Vec::new();
    for ((group, vignette), answers) in latest_answers(&store.responses(id)?) {
        let Ok(assignment) = session.assignment(&group, &vignette) else {
            continue;
        };
        let (rubric, rubric_hash) = match newer.filter(|e| e.item.vignette == vignette) {
            Some(entry) => (&entry.item, content_hash(&entry.text)),
            None => (
                &session.rubrics[&assignment.rubric_hash],
                assignment.rubric_hash.clone(),
            ),
        };
        let digest = content_hash(&serde_json::to_string(&answers).unwrap_or_default());
        let before = previous.get(&(group.clone(), vignette.clone()));
        let before_card: Option<ScoreCard> =
            before.and_then(|b| serde_json::from_str(&b.card).ok());
        if let (Some(b), Some(card)) = (before, &before_card)
            && b.rubric_hash == rubric_hash
            && b.answers_digest == digest
        {
            scored.push(Scored {
                group,
                vignette,
                language: session.record.language.clone(),
                version: b.version,
                rubric_hash,
                status: ScoreStatus::Unchanged,
                changes: Vec::new(),
                card: card.clone(),
                answers,
            });
            continue;
        }
        let card = Scorer::new(
            rubric,
            session.vignette(assignment),
            &session.record.language,
        )
        .score(&answers);
        let changes = before_card
            .as_ref()
            .map(|b| level_changes(b, &card))
            .unwrap_or_default();
        to_store.push(ScoreRecord {
            group: group.clone(),
            vignette: vignette.clone(),
            method: "auto".to_string(),
            version: 0,
            rubric_hash: rubric_hash.clone(),
            answers_digest: digest,
            card: serde_json::to_string(&card).unwrap_or_default(),
            scored_at: String::new(),
        });
        let status = if before.is_some() {
            ScoreStatus::Rescored
        } else {
            ScoreStatus::New
        };
        let language = session.record.language.clone();
        scored.push(Scored {
            group,
            vignette,
            language,
            version: 0,
            rubric_hash,
            status,
            changes,
            card,
            answers,
        });
    }
    let versions = store.save_scores(id, &to_store)?;
    let mut versions = versions.into_iter();
    for s in scored
        .iter_mut()
        .filter(|s| s.status != ScoreStatus::Unchanged)
    {
        s.version = versions.next().unwrap_or_default();
    }
    Ok(scored)
}

fn level_changes(before: &ScoreCard, after: &ScoreCard) -> Vec<LevelChange> {
    let old: BTreeMap<&str, u8> = before
        .criteria
        .iter()
        .map(|c| (c.id.as_str(), c.level))
        .collect();
    after
        .criteria
        .iter()
        .filter_map(|c| {
            let from = old.get(c.id.as_str()).copied().unwrap_or(0);
            (from != c.level).then(|| LevelChange {
                criterion: c.id.clone(),
                from,
                to: c.level,
            })
        })
        .collect()
}

/// Prompt id → (revision, value) of the latest revision seen.
type Revisions = BTreeMap<String, (u32, Value)>;

/// One line of a session export, as far as scoring needs it.
#[derive(Debug, Clone, serde::Deserialize)]
struct ExportLine {
    session: String,
    group: String,
    vignette: String,
    prompt: String,
    value: Value,
    revision: u32,
    language: String,
}

/// Scores answers from a session export in JSON lines (`session export
/// --format jsonl`) with the bank's rubrics; nothing is stored.
///
/// Groups are named `SESSION/GROUP` so that several sessions can be scored at once.
pub fn score_export(
    bank: &crate::bank::Bank,
    name: &str,
    bytes: &[u8],
) -> Result<Vec<Scored>, SessionError> {
    let problem = |place: String, message: String| SessionError::Answers {
        source_name: name.to_string(),
        problems: vec![super::Problem { place, message }],
    };
    let text = crate::bank::json::decode_utf8(bytes).map_err(|e| {
        problem(
            format!("{name}:{}:{}", e.position.line, e.position.column),
            e.message,
        )
    })?;
    let mut units: BTreeMap<(String, String, String), (String, Revisions)> = BTreeMap::new();
    for (n, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let line: ExportLine = serde_json::from_str(line).map_err(|e| {
            problem(
                format!("{name} line {}", n + 1),
                format!("not an export line: {e}"),
            )
        })?;
        let unit = units
            .entry((line.session, line.group, line.vignette))
            .or_insert_with(|| (line.language, BTreeMap::new()));
        if unit
            .1
            .get(&line.prompt)
            .is_none_or(|(revision, _)| *revision < line.revision)
        {
            unit.1.insert(line.prompt, (line.revision, line.value));
        }
    }
    units
        .into_iter()
        .map(|((session, group, vignette), (language, answers))| {
            let (Some(v), Some(r)) = (bank.vignette(&vignette), bank.rubric_for(&vignette)) else {
                return Err(problem(
                    name.to_string(),
                    format!("the bank has no vignette and rubric `{vignette}`"),
                ));
            };
            let answers: BTreeMap<String, Value> =
                answers.into_iter().map(|(p, (_, v))| (p, v)).collect();
            let card = Scorer::new(&r.item, &v.item, &language).score(&answers);
            Ok(Scored {
                group: format!("{session}/{group}"),
                language,
                vignette,
                version: 1,
                rubric_hash: content_hash(&r.text),
                status: ScoreStatus::New,
                changes: Vec::new(),
                card,
                answers,
            })
        })
        .collect()
}
