//! Human rating of a session's answers: blind unit codes, the seeded plan of
//! who codes which unit, checks of ratings against the pinned rubrics,
//! imports, consensus by rule, progress, and agreement from stored ratings
//! (among raters, and of the automatic scores against the humans).
//!
//! A rating unit is one group's answers to one vignette. Raters only ever see
//! its code (`U` + 10 hex digits of SHA-256 of `session/group/vignette`); the
//! code's meaning is computed here and never shown. Not for presentation or
//! input: no terminal, no printing; the CLI (`vignette rate`) does that.

pub mod agreement;

use std::collections::{BTreeMap, BTreeSet};

use rand::seq::SliceRandom;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use crate::bank::{Criterion, Rubric};
use crate::scoring::ScoreCard;
use crate::scoring::latest_answers;
use crate::session::{self, Problem, Session, SessionError, content_hash};
use crate::store::{
    AssignmentRecord, ConsensusRecord, RatingPlanRecord, RatingRecord, RatingRunRecord, Store,
    StoredRating,
};
use agreement::{Agreement, Options, Rating};

/// The rater name the automatic scores take in agreement.
pub const AUTO_RATER: &str = "auto";

/// One group's answers to one vignette, known to raters only by its code.
#[derive(Debug, Clone, PartialEq)]
pub struct Unit<'s> {
    pub code: String,
    pub assignment: &'s AssignmentRecord,
}

/// The blind code of a unit.
pub fn unit_code(session: &str, group: &str, vignette: &str) -> String {
    let hash = content_hash(&format!("{session}/{group}/{vignette}"));
    format!("U{}", &hash[..10])
}

/// The units of a session that have answers, ordered by code.
pub fn units<'s>(session: &'s Session, store: &Store) -> Result<Vec<Unit<'s>>, SessionError> {
    let answered = latest_answers(&store.responses(&session.record.id)?);
    let mut units: Vec<Unit> = session
        .assignments
        .iter()
        .filter(|a| answered.contains_key(&(a.group.clone(), a.vignette.clone())))
        .map(|a| Unit {
            code: unit_code(&session.record.id, &a.group, &a.vignette),
            assignment: a,
        })
        .collect();
    units.sort_by(|a, b| a.code.cmp(&b.code));
    Ok(units)
}

/// The unit with this code.
pub fn find_unit<'u, 's>(units: &'u [Unit<'s>], code: &str) -> Option<&'u Unit<'s>> {
    units.iter().find(|u| u.code == code)
}

/// The rubric a unit is rated with: the one its session pinned.
pub fn rubric<'s>(session: &'s Session, unit: &Unit<'_>) -> &'s Rubric {
    &session.rubrics[&unit.assignment.rubric_hash]
}

/// Checks that `criterion` is in the unit's rubric and `level` one of its levels.
pub fn check_level(rubric: &Rubric, criterion: &str, level: i64) -> Result<u8, String> {
    let Some(c) = rubric.criteria.iter().find(|c| c.id == criterion) else {
        let known: Vec<&str> = rubric.criteria.iter().map(|c| c.id.as_str()).collect();
        return Err(format!(
            "rubric `{}` has no criterion `{criterion}`; its criteria are: {}",
            rubric.id,
            known.join(", ")
        ));
    };
    match c.levels.iter().find(|l| i64::from(l.level) == level) {
        Some(l) => Ok(l.level),
        None => Err(format!(
            "level {level} is outside criterion `{criterion}`'s levels {}",
            levels_of(c)
        )),
    }
}

fn levels_of(c: &Criterion) -> String {
    let levels: Vec<String> = c.levels.iter().map(|l| l.level.to_string()).collect();
    levels.join(", ")
}

