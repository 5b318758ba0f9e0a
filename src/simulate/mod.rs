//! Simulated studies: sessions for every site and phase of a study, filled
//! with answers that read like staff groups' answers, at a competence level
//! driven by planted effects whose true values are returned. For demos, for
//! benchmarks of the scorer, to check that comparisons find what was
//! planted, and for power by simulation ([`power`]).
//!
//! The model:
//!
//! - **Sites.** `sites` municipalities `kommune-01`, …; the study's
//!   offerings (or the chosen ones) go round-robin; within each offering
//!   the sites walk through the combinations of the study's listed site
//!   attributes (sector over the sectors of the study's vignettes,
//!   centrality, …) in rounds, so twelve sites cross three offerings with
//!   two sectors and two centralities, and every offering gets the same
//!   mix of attributes whatever the number of sites. `X_index` integers follow attribute X (rural sites get
//!   centrality index 4–6, urban 1–3); `county`
//!   is drawn from Norway's counties. A share `english` of the sites, drawn
//!   at random, answer in English; the rest in the study's first language.
//! - **Groups.** `groups` groups per site, `G1`…, the same people at every
//!   phase: 3–6 staff who meet the children (teachers, kindergarten staff),
//!   with their leader at the table in 40 % of groups and someone from the
//!   owner in 15 %. At every phase after the first simulated one, each group
//!   is missing with probability `attrition` (at least one group stays).
//!   In bokmål sessions one group in five writes nynorsk; two in five write
//!   lists rather than prose.
//! - **Sessions.** One per site and phase (`COHORT-SITE-PHASE`), planned with
//!   the session design: each group gets `vignettes_per_group` of the study's
//!   vignettes of the site's sector (at most as many as there are); a site's
//!   sessions share a design seed, so unchanged groups get the same cases at
//!   every phase.
//! - **Competence.** θ = u_site + e_group + planted effects, with u_site ~
//!   N(0, icc) and e_group ~ N(0, 1 − icc): variance 1 before the effects,
//!   and `icc` of it between sites. Effects are in SD units of θ:
//!   `offering=X:s` adds s·(phase position), 0 at the study's first phase
//!   and s at its last; `phase=P:s` adds s at phase P; `role=R:s` adds s
//!   times the group's share of role R; `ATTRIBUTE=V:s` adds s at sites
//!   with that value. See [`default_effects`] for the defaults.
//! - **Answers.** Composed from the pinned rubric (see `answers`): the
//!   group's competence on the case is θ plus a case effect ~ N(0, 0.25)
//!   (groups do better on some cases than others); intended levels per
//!   criterion follow an ordered logit in it, written as rubric
//!   phrases in carrier sentences, with red flags, negations, filler,
//!   nynorsk and typing errors; choices weighed by their evidence.
//!
//! Not a back door: sessions are planned with [`session::plan`] and stored by
//! [`session::Planned::store`], each in its own transaction; each group's
//! answers to each vignette are one answer file stored through
//! [`session::store_answer_file_in`] (the path of `session answer --file`),
//! checked like any other, all or nothing. For many replications (power,
//! recovery of planted effects) [`Plan::score_in_memory`] makes the same
//! answer files, checks them the same way and scores them without a store.
//! Everything is drawn from ChaCha8 generators seeded with `seed`: the same
//! spec and seed give the same database content (timestamps aside).

mod answers;
mod population;
pub mod power;
pub mod raters;
mod words;

pub use population::{Effect, default_effects};

use std::collections::{BTreeMap, BTreeSet, HashMap};

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use crate::bank::{Bank, Study};
use crate::compare::dataset::{self, StudyData, UnitScore};
use crate::design::forms::{self, EarlierSession, FormAssignment, NewSession};
use crate::scoring::Scorer;
use crate::session::{self, Parsed, Planned, Session, SessionError, SessionSpec, VignetteChoice};
use crate::store::{AnswerRecord, AssignmentRecord, GroupRecord, Store, StoreError};

use answers::{Style, Vocabularies};
use population::{Frame, Site};

