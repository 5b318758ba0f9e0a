//! What the reader of a comparison must know: small or flat cells, offerings
//! that lack a phase others have, phases pooled in one cell, and offerings
//! whose groups are made of different roles or answered different forms.
//! Each warning is a message of the catalogue's `compare` section with its
//! values, said in the reader's language ([`Warning::in_words`]); in JSON
//! it is its English text, as it always was.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use foldhash::HashSet;
use serde::{Serialize, Serializer};

use super::frame::{Column, Frame};
use super::{Cell, Pairwise, Request};
use crate::messages::{self, Messages};

/// A warning about a comparison: a message of the catalogue's `compare`
/// section and its values, to be said in any language; `Display` and JSON
/// say it in English.
#[derive(Debug, Clone, PartialEq)]
pub struct Warning {
    /// The message's key in the `compare` section; empty for a text said
    /// already (`text`).
    key: &'static str,
    values: Vec<(&'static str, Part)>,
}

/// A value of a warning.
#[derive(Debug, Clone, PartialEq)]
enum Part {
    /// Data, said as it is (ids, numbers).
    Text(String),
    /// A message of its own, such as "G1 (baseline only)".
    Said(Warning),
    /// Parts separated by commas, then "… and N more" when N were left out.
    List(Vec<Part>, usize),
}

/// The most names a warning lists before saying how many more there are.
const LISTED: usize = 5;

impl Warning {
    fn new(key: &'static str, values: Vec<(&'static str, Part)>) -> Warning {
        Warning { key, values }
    }

    /// A warning whose text is said already, in one language for all.
    pub fn text(text: impl Into<String>) -> Warning {
        Warning::new("", vec![("text", Part::Text(text.into()))])
    }

    /// The warning in the words of `words`.
    pub fn in_words(&self, words: &Messages) -> String {
        let said: Vec<(&str, String)> = self
            .values
            .iter()
            .map(|(name, part)| (*name, part.in_words(words)))
            .collect();
        if self.key.is_empty() {
            return said.into_iter().map(|(_, text)| text).collect();
        }
        let values: Vec<(&str, &dyn fmt::Display)> = said
            .iter()
            .map(|(name, text)| (*name, text as &dyn fmt::Display))
            .collect();
        words.fill(&format!("compare.{}", self.key), &values)
    }
}

impl Part {
    fn in_words(&self, words: &Messages) -> String {
        match self {
            Part::Text(text) => text.clone(),
            Part::Said(warning) => warning.in_words(words),
            Part::List(parts, more) => {
                let mut said: Vec<String> = parts.iter().map(|p| p.in_words(words)).collect();
                if *more > 0 {
                    said.push(words.fill("compare.and_more", &[("n", more)]));
                }
                said.join(", ")
            }
        }
    }
}

fn text(value: impl fmt::Display) -> Part {
    Part::Text(value.to_string())
}

/// The first [`LISTED`] of `parts`, then how many more there are.
fn listed(parts: impl Iterator<Item = Part>, count: usize) -> Part {
    Part::List(parts.take(LISTED).collect(), count.saturating_sub(LISTED))
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.in_words(messages::of("en")))
    }
}

