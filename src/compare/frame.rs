//! The scores a comparison works on: the request checked against the data
//! (keys, phases, dimensions), the filters applied, and every key's levels
//! in a stable order.

use std::collections::BTreeSet;
use std::sync::Arc;

use foldhash::HashMap;

use super::{CompareError, Request};
use crate::dataset::{GroupScore, Keys};

/// Shown for a group that has no value for a key.
pub const NO_VALUE: &str = "(none)";

/// Names a key may not have, because a cell's fields already use them.
const RESERVED: [&str; 8] = [
    "dimension",
    "n",
    "mean",
    "sd",
    "median",
    "ci95_t",
    "ci95_boot",
    "ci95_cluster",
];

/// The value of a key for a group score, [`NO_VALUE`] when it has none.
pub fn value<'a>(score: &'a GroupScore, key: &str) -> &'a str {
    match score.key(key) {
        "" => NO_VALUE,
        v => v,
    }
}

/// Reads one key of many scores, looking it up once per run of scores that
/// share their keys (a group's dimensions, a CSV's repeated rows).
pub struct KeyReader<'a, 'k> {
    key: &'k str,
    last: Option<(&'a Keys, &'a str)>,
}

impl<'a, 'k> KeyReader<'a, 'k> {
    /// A reader of `key` that has read nothing yet.
    pub fn new(key: &'k str) -> KeyReader<'a, 'k> {
        KeyReader { key, last: None }
    }