/// Defaults of [`Spec`].
pub const DEFAULT_STUDY: &str = "inkluderende-miljo";
pub const DEFAULT_COHORT: &str = "sim";
pub const DEFAULT_SITES: usize = 12;
pub const DEFAULT_GROUPS: usize = 4;
pub const DEFAULT_VIGNETTES_PER_GROUP: usize = 3;
pub const DEFAULT_ICC: f64 = 0.1;
pub const DEFAULT_ENGLISH: f64 = 0.3;

/// Upper limits on the size of a simulation (300 groups in one session
/// answering six cases is over 9 000 answers, beyond the largest session
/// the report benchmark times).
pub const MAX_SITES: usize = 999;
pub const MAX_GROUPS: usize = 300;

/// What to simulate.
#[derive(Debug, Clone, PartialEq)]
pub struct Spec {
    pub study: String,
    /// The cohort of every session; session ids start with it.
    pub cohort: String,
    pub seed: u64,
    pub sites: usize,
    /// Groups per site.
    pub groups: usize,
    /// Phase ids to simulate; every phase of the study when empty.
    pub phases: Vec<String>,
    /// Offering ids the sites take in turn; every offering of the study when
    /// empty.
    pub offerings: Vec<String>,
    pub vignettes_per_group: usize,
    /// Planted effects; [`default_effects`] when `None`.
    pub effects: Option<Vec<Effect>>,
    /// Share of θ's variance between sites, in [0, 1).
    pub icc: f64,
    /// Chance that a group is missing at a later phase, in [0, 1).
    pub attrition: f64,
    /// Share of sites answering in English, in [0, 1].
    pub english: f64,
}

impl Default for Spec {
    fn default() -> Spec {
        Spec {
            study: DEFAULT_STUDY.to_string(),
            cohort: DEFAULT_COHORT.to_string(),
            seed: 1,
            sites: DEFAULT_SITES,
            groups: DEFAULT_GROUPS,
            phases: Vec::new(),
            offerings: Vec::new(),
            vignettes_per_group: DEFAULT_VIGNETTES_PER_GROUP,
            effects: None,
            icc: DEFAULT_ICC,
            attrition: 0.0,
            english: DEFAULT_ENGLISH,
        }
    }
}

/// Why a simulation could not be planned or stored.
#[derive(Debug, thiserror::Error)]
pub enum SimulateError {
    /// The request does not fit the study or the limits (a usage error).
    #[error("{0}")]
    Spec(String),
    #[error("this database already holds {count} session(s) of cohort `{cohort}`, e.g. {example}")]
    CohortExists {
        cohort: String,
        count: usize,
        example: String,
    },
    #[error(transparent)]
    Session(#[from] SessionError),
    #[error(
        "stopped after storing {stored} of {total} simulated sessions: {source}; \
         the database now holds part of cohort `{cohort}`"
    )]
    Partial {
        stored: usize,
        total: usize,
        cohort: String,
        source: Box<SessionError>,
    },
}

impl From<StoreError> for SimulateError {
    fn from(error: StoreError) -> SimulateError {
        SimulateError::Session(error.into())
    }
}

/// The true competence of one group in one session.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Truth {
    pub session: String,
    pub group: String,
    pub site: String,
    pub offering: String,
    pub phase: String,
    pub theta: f64,
}

/// One stored simulated session.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SessionSummary {
    pub id: String,
    pub site: String,
    pub offering: String,
    pub phase: String,
    pub language: String,
    pub groups: usize,
    pub answers: usize,
}

/// What a simulation stored, and the truth behind it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Simulation {
    pub study: String,
    pub cohort: String,
    pub seed: u64,
    pub effects: Vec<Effect>,
    pub sessions: Vec<SessionSummary>,
    /// θ of every group in every session, in session order.
    pub truth: Vec<Truth>,
}

impl Simulation {
    /// Groups over all sessions (a group counts once per session).
    pub fn groups(&self) -> usize {
        self.sessions.iter().map(|s| s.groups).sum()
    }

    /// Answers stored over all sessions.
    pub fn answers(&self) -> usize {
        self.sessions.iter().map(|s| s.answers).sum()
    }
}

/// A simulated group in one session.
#[derive(Debug, Clone)]
struct SimulatedGroup {
    label: String,
    theta: f64,
    style: Style,
}