impl Serialize for Warning {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// Cells with fewer groups than this are flagged.
pub const SMALL_CELL: usize = 5;

/// Offerings whose role mixes differ by more than this total variation
/// distance are flagged.
pub const ROLE_MIX_DISTANCE: f64 = 0.3;

/// Offerings whose groups' shares of the parallel forms differ by more than
/// this total variation distance are flagged.
pub const FORM_MIX_DISTANCE: f64 = 0.3;

/// Warnings about the cells: small and flat ones.
pub fn about_cells(cells: &[Cell]) -> Vec<Warning> {
    let mut warnings = small_cells(cells);
    warnings.extend(flat_cells(cells));
    warnings
}

/// Warnings about the data whatever the cells: missing and pooled phases,
/// role mixes, few clusters.
pub fn about_data(frame: &Frame, request: &Request) -> Vec<Warning> {
    let mut warnings = missing_phases(frame);
    warnings.extend(pooled_phases(frame, request));
    warnings.extend(role_mix(frame));
    warnings.extend(form_mix(frame));
    if let Some(key) = &request.cluster {
        warnings.extend(few_clusters(frame, key));
    }
    warnings
}

fn label(cell: &Cell) -> String {
    let keys: Vec<String> = cell.keys.iter().map(|(k, v)| format!("{k}={v}")).collect();
    keys.join(", ")
}

fn small_cells(cells: &[Cell]) -> Vec<Warning> {
    let mut small: Vec<(String, Vec<Part>)> = Vec::new();
    for cell in cells.iter().filter(|c| c.n < SMALL_CELL) {
        let entry = text(format!("{} {}", cell.dimension, cell.n));
        let name = label(cell);
        match small.iter_mut().find(|(l, _)| *l == name) {
            Some((_, entries)) => entries.push(entry),
            None => small.push((name, vec![entry])),
        }
    }
    small
        .into_iter()
        .map(|(name, entries)| {
            Warning::new(
                "small_cells",
                vec![
                    ("cell", text(name)),
                    ("small", text(SMALL_CELL)),
                    ("entries", Part::List(entries, 0)),
                ],
            )
        })
        .collect()
}

/// Cells whose groups come from fewer than [`SMALL_CELL`] clusters: a
/// bootstrap over so few clusters gives too narrow an interval.
fn few_clusters(frame: &Frame, key: &str) -> Vec<Warning> {
    let columns: Vec<&Column> = frame.by.iter().map(|k| frame.column(k)).collect();
    let clusters_of = frame.column(key);
    // Codes sort as values do: cells and clusters in the order of their values.
    let mut clusters: BTreeMap<Vec<u32>, BTreeSet<u32>> = BTreeMap::new();
    for &i in &frame.selected {
        let cell: Vec<u32> = columns.iter().map(|c| c.code(i)).collect();
        clusters
            .entry(cell)
            .or_default()
            .insert(clusters_of.code(i));
    }
    clusters
        .into_iter()
        .filter(|(_, c)| c.len() < SMALL_CELL)
        .map(|(cell, c)| {
            let name: Vec<String> = frame
                .by
                .iter()
                .zip(&columns)
                .zip(cell)
                .map(|((k, column), code)| format!("{k}={}", column.value(code)))
                .collect();
            Warning::new(
                "few_clusters",
                vec![
                    ("cell", text(name.join(", "))),
                    ("count", text(c.len())),
                    ("key", text(key)),
                    ("small", text(SMALL_CELL)),
                ],
            )
        })
        .collect()
}

fn flat_cells(cells: &[Cell]) -> Vec<Warning> {
    cells
        .iter()
        .filter(|c| c.sd == Some(0.0))
        .map(|c| {
            Warning::new(
                "flat_cell",
                vec![
                    ("cell", text(label(c))),
                    ("dimension", text(&c.dimension)),
                    ("n", text(c.n)),
                    ("mean", text(c.mean)),
                ],
            )
        })
        .collect()
}

/// Offerings without scores at a phase other offerings have (all scores,
/// before any filter).
fn missing_phases(frame: &Frame) -> Vec<Warning> {
    let (offering, phase) = (frame.column("offering"), frame.column("phase"));
    // Every key set has scores: its codes are those of all the scores.
    let phases: Vec<&str> = frame
        .levels(phase, phase.set_codes.iter().copied())
        .into_iter()
        .map(|code| phase.value(code))
        .collect();
    let mut by_offering: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    let pairs: BTreeSet<(u32, u32)> = offering
        .set_codes
        .iter()
        .copied()
        .zip(phase.set_codes.iter().copied())
        .collect();
    for (o, p) in pairs {
        by_offering
            .entry(offering.value(o))
            .or_default()
            .insert(phase.value(p));
    }
    by_offering
        .iter()
        .filter_map(|(offering, has)| {
            let lacking: Vec<&str> = phases
                .iter()
                .copied()
                .filter(|p| !has.contains(p))
                .collect();
            (!lacking.is_empty()).then(|| {
                Warning::new(
                    "missing_phases",
                    vec![
                        ("offering", text(offering)),
                        ("phases", text(lacking.join(", "))),
                    ],
                )
            })
        })
        .collect()
}

fn pooled_phases(frame: &Frame, request: &Request) -> Option<Warning> {
    if request.phase.is_some() || frame.by.iter().any(|k| k == "phase") {
        return None;
    }
    let phase = frame.column("phase");
    let codes = frame.selected.iter().map(|&i| phase.code(i));
    let phases: Vec<&str> = frame
        .levels(phase, codes)
        .into_iter()
        .map(|code| phase.value(code))
        .collect();
    (phases.len() > 1).then(|| {
        Warning::new(
            "pooled_phases",
            vec![
                ("count", text(phases.len())),
                ("phases", text(phases.join(", "))),
            ],
        )
    })
}

/// Pairs of offerings whose groups' dominant roles differ: the total
/// variation distance ½ Σ_r |p_a(r) − p_b(r)| between their role shares
/// (each group counted once per phase) above [`ROLE_MIX_DISTANCE`].
fn role_mix(frame: &Frame) -> Vec<Warning> {
    mix_warnings(frame, "role", ROLE_MIX_DISTANCE, "role_mix")
}

/// Offerings whose groups answered different parallel forms: a difference
/// between them may be a difference between the forms' cases.
fn form_mix(frame: &Frame) -> Vec<Warning> {
    mix_warnings(frame, "form", FORM_MIX_DISTANCE, "form_mix")
}

/// For every pair of offerings whose groups' shares of `key` differ by more
/// than `limit` (total variation distance), the warning `message` with the
/// two offerings, the distance and their shares. Groups without a value of
/// `key` say nothing about the mix.
fn mix_warnings(frame: &Frame, key: &str, limit: f64, message: &'static str) -> Vec<Warning> {
    let [offering, phase, value] = ["offering", "phase", key].map(|k| frame.column(k));
    let mut groups: HashSet<(&str, u32, u32, u32)> = HashSet::default();
    let mut last: Option<(&str, usize)> = None;
    for &i in &frame.selected {
        let (group, set) = (frame.score(i).group.as_str(), frame.set(i));
        // A group's other dimensions, one after the other, add nothing.
        if last == Some((group, set)) {
            continue;
        }
        last = Some((group, set));
        groups.insert((group, offering.code(i), phase.code(i), value.code(i)));
    }
    let mut shares: BTreeMap<&str, BTreeMap<&str, f64>> = BTreeMap::new();
    for (_, o, _, v) in groups
        .into_iter()
        .filter(|&(_, _, _, v)| value.value(v) != super::NO_VALUE)
    {
        *shares
            .entry(offering.value(o))
            .or_default()
            .entry(value.value(v))
            .or_default() += 1.0;
    }
    for values in shares.values_mut() {
        let total: f64 = values.values().sum();
        values.values_mut().for_each(|n| *n /= total);
    }
    let offerings: Vec<(&str, &BTreeMap<&str, f64>)> =
        shares.iter().map(|(o, r)| (*o, r)).collect();
    let mut warnings = Vec::new();
    for (i, (a, ra)) in offerings.iter().enumerate() {
        for (b, rb) in &offerings[i + 1..] {
            let distance = total_variation(ra, rb);
            if distance > limit {
                warnings.push(Warning::new(
                    message,
                    vec![
                        ("a", text(a)),
                        ("b", text(b)),
                        ("distance", text(format!("{distance:.2}"))),
                        ("limit", text(limit)),
                        ("shares_a", text(percentages(ra))),
                        ("shares_b", text(percentages(rb))),
                    ],
                ));
            }
        }
    }
    warnings
}

fn total_variation(a: &BTreeMap<&str, f64>, b: &BTreeMap<&str, f64>) -> f64 {
    let roles: BTreeSet<&str> = a.keys().chain(b.keys()).copied().collect();
    let share = |m: &BTreeMap<&str, f64>, r: &str| m.get(r).copied().unwrap_or(0.0);
    roles
        .into_iter()
        .map(|r| (share(a, r) - share(b, r)).abs())
        .sum::<f64>()
        / 2.0
}

fn percentages(shares: &BTreeMap<&str, f64>) -> String {
    let parts: Vec<String> = shares
        .iter()
        .map(|(role, share)| format!("{role} {:.0} %", share * 100.0))
        .collect();
    parts.join(", ")
}

/// Fewest clusters per side with which the cluster-robust test was shown to
/// hold its 5 % level (`vignette power --calibrate`, docs/statistics.md).
pub const CALIBRATED_CLUSTERS: usize = 4;

/// Levels compared with too few clusters: one (no test) or fewer than
/// [`CALIBRATED_CLUSTERS`] (a test whose level has not been checked).
pub fn about_clusters(pairwise: &[Pairwise]) -> Vec<Warning> {
    let mut counts: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for p in pairwise.iter().filter(|p| p.method == "cr2") {
        for (level, clusters) in [(&p.a, p.clusters_a), (&p.b, p.clusters_b)] {
            if let Some(n) = clusters {
                counts.insert((level.as_str(), p.level.as_str()), n);
            }
        }
    }
    counts
        .into_iter()
        .filter(|(_, n)| *n < CALIBRATED_CLUSTERS)
        .map(|((level, key), n)| {
            let (level, key) = (text(level), text(key));
            match n {
                1 => Warning::new("one_cluster", vec![("level", level), ("key", key)]),
                n => Warning::new(
                    "few_calibrated",
                    vec![
                        ("level", level),
                        ("key", key),
                        ("n", text(n)),
                        ("calibrated", text(CALIBRATED_CLUSTERS)),
                    ],
                ),
            }
        })
        .collect()
}

/// Groups of `offering` with scores at only one of the phases `from` and
/// `to` (group → the phase it has), left out of its change.
pub fn unpaired(offering: &str, groups: &BTreeMap<&str, &str>, from: &str, to: &str) -> Warning {
    let names = groups.iter().map(|(group, phase)| {
        Part::Said(Warning::new(
            "only_at",
            vec![("group", text(group)), ("phase", text(phase))],
        ))
    });
    Warning::new(
        "unpaired",
        vec![
            ("offering", text(offering)),
            ("count", text(groups.len())),
            ("from", text(from)),
            ("to", text(to)),
            ("groups", listed(names, groups.len())),
        ],
    )
}

/// Group ids scored more than once at `from` or `to`, each counted with the
/// mean of its scores.
pub fn doubled(groups: &BTreeSet<&str>, from: &str, to: &str) -> Warning {
    Warning::new(
        "doubled",
        vec![
            ("count", text(groups.len())),
            ("from", text(from)),
            ("to", text(to)),
            ("groups", listed(groups.iter().map(text), groups.len())),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn total_variation_is_half_the_absolute_differences() {
        let a = BTreeMap::from([("teacher", 0.8), ("principal", 0.2)]);
        let b = BTreeMap::from([("teacher", 0.4), ("municipal", 0.6)]);
        assert!((total_variation(&a, &b) - 0.6).abs() < 1e-12);
        assert_eq!(total_variation(&a, &a), 0.0);
    }
}
