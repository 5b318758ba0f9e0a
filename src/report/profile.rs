//! The needs-analysis sheet of one site, the first step after partnership in
//! the cycle partnership → needs analysis → implementation → evaluation:
//! where the site's groups stand on each dimension against all sites, which
//! criteria they most often missed, and for the weakest the practice to aim
//! for (each rubric's top level descriptor).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

/// Why a site profile could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    /// A site that no selected session has.
    #[error(
        "no site `{site}` in the selected sessions; the sites are: {}",
        sites.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ")
    )]
    UnknownSite { site: String, sites: Vec<String> },
    /// Something asked for that the data do not have (a phase, scores).
    #[error("{0}")]
    Missing(String),
    #[error("cannot render: {0}")]
    Render(#[from] minijinja::Error),
}

use minijinja::value::Serde;
use minijinja::{Environment, context};
use serde::Serialize;

use crate::bank::{Criterion, Rubric};
use crate::bank::{label_of, localized};
use crate::compare::dataset::{GroupScore, StudyData, UnitScore};
use crate::messages;
use crate::render::escape_markdown;
use crate::store::SessionRecord;

/// How many of the weakest criteria get a target practice.
const WORK_ON: usize = 5;
/// Fewer groups than this at the site get a note on uncertainty.
const FEW_GROUPS: usize = 3;

/// Which site, phase and language a profile is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileRequest {
    pub site: String,
    /// The earliest phase with scores for the site when `None`.
    pub phase: Option<String>,
    /// The language of the site's sessions when `None`.
    pub language: Option<String>,
}

/// A site's needs-analysis sheet.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Profile {
    pub study: String,
    pub study_title: String,
    pub site: String,
    pub phase: String,
    pub phase_label: String,
    /// Phases with scores for the site, in study order.
    pub phases: Vec<String>,
    /// The language of the labels and descriptors.
    pub language: String,
    pub sessions: Vec<String>,
    /// Labels of the site's offerings at the phase.
    pub offerings: Vec<String>,
    /// Groups of the site with scores at the phase.
    pub groups: usize,
    /// Sites with scores at the phase.
    pub sites: usize,
    pub dimensions: Vec<DimensionRow>,
    /// Every criterion scored at the site, weakest first.
    pub missed: Vec<MissedCriterion>,
    /// The weakest criteria below their top level, with the practice to aim for.
    pub work_on: Vec<Target>,
    /// What the reader must know: few groups, answers not yet scored.
    pub notes: Vec<String>,
}

/// The site against all sites on one dimension (group-level scores, 0–100).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DimensionRow {
    pub dimension: String,
    pub label: String,
    /// Mean over the site's groups.
    pub mean: f64,
    pub groups: usize,
    /// Mean over every group at the phase, of all sites.
    pub all_mean: f64,
    pub all_groups: usize,
    /// 1 for the site with the highest mean; ties share the better rank.
    pub rank: usize,
    pub sites: usize,
    /// Share (%) of the other sites with a lower mean, ties counted half;
    /// `None` when the site is the only one.
    pub percentile: Option<f64>,
}

/// How often the site's groups missed one criterion.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MissedCriterion {
    pub criterion: String,
    /// Its title in the first rubric (in study order) that scored it here.
    pub label: String,
    pub dimension: String,
    /// Critical in any rubric that scored it here.
    pub critical: bool,
    /// Units (group × vignette) that scored it.
    pub units: usize,
    /// Units at level 0.
    pub missed: usize,
    /// `missed / units`, 0–1.
    pub share_missed: f64,
    /// Mean of level / highest level, 0–1.
    pub attainment: f64,
}

/// One of the weakest criteria and what good practice looks like.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Target {
    pub criterion: String,
    pub label: String,
    pub critical: bool,
    pub share_missed: f64,
    /// One per rubric that scored it here.
    pub practices: Vec<Practice>,
}

/// A rubric's description of a criterion at its highest level.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Practice {
    pub vignette: String,
    pub rubric: String,
    /// The criterion's title in this rubric.
    pub title: String,
    pub level: u8,
    pub descriptor: String,
}

/// How a profile is written out (text tables are the command line's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProfileFormat {
    Json,
    Markdown,
    /// One self-contained page, everything from the data escaped.
    Html,
}