/// A session planned and checked, with its groups' competence.
#[derive(Debug, Clone)]
struct SimulatedSession {
    planned: Planned,
    summary: SessionSummary,
    groups: Vec<SimulatedGroup>,
}

/// A checked simulation, planned in full; nothing is stored yet.
#[derive(Debug, Clone)]
pub struct Plan {
    study: String,
    cohort: String,
    seed: u64,
    effects: Vec<Effect>,
    sessions: Vec<SimulatedSession>,
}

/// A draw from N(0, variance) (Box–Muller).
fn normal(rng: &mut ChaCha8Rng, variance: f64) -> f64 {
    let u: f64 = rng.random::<f64>().max(f64::MIN_POSITIVE);
    let v: f64 = rng.random();
    (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos() * variance.sqrt()
}

fn spec_error(message: impl Into<String>) -> SimulateError {
    SimulateError::Spec(message.into())
}

fn check_limits(spec: &Spec) -> Result<(), SimulateError> {
    let share = |name: &str, value: f64, top_included: bool| {
        let inside = value >= 0.0 && (value < 1.0 || (top_included && value == 1.0));
        if inside {
            Ok(())
        } else {
            let top = if top_included { "1]" } else { "1)" };
            Err(spec_error(format!(
                "{name} must be in [0, {top}; got {value}"
            )))
        }
    };
    share("the site ICC", spec.icc, false)?;
    share("the attrition", spec.attrition, false)?;
    share("the English share", spec.english, true)?;
    for (name, value, max) in [
        ("the sites", spec.sites, MAX_SITES),
        ("the groups per site", spec.groups, MAX_GROUPS),
        (
            "the vignettes per group",
            spec.vignettes_per_group,
            usize::MAX,
        ),
    ] {
        if value == 0 || value > max {
            return Err(spec_error(format!(
                "{name} must be from 1 to {max}; got {value}"
            )));
        }
    }
    let cohort_ok = (1..=24).contains(&spec.cohort.len())
        && spec.cohort.starts_with(|c: char| c.is_ascii_alphanumeric())
        && spec
            .cohort
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !cohort_ok {
        return Err(spec_error(format!(
            "cohort `{}`: use 1 to 24 letters, digits, - and _ (it starts every session id)",
            spec.cohort
        )));
    }
    Ok(())
}

fn find_study<'b>(bank: &'b Bank, id: &str) -> Result<&'b Study, SimulateError> {
    bank.study(id).map(|e| &e.item).ok_or_else(|| {
        let known: Vec<&str> = bank.studies.iter().map(|s| s.item.id.as_str()).collect();
        spec_error(format!(
            "no study `{id}` in the bank; expected one of: {}",
            known.join(", ")
        ))
    })
}

/// The phases to simulate, in the study's order.
fn chosen_phases<'s>(study: &'s Study, wanted: &[String]) -> Result<Vec<&'s str>, SimulateError> {
    let ids: Vec<&str> = study.phases.iter().map(|p| p.id.as_str()).collect();
    if let Some(unknown) = wanted.iter().find(|w| !ids.contains(&w.as_str())) {
        return Err(spec_error(format!(
            "the study has no phase `{unknown}`; expected one of: {}",
            ids.join(", ")
        )));
    }
    Ok(ids
        .into_iter()
        .filter(|id| wanted.is_empty() || wanted.iter().any(|w| w == id))
        .collect())
}

/// The offerings sites take in turn, in the order asked for (the study's
/// order when none are asked for); each must be the study's, once.
fn chosen_offerings<'s>(
    study: &'s Study,
    wanted: &'s [String],
) -> Result<Vec<&'s str>, SimulateError> {
    let ids: Vec<&str> = study.offerings.iter().map(|o| o.id.as_str()).collect();
    if wanted.is_empty() {
        return Ok(ids);
    }
    for (i, offering) in wanted.iter().enumerate() {
        if !ids.contains(&offering.as_str()) {
            return Err(spec_error(format!(
                "the study has no offering `{offering}`; expected one of: {}",
                ids.join(", ")
            )));
        }
        if wanted[..i].contains(offering) {
            return Err(spec_error(format!("offering `{offering}` is given twice")));
        }
    }
    Ok(wanted.iter().map(String::as_str).collect())
}

