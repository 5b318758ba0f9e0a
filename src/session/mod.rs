//! Sessions: one workshop of one offering, phase and site. Creating a session
//! pins the exact instruments and the design; answers from any face (the
//! terminal runner, answer files, paper transcriptions) are checked against
//! the pinned prompts and stored all or nothing.
//!
//! Every face shows an assignment through one view
//! ([`Session::render_assignment`]); progress and the answers as rows are in
//! `progress`.
//!
//! Not for presentation or reading files: this module returns data and knows
//! no terminal; the files and streams answers come in are read by `input`.

pub mod answer;
mod create;
pub mod join;
mod progress;
pub mod runner;

use std::collections::BTreeMap;

use serde_json::Value;

use crate::bank::{Prompt, Rubric, Study, Vignette};
use crate::input::{Place, Problem, StreamedAnswer, parse_answer_file, parse_import_csv};
use crate::render::{self, RenderError, RenderedVignette, Request, Stages};
use crate::store::{
    AnswerRecord, AssignmentRecord, GroupRecord, InstrumentRecord, SessionRecord, Store, StoreError,
};

pub use create::{
    Parsed, Planned, SECTOR, SessionSpec, VignetteChoice, fits_site, form_for, plan, same_workshop,
};
pub use progress::{AnswerRow, Status, StatusRow, answer_rows, status};

/// Why a session command could not be carried out.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    /// The request does not fit the study or the bank (a usage error).
    #[error("{0}")]
    Spec(String),
    #[error(transparent)]
    Design(#[from] crate::design::DesignError),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Answers that do not fit the pinned prompts; nothing was stored.
    #[error("{} problem(s) in {source_name}; nothing was stored", problems.len())]
    Answers {
        source_name: String,
        problems: Vec<Problem>,
    },
}

impl SessionError {
    /// Answers from `source_name` refused for their problems.
    pub fn rejected(source_name: &str, problems: Vec<Problem>) -> SessionError {
        SessionError::Answers {
            source_name: source_name.to_string(),
            problems,
        }
    }
}

/// A stored session with its pinned instruments parsed.
#[derive(Debug, Clone)]
pub struct Session {
    pub record: SessionRecord,
    pub study: Study,
    pub groups: Vec<GroupRecord>,
    pub assignments: Vec<AssignmentRecord>,
    /// Pinned vignettes by content hash.
    pub vignettes: BTreeMap<String, Vignette>,
    /// Pinned rubrics by content hash.
    pub rubrics: BTreeMap<String, Rubric>,
}

/// The blind code of a unit (one group's answers to one vignette): `U` and
/// 10 hex digits of SHA-256 of `session/group/vignette`.
pub fn unit_code(session: &str, group: &str, vignette: &str) -> String {
    let hash = content_hash(&format!("{session}/{group}/{vignette}"));
    format!("U{}", &hash[..10])
}

/// Loads a session and parses the instruments it pinned (never the bank).
pub fn load(store: &Store, id: &str) -> Result<Session, SessionError> {
    let record = store.session(id)?;
    let groups = store.groups(id)?;
    let assignments = store.assignments(id)?;
    assemble(record, groups, assignments, &mut Stored(store))
}

/// Where [`assemble`] gets a session's pinned instruments, by content hash.
trait Instruments {
    fn study(&mut self, hash: &str) -> Result<Study, SessionError>;
    fn vignette(&mut self, hash: &str) -> Result<Vignette, SessionError>;
    fn rubric(&mut self, hash: &str) -> Result<Rubric, SessionError>;
}

/// The instruments pinned in a store, parsed when asked for.
struct Stored<'s>(&'s Store);

impl Instruments for Stored<'_> {
    fn study(&mut self, hash: &str) -> Result<Study, SessionError> {
        pinned(self.0, hash)
    }

    fn vignette(&mut self, hash: &str) -> Result<Vignette, SessionError> {
        pinned(self.0, hash)
    }

    fn rubric(&mut self, hash: &str) -> Result<Rubric, SessionError> {
        pinned(self.0, hash)
    }
}

/// A session from its records and its pinned instruments.
fn assemble(
    record: SessionRecord,
    groups: Vec<GroupRecord>,
    assignments: Vec<AssignmentRecord>,
    instruments: &mut impl Instruments,
) -> Result<Session, SessionError> {
    let study = instruments.study(&record.study_hash)?;
    let mut vignettes = BTreeMap::new();
    let mut rubrics = BTreeMap::new();
    for a in &assignments {
        if !vignettes.contains_key(&a.vignette_hash) {
            let vignette = instruments.vignette(&a.vignette_hash)?;
            vignettes.insert(a.vignette_hash.clone(), vignette);
        }
        if !rubrics.contains_key(&a.rubric_hash) {
            let rubric = instruments.rubric(&a.rubric_hash)?;
            rubrics.insert(a.rubric_hash.clone(), rubric);
        }
    }
    Ok(Session {
        record,
        study,
        groups,
        assignments,
        vignettes,
        rubrics,
    })
}