/// The profile of `request.site` from the scored units of `data`.
pub fn profile(data: &StudyData, request: &ProfileRequest) -> Result<Profile, ProfileError> {
    let site = request.site.as_str();
    let site_sessions: Vec<&SessionRecord> =
        data.sessions.iter().filter(|s| s.site == site).collect();
    if site_sessions.is_empty() {
        let sites: BTreeSet<&str> = data.sessions.iter().map(|s| s.site.as_str()).collect();
        return Err(ProfileError::UnknownSite {
            site: site.to_string(),
            sites: sites.into_iter().map(str::to_string).collect(),
        });
    }
    let scores = data.group_scores();
    let phases = site_phases(data, &scores, site);
    let phase = choose_phase(site, &phases, request.phase.as_deref())?;
    let at_phase: Vec<&SessionRecord> = site_sessions
        .into_iter()
        .filter(|s| s.phase == phase)
        .collect();
    let language = request
        .language
        .clone()
        .unwrap_or_else(|| at_phase[0].language.clone());
    let scores: Vec<&GroupScore> = scores.iter().filter(|s| s.key("phase") == phase).collect();
    let units: Vec<&UnitScore> = data
        .units
        .iter()
        .filter(|u| at_phase.iter().any(|s| s.id == u.session))
        .collect();
    let missed = missed_criteria(data, &units, &language);
    let work_on = targets(data, &units, &missed, &language);
    let study = &data.study;
    Ok(Profile {
        study: study.id.clone(),
        study_title: localized(&study.title, &language),
        site: site.to_string(),
        phase_label: label_of(&study.phases, &phase, &language),
        phases,
        sessions: at_phase.iter().map(|s| s.id.clone()).collect(),
        offerings: unique(
            at_phase
                .iter()
                .map(|s| label_of(&study.offerings, &s.offering, &language)),
        ),
        groups: unique(
            scores
                .iter()
                .filter(|s| s.key("site") == site)
                .map(|s| s.group.clone()),
        )
        .len(),
        sites: unique(scores.iter().map(|s| s.key("site").to_string())).len(),
        dimensions: dimension_rows(data, &scores, site, &language),
        notes: notes(data, &at_phase, &scores, site, &language),
        phase,
        language,
        missed,
        work_on,
    })
}

fn unique(items: impl Iterator<Item = String>) -> Vec<String> {
    let mut seen = Vec::new();
    for item in items {
        if !seen.contains(&item) {
            seen.push(item);
        }
    }
    seen
}

/// The phases with group scores for the site, in study order.
fn site_phases(data: &StudyData, scores: &[GroupScore], site: &str) -> Vec<String> {
    let present: BTreeSet<&str> = scores
        .iter()
        .filter(|s| s.key("site") == site)
        .map(|s| s.key("phase"))
        .collect();
    let order = |p: &str| data.study.phases.iter().position(|x| x.id == p);
    let mut phases: Vec<&str> = present.into_iter().collect();
    phases.sort_by_key(|p| (order(p).unwrap_or(usize::MAX), p.to_string()));
    phases.into_iter().map(str::to_string).collect()
}

fn choose_phase(
    site: &str,
    phases: &[String],
    wanted: Option<&str>,
) -> Result<String, ProfileError> {
    match (wanted, phases.first()) {
        (_, None) => Err(ProfileError::Missing(format!(
            "site `{site}` has no scored answers yet; its sessions must be scored first"
        ))),
        (Some(phase), _) if !phases.iter().any(|p| p == phase) => {
            Err(ProfileError::Missing(format!(
                "site `{site}` has no scores at phase `{phase}`; it has scores at: {}",
                phases.join(", ")
            )))
        }
        (Some(phase), _) => Ok(phase.to_string()),
        (None, Some(first)) => Ok(first.clone()),
    }
}

fn dimension_rows(
    data: &StudyData,
    scores: &[&GroupScore],
    site: &str,
    language: &str,
) -> Vec<DimensionRow> {
    let mut rows = Vec::new();
    for dimension in &data.study.dimensions {
        let on: Vec<&GroupScore> = scores
            .iter()
            .copied()
            .filter(|s| s.dimension == dimension.id)
            .collect();
        let mut by_site: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
        for score in &on {
            by_site
                .entry(score.key("site"))
                .or_default()
                .push(score.score);
        }
        let Some(own) = by_site.get(site) else {
            continue;
        };
        let means: Vec<f64> = by_site.values().map(|v| mean(v)).collect();
        let site_mean = mean(own);
        let above = means.iter().filter(|m| **m > site_mean + 1e-9).count();
        let below = means.iter().filter(|m| **m < site_mean - 1e-9).count();
        let others = means.len() - 1;
        let tied = others - above - below;
        rows.push(DimensionRow {
            dimension: dimension.id.clone(),
            label: localized(&dimension.label, language),
            mean: site_mean,
            groups: own.len(),
            all_mean: mean(&on.iter().map(|s| s.score).collect::<Vec<_>>()),
            all_groups: on.len(),
            rank: above + 1,
            sites: means.len(),
            percentile: (others > 0)
                .then(|| 100.0 * (below as f64 + 0.5 * tied as f64) / others as f64),
        });
    }
    rows
}

fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len().max(1) as f64
}

/// What the rubrics say about a criterion, found by the unit's rubric hash.
fn criterion_in<'d>(
    data: &'d StudyData,
    unit: &UnitScore,
    id: &str,
) -> Option<(&'d Rubric, &'d Criterion)> {
    let rubric = data.rubrics.get(&unit.rubric_hash)?;
    rubric
        .criteria
        .iter()
        .find(|c| c.id == id)
        .map(|c| (rubric, c))
}

