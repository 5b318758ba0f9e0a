//! The scores a comparison works on: the request checked against the data
//! (keys, phases, dimensions), the filters applied, and every key's levels
//! in a stable order.
//!
//! Scores are read by their index in the data. Each has a dimension and a
//! key set (the scores sharing one `Keys` map: a group's dimensions, a CSV's
//! repeated rows). A key's values are looked up once per key set and kept
//! as codes, so that grouping scores by key reads numbers, not maps and
//! strings.

use std::collections::BTreeSet;
use std::sync::Arc;

use foldhash::{HashMap, HashMapExt};
use rayon::prelude::*;

use super::{CompareError, Request};
use crate::compare::dataset::{GroupScore, Keys};

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

/// Marks a score whose dimension is not among the frame's dimensions.
const NO_DIMENSION: u32 = u32::MAX;

/// Keys the warnings and the change always read, besides the requested ones.
const ALWAYS_READ: [&str; 4] = ["offering", "phase", "role", "form"];

/// The checked request and the scores it selects.
pub struct Frame<'a> {
    /// The keys cells are made of (first compared pairwise), without repeats.
    pub by: Vec<String>,
    /// Every score, unfiltered.
    every: &'a [GroupScore],
    /// Indices of the scores on the chosen dimension, at every phase (for change).
    pub all_phases: Vec<usize>,
    /// Indices of the scores on the chosen dimension at the chosen phase.
    pub selected: Vec<usize>,
    /// Dimensions in study order, then in the order they appear.
    pub dimensions: Vec<String>,
    /// Of each score, its position in `dimensions` ([`NO_DIMENSION`] if none).
    dimension_of: Vec<u32>,
    /// Of each score, its key set.
    set_of: Vec<u32>,
    /// The keys of each key set, in the order the sets first appear.
    sets: Vec<&'a Keys>,
    /// The `by` keys, the cluster key and [`ALWAYS_READ`].
    columns: Vec<Column<'a>>,
    phase_order: Vec<String>,
}

/// One key's values as codes: the distinct values shown (a missing or
/// empty one as [`NO_VALUE`]) sorted, so that codes sort as values do.
pub struct Column<'a> {
    /// The key.
    pub key: String,
    /// The distinct values, sorted.
    pub values: Vec<&'a str>,
    /// Of each key set, the code of its value.
    pub set_codes: Vec<u32>,
    /// Of each score, the code of its value.
    codes: Vec<u32>,
}

impl<'a> Column<'a> {
    /// The values of `key` in the key sets `sets`, and of the scores whose
    /// sets `set_of` gives.
    fn new(key: &str, sets: &[&'a Keys], set_of: &[u32]) -> Column<'a> {
        // Codes in the order values first appear, then renumbered sorted.
        let mut first: HashMap<&str, u32> = HashMap::new();
        let mut values: Vec<&str> = Vec::new();
        let set_codes: Vec<u32> = sets
            .iter()
            .map(|k| {
                let value = match raw(k, key) {
                    "" => NO_VALUE,
                    v => v,
                };
                let next = values.len() as u32;
                let code = *first.entry(value).or_insert(next);
                if code == next {
                    values.push(value);
                }
                code
            })
            .collect();
        let mut order: Vec<u32> = (0..values.len() as u32).collect();
        order.sort_unstable_by_key(|&code| values[code as usize]);
        let mut renumber = vec![0; order.len()];
        for (sorted, &code) in order.iter().enumerate() {
            renumber[code as usize] = sorted as u32;
        }
        let set_codes: Vec<u32> = set_codes.iter().map(|&c| renumber[c as usize]).collect();
        Column {
            key: key.to_string(),
            values: order.iter().map(|&code| values[code as usize]).collect(),
            codes: set_of.iter().map(|&set| set_codes[set as usize]).collect(),
            set_codes,
        }
    }

    /// The code of a score's value.
    pub fn code(&self, score: usize) -> u32 {
        self.codes[score]
    }

    /// The value of a code.
    pub fn value(&self, code: u32) -> &'a str {
        self.values[code as usize]
    }
}

impl<'a> Frame<'a> {
    /// Checks every key and value of the request against the scores.
    pub fn new(scores: &'a [GroupScore], request: &Request) -> Result<Frame<'a>, CompareError> {
        if scores.is_empty() {
            return Err(CompareError::NoScores);
        }
        let (set_of, sets) = key_sets(scores);
        let available = available_keys(&sets);
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
        // Key sets are numbered as they first appear, so are their phases.
        let phases = ordered(sets.iter().map(|k| raw(k, "phase")), &request.phase_order);
        let (dimension_code, names) = dimension_codes(scores);
        let dimensions = ordered(names.iter().copied(), &request.dimension_order);
        known_value("phase", request.phase.as_deref(), &phases)?;
        known_value("dimension", request.dimension.as_deref(), &dimensions)?;
        if let Some((a, b)) = &request.change {
            known_value("phase", Some(a), &phases)?;
            known_value("phase", Some(b), &phases)?;
            if a == b {
                return Err(CompareError::SamePhase(a.clone()));
            }
        }
        let on_dimension: Vec<bool> = names
            .iter()
            .map(|d| request.dimension.as_ref().is_none_or(|wanted| d == wanted))
            .collect();
        let at_phase: Vec<bool> = sets
            .iter()
            .map(|k| request.phase.as_ref().is_none_or(|p| raw(k, "phase") == p))
            .collect();
        let all_phases: Vec<usize> = (0..scores.len())
            .filter(|&i| on_dimension[dimension_code[i] as usize])
            .collect();
        let selected: Vec<usize> = all_phases
            .iter()
            .copied()
            .filter(|&i| at_phase[set_of[i] as usize])
            .collect();
        if selected.is_empty() {
            return Err(CompareError::NoScores);
        }
        let mut present = vec![false; names.len()];
        for &i in &selected {
            present[dimension_code[i] as usize] = true;
        }
        let dimensions: Vec<String> = dimensions
            .into_iter()
            .filter(|d| names.iter().zip(&present).any(|(n, p)| *p && n == d))
            .collect();
        let mut keys: Vec<&str> = by.iter().map(String::as_str).collect();
        keys.extend(request.cluster.as_deref());
        keys.extend(ALWAYS_READ);
        keys.sort_unstable();
        keys.dedup();
        let columns = keys
            .into_par_iter()
            .map(|key| Column::new(key, &sets, &set_of))
            .collect();
        let position: Vec<u32> = names
            .iter()
            .zip(&present)
            .map(|(n, p)| match dimensions.iter().position(|d| d == n) {
                Some(at) if *p => at as u32,
                _ => NO_DIMENSION,
            })
            .collect();
        Ok(Frame {
            by,
            every: scores,
            all_phases,
            selected,
            dimensions,
            dimension_of: dimension_code
                .into_iter()
                .map(|c| position[c as usize])
                .collect(),
            set_of,
            sets,
            columns,
            phase_order: request.phase_order.clone(),
        })
    }

    /// The score at an index.
    pub fn score(&self, score: usize) -> &'a GroupScore {
        &self.every[score]
    }

