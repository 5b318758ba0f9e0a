//! The analysis data set: every scored group of a study with the keys a
//! researcher compares by (offering, phase, site, role, site attributes),
//! read from the store (a scores CSV is read by `input`).
//!
//! Groups are the unit of analysis. A group's score on a dimension is the
//! mean of its scores on the vignettes it answered. The score of a vignette
//! is the human consensus where raters reached one, else the automatic score
//! (both as stored by `vignette score`, latest version).

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::bank::{Rubric, Study, Text};
use crate::scoring::ScoreCard;
use crate::session::{self, SessionError};
use crate::store::{SessionRecord, Store};

/// The role key of a group whose largest roles are tied.
pub const MIXED_ROLE: &str = "mixed";

/// The keys every group score carries, in this order, before any others.
pub const BASE_KEYS: [&str; 4] = ["offering", "phase", "site", "role"];

pub use crate::input::scores::{GroupScore, Keys};

/// Which stored sessions to include; empty lists include all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    /// The study; when `None`, the study of the sessions (there must be one).
    pub study: Option<String>,
    pub sessions: Vec<String>,
    pub cohorts: Vec<String>,
    pub phases: Vec<String>,
}

/// A group in one session.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupInfo {
    pub session: String,
    /// The group's label in its session.
    pub label: String,
    /// `cohort/site/label`: the same group at another phase has the same id.
    pub id: String,
    /// Role id → number of people.
    pub roles: BTreeMap<String, u32>,
    /// The keys its scores carry.
    pub keys: BTreeMap<String, String>,
}

/// One criterion's level in a unit's score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CriterionLevel {
    pub criterion: String,
    pub dimension: String,
    pub level: u8,
    pub max_level: u8,
    pub critical: bool,
    /// `auto` or `consensus`.
    pub method: String,
    /// The earliest stage whose answers earned the automatic level; `None`
    /// for a human level or where nothing was earned.
    pub stage: Option<u32>,
}

/// The score of one group's answers to one vignette.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitScore {
    pub session: String,
    /// The group's label in its session.
    pub label: String,
    pub vignette: String,
    /// `auto`, `consensus` or `auto+consensus`.
    pub method: String,
    pub version: u32,
    pub rubric: String,
    pub rubric_version: String,
    pub rubric_hash: String,
    pub dimensions: BTreeMap<String, f64>,
    pub overall: f64,
    pub criteria: Vec<CriterionLevel>,
}

/// Every scored unit of the selected sessions of one study.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StudyData {
    /// The study as pinned by the newest selected session.
    pub study: Study,
    /// Every version of the study the sessions pinned, by hash.
    pub study_hashes: BTreeSet<String>,
    pub sessions: Vec<SessionRecord>,
    pub groups: Vec<GroupInfo>,
    pub units: Vec<UnitScore>,
    /// The rubrics the units were scored with, by content hash.
    pub rubrics: BTreeMap<String, Rubric>,
    /// The title of every vignette the sessions pinned, by vignette id.
    pub vignette_titles: BTreeMap<String, Text>,
    /// Sessions with answered units that have no score yet, and how many.
    pub unscored: BTreeMap<String, usize>,
}

impl StudyData {
    /// The group of a unit.
    pub fn group_of(&self, unit: &UnitScore) -> Option<&GroupInfo> {
        self.groups
            .iter()
            .find(|g| g.session == unit.session && g.label == unit.label)
    }