/// A pinned instrument (study, vignette or rubric) by content hash, parsed.
pub(crate) fn pinned<T: serde::de::DeserializeOwned>(
    store: &Store,
    hash: &str,
) -> Result<T, SessionError> {
    parse_pinned(&store.instrument(hash)?)
}

fn parse_pinned<T: serde::de::DeserializeOwned>(
    record: &InstrumentRecord,
) -> Result<T, SessionError> {
    serde_json::from_str(&record.text).map_err(|e| {
        StoreError::Corrupt(format!("pinned {} {}: {e}", record.kind, record.item_id)).into()
    })
}

/// The SHA-256 of a text, as lower-case hex.
pub fn content_hash(text: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl Session {
    /// Every prompt a group must answer, as (group, vignette, prompt): the
    /// groups in session order (or only `group`), each group's vignettes in
    /// planned order, each vignette's prompts stage by stage. The rows of a
    /// blank transcription sheet.
    pub fn prompt_rows(&self, group: Option<&str>) -> Result<Vec<[String; 3]>, String> {
        if let Some(group) = group {
            self.has_group(group)?;
        }
        let mut rows = Vec::new();
        for g in self
            .groups
            .iter()
            .filter(|g| group.is_none_or(|only| g.label == only))
        {
            let mut planned: Vec<&AssignmentRecord> = self
                .assignments
                .iter()
                .filter(|a| a.group == g.label)
                .collect();
            planned.sort_by_key(|a| a.position);
            for assignment in planned {
                let Some(vignette) = self.vignettes.get(&assignment.vignette_hash) else {
                    continue;
                };
                for prompt in vignette.stages.iter().flat_map(|s| &s.prompts) {
                    rows.push([g.label.clone(), vignette.id.clone(), prompt.id.clone()]);
                }
            }
        }
        Ok(rows)
    }

    /// An error naming the session's groups when it has no group `group`.
    fn has_group(&self, group: &str) -> Result<(), String> {
        if self.groups.iter().any(|g| g.label == group) {
            return Ok(());
        }
        let known: Vec<&str> = self.groups.iter().map(|g| g.label.as_str()).collect();
        Err(format!(
            "no group `{group}` in session {}; its groups are: {}",
            self.record.id,
            known.join(", ")
        ))
    }

    /// The assignment of `vignette` to `group`, or what the session has instead.
    pub fn assignment(&self, group: &str, vignette: &str) -> Result<&AssignmentRecord, String> {
        self.has_group(group)?;
        self.assignments
            .iter()
            .find(|a| a.group == group && a.vignette == vignette)
            .ok_or_else(|| {
                let planned: Vec<&str> = self
                    .assignments
                    .iter()
                    .filter(|a| a.group == group)
                    .map(|a| a.vignette.as_str())
                    .collect();
                format!(
                    "group `{group}` has no vignette `{vignette}` in this session; it has: {}",
                    planned.join(", ")
                )
            })
    }

    /// The pinned vignette of an assignment.
    pub fn vignette(&self, assignment: &AssignmentRecord) -> &Vignette {
        // `load` pinned every assignment's vignette.
        &self.vignettes[&assignment.vignette_hash]
    }

    /// An assignment as its group sees it: the pinned vignette in the
    /// session's language with the assignment's factor levels, every stage.
    /// The one view of an assignment every face shows (runner, handouts,
    /// rating screens).
    pub fn render_assignment(
        &self,
        assignment: &AssignmentRecord,
    ) -> Result<RenderedVignette, RenderError> {
        let request = Request {
            language: self.record.language.clone(),
            stages: Stages::All,
            levels: assignment.levels.clone(),
            seed: None,
        };
        render::render(self.vignette(assignment), &request)
    }

    /// Checks a group's answers to one vignette against the pinned prompts.
    ///
    /// `answers` maps prompt id → (place for messages, value). All problems are
    /// returned together; on success the records are ready to store.
    pub fn check_answers(
        &self,
        group: &str,
        vignette: &str,
        answers: &[(Place, String, Value)],
        source: &str,
    ) -> Result<Vec<AnswerRecord>, Vec<Problem>> {
        let assignment = self.assignment(group, vignette).map_err(|message| {
            let place = answers.first().map(|(place, _, _)| place.clone());
            vec![place.unwrap_or_default().problem(message)]
        })?;
        let prompts: BTreeMap<&str, (u32, &Prompt)> = self
            .vignette(assignment)
            .stages
            .iter()
            .enumerate()
            .flat_map(|(s, stage)| {
                stage
                    .prompts
                    .iter()
                    .map(move |p| (p.id.as_str(), (s as u32 + 1, p)))
            })
            .collect();
        let mut records = Vec::new();
        let mut problems = Vec::new();
        for (place, prompt_id, value) in answers {
            let Some((stage, prompt)) = prompts.get(prompt_id.as_str()) else {
                let known: Vec<&str> = prompts.keys().copied().collect();
                problems.push(place.problem(format!(
                    "vignette `{vignette}` has no prompt `{prompt_id}`; its prompts are: {}",
                    known.join(", ")
                )));
                continue;
            };
            match answer::check(prompt, value) {
                Ok(value) => records.push(AnswerRecord {
                    group: group.to_string(),
                    vignette: vignette.to_string(),
                    prompt: prompt_id.clone(),
                    stage: *stage,
                    kind: prompt.kind.name().to_string(),
                    value,
                    source: source.to_string(),
                }),
                Err(message) => problems.push(place.problem(format!(
                    "{} prompt `{prompt_id}`: {message}",
                    prompt.kind.name()
                ))),
            }
        }
        if problems.is_empty() {
            Ok(records)
        } else {
            Err(problems)
        }
    }
}

/// Stores one group's answers to one vignette from an answer file, all or nothing.
///
/// Returns how many answers were stored.
pub fn store_answer_file(
    store: &mut Store,
    id: &str,
    name: &str,
    bytes: &[u8],
) -> Result<usize, SessionError> {
    let session = load(store, id)?;
    store_answer_file_in(store, &session, name, bytes)
}

/// [`store_answer_file`] for a session already loaded, to store many files
/// in a row without parsing its pinned instruments for each.
pub fn store_answer_file_in(
    store: &mut Store,
    session: &Session,
    name: &str,
    bytes: &[u8],
) -> Result<usize, SessionError> {
    let records = check_answer_file(session, name, bytes)?;
    store.save_answers(&session.record.id, &records)?;
    Ok(records.len())
}

/// Parses an answer file and checks it against the session's pinned
/// prompts: the records `session answer --file` would store.
pub fn check_answer_file(
    session: &Session,
    name: &str,
    bytes: &[u8],
) -> Result<Vec<AnswerRecord>, SessionError> {
    let rejected = |problems| SessionError::rejected(name, problems);
    let file = parse_answer_file(name, bytes).map_err(rejected)?;
    session
        .check_answers(&file.group, &file.vignette, &file.answers, "file")
        .map_err(rejected)
}

/// Stores the rows of a paper transcription CSV, all or nothing.
///
/// Returns how many answers were stored.
pub fn store_import(
    store: &mut Store,
    id: &str,
    name: &str,
    bytes: &[u8],
) -> Result<usize, SessionError> {
    let session = load(store, id)?;
    let rejected = |problems| SessionError::rejected(name, problems);
    let rows = parse_import_csv(name, bytes).map_err(rejected)?;
    let mut records = Vec::new();
    let mut problems = Vec::new();
    for (place, group, vignette, prompt, raw) in rows {
        let kind = session
            .assignment(&group, &vignette)
            .ok()
            .and_then(|a| {
                session
                    .vignette(a)
                    .stages
                    .iter()
                    .flat_map(|s| &s.prompts)
                    .find(|p| p.id == prompt)
            })
            .map_or("text", |p| p.kind.name());
        let answer = [(place, prompt, crate::input::value_for(kind, &raw))];
        match session.check_answers(&group, &vignette, &answer, "import") {
            Ok(checked) => records.extend(checked),
            Err(found) => problems.extend(found),
        }
    }
    if !problems.is_empty() {
        return Err(rejected(problems));
    }
    store.save_answers(id, &records)?;
    Ok(records.len())
}

/// Checks and stores one streamed answer in its own transaction; returns
/// the stored record and its revision once it is committed.
pub fn store_streamed(
    store: &mut Store,
    session: &Session,
    place: &Place,
    answer: StreamedAnswer,
) -> Result<(AnswerRecord, u32), Vec<Problem>> {
    let records = session.check_answers(
        &answer.group,
        &answer.vignette,
        &[(place.clone(), answer.prompt.clone(), answer.value)],
        "stream",
    )?;
    let revisions = store
        .save_answers(&session.record.id, &records)
        .map_err(|e| vec![place.problem(e.to_string())])?;
    let record = records.into_iter().next().expect("one answer checked");
    Ok((record, revisions[0]))
}