/// The study's vignettes that fit a site's sector, by the rule sessions
/// follow ([`session::fits_site`]).
fn fitting_vignettes(bank: &Bank, study: &Study, site: &Site) -> Vec<String> {
    let sector = |id: &String| bank.vignette(id).map(|v| v.item.sector.as_str());
    let sectors: Vec<&str> = study.vignettes.iter().filter_map(sector).collect();
    study
        .vignettes
        .iter()
        .filter(|id| sector(id).is_some_and(|s| session::fits_site(s, site.sector(), &sectors)))
        .cloned()
        .collect()
}

/// The vignettes of `fitting` in the session's form (all without one).
fn in_form(study: &Study, form: Option<&FormAssignment>, fitting: &[String]) -> Vec<String> {
    let Some(form) = form.and_then(|f| study.forms.iter().find(|s| s.id == f.form)) else {
        return fitting.to_vec();
    };
    fitting
        .iter()
        .filter(|v| form.vignettes.contains(v))
        .cloned()
        .collect()
}

/// Checks a simulation against the bank and plans every session, without
/// touching any database: a refused request leaves nothing behind.
pub fn plan(bank: &Bank, spec: &Spec) -> Result<Plan, SimulateError> {
    check_limits(spec)?;
    let study = find_study(bank, &spec.study)?;
    let phases = chosen_phases(study, &spec.phases)?;
    let offerings = chosen_offerings(study, &spec.offerings)?;
    if spec.english > 0.0 && !study.languages.iter().any(|l| l == "en") {
        return Err(spec_error(format!(
            "study `{}` has no English texts; expected an English share of 0",
            study.id
        )));
    }
    let effects = spec
        .effects
        .clone()
        .unwrap_or_else(|| default_effects(study));
    population::check_effects(study, &effects).map_err(SimulateError::Spec)?;
    let mut sectors: Vec<&str> = Vec::new();
    for id in &study.vignettes {
        if let Some(v) = bank.vignette(id)
            && !sectors.contains(&v.item.sector.as_str())
        {
            sectors.push(&v.item.sector);
        }
    }
    let mut rng = ChaCha8Rng::seed_from_u64(spec.seed);
    let frame = Frame {
        study,
        offerings,
        sectors,
        sites: spec.sites,
        groups: spec.groups,
        icc: spec.icc,
        english: spec.english,
    };
    let mut sessions = Vec::new();
    let mut earlier: Vec<EarlierSession> = Vec::new();
    for site in frame.draw(&mut rng) {
        let fitting = fitting_vignettes(bank, study, &site);
        for (index, phase) in phases.iter().enumerate() {
            let new = NewSession {
                site: &site.name,
                offering: &site.offering,
                sector: site.attributes.get(session::SECTOR).map(String::as_str),
                phase,
            };
            let form = forms::choose(study, new, &earlier, site.design_seed)
                .map_err(|e| spec_error(e.to_string()))?;
            let vignettes = in_form(study, form.as_ref(), &fitting);
            earlier.push(EarlierSession {
                site: site.name.clone(),
                offering: site.offering.clone(),
                sector: new.sector.map(str::to_string),
                phase: phase.to_string(),
                form: form.as_ref().map(|f| f.form.clone()),
            });
            let present: Vec<&population::Group> = site
                .groups
                .iter()
                .filter(|_| index == 0 || !rng.random_bool(spec.attrition))
                .collect();
            let present = if present.is_empty() {
                vec![&site.groups[0]]
            } else {
                present
            };
            let session_spec = SessionSpec {
                id: Some(format!("{}-{}-{phase}", spec.cohort, site.name)),
                study: study.id.clone(),
                offering: site.offering.clone(),
                phase: phase.to_string(),
                cohort: spec.cohort.clone(),
                site: site.name.clone(),
                site_attributes: site.attributes.clone(),
                language: Some(site.language.clone()),
                groups: present
                    .iter()
                    .map(|g| GroupRecord {
                        label: g.label.clone(),
                        roles: g.roles.clone(),
                    })
                    .collect(),
                vignettes: VignetteChoice::PerGroupOf {
                    per_group: spec.vignettes_per_group.min(vignettes.len()),
                    vignettes: vignettes.clone(),
                },
                form,
                seed: site.design_seed,
            };
            sessions.push(SimulatedSession {
                planned: session::plan(bank, &session_spec)?,
                groups: present
                    .iter()
                    .map(|g| SimulatedGroup {
                        label: g.label.clone(),
                        theta: population::theta(study, &effects, &site, g, phase),
                        style: g.style,
                    })
                    .collect(),
                summary: SessionSummary {
                    id: session_spec.id.clone().unwrap_or_default(),
                    site: site.name.clone(),
                    offering: site.offering.clone(),
                    phase: phase.to_string(),
                    language: site.language.clone(),
                    groups: present.len(),
                    answers: 0,
                },
            });
        }
    }
    Ok(Plan {
        study: study.id.clone(),
        cohort: spec.cohort.clone(),
        seed: spec.seed,
        effects,
        sessions,
    })
}

