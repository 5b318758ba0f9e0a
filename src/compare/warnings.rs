//! What the reader of a comparison must know: small or flat cells, offerings
//! that lack a phase others have, phases pooled in one cell, and offerings
//! whose groups are made of different roles or answered different forms.

use std::collections::{BTreeMap, BTreeSet};

use foldhash::HashSet;

use super::frame::{Column, Frame};
use super::{Cell, Pairwise, Request};

/// Cells with fewer groups than this are flagged.
pub const SMALL_CELL: usize = 5;

/// Offerings whose role mixes differ by more than this total variation
/// distance are flagged.
pub const ROLE_MIX_DISTANCE: f64 = 0.3;

/// Offerings whose groups' shares of the parallel forms differ by more than
/// this total variation distance are flagged.
pub const FORM_MIX_DISTANCE: f64 = 0.3;

/// Warnings about the cells: small and flat ones.
pub fn about_cells(cells: &[Cell]) -> Vec<String> {
    let mut warnings = small_cells(cells);
    warnings.extend(flat_cells(cells));
    warnings
}

/// Warnings about the data whatever the cells: missing and pooled phases,
/// role mixes, few clusters.
pub fn about_data(frame: &Frame, request: &Request) -> Vec<String> {
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

fn small_cells(cells: &[Cell]) -> Vec<String> {
    let mut small: Vec<(String, Vec<String>)> = Vec::new();
    for cell in cells.iter().filter(|c| c.n < SMALL_CELL) {
        let entry = format!("{} {}", cell.dimension, cell.n);
        let name = label(cell);
        match small.iter_mut().find(|(l, _)| *l == name) {
            Some((_, entries)) => entries.push(entry),
            None => small.push((name, vec![entry])),
        }
    }
    small
        .into_iter()
        .map(|(name, entries)| {
            format!(
                "{name}: fewer than {SMALL_CELL} groups ({}): wide intervals and weak tests; \
                 with one group sd, intervals and tests are not defined",
                entries.join(", ")
            )
        })
        .collect()
}

/// Cells whose groups come from fewer than [`SMALL_CELL`] clusters: a
/// bootstrap over so few clusters gives too narrow an interval.
fn few_clusters(frame: &Frame, key: &str) -> Vec<String> {
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
            format!(
                "{}: its groups come from only {} {key} cluster(s); a bootstrap over fewer than \
                 {SMALL_CELL} clusters understates the uncertainty, so read its cluster interval \
                 as a lower bound on the width",
                name.join(", "),
                c.len()
            )
        })
        .collect()
}

fn flat_cells(cells: &[Cell]) -> Vec<String> {
    cells
        .iter()
        .filter(|c| c.sd == Some(0.0))
        .map(|c| {
            format!(
                "{} on {}: all {} groups have the same score ({}), so its sd is 0; effect \
                 sizes and tests against a level with sd 0 too are not defined",
                label(c),
                c.dimension,
                c.n,
                c.mean
            )
        })
        .collect()
}

/// Offerings without scores at a phase other offerings have (all scores,
/// before any filter).
fn missing_phases(frame: &Frame) -> Vec<String> {
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
                format!(
                    "offering `{offering}` has no scores at {}, which other offerings have: \
                     comparisons at that phase leave it out, and its change across it cannot \
                     be measured",
                    lacking.join(", ")
                )
            })
        })
        .collect()
}

fn pooled_phases(frame: &Frame, request: &Request) -> Option<String> {
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
        format!(
            "scores of {} phases ({}) are pooled in each cell, so a group counts once per \
             phase; choose one phase, or add phase to the keys",
            phases.len(),
            phases.join(", ")
        )
    })
}

/// Pairs of offerings whose groups' dominant roles differ: the total
/// variation distance ½ Σ_r |p_a(r) − p_b(r)| between their role shares
/// (each group counted once per phase) above [`ROLE_MIX_DISTANCE`].
fn role_mix(frame: &Frame) -> Vec<String> {
    mix_warnings(
        frame,
        "role",
        ROLE_MIX_DISTANCE,
        |a, b, distance, sa, sb| {
            format!(
                "offerings `{a}` and `{b}` differ in the roles of their groups (total \
             variation distance {distance:.2} > {ROLE_MIX_DISTANCE}; {a}: {sa}; {b}: {sb}): \
             a difference between them may be a difference between roles; compare \
             by offering and role"
            )
        },
    )
}

/// Offerings whose groups answered different parallel forms: a difference
/// between them may be a difference between the forms' cases.
fn form_mix(frame: &Frame) -> Vec<String> {
    mix_warnings(
        frame,
        "form",
        FORM_MIX_DISTANCE,
        |a, b, distance, sa, sb| {
            format!(
                "offerings `{a}` and `{b}` answered different forms (total variation distance \
             {distance:.2} > {FORM_MIX_DISTANCE}; {a}: {sa}; {b}: {sb}): a difference between \
             them may be a difference between the forms' cases; compare by offering and form"
            )
        },
    )
}

/// For every pair of offerings whose groups' shares of `key` differ by more
/// than `limit` (total variation distance), a warning made by `message`
/// from the two offerings, the distance and their shares. Groups without a
/// value of `key` say nothing about the mix.
fn mix_warnings(
    frame: &Frame,
    key: &str,
    limit: f64,
    message: impl Fn(&str, &str, f64, String, String) -> String,
) -> Vec<String> {
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
                warnings.push(message(a, b, distance, percentages(ra), percentages(rb)));
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
pub fn about_clusters(pairwise: &[Pairwise]) -> Vec<String> {
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
        .map(|((level, key), n)| match n {
            1 => format!(
                "`{level}` has its groups in one {key}: its differences from the others cannot be \
                 tested, because groups of one {key} share everything the comparison is about"
            ),
            n => format!(
                "`{level}` has its groups in {n} {key}s: the {key}-level test has been checked to \
                 give its stated 5 % false positives with {CALIBRATED_CLUSTERS} or more {key}s \
                 per side, not with {n}; read its p-values with care"
            ),
        })
        .collect()
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
