//! Ratings from a CSV checked against a session's units and pinned
//! rubrics, and stored all or nothing.

use std::collections::{BTreeMap, BTreeSet};

use crate::input::{Problem, Rating};
use crate::session::{self, Session, SessionError, unit_code};
use crate::store::{RatingRecord, Store};

use super::*;

/// The session whose units a ratings CSV rates, found from its unit codes.
///
/// Every stored session's codes are computed; the file must rate units of
/// exactly one session (codes no session has are left for [`import`] to
/// report by line).
pub fn session_of_ratings(store: &Store, name: &str, bytes: &[u8]) -> Result<String, SessionError> {
    let (rows, _) = crate::input::parse_ratings_lines(name, bytes);
    let codes: BTreeSet<&str> = rows.iter().map(|(_, r)| r.unit.as_str()).collect();
    let mut hits: BTreeMap<String, usize> = BTreeMap::new();
    for record in store.sessions()? {
        let found = store
            .assignments(&record.id)?
            .iter()
            .filter(|a| codes.contains(unit_code(&record.id, &a.group, &a.vignette).as_str()))
            .count();
        if found > 0 {
            hits.insert(record.id, found);
        }
    }
    let mut sessions = hits.iter();
    let message = match (sessions.next(), sessions.next()) {
        (Some((id, _)), None) => return Ok(id.clone()),
        (None, _) => format!(
            "no stored session has any of its {} unit code(s); \
             expected the codes of one session's rating plan or units",
            codes.len()
        ),
        _ => format!(
            "it rates units of {} sessions ({}); expected one session per file, \
             or the session named",
            hits.len(),
            hits.iter()
                .map(|(id, n)| format!("{id}: {n} unit(s)"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    Err(SessionError::rejected(
        name,
        vec![Problem::in_file(name, message)],
    ))
}

/// Checks every row of a ratings CSV against the session and stores them
/// all, or nothing: unknown units and criteria, levels outside the rubric,
/// non-integer levels, repeated (unit, rater, criterion)s and, where the
/// session has a rating plan, raters not in it (a misspelt name would
/// otherwise be a rater of its own) unless listed in `new_raters` are
/// reported with their lines, every problem of a row. Returns how many
/// ratings were stored.
pub fn import(
    store: &mut Store,
    id: &str,
    name: &str,
    bytes: &[u8],
    new_raters: &[String],
) -> Result<usize, SessionError> {
    let session = session::load(store, id)?;
    let units = units(&session, store)?;
    let mut raters: BTreeSet<String> = store
        .rating_plan(id)?
        .into_iter()
        .map(|p| p.rater)
        .collect();
    let planned = !raters.is_empty();
    raters.extend(new_raters.iter().cloned());
    let known = planned.then_some(&raters);
    let (rows, mut problems) = crate::input::parse_ratings_lines(name, bytes);
    let mut records = Vec::new();
    for (line, r) in rows {
        let found = check_row(&session, &units, &r, known);
        if found.is_empty() {
            let level = u8::try_from(r.level).unwrap_or_default();
            records.push(RatingRecord {
                unit: r.unit,
                criterion: r.criterion,
                rater: r.rater,
                level,
                source: "import".into(),
            });
        }
        problems.extend(found.into_iter().map(|m| Problem::on_line(name, line, m)));
    }
    if records.is_empty() && problems.is_empty() {
        problems.push(Problem::in_file(name, "no ratings after the header"));
    }
    if !problems.is_empty() {
        problems.sort_by_key(|p| p.line);
        return Err(SessionError::rejected(name, problems));
    }
    store.save_ratings(id, &records)?;
    Ok(records.len())
}

/// Every problem of one row: its rater (reserved, or not in the plan), its
/// unit, and its criterion and level.
fn check_row(
    session: &Session,
    units: &[Unit<'_>],
    r: &Rating,
    raters: Option<&BTreeSet<String>>,
) -> Vec<String> {
    let mut problems = Vec::new();
    if r.rater == AUTO_RATER {
        problems.push(format!(
            "rater `{AUTO_RATER}` is reserved for the automatic scores"
        ));
    } else if let Some(raters) = raters.filter(|raters| !raters.contains(&r.rater)) {
        let names: Vec<&str> = raters.iter().map(String::as_str).collect();
        problems.push(format!(
            "rater `{}` is not in the session's rating plan; its raters are: {}",
            r.rater,
            names.join(", ")
        ));
    }
    match find_unit(units, &r.unit) {
        Some(unit) => {
            if let Err(message) = check_level(rubric(session, unit), &r.criterion, r.level) {
                problems.push(message);
            }
        }
        None => problems.push(format!(
            "session {} has no unit `{}` with answers; expected a code of its rating plan or units",
            session.record.id, r.unit
        )),
    }
    problems
}