/// Every criterion scored in `units`, weakest first: most often at level 0,
/// then lowest mean attainment, critical first, then by id.
fn missed_criteria(data: &StudyData, units: &[&UnitScore], language: &str) -> Vec<MissedCriterion> {
    let mut tallies: BTreeMap<&str, MissedCriterion> = BTreeMap::new();
    for unit in by_study_order(data, units) {
        for c in &unit.criteria {
            let tally = tallies
                .entry(&c.criterion)
                .or_insert_with(|| MissedCriterion {
                    criterion: c.criterion.clone(),
                    label: criterion_in(data, unit, &c.criterion).map_or_else(
                        || c.criterion.clone(),
                        |(_, criterion)| localized(&criterion.title, language),
                    ),
                    dimension: c.dimension.clone(),
                    critical: false,
                    units: 0,
                    missed: 0,
                    share_missed: 0.0,
                    attainment: 0.0,
                });
            tally.critical |= c.critical;
            tally.units += 1;
            tally.missed += usize::from(c.level == 0);
            tally.attainment += f64::from(c.level) / f64::from(c.max_level.max(1));
        }
    }
    let mut missed: Vec<MissedCriterion> = tallies
        .into_values()
        .map(|mut t| {
            t.share_missed = t.missed as f64 / t.units as f64;
            t.attainment /= t.units as f64;
            t
        })
        .collect();
    missed.sort_by(|a, b| {
        b.share_missed
            .total_cmp(&a.share_missed)
            .then(a.attainment.total_cmp(&b.attainment))
            .then(b.critical.cmp(&a.critical))
            .then(a.criterion.cmp(&b.criterion))
    });
    missed
}

/// Units ordered by their vignette's place in the study.
fn by_study_order<'u>(data: &StudyData, units: &[&'u UnitScore]) -> Vec<&'u UnitScore> {
    let mut ordered = units.to_vec();
    let order = |v: &str| data.study.vignettes.iter().position(|x| x == v);
    ordered.sort_by_key(|u| order(&u.vignette).unwrap_or(usize::MAX));
    ordered
}

/// The weakest criteria below their top level, each with the top level
/// descriptor of every rubric that scored it at the site.
fn targets(
    data: &StudyData,
    units: &[&UnitScore],
    missed: &[MissedCriterion],
    language: &str,
) -> Vec<Target> {
    missed
        .iter()
        .filter(|m| m.attainment < 1.0)
        .take(WORK_ON)
        .map(|m| {
            let mut practices: Vec<Practice> = Vec::new();
            for unit in by_study_order(data, units) {
                let Some((rubric, criterion)) = criterion_in(data, unit, &m.criterion) else {
                    continue;
                };
                if practices.iter().any(|p| p.rubric == rubric.id) {
                    continue;
                }
                let top = criterion.levels.iter().max_by_key(|l| l.level);
                practices.push(Practice {
                    vignette: rubric.vignette.clone(),
                    rubric: rubric.id.clone(),
                    title: localized(&criterion.title, language),
                    level: top.map_or(0, |l| l.level),
                    descriptor: top
                        .map_or_else(String::new, |l| localized(&l.descriptor, language)),
                });
            }
            Target {
                criterion: m.criterion.clone(),
                label: m.label.clone(),
                critical: m.critical,
                share_missed: m.share_missed,
                practices,
            }
        })
        .collect()
}

fn notes(
    data: &StudyData,
    sessions: &[&SessionRecord],
    scores: &[&GroupScore],
    site: &str,
    language: &str,
) -> Vec<String> {
    let words = messages::of(language);
    let mut notes = Vec::new();
    let groups = unique(
        scores
            .iter()
            .filter(|s| s.key("site") == site)
            .map(|s| s.group.clone()),
    );
    if groups.len() < FEW_GROUPS {
        notes.push(words.fill("profile.few_groups", &[("count", &groups.len())]));
    }
    for session in sessions {
        if let Some(n) = data.unscored.get(&session.id) {
            notes.push(words.fill(
                "profile.unscored",
                &[("session", &session.id), ("count", n)],
            ));
        }
    }
    notes
}

fn environment() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
        env.add_filter("md", escape_markdown);
        env.add_filter("one", |x: f64| format!("{x:.1}"));
        env.add_filter("percent", |x: f64| format!("{:.0} %", x * 100.0));
        // Names ending in .html are autoescaped as HTML.
        for (name, source) in [
            ("profile.html", include_str!("templates/profile.html")),
            ("profile.md", include_str!("templates/profile.md")),
        ] {
            env.add_template(name, source)
                .expect("shipped profile template compiles");
        }
        env
    })
}

impl Profile {
    /// Writes the profile as JSON, Markdown or a self-contained HTML page.
    pub fn write(&self, format: ProfileFormat) -> Result<String, ProfileError> {
        let name = match format {
            ProfileFormat::Json => {
                return Ok(serde_json::to_string_pretty(self).unwrap_or_default() + "\n");
            }
            ProfileFormat::Markdown => "profile.md",
            ProfileFormat::Html => "profile.html",
        };
        let page = environment().get_template(name)?.render(
            context! { p => Serde(self), t => messages::of(&self.language).section("profile") },
        )?;
        Ok(page + "\n")
    }
}