    /// Each group's score per dimension: the mean over its vignettes.
    pub fn group_scores(&self) -> Vec<GroupScore> {
        let mut sums: BTreeMap<(&str, &str, &str), (f64, usize)> = BTreeMap::new();
        for unit in &self.units {
            for (dimension, score) in &unit.dimensions {
                let sum = sums
                    .entry((&unit.session, &unit.label, dimension))
                    .or_default();
                sum.0 += score;
                sum.1 += 1;
            }
        }
        let order: BTreeMap<&str, usize> = self
            .study
            .dimensions
            .iter()
            .enumerate()
            .map(|(i, d)| (d.id.as_str(), i))
            .collect();
        let mut scores = Vec::new();
        for group in &self.groups {
            let mut dimensions: Vec<(&str, f64)> = sums
                .range((group.session.as_str(), group.label.as_str(), "")..)
                .take_while(|((s, l, _), _)| *s == group.session && *l == group.label)
                .map(|((_, _, d), (sum, n))| (*d, sum / *n as f64))
                .collect();
            dimensions.sort_by_key(|(d, _)| order.get(d).copied().unwrap_or(usize::MAX));
            let keys = Keys::new(group.keys.clone());
            scores.extend(dimensions.into_iter().map(|(dimension, score)| GroupScore {
                group: group.id.clone(),
                keys: keys.clone(),
                dimension: dimension.to_string(),
                score,
            }));
        }
        scores
    }
}

/// The role most people in the group have, [`MIXED_ROLE`] on a tie, or
/// empty (a missing value) when the group's roles were not recorded.
pub fn dominant_role(roles: &BTreeMap<String, u32>) -> String {
    let most = roles.values().copied().max().unwrap_or(0);
    let mut top = roles.iter().filter(|(_, n)| **n == most && most > 0);
    match (top.next(), top.next()) {
        (Some((role, _)), None) => role.clone(),
        (None, _) => String::new(),
        _ => MIXED_ROLE.to_string(),
    }
}

/// Loads the scored units of the selected sessions.
pub fn load(store: &Store, selection: &Selection) -> Result<StudyData, SessionError> {
    let sessions = select_sessions(store, selection)?;
    let newest = sessions
        .last()
        .ok_or_else(|| SessionError::Spec("no stored session matches the selection".to_string()))?;
    let study = session::load(store, &newest.id)?.study;
    let mut data = StudyData {
        study,
        study_hashes: sessions.iter().map(|s| s.study_hash.clone()).collect(),
        sessions: Vec::new(),
        groups: Vec::new(),
        units: Vec::new(),
        rubrics: BTreeMap::new(),
        vignette_titles: BTreeMap::new(),
        unscored: BTreeMap::new(),
    };
    for record in sessions {
        add_session(store, &mut data, record)?;
    }
    Ok(data)
}

fn select_sessions(
    store: &Store,
    selection: &Selection,
) -> Result<Vec<SessionRecord>, SessionError> {
    let all = store.sessions()?;
    for wanted in &selection.sessions {
        match all.iter().find(|s| &s.id == wanted) {
            None => return Err(crate::store::StoreError::NoSession(wanted.clone()).into()),
            Some(s) if s.discarded_at.is_some() => {
                return Err(SessionError::Spec(format!(
                    "session `{wanted}` is discarded; restore it with `vignette session restore \
                     {wanted} --reason …` to include it"
                )));
            }
            Some(_) => {}
        }
    }
    // Discarded sessions are kept, but count nowhere.
    let all: Vec<SessionRecord> = all
        .into_iter()
        .filter(|s| s.discarded_at.is_none())
        .collect();
    let keep = |list: &[String], value: &str| list.is_empty() || list.iter().any(|v| v == value);
    let chosen: Vec<SessionRecord> = all
        .into_iter()
        .filter(|s| {
            keep(&selection.sessions, &s.id)
                && keep(&selection.cohorts, &s.cohort)
                && keep(&selection.phases, &s.phase)
                && selection
                    .study
                    .as_ref()
                    .is_none_or(|study| &s.study_id == study)
        })
        .collect();
    let studies: BTreeSet<&str> = chosen.iter().map(|s| s.study_id.as_str()).collect();
    if studies.len() > 1 {
        return Err(SessionError::Spec(format!(
            "the selected sessions belong to {} studies ({}); expected one study chosen",
            studies.len(),
            studies.into_iter().collect::<Vec<_>>().join(", ")
        )));
    }
    Ok(chosen)
}

