//! Which rubric criteria groups most often miss: per criterion and
//! offering, the share of scored units at level 0.

use std::collections::BTreeMap;

use crate::compare::dataset::StudyData;

/// Units scored on a criterion, and how many of them at level 0.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Tally {
    pub units: usize,
    pub zero: usize,
}

impl Tally {
    /// The share at level 0 (0–1).
    pub fn share(self) -> f64 {
        self.zero as f64 / self.units as f64
    }
}

/// Level-0 tallies at one phase by (criterion, offering).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Missed {
    /// Criterion ids by the study's dimension order, then by id.
    pub criteria: Vec<String>,
    /// Criterion id → dimension id.
    pub dimension_of: BTreeMap<String, String>,
    pub tallies: BTreeMap<(String, String), Tally>,
}

impl Missed {
    /// The tally of `criterion` over every offering.
    pub fn total(&self, criterion: &str) -> Tally {
        self.tallies
            .iter()
            .filter(|((c, _), _)| c == criterion)
            .fold(Tally::default(), |sum, (_, t)| Tally {
                units: sum.units + t.units,
                zero: sum.zero + t.zero,
            })
    }
}

/// Tallies the criterion levels of the units of `phase`.
pub(super) fn missed(data: &StudyData, phase: &str) -> Missed {
    let mut tallies: BTreeMap<(String, String), Tally> = BTreeMap::new();
    let mut dimension_of: BTreeMap<String, String> = BTreeMap::new();
    for unit in &data.units {
        let Some(session) = data.sessions.iter().find(|s| s.id == unit.session) else {
            continue;
        };
        if session.phase != phase {
            continue;
        }
        for level in &unit.criteria {
            let tally = tallies
                .entry((level.criterion.clone(), session.offering.clone()))
                .or_default();
            tally.units += 1;
            tally.zero += usize::from(level.level == 0);
            dimension_of.insert(level.criterion.clone(), level.dimension.clone());
        }
    }
    let rank = |id: &String| {
        let dimension = &dimension_of[id];
        let position = data
            .study
            .dimensions
            .iter()
            .position(|d| &d.id == dimension);
        (position.unwrap_or(usize::MAX), id.clone())
    };
    let mut criteria: Vec<String> = dimension_of.keys().cloned().collect();
    criteria.sort_by_key(rank);
    Missed {
        criteria,
        dimension_of,
        tallies,
    }
}