/// Draws a rating plan: every unit gets one primary rater (balanced across
/// raters, within one), a share `overlap` of the units (chosen at random,
/// rounded) gets a second, different rater, and each rater's units are put
/// in an order of their own. The same seed and inputs give the same plan.
pub fn assign(
    units: &[Unit<'_>],
    raters: &[String],
    overlap: f64,
    seed: u64,
) -> Result<Vec<RatingPlanRecord>, SessionError> {
    check_raters(raters, overlap)?;
    if units.is_empty() {
        return Err(SessionError::Spec(
            "the session has no answers to rate yet".into(),
        ));
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut codes: Vec<&str> = units.iter().map(|u| u.code.as_str()).collect();
    codes.shuffle(&mut rng);
    let mut load = vec![0usize; raters.len()];
    let mut taken: Vec<Vec<(&str, &str)>> = vec![Vec::new(); raters.len()];
    let offset = rng.random_range(0..raters.len());
    for (i, code) in codes.iter().enumerate() {
        let r = (i + offset) % raters.len();
        load[r] += 1;
        taken[r].push((code, "primary"));
    }
    let doubled = (overlap * codes.len() as f64).round() as usize;
    let mut second: Vec<usize> = (0..codes.len()).collect();
    second.shuffle(&mut rng);
    for &i in second.iter().take(doubled) {
        let primary = (i + offset) % raters.len();
        let r = least_loaded(&load, primary, &mut rng);
        load[r] += 1;
        taken[r].push((codes[i], "second"));
    }
    let mut plan = Vec::new();
    for (r, mut mine) in taken.into_iter().enumerate() {
        mine.shuffle(&mut rng);
        plan.extend(
            mine.into_iter()
                .enumerate()
                .map(|(p, (code, role))| RatingPlanRecord {
                    rater: raters[r].clone(),
                    unit: code.to_string(),
                    position: p as u32 + 1,
                    role: role.to_string(),
                }),
        );
    }
    Ok(plan)
}

/// The rater other than `primary` with the fewest units; ties drawn at random.
fn least_loaded(load: &[usize], primary: usize, rng: &mut ChaCha8Rng) -> usize {
    let others = (0..load.len()).filter(|&r| r != primary);
    let least = others.clone().map(|r| load[r]).min().unwrap_or(0);
    let ties: Vec<usize> = others.filter(|&r| load[r] == least).collect();
    ties[rng.random_range(0..ties.len())]
}

fn check_raters(raters: &[String], overlap: f64) -> Result<(), SessionError> {
    let spec = |m: String| Err(SessionError::Spec(m));
    if raters.is_empty() || raters.iter().any(|r| r.trim().is_empty()) {
        return spec("give one or more rater names, e.g. --raters anna,bo".into());
    }
    if let Some(r) = raters.iter().find(|r| r.as_str() == AUTO_RATER) {
        return spec(format!("`{r}` is reserved for the automatic scores"));
    }
    let distinct: BTreeSet<&String> = raters.iter().collect();
    if distinct.len() != raters.len() {
        return spec("each rater may be named once".into());
    }
    if !(0.0..=1.0).contains(&overlap) {
        return spec(format!(
            "--overlap {overlap} is not a share between 0 and 1"
        ));
    }
    if overlap > 0.0 && raters.len() < 2 {
        return spec("double coding (--overlap above 0) needs two or more raters".into());
    }
    Ok(())
}

/// Draws and stores a session's rating plan; refused if it has one.
pub fn plan(
    store: &mut Store,
    id: &str,
    raters: &[String],
    overlap: f64,
    seed: u64,
) -> Result<Vec<RatingPlanRecord>, SessionError> {
    let session = session::load(store, id)?;
    if store.rating_run(id)?.is_some() {
        return Err(SessionError::Spec(format!(
            "session {id} has a rating plan already; `vignette rate status {id}` shows it"
        )));
    }
    let units = units(&session, store)?;
    let plan = assign(&units, raters, overlap, seed)?;
    let run = RatingRunRecord {
        seed,
        overlap,
        raters: raters.to_vec(),
        planned_at: String::new(),
    };
    store.save_rating_plan(id, &run, &plan)?;
    Ok(plan)
}

/// The session whose units a ratings CSV rates, found from its unit codes.
///
/// Every stored session's codes are computed; the file must rate units of
/// exactly one session (codes no session has are left for [`import`] to
/// report by line).
pub fn session_of_ratings(store: &Store, name: &str, bytes: &[u8]) -> Result<String, SessionError> {
    let (rows, _) = agreement::parse_ratings_lines(bytes);
    let codes: BTreeSet<&str> = rows.iter().map(|(_, r)| r.unit.as_str()).collect();
    let mut hits: BTreeMap<String, usize> = BTreeMap::new();
    for record in store.sessions()? {
        let found = store
            .assignments(&record.id)?
            .iter()
            .filter(|a| codes.contains(unit_code(&record.id, &a.group, &a.vignette).as_str()))
            .count();
        if found > 0 {
            hits.insert(record.id, found);
        }
    }
    let mut sessions = hits.iter();
    let message = match (sessions.next(), sessions.next()) {
        (Some((id, _)), None) => return Ok(id.clone()),
        (None, _) => format!(
            "no stored session has any of its {} unit code(s); \
             expected codes from `vignette rate export SESSION` or the rating plan",
            codes.len()
        ),
        _ => format!(
            "it rates units of {} sessions ({}); import one session per file, \
             or name the session: `vignette rate import SESSION FILE`",
            hits.len(),
            hits.iter()
                .map(|(id, n)| format!("{id}: {n} unit(s)"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    Err(SessionError::Answers {
        source_name: name.to_string(),
        problems: vec![Problem {
            place: name.to_string(),
            message,
        }],
    })
}

/// Checks every row of a ratings CSV against the session and stores them
/// all, or nothing: unknown units and criteria, levels outside the rubric,
/// non-integer levels and repeated (unit, rater, criterion)s are reported
/// with their lines. Returns how many ratings were stored.
pub fn import(
    store: &mut Store,
    id: &str,
    name: &str,
    bytes: &[u8],
) -> Result<usize, SessionError> {
    let session = session::load(store, id)?;
    let units = units(&session, store)?;
    let (rows, found) = agreement::parse_ratings_lines(bytes);
    let mut problems: Vec<(Option<usize>, String)> =
        found.into_iter().map(|p| (p.line, p.message)).collect();
    let mut records = Vec::new();
    for (line, r) in rows {
        match check_row(&session, &units, &r) {
            Ok(level) => records.push(RatingRecord {
                unit: r.unit,
                criterion: r.criterion,
                rater: r.rater,
                level,
                source: "import".into(),
            }),
            Err(message) => problems.push((Some(line), message)),
        }
    }
    if records.is_empty() && problems.is_empty() {
        problems.push((None, "no ratings after the header".into()));
    }
    if !problems.is_empty() {
        problems.sort_by_key(|(line, _)| *line);
        return Err(SessionError::Answers {
            source_name: name.to_string(),
            problems: problems
                .into_iter()
                .map(|(line, message)| Problem {
                    place: line.map_or(name.to_string(), |l| format!("{name} line {l}")),
                    message,
                })
                .collect(),
        });
    }
    store.save_ratings(id, &records)?;
    Ok(records.len())
}

fn check_row(session: &Session, units: &[Unit<'_>], r: &Rating) -> Result<u8, String> {
    if r.rater == AUTO_RATER {
        return Err(format!(
            "rater `{AUTO_RATER}` is reserved for the automatic scores"
        ));
    }
    let unit = find_unit(units, &r.unit).ok_or_else(|| {
        format!(
            "session {} has no unit `{}` with answers (see `vignette rate export` or the rating plan)",
            session.record.id, r.unit
        )
    })?;
    check_level(rubric(session, unit), &r.criterion, r.level)
}

/// How disagreements are resolved without an adjudicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// The median level; of two middle levels the lower.
    Median,
    Max,
    Min,
}

impl Rule {
    /// The rule's name as stored.
    pub fn name(self) -> &'static str {
        match self {
            Rule::Median => "median",
            Rule::Max => "max",
            Rule::Min => "min",
        }
    }

    /// The level the rule gives for these levels (at least one).
    pub fn decide(self, levels: &[u8]) -> u8 {
        let mut sorted = levels.to_vec();
        sorted.sort_unstable();
        match self {
            Rule::Median => sorted[(sorted.len().max(1) - 1) / 2],
            Rule::Max => sorted.last().copied().unwrap_or(0),
            Rule::Min => sorted.first().copied().unwrap_or(0),
        }
    }
}

/// The latest ratings of one unit's criterion, by rater.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rated {
    pub unit: String,
    pub criterion: String,
    pub levels: BTreeMap<String, u8>,
}

impl Rated {
    /// Whether the raters gave different levels.
    pub fn disagree(&self) -> bool {
        self.levels.values().collect::<BTreeSet<_>>().len() > 1
    }
}

/// The latest ratings grouped by unit and criterion.
pub fn rated(ratings: &[StoredRating]) -> Vec<Rated> {
    let mut grouped: BTreeMap<(String, String), BTreeMap<String, u8>> = BTreeMap::new();
    for r in ratings {
        let r = &r.rating;
        grouped
            .entry((r.unit.clone(), r.criterion.clone()))
            .or_default()
            .insert(r.rater.clone(), r.level);
    }
    grouped
        .into_iter()
        .map(|((unit, criterion), levels)| Rated {
            unit,
            criterion,
            levels,
        })
        .collect()
}

/// The consensus a rule gives: one rater's level (`single`), the level all
/// gave (`agreement`), or the rule's level.
pub fn by_rule(rated: &Rated, rule: Rule) -> ConsensusRecord {
    let levels: Vec<u8> = rated.levels.values().copied().collect();
    let (decided_by, name) = match (rated.levels.len(), rated.disagree()) {
        (1, _) => (
            rated.levels.keys().next().cloned().unwrap_or_default(),
            "single",
        ),
        (_, false) => ("rule".to_string(), "agreement"),
        (_, true) => ("rule".to_string(), rule.name()),
    };
    ConsensusRecord {
        unit: rated.unit.clone(),
        criterion: rated.criterion.clone(),
        level: rule.decide(&levels),
        decided_by,
        rule: name.to_string(),
        decided_at: String::new(),
    }
}

/// Decides every rated criterion by `rule`, except those an adjudicator
/// decided; stores only consensus that is new or changed. Returns it.
pub fn adjudicate(
    store: &mut Store,
    id: &str,
    rule: Rule,
) -> Result<Vec<ConsensusRecord>, SessionError> {
    store.session(id)?;
    let current: BTreeMap<(String, String), ConsensusRecord> = store
        .consensus(id)?
        .into_iter()
        .map(|c| ((c.unit.clone(), c.criterion.clone()), c))
        .collect();
    let decided: Vec<ConsensusRecord> = rated(&store.latest_ratings(id)?)
        .iter()
        .map(|r| by_rule(r, rule))
        .filter(
            |c| match current.get(&(c.unit.clone(), c.criterion.clone())) {
                None => true,
                Some(old) => {
                    old.rule != ADJUDICATED && (old.level, &old.rule) != (c.level, &c.rule)
                }
            },
        )
        .collect();
    store.save_consensus(id, &decided)?;
    Ok(decided)
}

/// The rule of a consensus an adjudicator decided.
pub const ADJUDICATED: &str = "adjudicated";

/// Checks an adjudicator's name: not blank, and not `rule` or `auto`, which
/// stand for the rules and the automatic scores.
pub fn check_adjudicator(name: &str) -> Result<(), SessionError> {
    match name.trim() {
        "" => Err(SessionError::Spec(
            "give the adjudicator's name, e.g. --by anna".into(),
        )),
        "rule" | AUTO_RATER => Err(SessionError::Spec(format!(
            "`{name}` is reserved; give the adjudicator's own name"
        ))),
        _ => Ok(()),
    }
}

/// The disagreements no adjudicator has decided yet, by unit code and then
/// in the unit's rubric order: what is left for `rate adjudicate --by`.
pub fn open_disagreements(
    session: &Session,
    units: &[Unit<'_>],
    ratings: &[StoredRating],
    consensus: &[ConsensusRecord],
) -> Vec<Rated> {
    let decided: BTreeSet<(&str, &str)> = consensus
        .iter()
        .filter(|c| c.rule == ADJUDICATED)
        .map(|c| (c.unit.as_str(), c.criterion.as_str()))
        .collect();
    let mut open: Vec<Rated> = rated(ratings)
        .into_iter()
        .filter(|r| r.disagree() && !decided.contains(&(r.unit.as_str(), r.criterion.as_str())))
        .collect();
    let place = |r: &Rated| {
        find_unit(units, &r.unit)
            .and_then(|u| {
                rubric(session, u)
                    .criteria
                    .iter()
                    .position(|c| c.id == r.criterion)
            })
            .unwrap_or(usize::MAX)
    };
    open.sort_by_cached_key(|r| (r.unit.clone(), place(r), r.criterion.clone()));
    open
}

/// The consensus an adjudicator decided for a disagreement.
pub fn adjudicated(rated: &Rated, level: u8, by: &str) -> ConsensusRecord {
    ConsensusRecord {
        unit: rated.unit.clone(),
        criterion: rated.criterion.clone(),
        level,
        decided_by: by.trim().to_string(),
        rule: ADJUDICATED.to_string(),
        decided_at: String::new(),
    }
}

/// One rater's progress: units assigned, units with every criterion rated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RaterStatus {
    pub rater: String,
    pub assigned: usize,
    pub done: usize,
    pub ratings: usize,
}

/// The criteria of `code` that `rater` has not rated yet, in rubric order.
pub fn open_criteria<'r>(
    session: &'r Session,
    units: &[Unit<'_>],
    ratings: &[StoredRating],
    rater: &str,
    code: &str,
) -> Vec<&'r Criterion> {
    let Some(unit) = find_unit(units, code) else {
        return Vec::new();
    };
    let done: BTreeSet<&str> = ratings
        .iter()
        .filter(|r| r.rating.rater == rater && r.rating.unit == code)
        .map(|r| r.rating.criterion.as_str())
        .collect();
    rubric(session, unit)
        .criteria
        .iter()
        .filter(|c| !done.contains(c.id.as_str()))
        .collect()
}

/// Progress of every rater in the plan, in name order.
pub fn status(store: &Store, id: &str) -> Result<Vec<RaterStatus>, SessionError> {
    let session = session::load(store, id)?;
    let units = units(&session, store)?;
    let ratings = store.latest_ratings(id)?;
    let mut by_rater: BTreeMap<String, RaterStatus> = BTreeMap::new();
    for p in store.rating_plan(id)? {
        let entry = by_rater.entry(p.rater.clone()).or_insert(RaterStatus {
            rater: p.rater.clone(),
            assigned: 0,
            done: 0,
            ratings: 0,
        });
        entry.assigned += 1;
        if find_unit(&units, &p.unit).is_some()
            && open_criteria(&session, &units, &ratings, &p.rater, &p.unit).is_empty()
        {
            entry.done += 1;
        }
    }
    for r in &ratings {
        if let Some(entry) = by_rater.get_mut(&r.rating.rater) {
            entry.ratings += 1;
        }
    }
    Ok(by_rater.into_values().collect())
}

/// Where a rater resumes: the first unit in their order with an unrated criterion.
pub fn resume_at(
    session: &Session,
    units: &[Unit<'_>],
    plan: &[RatingPlanRecord],
    ratings: &[StoredRating],
    rater: &str,
) -> Option<String> {
    let mut mine: Vec<&RatingPlanRecord> = plan.iter().filter(|p| p.rater == rater).collect();
    mine.sort_by_key(|p| p.position);
    mine.into_iter()
        .find(|p| !open_criteria(session, units, ratings, rater, &p.unit).is_empty())
        .map(|p| p.unit.clone())
}

/// Agreement computed from a session's stored ratings.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SessionAgreement {
    /// Among the human raters (latest revisions).
    pub human: Agreement,
    /// The automatic scores (rater `auto`) against the human consensus, or
    /// the unit's first human rater (by name) where there is none.
    pub auto_vs_human: Agreement,
}

/// Agreement among a session's raters, and of the automatic scores against
/// the human reference (the consensus where there is one, else the only
/// rating).
pub fn session_agreement(
    store: &Store,
    id: &str,
    options: &Options,
) -> Result<SessionAgreement, SessionError> {
    let (human, paired) = agreement_ratings(store, id)?;
    Ok(SessionAgreement {
        human: agreement::agreement(&human, options),
        auto_vs_human: agreement::agreement(&paired, options),
    })
}

/// A session's ratings for agreement: the latest human ratings, and the
/// human reference paired with the automatic level (raters `human` and
/// `auto`) for every unit and criterion that has both. Sessions' ratings
/// can be pooled: unit codes never repeat across sessions.
pub fn agreement_ratings(
    store: &Store,
    id: &str,
) -> Result<(Vec<Rating>, Vec<Rating>), SessionError> {
    let session = session::load(store, id)?;
    let latest = store.latest_ratings(id)?;
    let human: Vec<Rating> = latest.iter().map(|r| as_rating(&r.rating)).collect();
    let mut reference: BTreeMap<(String, String), (String, i64)> = BTreeMap::new();
    for r in rated(&latest) {
        if let Some((rater, level)) = r.levels.iter().next() {
            reference.insert((r.unit, r.criterion), (rater.clone(), i64::from(*level)));
        }
    }
    for c in store.consensus(id)? {
        reference.insert(
            (c.unit, c.criterion),
            ("consensus".into(), i64::from(c.level)),
        );
    }
    let auto = auto_levels(store, &session)?;
    let mut paired = Vec::new();
    for ((unit, criterion), (_, level)) in &reference {
        if let Some(auto_level) = auto.get(&(unit.clone(), criterion.clone())) {
            paired.push(rating(unit, "human", criterion, *level));
            paired.push(rating(unit, AUTO_RATER, criterion, *auto_level));
        }
    }
    Ok((human, paired))
}

/// The latest automatic levels by (unit code, criterion).
fn auto_levels(
    store: &Store,
    session: &Session,
) -> Result<BTreeMap<(String, String), i64>, SessionError> {
    let mut levels = BTreeMap::new();
    for score in store.latest_scores(&session.record.id, "auto")? {
        let Ok(card) = serde_json::from_str::<ScoreCard>(&score.card) else {
            continue;
        };
        let code = unit_code(&session.record.id, &score.group, &score.vignette);
        for c in card.criteria {
            levels.insert((code.clone(), c.id), i64::from(c.level));
        }
    }
    Ok(levels)
}

fn as_rating(r: &RatingRecord) -> Rating {
    rating(&r.unit, &r.rater, &r.criterion, i64::from(r.level))
}

fn rating(unit: &str, rater: &str, criterion: &str, level: i64) -> Rating {
    Rating {
        unit: unit.to_string(),
        rater: rater.to_string(),
        criterion: criterion.to_string(),
        level,
    }
}
