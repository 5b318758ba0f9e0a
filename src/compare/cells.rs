//! Descriptive statistics per cell (a combination of the `by` keys on one
//! dimension): n, mean, sd, median, the t interval and the bootstrap
//! intervals of the mean.

use std::collections::BTreeMap;

use foldhash::{HashMap, HashMapExt};

use super::frame::{Column, Frame};
use super::{Cell, Request};
use crate::stats;
use crate::stats::bootstrap::{self, Job, Sample};

/// One cell's scores before they are summarised.
struct Members<'a> {
    dimension: &'a str,
    values: Vec<&'a str>,
    /// The scores' indices in the frame.
    scores: Vec<usize>,
}

/// Every cell, dimensions in order and within them the keys' levels in order.
pub fn describe(frame: &Frame, request: &Request) -> Vec<Cell> {
    let columns: Vec<&Column> = frame.by.iter().map(|k| frame.column(k)).collect();
    let members = members(frame, &columns);
    let mut jobs: Vec<Job> = members.iter().map(|m| value_job(frame, m)).collect();
    if let Some(key) = &request.cluster {
        let clusters = frame.column(key);
        jobs.extend(members.iter().map(|m| cluster_job(frame, m, clusters)));
    }
    let intervals = bootstrap::intervals(&jobs, request.boot, request.seed);
    let (groups, clusters) = intervals.split_at(members.len());
    members
        .iter()
        .enumerate()
        .map(|(i, m)| Cell {
            ci95_cluster: clusters.get(i).copied().flatten(),
            ..summary(frame, m, groups[i])
        })
        .collect()
}

/// The selected scores of each cell, in the order of the cells.
fn members<'f>(frame: &'f Frame, columns: &[&Column<'f>]) -> Vec<Members<'f>> {
    // Of each key, the rank of each code among the levels.
    let ranks: Vec<Vec<u32>> = columns
        .iter()
        .map(|column| {
            let codes = frame.selected.iter().map(|&i| column.code(i));
            let mut rank = vec![u32::MAX; column.values.len()];
            for (r, code) in frame.levels(column, codes).into_iter().enumerate() {
                rank[code as usize] = r as u32;
            }
            rank
        })
        .collect();
    let mut cells: Vec<(Vec<u32>, Members)> = Vec::new();
    let mut index: HashMap<Vec<u32>, usize> = HashMap::new();
    let mut position: Vec<u32> = Vec::new();
    for &score in &frame.selected {
        let Some(dimension) = frame.dimension(score) else {
            continue;
        };
        position.clear();
        position.push(dimension as u32);
        position.extend(
            columns
                .iter()
                .zip(&ranks)
                .map(|(c, r)| r[c.code(score) as usize]),
        );
        if let Some(&at) = index.get(position.as_slice()) {
            cells[at].1.scores.push(score);
        } else {
            index.insert(position.clone(), cells.len());
            let members = Members {
                dimension: &frame.dimensions[dimension],
                values: columns.iter().map(|c| c.value(c.code(score))).collect(),
                scores: vec![score],
            };
            cells.push((position.clone(), members));
        }
    }
    cells.sort_unstable_by(|(a, _), (b, _)| a.cmp(b));
    cells.into_iter().map(|(_, m)| m).collect()
}

/// The name a cell's bootstrap stream is derived from.
fn name(m: &Members) -> String {
    format!("{}\u{1f}{}", m.dimension, m.values.join("\u{1f}"))
}

fn value_job(frame: &Frame, m: &Members) -> Job {
    Job {
        name: format!("groups\u{1f}{}", name(m)),
        sample: Sample::Values(m.scores.iter().map(|&i| frame.score(i).score).collect()),
    }
}

fn cluster_job(frame: &Frame, m: &Members, clusters: &Column) -> Job {
    // Codes sort as the clusters' values do.
    let mut sums: BTreeMap<u32, (f64, f64)> = BTreeMap::new();
    for &i in &m.scores {
        let cluster = sums.entry(clusters.code(i)).or_default();
        cluster.0 += frame.score(i).score;
        cluster.1 += 1.0;
    }
    Job {
        name: format!("clusters\u{1f}{}\u{1f}{}", clusters.key, name(m)),
        sample: Sample::Clusters(sums.into_values().collect()),
    }
}

fn summary(frame: &Frame, m: &Members, ci95_boot: Option<[f64; 2]>) -> Cell {
    let scores: Vec<f64> = m.scores.iter().map(|&i| frame.score(i).score).collect();
    // A cell exists because a score fell into it: n ≥ 1.
    let n = scores.len();
    let mean = scores.iter().sum::<f64>() / n as f64;
    let sd = stats::sd(&scores);
    let ci95_t = sd.and_then(|sd| {
        let half = stats::t_quantile(0.975, (n - 1) as f64)? * sd / (n as f64).sqrt();
        Some([mean - half, mean + half])
    });
    Cell {
        keys: frame
            .by
            .iter()
            .cloned()
            .zip(m.values.iter().map(|v| v.to_string()))
            .collect(),
        dimension: m.dimension.to_string(),
        n,
        mean,
        sd,
        median: stats::median(&scores).unwrap_or(mean),
        ci95_t,
        ci95_boot,
        ci95_cluster: None,
    }
}
