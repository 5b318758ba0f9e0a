//! Where a group stands in a running session: which vignette and stage it
//! has reached, which prompts of the shown stages are answered (the latest
//! revision counts) and which are still open, and what showing "the next
//! stage" means. All of it is derived from the store's records, so a
//! runner that is stopped and started again resumes exactly where it was.
//!
//! Not for presentation or input: no terminal, no prompts. The terminal
//! runner (`vignette session run`) uses it today; a web page can tomorrow.

use std::collections::BTreeMap;

use crate::bank::Prompt;
use crate::store::{AnswerRecord, AssignmentRecord, ResponseRecord, Store, StoreError};

use super::Session;
use super::answer::Problem;

/// Where one group is: its current vignette and how far it has come in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub group: String,
    /// Position of the vignette in the group's plan, from 1.
    pub position: u32,
    /// How many vignettes the group has.
    pub vignettes: u32,
    pub vignette: String,
    /// Stages shown so far (0 before the first).
    pub stage: u32,
    /// Stages of the vignette.
    pub stages: u32,
    /// Prompts of the shown stages that have no answer yet, in stage order.
    pub open: Vec<String>,
}

impl Step {
    /// Whether the group has seen the first stage of this vignette.
    pub fn started(&self) -> bool {
        self.stage > 0
    }
}

/// What showing the next stage to a group reveals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reveal {
    pub group: String,
    pub vignette: String,
    /// Position of the vignette in the group's plan, from 1.
    pub position: u32,
    /// The stage now shown, from 1; 1 means the vignette starts.
    pub stage: u32,
}

/// A prompt of a shown stage and its current answer, if any.
#[derive(Debug, Clone, PartialEq)]
pub struct PromptState<'a> {
    /// Stage of the prompt, from 1.
    pub stage: u32,
    pub prompt: &'a Prompt,
    /// The latest revision stored for it.
    pub current: Option<&'a ResponseRecord>,
}

/// The assignments of one group, in plan order.
pub fn group_plan<'s>(
    assignments: &'s [AssignmentRecord],
    group: &str,
) -> Vec<&'s AssignmentRecord> {
    let mut planned: Vec<&AssignmentRecord> =
        assignments.iter().filter(|a| a.group == group).collect();
    planned.sort_by_key(|a| a.position);
    planned
}

/// The vignette a group is at: the last one it has started, else its first.
fn current<'s>(planned: &[&'s AssignmentRecord]) -> Option<&'s AssignmentRecord> {
    planned
        .iter()
        .rev()
        .find(|a| a.revealed > 0)
        .or_else(|| planned.first())
        .copied()
}

/// Which vignette and stage `group` is at, and what is still open there;
/// `None` when the session has no such group or it has no vignettes.
pub fn position(session: &Session, responses: &[ResponseRecord], group: &str) -> Option<Step> {
    let planned = group_plan(&session.assignments, group);
    let assignment = current(&planned)?;
    let stages = session.vignette(assignment).stages.len() as u32;
    let stage = assignment.revealed.min(stages);
    let mut step = Step {
        group: group.to_string(),
        position: assignment.position,
        vignettes: planned.len() as u32,
        vignette: assignment.vignette.clone(),
        stage,
        stages,
        open: Vec::new(),
    };
    step.open = prompts(session, responses, &step)
        .into_iter()
        .filter(|p| p.current.is_none())
        .map(|p| p.prompt.id.clone())
        .collect();
    Some(step)
}

/// The latest revision of every answered prompt of one group and vignette.
pub fn latest<'r>(
    responses: &'r [ResponseRecord],
    group: &str,
    vignette: &str,
) -> BTreeMap<&'r str, &'r ResponseRecord> {
    let mut found: BTreeMap<&str, &ResponseRecord> = BTreeMap::new();
    for r in responses
        .iter()
        .filter(|r| r.answer.group == group && r.answer.vignette == vignette)
    {
        let entry = found.entry(r.answer.prompt.as_str()).or_insert(r);
        if r.revision > entry.revision {
            *entry = r;
        }
    }
    found
}

/// Every prompt of the stages shown so far, in order, with its current answer.
pub fn prompts<'a>(
    session: &'a Session,
    responses: &'a [ResponseRecord],
    step: &Step,
) -> Vec<PromptState<'a>> {
    let Ok(assignment) = session.assignment(&step.group, &step.vignette) else {
        return Vec::new();
    };
    let answers = latest(responses, &step.group, &step.vignette);
    session
        .vignette(assignment)
        .stages
        .iter()
        .take(step.stage as usize)
        .enumerate()
        .flat_map(|(s, stage)| {
            stage
                .prompts
                .iter()
                .map(move |prompt| (s as u32 + 1, prompt))
        })
        .map(|(stage, prompt)| PromptState {
            stage,
            prompt,
            current: answers.get(prompt.id.as_str()).copied(),
        })
        .collect()
}