impl Plan {
    /// How many sessions the simulation will store.
    pub fn sessions(&self) -> usize {
        self.sessions.len()
    }

    /// Refuses a database that holds sessions of this cohort or any of the ids.
    fn check_free(&self, store: &Store) -> Result<(), SimulateError> {
        let existing: Vec<String> = store
            .sessions()?
            .into_iter()
            .filter(|s| s.cohort == self.cohort)
            .map(|s| s.id)
            .collect();
        if let Some(example) = existing.first() {
            return Err(SimulateError::CohortExists {
                cohort: self.cohort.clone(),
                count: existing.len(),
                example: example.clone(),
            });
        }
        for s in &self.sessions {
            if store.has_session(&s.summary.id)? {
                return Err(spec_error(format!(
                    "a session `{}` exists already in this database",
                    s.summary.id
                )));
            }
        }
        Ok(())
    }

    /// Stores every session and its answers through the normal session
    /// paths; returns what was stored and the true θ of every group.
    ///
    /// A failure after the first session was stored is
    /// [`SimulateError::Partial`]: what was stored stays.
    pub fn run(self, store: &mut Store) -> Result<Simulation, SimulateError> {
        self.check_free(store)?;
        let total = self.sessions.len();
        let mut simulation = Simulation {
            study: self.study,
            cohort: self.cohort,
            seed: self.seed,
            effects: self.effects,
            sessions: Vec::with_capacity(total),
            truth: Vec::new(),
        };
        let vocabularies = Vocabularies::default();
        for (index, simulated) in self.sessions.into_iter().enumerate() {
            let mut rng = session_rng(self.seed, index);
            let id = simulated.summary.id.clone();
            match fill(store, simulated, &mut rng, &vocabularies) {
                Ok((summary, truth)) => {
                    simulation.sessions.push(summary);
                    simulation.truth.extend(truth);
                }
                Err(source) if index > 0 || store.has_session(&id).unwrap_or(true) => {
                    return Err(SimulateError::Partial {
                        stored: index,
                        total,
                        cohort: simulation.cohort,
                        source: Box::new(source),
                    });
                }
                Err(source) => return Err(source.into()),
            }
        }
        Ok(simulation)
    }
}

/// Stores one session, then each group's answers to each of its vignettes
/// as one answer file.
fn fill(
    store: &mut Store,
    simulated: SimulatedSession,
    rng: &mut ChaCha8Rng,
    vocabularies: &Vocabularies,
) -> Result<(SessionSummary, Vec<Truth>), SessionError> {
    let SimulatedSession {
        planned,
        mut summary,
        groups,
    } = simulated;
    let id = planned.store(store)?;
    let session = session::load(store, &id)?;
    for file in answer_files(&session, &groups, rng, vocabularies) {
        summary.answers +=
            session::store_answer_file_in(store, &session, &file.name, file.json.as_bytes())?;
    }
    let truth = truth(&summary, groups);
    Ok((summary, truth))
}

/// One group's simulated answers to one vignette, as an answer file.
struct AnswerFile<'s> {
    assignment: &'s AssignmentRecord,
    name: String,
    json: String,
}

