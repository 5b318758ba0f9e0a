//! Consensus: the level a rule gives where raters agree or one rated,
//! and adjudication of the disagreements.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::session::{Session, SessionError};
use crate::store::{ConsensusRecord, Store, StoredRating};

use super::*;

/// How disagreements are resolved without an adjudicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// The median level; of two middle levels the lower.
    Median,
    Max,
    Min,
}

impl Rule {
    /// The rule's name as stored.
    pub fn name(self) -> &'static str {
        match self {
            Rule::Median => "median",
            Rule::Max => "max",
            Rule::Min => "min",
        }
    }

    /// The level the rule gives for these levels (at least one).
    pub fn decide(self, levels: &[u8]) -> u8 {
        let mut sorted = levels.to_vec();
        sorted.sort_unstable();
        match self {
            Rule::Median => sorted[(sorted.len().max(1) - 1) / 2],
            Rule::Max => sorted.last().copied().unwrap_or(0),
            Rule::Min => sorted.first().copied().unwrap_or(0),
        }
    }
}

/// The latest ratings of one unit's criterion, by rater.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rated {
    pub unit: String,
    pub criterion: String,
    pub levels: BTreeMap<String, u8>,
}

impl Rated {
    /// Whether the raters gave different levels.
    pub fn disagree(&self) -> bool {
        self.levels.values().collect::<BTreeSet<_>>().len() > 1
    }
}

/// The latest ratings grouped by unit and criterion.
pub fn rated(ratings: &[StoredRating]) -> Vec<Rated> {
    let mut grouped: BTreeMap<(String, String), BTreeMap<String, u8>> = BTreeMap::new();
    for r in ratings {
        let r = &r.rating;
        grouped
            .entry((r.unit.clone(), r.criterion.clone()))
            .or_default()
            .insert(r.rater.clone(), r.level);
    }
    grouped
        .into_iter()
        .map(|((unit, criterion), levels)| Rated {
            unit,
            criterion,
            levels,
        })
        .collect()
}

/// The consensus a rule gives: one rater's level (`single`), the level all
/// gave (`agreement`), or the rule's level.
pub fn by_rule(rated: &Rated, rule: Rule) -> ConsensusRecord {
    let levels: Vec<u8> = rated.levels.values().copied().collect();
    let (decided_by, name) = match (rated.levels.len(), rated.disagree()) {
        (1, _) => (
            rated.levels.keys().next().cloned().unwrap_or_default(),
            "single",
        ),
        (_, false) => ("rule".to_string(), "agreement"),
        (_, true) => ("rule".to_string(), rule.name()),
    };
    ConsensusRecord {
        unit: rated.unit.clone(),
        criterion: rated.criterion.clone(),
        level: rule.decide(&levels),
        decided_by,
        rule: name.to_string(),
        decided_at: String::new(),
    }
}

/// Decides every rated criterion by `rule`, except those an adjudicator
/// decided; stores only consensus that is new or changed. Returns it.
pub fn adjudicate(
    store: &mut Store,
    id: &str,
    rule: Rule,
) -> Result<Vec<ConsensusRecord>, SessionError> {
    store.session(id)?;
    let current: BTreeMap<(String, String), ConsensusRecord> = store
        .consensus(id)?
        .into_iter()
        .map(|c| ((c.unit.clone(), c.criterion.clone()), c))
        .collect();
    let decided: Vec<ConsensusRecord> = rated(&store.latest_ratings(id)?)
        .iter()
        .map(|r| by_rule(r, rule))
        .filter(
            |c| match current.get(&(c.unit.clone(), c.criterion.clone())) {
                None => true,
                Some(old) => {
                    old.rule != ADJUDICATED && (old.level, &old.rule) != (c.level, &c.rule)
                }
            },
        )
        .collect();
    store.save_consensus(id, &decided)?;
    Ok(decided)
}

/// The rule of a consensus an adjudicator decided.
pub const ADJUDICATED: &str = "adjudicated";

/// Checks an adjudicator's name: not blank, and not `rule` or `auto`, which
/// stand for the rules and the automatic scores.
pub fn check_adjudicator(name: &str) -> Result<(), SessionError> {
    match name.trim() {
        "" => Err(SessionError::Spec(
            "the adjudicator's name is empty; expected a name such as anna".into(),
        )),
        "rule" | AUTO_RATER => Err(SessionError::Spec(format!(
            "`{name}` is reserved; give the adjudicator's own name"
        ))),
        _ => Ok(()),
    }
}

/// The disagreements no adjudicator has decided yet, by unit code and then
/// in the unit's rubric order: what is left for `rate adjudicate --by`.
pub fn open_disagreements(
    session: &Session,
    units: &[Unit<'_>],
    ratings: &[StoredRating],
    consensus: &[ConsensusRecord],
) -> Vec<Rated> {
    let decided: BTreeSet<(&str, &str)> = consensus
        .iter()
        .filter(|c| c.rule == ADJUDICATED)
        .map(|c| (c.unit.as_str(), c.criterion.as_str()))
        .collect();
    let mut open: Vec<Rated> = rated(ratings)
        .into_iter()
        .filter(|r| r.disagree() && !decided.contains(&(r.unit.as_str(), r.criterion.as_str())))
        .collect();
    let place = |r: &Rated| {
        find_unit(units, &r.unit)
            .and_then(|u| {
                rubric(session, u)
                    .criteria
                    .iter()
                    .position(|c| c.id == r.criterion)
            })
            .unwrap_or(usize::MAX)
    };
    open.sort_by_cached_key(|r| (r.unit.clone(), place(r), r.criterion.clone()));
    open
}

/// The consensus an adjudicator decided for a disagreement.
pub fn adjudicated(rated: &Rated, level: u8, by: &str) -> ConsensusRecord {
    ConsensusRecord {
        unit: rated.unit.clone(),
        criterion: rated.criterion.clone(),
        level,
        decided_by: by.trim().to_string(),
        rule: ADJUDICATED.to_string(),
        decided_at: String::new(),
    }
}