    /// As [`value`].
    pub fn of(&mut self, score: &'a GroupScore) -> &'a str {
        match self.raw(score) {
            "" => NO_VALUE,
            v => v,
        }
    }

    /// As [`GroupScore::key`].
    pub fn raw(&mut self, score: &'a GroupScore) -> &'a str {
        match self.last {
            Some((keys, v)) if Arc::ptr_eq(keys, &score.keys) => v,
            _ => {
                let v = score.key(self.key);
                self.last = Some((&score.keys, v));
                v
            }
        }
    }
}

/// The checked request and the scores it selects.
pub struct Frame<'a> {
    /// The keys cells are made of (first compared pairwise), without repeats.
    pub by: Vec<String>,
    /// Every score, unfiltered (for warnings about the whole data).
    pub every: &'a [GroupScore],
    /// Scores on the chosen dimension, at every phase (for change).
    pub all_phases: Vec<&'a GroupScore>,
    /// Scores on the chosen dimension at the chosen phase.
    pub selected: Vec<&'a GroupScore>,
    /// Dimensions in study order, then in the order they appear.
    pub dimensions: Vec<String>,
    phase_order: Vec<String>,
}

impl<'a> Frame<'a> {
    /// Checks every key and value of the request against the scores.
    pub fn new(scores: &'a [GroupScore], request: &Request) -> Result<Frame<'a>, CompareError> {
        if scores.is_empty() {
            return Err(CompareError::NoScores);
        }
        let available = available_keys(scores);
        let mut by: Vec<String> = Vec::new();
        let requested = if request.by.is_empty() {
            vec!["offering".to_string()]
        } else {
            request.by.clone()
        };
        for key in requested {
            known_key(&key, "to compare by", &available)?;
            if !by.contains(&key) {
                by.push(key);
            }
        }
        if let Some(key) = &request.cluster {
            known_key(key, "to cluster by", &available)?;
        }
        let mut phase = KeyReader::new("phase");
        let phases = ordered(
            scores.iter().map(|s| phase.raw(s)),
            &request.phase_order,
            false,
        );
        let dimensions = ordered(
            scores.iter().map(|s| s.dimension.as_str()),
            &request.dimension_order,
            false,
        );
        known_value("phase", request.phase.as_deref(), &phases)?;
        known_value("dimension", request.dimension.as_deref(), &dimensions)?;
        if let Some((a, b)) = &request.change {
            known_value("phase", Some(a), &phases)?;
            known_value("phase", Some(b), &phases)?;
            if a == b {
                return Err(CompareError::SamePhase(a.clone()));
            }
        }
        let all_phases: Vec<&GroupScore> = scores
            .iter()
            .filter(|s| request.dimension.as_ref().is_none_or(|d| &s.dimension == d))
            .collect();
        let selected: Vec<&GroupScore> = all_phases
            .iter()
            .copied()
            .filter(|s| request.phase.as_ref().is_none_or(|p| s.key("phase") == p))
            .collect();
        if selected.is_empty() {
            return Err(CompareError::NoScores);
        }
        let dimensions = dimensions
            .into_iter()
            .filter(|d| selected.iter().any(|s| &s.dimension == d))
            .collect();
        Ok(Frame {
            by,
            every: scores,
            all_phases,
            selected,
            dimensions,
            phase_order: request.phase_order.clone(),
        })
    }

    /// The distinct values of `key` among `scores`: phases in study order,
    /// anything else sorted.
    pub fn levels<'s>(
        &self,
        key: &str,
        scores: impl Iterator<Item = &'s GroupScore>,
    ) -> Vec<String> {
        let mut reader = KeyReader::new(key);
        let values = scores.map(|s| reader.of(s));
        if key == "phase" {
            ordered(values, &self.phase_order, false)
        } else {
            ordered(values, &[], true)
        }
    }
}

/// Each level's position, for sorting.
pub fn ranks(levels: &[String]) -> HashMap<&str, usize> {
    levels
        .iter()
        .enumerate()
        .map(|(i, l)| (l.as_str(), i))
        .collect()
}

fn available_keys(scores: &[GroupScore]) -> Vec<String> {
    let mut keys: BTreeSet<&str> = BTreeSet::new();
    let mut before: Option<&GroupScore> = None;
    for score in scores {
        // Scores mostly have the keys of the one before, often the same map.
        if before.is_none_or(|b| {
            !Arc::ptr_eq(&b.keys, &score.keys) && !b.keys.keys().eq(score.keys.keys())
        }) {
            keys.extend(score.keys.keys().map(String::as_str));
        }
        before = Some(score);
    }
    keys.into_iter()
        .filter(|k| !RESERVED.contains(k))
        .map(str::to_string)
        .collect()
}

fn known_key(key: &str, purpose: &'static str, available: &[String]) -> Result<(), CompareError> {
    if available.iter().any(|k| k == key) {
        Ok(())
    } else {
        Err(CompareError::UnknownKey {
            key: key.to_string(),
            purpose,
            available: available.to_vec(),
        })
    }
}

fn known_value(
    what: &'static str,
    value: Option<&str>,
    available: &[String],
) -> Result<(), CompareError> {
    match value {
        Some(v) if !available.iter().any(|a| a == v) => Err(CompareError::UnknownValue {
            what,
            value: v.to_string(),
            available: available.to_vec(),
        }),
        _ => Ok(()),
    }
}

/// Distinct non-empty values: those in `preferred` first in its order, then
/// the rest sorted (`sort_rest`) or in the order they appear.
fn ordered<'s>(
    values: impl Iterator<Item = &'s str>,
    preferred: &[String],
    sort_rest: bool,
) -> Vec<String> {
    let mut seen: Vec<&str> = Vec::new();
    let mut set: BTreeSet<&str> = BTreeSet::new();
    for v in values.filter(|v| !v.is_empty()) {
        // Few distinct values, most of them seen: look among them first.
        if !seen.iter().rev().take(8).any(|s| *s == v) && set.insert(v) {
            seen.push(v);
        }
    }
    if sort_rest {
        seen.sort_unstable();
    }
    let position = |v: &str| preferred.iter().position(|p| p == v).unwrap_or(usize::MAX);
    seen.sort_by_key(|v| position(v));
    seen.into_iter().map(str::to_string).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preferred_values_come_first_in_their_order() {
        let preferred = ["baseline".to_string(), "endpoint".to_string()];
        let values = ["x", "endpoint", "a", "baseline", "x"].into_iter();
        assert_eq!(
            ordered(values, &preferred, false),
            ["baseline", "endpoint", "x", "a"]
        );
        let values = ["x", "endpoint", "a", "baseline"].into_iter();
        assert_eq!(
            ordered(values, &[], true),
            ["a", "baseline", "endpoint", "x"]
        );
    }
}