/// Each group's answers to each of its vignettes, in assignment order.
fn answer_files<'s>(
    session: &'s Session,
    groups: &[SimulatedGroup],
    rng: &mut ChaCha8Rng,
    vocabularies: &Vocabularies,
) -> Vec<AnswerFile<'s>> {
    let id = &session.record.id;
    let mut files = Vec::new();
    for assignment in &session.assignments {
        let Some(group) = groups.iter().find(|g| g.label == assignment.group) else {
            continue;
        };
        let values = answers::compose(
            rng,
            group.theta,
            group.style,
            &session.record.language,
            session.vignette(assignment),
            &session.rubrics[&assignment.rubric_hash],
            vocabularies,
        );
        let file = serde_json::json!({
            "group": group.label,
            "vignette": assignment.vignette,
            "answers": values,
        });
        files.push(AnswerFile {
            assignment,
            name: format!(
                "simulated answers of {} to {} in {id}",
                group.label, assignment.vignette
            ),
            json: file.to_string(),
        });
    }
    files
}

/// The true competence of a session's groups.
fn truth(summary: &SessionSummary, groups: Vec<SimulatedGroup>) -> Vec<Truth> {
    groups
        .into_iter()
        .map(|g| Truth {
            session: summary.id.clone(),
            group: g.label,
            site: summary.site.clone(),
            offering: summary.offering.clone(),
            phase: summary.phase.clone(),
            theta: g.theta,
        })
        .collect()
}

/// The generator of the `index`-th session's answers.
fn session_rng(seed: u64, index: usize) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(index as u64 + 1);
    rng
}

/// Every vignette of a study compiled for scoring in each of its
/// languages, to score many simulations in memory: compiling a rubric costs
/// far more than scoring a unit with it. The rubrics' vocabularies for
/// composing answers are built once here too, and the instruments sessions
/// pin are parsed once, shared by every simulation scored with these
/// scorers.
pub struct Scorers<'b> {
    /// By vignette hash: (rubric hash, language, scorer).
    compiled: HashMap<String, Vec<(String, &'b str, Scorer<'b>)>>,
    vocabularies: Vocabularies,
    /// The study, its vignettes and rubrics as sessions pin them, parsed.
    parsed: Parsed,
}

impl<'b> Scorers<'b> {
    /// Compiles the study's vignettes and their rubrics from the bank.
    pub fn new(bank: &'b Bank, study: &str) -> Result<Scorers<'b>, SimulateError> {
        let study = find_study(bank, study)?;
        let mut compiled: HashMap<String, Vec<_>> = HashMap::new();
        for id in &study.vignettes {
            let (Some(vignette), Some(rubric)) = (bank.vignette(id), bank.rubric_for(id)) else {
                return Err(spec_error(format!(
                    "vignette `{id}` or its rubric is not in the bank"
                )));
            };
            let rubric_hash = session::content_hash(&rubric.text);
            let scorers = compiled.entry(session::content_hash(&vignette.text));
            let scorers = scorers.or_default();
            for language in &study.languages {
                let scorer = Scorer::new(&rubric.item, &vignette.item, language);
                scorers.push((rubric_hash.clone(), language.as_str(), scorer));
            }
        }
        Ok(Scorers {
            compiled,
            vocabularies: Vocabularies::default(),
            parsed: Parsed::of_study(bank, &study.id)?,
        })
    }

    fn get(
        &self,
        assignment: &AssignmentRecord,
        language: &str,
    ) -> Result<&Scorer<'b>, SimulateError> {
        let found = self
            .compiled
            .get(&assignment.vignette_hash)
            .and_then(|all| {
                all.iter().find(|(rubric, lang, _)| {
                    *rubric == assignment.rubric_hash && *lang == language
                })
            });
        found.map(|(_, _, scorer)| scorer).ok_or_else(|| {
            spec_error(format!(
                "vignette `{}` in `{language}` is not among the compiled scorers",
                assignment.vignette
            ))
        })
    }
}

/// A simulation composed and scored in memory.
#[derive(Debug, Clone)]
pub struct Scored {
    /// What [`crate::compare::dataset::load`] gives once the simulation is stored and
    /// every session scored (automatic scores; no raters).
    pub data: StudyData,
    pub simulation: Simulation,
}

