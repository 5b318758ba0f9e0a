//! Which comparisons the report makes: offerings at one phase, change from
//! the first to the last phase present, roles, and rural/urban sites.

use super::Analyses;
use crate::compare::dataset::{GroupScore, StudyData};
use crate::compare::{self, Request};

/// The site attribute compared as rural/urban, when a study has it.
pub const CENTRALITY: &str = "centrality";

/// How the report's comparisons are made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// The phase offerings, roles and sites are compared at; the latest
    /// phase present when `None`.
    pub phase: Option<String>,
    /// Bootstrap resamples.
    pub boot: usize,
    pub seed: u64,
}

/// Why a report could not be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ReportError {
    #[error("no scored units in the selected sessions ({0})")]
    NoScores(String),
    #[error("phase `{phase}` has no scored groups; phases with scores: {present}")]
    UnknownPhase { phase: String, present: String },
    #[error("cannot compare {analysis}: {message}")]
    Compare { analysis: String, message: String },
    #[error("cannot read the store: {0}")]
    Store(String),
    #[error("cannot render the report: {0}")]
    Template(String),
}

/// The comparison requests of a report.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub phase: String,
    pub offerings: Request,
    /// Pairs groups from the first to the last phase; `None` with one phase.
    pub change: Option<Request>,
    pub roles: Request,
    /// `None` when the study has no `centrality` site attribute.
    pub centrality: Option<Request>,
}

/// The phases with scored units, in study order (unknown ones last).
pub fn phases_present(data: &StudyData) -> Vec<String> {
    let mut present: Vec<String> = Vec::new();
    for unit in &data.units {
        let phase = data
            .sessions
            .iter()
            .find(|s| s.id == unit.session)
            .map(|s| s.phase.clone());
        if let Some(phase) = phase.filter(|p| !present.contains(p)) {
            present.push(phase);
        }
    }
    let rank = |p: &String| {
        data.study
            .phases
            .iter()
            .position(|s| &s.id == p)
            .unwrap_or(usize::MAX)
    };
    present.sort_by_key(rank);
    present
}

/// The requests for `data`: every comparison at the chosen phase, and the
/// change from the first to the last phase present.
pub fn plan(data: &StudyData, options: &Options) -> Result<Plan, ReportError> {
    let present = phases_present(data);
    let (Some(first), Some(last)) = (present.first(), present.last()) else {
        let sessions: Vec<&str> = data.sessions.iter().map(|s| s.id.as_str()).collect();
        return Err(ReportError::NoScores(sessions.join(", ")));
    };
    let phase = match &options.phase {
        Some(p) if present.contains(p) => p.clone(),
        Some(p) => {
            return Err(ReportError::UnknownPhase {
                phase: p.clone(),
                present: present.join(", "),
            });
        }
        None => last.clone(),
    };
    let at_phase = |by: &str| Request {
        phase: Some(phase.clone()),
        ..request(data, by, options)
    };
    let has_centrality = data
        .study
        .site_attributes
        .iter()
        .any(|a| a.id == CENTRALITY);
    // Offerings are compared at the level the study gives them; rural and
    // urban are properties of sites, so sites are their units too.
    let offering_level = data.study.assignment.cluster_key().map(String::from);
    Ok(Plan {
        offerings: Request {
            cluster: offering_level.clone(),
            ..at_phase("offering")
        },
        change: (first != last).then(|| Request {
            // Phase as a key keeps each cell within one phase.
            by: vec!["offering".to_string(), "phase".to_string()],
            change: Some((first.clone(), last.clone())),
            cluster: offering_level,
            ..request(data, "offering", options)
        }),
        roles: at_phase("role"),
        centrality: has_centrality.then(|| Request {
            cluster: Some("site".to_string()),
            ..at_phase(CENTRALITY)
        }),
        phase,
    })
}

fn request(data: &StudyData, by: &str, options: &Options) -> Request {
    Request {
        by: vec![by.to_string()],
        phase: None,
        dimension: None,
        phase_order: data.study.phases.iter().map(|p| p.id.clone()).collect(),
        dimension_order: data.study.dimensions.iter().map(|d| d.id.clone()).collect(),
        boot: options.boot,
        seed: options.seed,
        change: None,
        cluster: None,
    }
}

/// Runs the comparisons of the [`plan`] on the groups' scores.
pub fn analyse(data: &StudyData, options: &Options) -> Result<Analyses, ReportError> {
    let plan = plan(data, options)?;
    let scores = data.group_scores();
    let run = |analysis: &str, request: &Request, scores: &[GroupScore]| {
        compare::compare(scores, request).map_err(|e| ReportError::Compare {
            analysis: analysis.to_string(),
            message: e.to_string(),
        })
    };
    let change = match &plan.change {
        Some(request) => Some(run("the change between phases", request, &scores)?),
        None => None,
    };
    let located: Vec<GroupScore> = scores
        .iter()
        .filter(|s| !s.key(CENTRALITY).is_empty() && s.key("phase") == plan.phase)
        .cloned()
        .collect();
    let centrality = match &plan.centrality {
        Some(request) if !located.is_empty() => {
            Some(run("rural and urban sites", request, &located)?)
        }
        _ => None,
    };
    Ok(Analyses {
        offerings: run("offerings", &plan.offerings, &scores)?,
        change,
        roles: run("roles", &plan.roles, &scores)?,
        centrality,
        phase: plan.phase,
    })
}