fn add_session(
    store: &Store,
    data: &mut StudyData,
    record: SessionRecord,
) -> Result<(), SessionError> {
    let mut cards: BTreeMap<(String, String), (String, u32, ScoreCard, String)> = BTreeMap::new();
    for method in ["auto", "consensus"] {
        for score in store.latest_scores(&record.id, method)? {
            let card: ScoreCard = serde_json::from_str(&score.card).map_err(|e| {
                crate::store::StoreError::Corrupt(format!(
                    "score card of {}/{}/{}: {e}",
                    record.id, score.group, score.vignette
                ))
            })?;
            cards.insert(
                (score.group, score.vignette),
                (score.method, score.version, card, score.rubric_hash),
            );
        }
    }
    let answered: BTreeSet<(String, String)> = store
        .responses(&record.id)?
        .into_iter()
        .map(|r| (r.answer.group, r.answer.vignette))
        .collect();
    let unscored = answered.iter().filter(|u| !cards.contains_key(*u)).count();
    if unscored > 0 {
        data.unscored.insert(record.id.clone(), unscored);
    }
    let form = crate::design::forms::form_of_design(&record.design);
    for group in store.groups(&record.id)? {
        data.groups.push(group_info(
            &record,
            form.as_deref(),
            group.label,
            group.roles,
        ));
    }
    for ((label, vignette), (_, version, card, rubric_hash)) in cards {
        if !data.rubrics.contains_key(&rubric_hash) {
            let rubric = session::pinned(store, &rubric_hash)?;
            data.rubrics.insert(rubric_hash.clone(), rubric);
        }
        data.units.push(unit_score(
            &record.id,
            label,
            vignette,
            version,
            card,
            rubric_hash,
        ));
    }
    for vignette in session::load(store, &record.id)?.vignettes.into_values() {
        data.vignette_titles.insert(vignette.id, vignette.title);
    }
    data.sessions.push(record);
    Ok(())
}

/// A group of `record` with the keys its scores carry; `form` is the
/// session's form (read once per session from its design).
pub(crate) fn group_info(
    record: &SessionRecord,
    form: Option<&str>,
    label: String,
    roles: BTreeMap<String, u32>,
) -> GroupInfo {
    let mut keys: BTreeMap<String, String> = record.site_attributes.clone();
    for (name, value) in [
        ("offering", &record.offering),
        ("phase", &record.phase),
        ("site", &record.site),
        ("cohort", &record.cohort),
        ("session", &record.id),
        ("language", &record.language),
    ] {
        keys.insert(name.to_string(), value.clone());
    }
    keys.insert("role".to_string(), dominant_role(&roles));
    if let Some(form) = form {
        keys.insert("form".to_string(), form.to_string());
    }
    GroupInfo {
        session: record.id.clone(),
        id: format!("{}/{}/{}", record.cohort, record.site, label),
        label,
        roles,
        keys,
    }
}

pub(crate) fn unit_score(
    session: &str,
    label: String,
    vignette: String,
    version: u32,
    card: ScoreCard,
    rubric_hash: String,
) -> UnitScore {
    UnitScore {
        session: session.to_string(),
        label,
        vignette,
        method: card.method,
        version,
        rubric: card.rubric,
        rubric_version: card.rubric_version,
        rubric_hash,
        dimensions: card
            .dimensions
            .into_iter()
            .map(|(d, s)| (d, s.score))
            .collect(),
        overall: card.overall,
        criteria: card
            .criteria
            .into_iter()
            .map(|c| CriterionLevel {
                criterion: c.id,
                dimension: c.dimension,
                level: c.level,
                max_level: c.max_level,
                critical: c.critical,
                stage: c.stage.filter(|&s| s > 0),
                method: c.method,
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_largest_role_names_the_group_and_ties_are_mixed() {
        let roles = |pairs: &[(&str, u32)]| -> BTreeMap<String, u32> {
            pairs.iter().map(|(r, n)| (r.to_string(), *n)).collect()
        };
        assert_eq!(
            dominant_role(&roles(&[("teacher", 3), ("principal", 1)])),
            "teacher"
        );
        assert_eq!(
            dominant_role(&roles(&[("teacher", 2), ("principal", 2)])),
            MIXED_ROLE
        );
        assert_eq!(
            dominant_role(&roles(&[])),
            "",
            "not recorded is missing, not mixed"
        );
    }
}