/// What "next stage" would show the group: the next stage of its vignette,
/// or the first stage of its next vignette; `None` once everything is shown.
pub fn next(session: &Session, step: &Step) -> Option<Reveal> {
    if step.stage < step.stages {
        return Some(Reveal {
            group: step.group.clone(),
            vignette: step.vignette.clone(),
            position: step.position,
            stage: step.stage + 1,
        });
    }
    let following = group_plan(&session.assignments, &step.group)
        .into_iter()
        .find(|a| a.position > step.position)?;
    Some(Reveal {
        group: step.group.clone(),
        vignette: following.vignette.clone(),
        position: following.position,
        stage: 1,
    })
}

/// Shows the group its next stage, recording it in the store; returns what
/// was revealed, or `None` when the group had seen everything already.
pub fn advance(
    store: &mut Store,
    session: &Session,
    step: &Step,
) -> Result<Option<Reveal>, StoreError> {
    let Some(reveal) = next(session, step) else {
        return Ok(None);
    };
    store.reveal(
        &session.record.id,
        &reveal.group,
        &reveal.vignette,
        reveal.stage,
    )?;
    Ok(Some(reveal))
}

/// Checks a value typed at the terminal for one prompt of a shown stage and
/// makes it a record to store (source `terminal`); or says what is wrong.
pub fn answer(
    session: &Session,
    responses: &[ResponseRecord],
    step: &Step,
    prompt: &str,
    value: &serde_json::Value,
) -> Result<AnswerRecord, Problem> {
    let shown = prompts(session, responses, step);
    let Some(state) = shown.iter().find(|p| p.prompt.id == prompt) else {
        let known: Vec<&str> = shown.iter().map(|p| p.prompt.id.as_str()).collect();
        return Err(Problem::new(
            "not_shown",
            &[
                ("prompt", &prompt),
                ("vignette", &step.vignette),
                ("shown", &known.join(", ")),
            ],
        ));
    };
    let value = super::answer::check(state.prompt, value)?;
    Ok(AnswerRecord {
        group: step.group.clone(),
        vignette: step.vignette.clone(),
        prompt: prompt.to_string(),
        stage: state.stage,
        kind: state.prompt.kind.name().to_string(),
        value,
        source: "terminal".to_string(),
    })
}

