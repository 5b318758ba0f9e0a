//! Agreement from a session's stored ratings: among the raters, and of the
//! automatic scores against the human reference.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::input::Rating;
use crate::scoring::ScoreCard;
use crate::session::{self, Session, SessionError, unit_code};
use crate::store::{RatingRecord, Store};

use super::agreement::{self, Agreement, Options};
use super::*;

/// Agreement computed from a session's stored ratings.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SessionAgreement {
    /// Among the human raters (latest revisions).
    pub human: Agreement,
    /// The automatic scores (rater `auto`) against the human consensus, or
    /// the unit's first human rater (by name) where there is none.
    pub auto_vs_human: Agreement,
}

/// Agreement among a session's raters, and of the automatic scores against
/// the human reference (the consensus where there is one, else the only
/// rating).
pub fn session_agreement(
    store: &Store,
    id: &str,
    options: &Options,
) -> Result<SessionAgreement, SessionError> {
    let (human, paired) = agreement_ratings(store, id)?;
    Ok(SessionAgreement {
        human: agreement::agreement(&human, options),
        auto_vs_human: agreement::agreement(&paired, options),
    })
}

/// A session's ratings for agreement: the latest human ratings, and the
/// human reference paired with the automatic level (raters `human` and
/// `auto`) for every unit and criterion that has both. Sessions' ratings
/// can be pooled: unit codes never repeat across sessions.
pub fn agreement_ratings(
    store: &Store,
    id: &str,
) -> Result<(Vec<Rating>, Vec<Rating>), SessionError> {
    let session = session::load(store, id)?;
    let latest = store.latest_ratings(id)?;
    let human: Vec<Rating> = latest.iter().map(|r| as_rating(&r.rating)).collect();
    let reference = human_reference(store, id)?;
    let auto = auto_levels(store, &session)?;
    let mut paired = Vec::new();
    for ((unit, criterion), level) in &reference {
        if let Some(auto_level) = auto.get(&(unit.clone(), criterion.clone())) {
            paired.push(rating(unit, "human", criterion, *level));
            paired.push(rating(unit, AUTO_RATER, criterion, *auto_level));
        }
    }
    Ok((human, paired))
}

/// The human level of every rated (unit code, criterion): the consensus
/// where there is one, else the first rater's (by name).
pub fn human_reference(
    store: &Store,
    id: &str,
) -> Result<BTreeMap<(String, String), i64>, SessionError> {
    let mut reference = BTreeMap::new();
    for r in rated(&store.latest_ratings(id)?) {
        if let Some(level) = r.levels.values().next() {
            reference.insert((r.unit, r.criterion), i64::from(*level));
        }
    }
    for c in store.consensus(id)? {
        reference.insert((c.unit, c.criterion), i64::from(c.level));
    }
    Ok(reference)
}

/// The latest automatic levels by (unit code, criterion).
fn auto_levels(
    store: &Store,
    session: &Session,
) -> Result<BTreeMap<(String, String), i64>, SessionError> {
    let mut levels = BTreeMap::new();
    for score in store.latest_scores(&session.record.id, "auto")? {
        let Ok(card) = serde_json::from_str::<ScoreCard>(&score.card) else {
            continue;
        };
        let code = unit_code(&session.record.id, &score.group, &score.vignette);
        for c in card.criteria {
            levels.insert((code.clone(), c.id), i64::from(c.level));
        }
    }
    Ok(levels)
}

fn as_rating(r: &RatingRecord) -> Rating {
    rating(&r.unit, &r.rater, &r.criterion, i64::from(r.level))
}

fn rating(unit: &str, rater: &str, criterion: &str, level: i64) -> Rating {
    Rating {
        unit: unit.to_string(),
        rater: rater.to_string(),
        criterion: criterion.to_string(),
        level,
    }
}
