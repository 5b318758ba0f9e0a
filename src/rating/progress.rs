//! Raters' progress: units assigned and rated, and where each resumes.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::bank::Criterion;
use crate::session::{self, Session, SessionError};
use crate::store::{RatingPlanRecord, Store, StoredRating};

use super::*;

/// One rater's progress: units assigned, units with every criterion rated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RaterStatus {
    pub rater: String,
    pub assigned: usize,
    pub done: usize,
    pub ratings: usize,
}

/// The criteria of `code` that `rater` has not rated yet, in rubric order.
pub fn open_criteria<'r>(
    session: &'r Session,
    units: &[Unit<'_>],
    ratings: &[StoredRating],
    rater: &str,
    code: &str,
) -> Vec<&'r Criterion> {
    let Some(unit) = find_unit(units, code) else {
        return Vec::new();
    };
    let done: BTreeSet<&str> = ratings
        .iter()
        .filter(|r| r.rating.rater == rater && r.rating.unit == code)
        .map(|r| r.rating.criterion.as_str())
        .collect();
    rubric(session, unit)
        .criteria
        .iter()
        .filter(|c| !done.contains(c.id.as_str()))
        .collect()
}

/// Progress of every rater in the plan, in name order.
pub fn status(store: &Store, id: &str) -> Result<Vec<RaterStatus>, SessionError> {
    let session = session::load(store, id)?;
    let units = units(&session, store)?;
    let ratings = store.latest_ratings(id)?;
    let mut by_rater: BTreeMap<String, RaterStatus> = BTreeMap::new();
    for p in store.rating_plan(id)? {
        let entry = by_rater.entry(p.rater.clone()).or_insert(RaterStatus {
            rater: p.rater.clone(),
            assigned: 0,
            done: 0,
            ratings: 0,
        });
        entry.assigned += 1;
        if find_unit(&units, &p.unit).is_some()
            && open_criteria(&session, &units, &ratings, &p.rater, &p.unit).is_empty()
        {
            entry.done += 1;
        }
    }
    for r in &ratings {
        if let Some(entry) = by_rater.get_mut(&r.rating.rater) {
            entry.ratings += 1;
        }
    }
    Ok(by_rater.into_values().collect())
}

/// Where a rater resumes: the first unit in their order with an unrated criterion.
pub fn resume_at(
    session: &Session,
    units: &[Unit<'_>],
    plan: &[RatingPlanRecord],
    ratings: &[StoredRating],
    rater: &str,
) -> Option<String> {
    let mut mine: Vec<&RatingPlanRecord> = plan.iter().filter(|p| p.rater == rater).collect();
    mine.sort_by_key(|p| p.position);
    mine.into_iter()
        .find(|p| !open_criteria(session, units, ratings, rater, &p.unit).is_empty())
        .map(|p| p.unit.clone())
}