/// The group to resume with: the one whose answer was stored last, else the
/// first group of the session.
pub fn resume_group<'s>(session: &'s Session, responses: &[ResponseRecord]) -> Option<&'s str> {
    let last = responses.last().map(|r| r.answer.group.as_str());
    session
        .groups
        .iter()
        .find(|g| Some(g.label.as_str()) == last)
        .or_else(|| session.groups.first())
        .map(|g| g.label.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bank::{self, BankSource};
    use crate::session::{self, SessionSpec, VignetteChoice};
    use crate::store::GroupRecord;
    use serde_json::json;

    /// A session with two groups, each with V2 and V4, in an in-memory store.
    fn setup() -> (Store, String) {
        let (bank, _) = bank::load(&BankSource::Embedded).unwrap();
        let mut store = Store::in_memory().unwrap();
        let group = |label: &str| GroupRecord {
            label: label.to_string(),
            roles: BTreeMap::new(),
        };
        let spec = SessionSpec {
            id: Some("s".into()),
            study: "inkluderende-miljo".into(),
            offering: "nettbasert".into(),
            phase: "baseline".into(),
            cohort: "1".into(),
            site: "X".into(),
            site_attributes: BTreeMap::from([
                ("sector".into(), "school".into()),
                ("centrality".into(), "rural".into()),
            ]),
            language: None,
            groups: vec![group("G1"), group("G2")],
            vignettes: VignetteChoice::Listed(vec!["V2".into(), "V4".into()]),
            form: None,
            seed: 1,
        };
        let id = session::plan(&bank, &spec)
            .unwrap()
            .store(&mut store)
            .unwrap();
        (store, id)
    }

    fn state(store: &Store, id: &str) -> (Session, Vec<ResponseRecord>) {
        (
            session::load(store, id).unwrap(),
            store.responses(id).unwrap(),
        )
    }

    fn step(store: &Store, id: &str, group: &str) -> Step {
        let (session, responses) = state(store, id);
        position(&session, &responses, group).unwrap()
    }

    fn show_next(store: &mut Store, id: &str, group: &str) -> Option<Reveal> {
        let at = step(store, id, group);
        let session = session::load(store, id).unwrap();
        advance(store, &session, &at).unwrap()
    }

    fn save(store: &mut Store, id: &str, step: &Step, prompt: &str, value: serde_json::Value) {
        let (session, responses) = state(store, id);
        let record = answer(&session, &responses, step, prompt, &value).unwrap();
        store.save_answers(id, &[record]).unwrap();
    }

    #[test]
    fn a_new_group_is_before_the_first_stage_of_its_first_vignette() {
        let (store, id) = setup();
        let step = step(&store, &id, "G1");
        assert_eq!((step.position, step.vignettes, step.stage), (1, 2, 0));
        assert!(!step.started());
        assert!(step.open.is_empty(), "nothing shown, nothing open");
        let (session, responses) = state(&store, &id);
        assert!(position(&session, &responses, "G9").is_none());
    }

    #[test]
    fn advancing_walks_through_stages_then_vignettes_then_stops() {
        let (mut store, id) = setup();
        let first = step(&store, &id, "G1").vignette;
        let mut shown = Vec::new();
        loop {
            let (session, responses) = state(&store, &id);
            let step = position(&session, &responses, "G1").unwrap();
            match advance(&mut store, &session, &step).unwrap() {
                Some(r) => shown.push((r.position, r.stage)),
                None => break,
            }
        }
        assert_eq!(shown.len(), 6, "two vignettes of three stages: {shown:?}");
        assert_eq!(&shown[..4], &[(1, 1), (1, 2), (1, 3), (2, 1)]);
        let last = step(&store, &id, "G1");
        assert_eq!((last.position, last.stage, last.stages), (2, 3, 3));
        assert_ne!(last.vignette, first);
        assert_eq!(step(&store, &id, "G2").stage, 0, "other groups untouched");
    }

    #[test]
    fn answers_count_by_their_latest_revision_and_open_prompts_shrink() {
        let (mut store, id) = setup();
        let (session, _) = state(&store, &id);
        let start = step(&store, &id, "G1");
        advance(&mut store, &session, &start).unwrap();
        let at_one = step(&store, &id, "G1");
        let prompts_one = &session
            .vignette(session.assignment("G1", &at_one.vignette).unwrap())
            .stages[0]
            .prompts;
        let stage_one: Vec<String> = prompts_one.iter().map(|p| p.id.clone()).collect();
        assert_eq!(at_one.open, stage_one);
        let text = prompts_one
            .iter()
            .find(|p| p.kind.name() == "text")
            .unwrap()
            .id
            .clone();
        save(&mut store, &id, &at_one, &text, json!("Snakke med eleven."));
        save(
            &mut store,
            &id,
            &at_one,
            &text,
            json!("Snakke med eleven i dag."),
        );
        let now = step(&store, &id, "G1");
        assert!(!now.open.contains(&text));
        assert_eq!(now.open.len(), stage_one.len() - 1);
        let (session, responses) = state(&store, &id);
        let listed = prompts(&session, &responses, &now);
        let current = listed.iter().find(|p| p.prompt.id == text).unwrap();
        let current = current.current.unwrap();
        assert_eq!(current.revision, 2);
        assert_eq!(current.answer.value, json!("Snakke med eleven i dag."));
        assert_eq!(current.answer.source, "terminal");
        assert_eq!(responses.len(), 2, "both revisions are kept");
    }

    #[test]
    fn invalid_values_are_refused_with_what_was_expected() {
        let (mut store, id) = setup();
        show_next(&mut store, &id, "G1");
        let (session, responses) = state(&store, &id);
        let step = step(&store, &id, "G1");
        let text = step.open[0].clone();
        let empty = answer(&session, &responses, &step, &text, &json!("  ")).unwrap_err();
        assert_eq!(empty.to_string(), "the answer is empty");
        let unknown = answer(&session, &responses, &step, "nope", &json!("x"))
            .unwrap_err()
            .to_string();
        assert!(unknown.starts_with("no prompt `nope`"), "{unknown}");
        let later = session
            .vignette(session.assignment("G1", &step.vignette).unwrap())
            .stages[1]
            .prompts[0]
            .id
            .clone();
        let hidden = answer(&session, &responses, &step, &later, &json!("x"))
            .unwrap_err()
            .to_string();
        assert!(hidden.contains("shown stages"), "{hidden}");
    }

    #[test]
    fn only_prompts_of_shown_stages_are_listed() {
        let (mut store, id) = setup();
        let (session, responses) = state(&store, &id);
        assert!(prompts(&session, &responses, &step(&store, &id, "G1")).is_empty());
        for _ in 0..2 {
            show_next(&mut store, &id, "G1");
        }
        let (session, responses) = state(&store, &id);
        let listed = prompts(&session, &responses, &step(&store, &id, "G1"));
        assert!(listed.iter().all(|p| p.stage <= 2));
        assert!(listed.iter().any(|p| p.stage == 2));
    }

    #[test]
    fn resuming_picks_the_group_answered_last() {
        let (mut store, id) = setup();
        let (session, responses) = state(&store, &id);
        assert_eq!(resume_group(&session, &responses), Some("G1"));
        show_next(&mut store, &id, "G2");
        let g2 = step(&store, &id, "G2");
        let prompt = g2.open[0].clone();
        save(&mut store, &id, &g2, &prompt, json!("Vi følger opp."));
        let (session, responses) = state(&store, &id);
        assert_eq!(resume_group(&session, &responses), Some("G2"));
    }

    #[test]
    fn a_closed_session_refuses_answers_and_reveals() {
        let (mut store, id) = setup();
        show_next(&mut store, &id, "G1");
        let at = step(&store, &id, "G1");
        store.close(&id).unwrap();
        let (session, responses) = state(&store, &id);
        let record = answer(&session, &responses, &at, &at.open[0], &json!("Noe.")).unwrap();
        assert!(matches!(
            store.save_answers(&id, &[record]),
            Err(StoreError::Closed(_))
        ));
        assert!(matches!(
            advance(&mut store, &session, &at),
            Err(StoreError::Closed(_))
        ));
    }
}
