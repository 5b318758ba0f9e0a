//! Descriptive statistics per cell (a combination of the `by` keys on one
//! dimension): n, mean, sd, median, the t interval and the bootstrap
//! intervals of the mean.

use std::collections::BTreeMap;

use foldhash::HashMap;

use super::bootstrap::{self, Job, Sample};
use super::frame::{Frame, KeyReader, ranks, value};
use super::{Cell, Request};
use crate::dataset::GroupScore;
use crate::stats;

/// One cell's scores before they are summarised.
struct Members<'a> {
    dimension: &'a str,
    values: Vec<&'a str>,
    scores: Vec<&'a GroupScore>,
}

/// Every cell, dimensions in order and within them the keys' levels in order.
pub fn describe(frame: &Frame, request: &Request) -> Vec<Cell> {
    let members = members(frame);
    let mut jobs: Vec<Job> = members.iter().map(|m| value_job(m)).collect();
    if let Some(key) = &request.cluster {
        jobs.extend(members.iter().map(|m| cluster_job(m, key)));
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

fn members<'a>(frame: &Frame<'a>) -> Vec<Members<'a>> {
    let levels: Vec<Vec<String>> = frame
        .by
        .iter()
        .map(|key| frame.levels(key, frame.selected.iter().copied()))
        .collect();
    let level_ranks: Vec<HashMap<&str, usize>> = levels.iter().map(|l| ranks(l)).collect();
    let dimension_ranks = ranks(&frame.dimensions);
    let mut cells: BTreeMap<Vec<usize>, Members<'a>> = BTreeMap::new();
    let mut position: Vec<usize> = Vec::new();
    let mut readers: Vec<KeyReader> = frame.by.iter().map(|k| KeyReader::new(k)).collect();
    for &score in &frame.selected {
        position.clear();
        position.push(dimension_ranks[score.dimension.as_str()]);
        position.extend(
            readers
                .iter_mut()
                .zip(&level_ranks)
                .map(|(k, r)| r[k.of(score)]),
        );
        if let Some(cell) = cells.get_mut(position.as_slice()) {
            cell.scores.push(score);
        } else {
            cells.insert(
                position.clone(),
                Members {
                    dimension: &score.dimension,
                    values: frame.by.iter().map(|k| value(score, k)).collect(),
                    scores: vec![score],
                },
            );
        }
    }
    cells.into_values().collect()
}

/// The name a cell's bootstrap stream is derived from.
fn name(m: &Members) -> String {
    format!("{}\u{1f}{}", m.dimension, m.values.join("\u{1f}"))
}

fn value_job(m: &Members) -> Job {
    Job {
        name: format!("groups\u{1f}{}", name(m)),
        sample: Sample::Values(m.scores.iter().map(|s| s.score).collect()),
    }
}

fn cluster_job(m: &Members, key: &str) -> Job {
    let mut clusters: BTreeMap<&str, (f64, f64)> = BTreeMap::new();
    for s in &m.scores {
        let cluster = clusters.entry(value(s, key)).or_default();
        cluster.0 += s.score;
        cluster.1 += 1.0;
    }
    Job {
        name: format!("clusters\u{1f}{key}\u{1f}{}", name(m)),
        sample: Sample::Clusters(clusters.into_values().collect()),
    }
}

fn summary(frame: &Frame, m: &Members, ci95_boot: Option<[f64; 2]>) -> Cell {
    let scores: Vec<f64> = m.scores.iter().map(|s| s.score).collect();
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
