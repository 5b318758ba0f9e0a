//! Rating units: one group's answers to one vignette, known to raters
//! only by a blind code; the rubric each is rated with and its levels.

use crate::bank::{Criterion, Rubric};
use crate::scoring::latest_answers;
use crate::session::{Session, SessionError, unit_code};
use crate::store::{AssignmentRecord, Store};

/// One group's answers to one vignette, known to raters only by its code.
#[derive(Debug, Clone, PartialEq)]
pub struct Unit<'s> {
    pub code: String,
    pub assignment: &'s AssignmentRecord,
}

/// The units of a session that have answers, ordered by code.
pub fn units<'s>(session: &'s Session, store: &Store) -> Result<Vec<Unit<'s>>, SessionError> {
    let answered = latest_answers(&store.responses(&session.record.id)?);
    let mut units: Vec<Unit> = session
        .assignments
        .iter()
        .filter(|a| answered.contains_key(&(a.group.clone(), a.vignette.clone())))
        .map(|a| Unit {
            code: unit_code(&session.record.id, &a.group, &a.vignette),
            assignment: a,
        })
        .collect();
    units.sort_by(|a, b| a.code.cmp(&b.code));
    Ok(units)
}

/// The unit with this code.
pub fn find_unit<'u, 's>(units: &'u [Unit<'s>], code: &str) -> Option<&'u Unit<'s>> {
    units.iter().find(|u| u.code == code)
}

/// The rubric a unit is rated with: the one its session pinned.
pub fn rubric<'s>(session: &'s Session, unit: &Unit<'_>) -> &'s Rubric {
    &session.rubrics[&unit.assignment.rubric_hash]
}

/// Checks that `criterion` is in the unit's rubric and `level` one of its levels.
pub fn check_level(rubric: &Rubric, criterion: &str, level: i64) -> Result<u8, String> {
    let Some(c) = rubric.criteria.iter().find(|c| c.id == criterion) else {
        let known: Vec<&str> = rubric.criteria.iter().map(|c| c.id.as_str()).collect();
        return Err(format!(
            "rubric `{}` has no criterion `{criterion}`; its criteria are: {}",
            rubric.id,
            known.join(", ")
        ));
    };
    match c.levels.iter().find(|l| i64::from(l.level) == level) {
        Some(l) => Ok(l.level),
        None => Err(format!(
            "level {level} is outside criterion `{criterion}`'s levels {}",
            levels_of(c)
        )),
    }
}

fn levels_of(c: &Criterion) -> String {
    let levels: Vec<String> = c.levels.iter().map(|l| l.level.to_string()).collect();
    levels.join(", ")
}