impl Plan {
    /// Composes every answer and scores it in memory, storing nothing: the
    /// same answer files as [`Plan::run`], checked by the same
    /// [`session::check_answer_file`] and scored by the same rubrics, for
    /// many replications (power, recovery of planted effects). The sessions
    /// take their instruments in turn from one copy of those the scorers
    /// parsed.
    pub fn score_in_memory(self, scorers: &Scorers) -> Result<Scored, SimulateError> {
        let mut simulation = Simulation {
            study: self.study,
            cohort: self.cohort,
            seed: self.seed,
            effects: self.effects,
            sessions: Vec::with_capacity(self.sessions.len()),
            truth: Vec::new(),
        };
        let mut data: Option<StudyData> = None;
        let mut parsed = scorers.parsed.clone();
        for (index, simulated) in self.sessions.into_iter().enumerate() {
            let session = simulated
                .planned
                .session(&mut parsed)
                .ok_or_else(|| spec_error("a simulated session has no id"))??;
            let data = data.get_or_insert_with(|| empty_data(&session));
            let mut summary = simulated.summary;
            let mut rng = session_rng(self.seed, index);
            let mut units = Vec::new();
            let files = answer_files(&session, &simulated.groups, &mut rng, &scorers.vocabularies);
            for file in files {
                let records =
                    session::check_answer_file(&session, &file.name, file.json.as_bytes())?;
                summary.answers += records.len();
                units.push(score_unit(&session, file.assignment, records, scorers)?);
            }
            // In the order `dataset::load` reads them, so that sums agree to the bit.
            units.sort_by(|a, b| (&a.label, &a.vignette).cmp(&(&b.label, &b.vignette)));
            data.units.extend(units);
            add_session(data, session, &mut parsed);
            simulation.truth.extend(truth(&summary, simulated.groups));
            simulation.sessions.push(summary);
        }
        let data = data.ok_or_else(|| spec_error("the simulation has no sessions"))?;
        Ok(Scored { data, simulation })
    }
}

/// The automatic score of one group's checked answers to one vignette.
fn score_unit(
    session: &Session,
    assignment: &AssignmentRecord,
    records: Vec<AnswerRecord>,
    scorers: &Scorers,
) -> Result<UnitScore, SimulateError> {
    let values = records.into_iter().map(|r| (r.prompt, r.value)).collect();
    let card = scorers
        .get(assignment, &session.record.language)?
        .score(&values);
    Ok(dataset::unit_score(
        &session.record.id,
        assignment.group.clone(),
        assignment.vignette.clone(),
        1,
        card,
        assignment.rubric_hash.clone(),
    ))
}

/// A data set of the study of `session`, with no sessions yet.
fn empty_data(session: &Session) -> StudyData {
    StudyData {
        study: session.study.clone(),
        study_hashes: BTreeSet::new(),
        sessions: Vec::new(),
        groups: Vec::new(),
        units: Vec::new(),
        rubrics: BTreeMap::new(),
        vignette_titles: BTreeMap::new(),
        unscored: BTreeMap::new(),
    }
}

/// Adds a scored session's groups, rubrics and titles to the data set, and
/// gives its instruments back to `parsed`.
fn add_session(data: &mut StudyData, session: Session, parsed: &mut Parsed) {
    let Session {
        record,
        study,
        groups,
        vignettes,
        rubrics,
        ..
    } = session;
    let form = crate::design::forms::form_of_design(&record.design);
    for group in groups {
        data.groups.push(dataset::group_info(
            &record,
            form.as_deref(),
            group.label,
            group.roles,
        ));
    }
    for (hash, rubric) in &rubrics {
        if !data.rubrics.contains_key(hash) {
            data.rubrics.insert(hash.clone(), rubric.clone());
        }
    }
    for vignette in vignettes.values() {
        let title = vignette.title.clone();
        data.vignette_titles.insert(vignette.id.clone(), title);
    }
    data.study_hashes.insert(record.study_hash.clone());
    parsed.give_back(record.study_hash.clone(), study, vignettes, rubrics);
    data.sessions.push(record);
}
