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
/// non-integer levels and repeated (unit, rater, criterion)s are reported
/// with their lines. Returns how many ratings were stored.
pub fn import(
    store: &mut Store,
    id: &str,
    name: &str,
    bytes: &[u8],
) -> Result<usize, SessionError> {
    let session = session::load(store, id)?;
    let units = units(&session, store)?;
    let (rows, mut problems) = crate::input::parse_ratings_lines(name, bytes);
    let mut records = Vec::new();
    for (line, r) in rows {
        match check_row(&session, &units, &r) {
            Ok(level) => records.push(RatingRecord {
                unit: r.unit,
                criterion: r.criterion,
                rater: r.rater,
                level,
                source: "import".into(),
            }),
            Err(message) => problems.push(Problem::on_line(name, line, message)),
        }
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

fn check_row(session: &Session, units: &[Unit<'_>], r: &Rating) -> Result<u8, String> {
    if r.rater == AUTO_RATER {
        return Err(format!(
            "rater `{AUTO_RATER}` is reserved for the automatic scores"
        ));
    }
    let unit = find_unit(units, &r.unit).ok_or_else(|| {
        format!(
            "session {} has no unit `{}` with answers; expected a code of its rating plan or units",
            session.record.id, r.unit
        )
    })?;
    check_level(rubric(session, unit), &r.criterion, r.level)
}