    /// A score's position in `dimensions`; `None` for a dimension without
    /// selected scores (never for a selected score).
    pub fn dimension(&self, score: usize) -> Option<usize> {
        let at = self.dimension_of[score];
        (at != NO_DIMENSION).then_some(at as usize)
    }

    /// The key set of a score: scores of one set have the same keys.
    pub fn set(&self, score: usize) -> usize {
        self.set_of[score] as usize
    }

    /// The raw value of `key` (as [`GroupScore::key`]) of each key set.
    pub fn raw_values(&self, key: &str) -> Vec<&'a str> {
        self.sets.iter().map(|k| raw(k, key)).collect()
    }

    /// The values of `key`: a `by` key, the cluster key or one of
    /// [`ALWAYS_READ`].
    pub fn column(&self, key: &str) -> &Column<'a> {
        self.columns
            .iter()
            .find(|c| c.key == key)
            .expect("the frame reads the requested keys and those it always reads")
    }

    /// The distinct codes among `codes`: phases in study order (then in
    /// the order they appear), anything else sorted.
    pub fn levels(&self, column: &Column, codes: impl Iterator<Item = u32>) -> Vec<u32> {
        let mut seen = vec![false; column.values.len()];
        let mut levels: Vec<u32> = Vec::new();
        for code in codes {
            if !seen[code as usize] {
                seen[code as usize] = true;
                levels.push(code);
            }
        }
        if column.key == "phase" {
            let position = |code: &u32| {
                let v = column.value(*code);
                self.phase_order
                    .iter()
                    .position(|p| p == v)
                    .unwrap_or(usize::MAX)
            };
            levels.sort_by_key(position);
        } else {
            levels.sort_unstable();
        }
        levels
    }
}

/// The value of a key in a key set, or "" when it has none.
fn raw<'a>(keys: &'a Keys, key: &str) -> &'a str {
    keys.get(key).map_or("", String::as_str)
}

/// Of each score its key set, and the keys of each set in the order they
/// first appear. Scores share a set when they share their `Keys` map.
fn key_sets(scores: &[GroupScore]) -> (Vec<u32>, Vec<&Keys>) {
    let mut sets: Vec<&Keys> = Vec::new();
    let mut known: HashMap<*const (), u32> = HashMap::new();
    let mut last: Option<(&Keys, u32)> = None;
    let set_of = scores
        .iter()
        .map(|s| match last {
            // Scores mostly share the map of the one before.
            Some((keys, set)) if Arc::ptr_eq(keys, &s.keys) => set,
            _ => {
                let next = sets.len() as u32;
                let set = *known.entry(Arc::as_ptr(&s.keys).cast()).or_insert(next);
                if set == next {
                    sets.push(&s.keys);
                }
                last = Some((&s.keys, set));
                set
            }
        })
        .collect();
    (set_of, sets)
}

/// Of each score the code of its dimension, and the dimensions in the
/// order they first appear.
fn dimension_codes(scores: &[GroupScore]) -> (Vec<u32>, Vec<&str>) {
    let mut names: Vec<&str> = Vec::new();
    let mut known: HashMap<&str, u32> = HashMap::new();
    let codes = scores
        .iter()
        .map(|s| {
            let next = names.len() as u32;
            let code = *known.entry(&s.dimension).or_insert(next);
            if code == next {
                names.push(&s.dimension);
            }
            code
        })
        .collect();
    (codes, names)
}

fn available_keys(sets: &[&Keys]) -> Vec<String> {
    let mut keys: BTreeSet<&str> = BTreeSet::new();
    let mut before: Option<&Keys> = None;
    for set in sets {
        // Key sets mostly have the key names of the one before.
        if before.is_none_or(|b| !b.keys().eq(set.keys())) {
            keys.extend(set.keys().map(String::as_str));
        }
        before = Some(set);
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
/// the rest in the order they appear.
fn ordered<'s>(values: impl Iterator<Item = &'s str>, preferred: &[String]) -> Vec<String> {
    let mut seen: Vec<&str> = Vec::new();
    let mut set: BTreeSet<&str> = BTreeSet::new();
    for v in values.filter(|v| !v.is_empty()) {
        if set.insert(v) {
            seen.push(v);
        }
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
        let values = ["x", "endpoint", "", "a", "baseline", "x"].into_iter();
        assert_eq!(
            ordered(values, &preferred),
            ["baseline", "endpoint", "x", "a"]
        );
    }
}
