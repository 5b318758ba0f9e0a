//! Power by simulation: how many groups per offering, in how many
//! municipalities (sites), a study needs to detect a given difference
//! between two offerings at its last phase.
//!
//! For every design of a grid (sites per offering × groups per site), each
//! replication simulates only the study's last phase with only the two
//! offerings (sites take them in turn), plants `offering=A:difference` on
//! the competence θ (SD units; θ = u_site + e_group + effects with the given
//! ICC), composes and scores every answer in memory
//! ([`simulate::Plan::score_in_memory`]), and tests A against B on each
//! dimension in two ways:
//!
//! - **group level**: Welch's t on the groups' scores, as the pairwise p of
//!   [`crate::compare`] is computed. It treats groups as independent, which
//!   groups of one municipality are not when ICC > 0, so it rejects too
//!   often (its power is optimistic).
//! - **site level**: Welch's t on the municipalities' means of their groups'
//!   scores, valid when municipalities, not groups, get the offering.
//!
//! Power is the share of replications with p < alpha (a test that is not
//! defined, e.g. no variance, counts as not rejecting), with its Monte Carlo
//! standard error √(p(1 − p)/R). Each design also gets the mean observed
//! difference A − B in score points and the mean Hedges' g over its
//! replications, so that the θ difference can be read on the score scale.
//!
//! Every replication draws from its own seed, made from the run's seed, the
//! design and the replication's number, so the same seed gives the same
//! result whatever the number of threads, and a design's result does not
//! depend on the rest of the grid.
//!
//! The serialized [`Power`] is a contract: `vignette power --format json`
//! prints it and `vignette report --power` reads it. Not for printing or for
//! reading files (see the command line).

use std::collections::BTreeMap;

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::bank::{Bank, Study};
use crate::compare::dataset::GroupScore;
use crate::input::Problem;
use crate::input::json::Position;
use crate::simulate::{self, Effect, Scorers, SimulateError};
use crate::stats;

/// Defaults of [`Spec`], chosen so that a first run answers a first
/// question in well under a minute on two cores: with 0.8 SD of θ (about
/// 14–19 score points, Hedges' g ≈ 0.6–0.75) the site-level power of the six
/// designs runs from below to above the target, so a design is named, and
/// the grid shows what more municipalities buy against what more groups per
/// municipality buy. 100 replications give a Monte Carlo SE of 0.04 at
/// power 0.8: a first look; plan with more.
pub const DEFAULT_DIFFERENCE: f64 = 0.8;
pub const DEFAULT_SITES: [usize; 3] = [8, 12, 16];
pub const DEFAULT_GROUPS: [usize; 2] = [2, 4];
pub const DEFAULT_ALPHA: f64 = 0.05;
pub const DEFAULT_TARGET: f64 = 0.8;
pub const DEFAULT_REPLICATIONS: usize = 100;
pub const DEFAULT_SEED: u64 = 1;

/// Most replications per design.
pub const MAX_REPLICATIONS: usize = 100_000;
/// Fewest sites per offering: the site-level test needs two site means a side.
pub const MIN_SITES: usize = 2;

/// What to simulate.
#[derive(Debug, Clone, PartialEq)]
pub struct Spec {
    pub study: String,
    /// A (where the difference is planted) and B; the study's first two
    /// offerings when empty.
    pub offerings: Vec<String>,
    /// A's advantage on θ at the last phase, in SD units; 0 gives the
    /// tests' rejection rate when there is no difference.
    pub difference: f64,
    /// Sites (municipalities) per offering, one design per value and `groups`.
    pub sites: Vec<usize>,
    /// Groups per site.
    pub groups: Vec<usize>,
    /// Share of θ's variance between sites, in [0, 1).
    pub icc: f64,
    pub vignettes_per_group: usize,
    /// Share of sites answering in English, in [0, 1].
    pub english: f64,
    /// Two-sided significance level, in (0, 1).
    pub alpha: f64,
    /// The power a recommended design must reach, in (0, 1).
    pub target: f64,
    /// Replications per design.
    pub replications: usize,
    pub seed: u64,
}

impl Default for Spec {
    fn default() -> Spec {
        Spec {
            study: simulate::DEFAULT_STUDY.to_string(),
            offerings: Vec::new(),
            difference: DEFAULT_DIFFERENCE,
            sites: DEFAULT_SITES.to_vec(),
            groups: DEFAULT_GROUPS.to_vec(),
            icc: simulate::DEFAULT_ICC,
            vignettes_per_group: simulate::DEFAULT_VIGNETTES_PER_GROUP,
            english: simulate::DEFAULT_ENGLISH,
            alpha: DEFAULT_ALPHA,
            target: DEFAULT_TARGET,
            replications: DEFAULT_REPLICATIONS,
            seed: DEFAULT_SEED,
        }
    }
}

/// Why a power analysis could not run.
#[derive(Debug, thiserror::Error)]
pub enum PowerError {
    /// The request does not fit the study or the limits (a usage error).
    #[error("{0}")]
    Spec(String),
    #[error(transparent)]
    Simulate(#[from] SimulateError),
    /// A power file that is not what `vignette power --format json` writes:
    /// the file, the place (line:column or JSON pointer) and what was expected.
    #[error("{0}")]
    Malformed(Problem),
}

fn spec_error(message: impl Into<String>) -> PowerError {
    PowerError::Spec(message.into())
}

/// Told about progress by the threads that run the replications.
pub trait Progress: Sync {
    /// The run starts with this many replications over all designs.
    fn start(&self, replications: usize);
    /// One replication is done.
    fn advance(&self);
}

/// No progress shown.
impl Progress for () {
    fn start(&self, _: usize) {}
    fn advance(&self) {}
}

/// One design: how many sites each offering has, and groups per site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Design {
    pub sites: usize,
    pub groups_per_site: usize,
}

impl Design {
    /// Groups per offering.
    pub fn groups(&self) -> usize {
        self.sites * self.groups_per_site
    }
}

/// The power of one test in one design, on one dimension.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct TestPower {
    /// Share of replications with p < alpha.
    pub power: f64,
    /// Monte Carlo standard error: √(power·(1 − power)/replications).
    pub mc_se: f64,
    /// Replications in which the test was not defined (counted as not rejecting).
    pub undefined: usize,
}

/// One design on one dimension.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Row {
    /// Sites per offering.
    pub sites: usize,
    pub groups_per_site: usize,
    /// Groups per offering: sites × groups per site.
    pub groups: usize,
    pub dimension: String,
    /// Welch's t on the groups' scores (ignores that groups share a site).
    pub group_level: TestPower,
    /// Welch's t on the sites' mean scores.
    pub site_level: TestPower,
    /// The groups' scores with sites as clusters: CR2 standard error with
    /// Bell–McCaffrey df, as `compare --cluster site` tests (absent in
    /// files written before it was added).
    #[serde(default)]
    pub cluster_robust: TestPower,
    /// Mean over replications of A's mean score − B's (0–100 points).
    pub mean_diff: Option<f64>,
    /// Mean over replications of Hedges' g of the groups' scores.
    pub mean_hedges_g: Option<f64>,
}

/// The smallest design that reaches the target on one dimension.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recommendation {
    pub dimension: String,
    /// Fewest groups per offering (then fewest sites) whose site-level power
    /// reaches the target; `None` when no design of the grid does.
    pub design: Option<Recommended>,
}

/// A recommended design and its site-level power.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recommended {
    pub sites: usize,
    pub groups_per_site: usize,
    pub groups: usize,
    pub power: f64,
}

/// A power analysis: what was simulated, and the power of every design.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Power {
    pub study: String,
    /// A (where the difference is planted), then B.
    pub offerings: [String; 2],
    /// The phase simulated: the study's last.
    pub phase: String,
    pub difference: f64,
    pub icc: f64,
    pub vignettes_per_group: usize,
    pub english: f64,
    pub alpha: f64,
    pub target: f64,
    /// Replications per design.
    pub replications: usize,
    pub seed: u64,
    /// The study's dimensions, in its order.
    pub dimensions: Vec<String>,
    /// Every design × dimension: by sites, then groups per site, then dimension.
    pub rows: Vec<Row>,
    /// One per dimension.
    pub recommendations: Vec<Recommendation>,
}

/// Reads a power analysis as `vignette power --format json` writes it;
/// `name` names the file in errors.
pub fn read_json(name: &str, bytes: &[u8]) -> Result<Power, PowerError> {
    let text = crate::input::json::decode_utf8(bytes)
        .map_err(|e| PowerError::Malformed(Problem::at_position(name, e.position, e.message)))?;
    let power: Power = serde_json::from_str(text).map_err(|e| {
        let message = e.to_string();
        let suffix = format!(" at line {} column {}", e.line(), e.column());
        let message = message.strip_suffix(&suffix).unwrap_or(&message);
        let position = Position {
            line: e.line(),
            column: e.column(),
        };
        PowerError::Malformed(Problem::at_position(
            name,
            position,
            format!("{message}; expected the JSON of a power analysis"),
        ))
    })?;
    check_read(&power).map_err(|message| PowerError::Malformed(Problem::in_file(name, message)))?;
    Ok(power)
}

/// What the types of a read [`Power`] cannot say: shares from 0 to 1,
/// designs of at least one site and group, rows of the listed dimensions.
fn check_read(power: &Power) -> Result<(), String> {
    let share = |place: String, x: f64| {
        if (0.0..=1.0).contains(&x) {
            Ok(())
        } else {
            Err(format!("at {place}: expected a share from 0 to 1; got {x}"))
        }
    };
    share("/alpha".into(), power.alpha)?;
    share("/target".into(), power.target)?;
    if power.rows.is_empty() {
        return Err("at /rows: expected at least one design".to_string());
    }
    for (i, row) in power.rows.iter().enumerate() {
        if !power.dimensions.contains(&row.dimension) {
            return Err(format!(
                "at /rows/{i}/dimension: `{}` is not one of /dimensions ({})",
                row.dimension,
                power.dimensions.join(", ")
            ));
        }
        let product = row.sites.checked_mul(row.groups_per_site);
        if row.sites == 0 || row.groups_per_site == 0 || product != Some(row.groups) {
            return Err(format!(
                "at /rows/{i}: expected sites and groups_per_site of at least 1 and groups = \
                 sites × groups_per_site; got {}, {} and {}",
                row.sites, row.groups_per_site, row.groups
            ));
        }
        for (name, test) in [
            ("group_level", row.group_level),
            ("site_level", row.site_level),
        ] {
            share(format!("/rows/{i}/{name}/power"), test.power)?;
            share(format!("/rows/{i}/{name}/mc_se"), test.mc_se)?;
        }
    }
    Ok(())
}

/// A spec checked against the bank.
struct Checked<'b> {
    study: &'b Study,
    offerings: [String; 2],
    phase: String,
    dimensions: Vec<String>,
    designs: Vec<Design>,
}

/// Runs every replication of every design; `progress` hears of each.
pub fn run(bank: &Bank, spec: &Spec, progress: &dyn Progress) -> Result<Power, PowerError> {
    let checked = check(bank, spec)?;
    let scorers = Scorers::new(bank, &checked.study.id)?;
    // What only the simulator checks (ICC, English share, …) is refused
    // before the run starts.
    simulate::plan(
        bank,
        &simulation(spec, &checked, checked.designs[0], spec.seed),
    )?;
    progress.start(checked.designs.len() * spec.replications);
    let mut rows = Vec::new();
    for &design in &checked.designs {
        let outcomes: Vec<Vec<Outcome>> = (0..spec.replications)
            .into_par_iter()
            .map(|replication| {
                let seed = replication_seed(spec.seed, design, replication);
                let outcome = replicate(bank, &scorers, spec, &checked, design, seed);
                progress.advance();
                outcome
            })
            .collect::<Result<_, _>>()?;
        for (index, dimension) in checked.dimensions.iter().enumerate() {
            let of_dimension: Vec<Outcome> = outcomes.iter().map(|o| o[index]).collect();
            rows.push(summarise(design, dimension, &of_dimension, spec.alpha));
        }
    }
    let recommendations = checked
        .dimensions
        .iter()
        .map(|d| recommend(&rows, d, spec.target))
        .collect();
    Ok(Power {
        study: checked.study.id.clone(),
        offerings: checked.offerings,
        phase: checked.phase,
        difference: spec.difference,
        icc: spec.icc,
        vignettes_per_group: spec.vignettes_per_group,
        english: spec.english,
        alpha: spec.alpha,
        target: spec.target,
        replications: spec.replications,
        seed: spec.seed,
        dimensions: checked.dimensions,
        rows,
        recommendations,
    })
}

fn check<'b>(bank: &'b Bank, spec: &Spec) -> Result<Checked<'b>, PowerError> {
    let study = &bank
        .study(&spec.study)
        .ok_or_else(|| {
            let known: Vec<&str> = bank.studies.iter().map(|s| s.item.id.as_str()).collect();
            spec_error(format!(
                "no study `{}` in the bank; expected one of: {}",
                spec.study,
                known.join(", ")
            ))
        })?
        .item;
    let offerings = check_offerings(study, &spec.offerings)?;
    check_numbers(spec)?;
    let phase = study
        .phases
        .last()
        .ok_or_else(|| spec_error(format!("study `{}` has no phases", study.id)))?;
    Ok(Checked {
        study,
        offerings,
        phase: phase.id.clone(),
        dimensions: study.dimensions.iter().map(|d| d.id.clone()).collect(),
        designs: designs(&spec.sites, &spec.groups)?,
    })
}

/// The two offerings compared: the ones asked for, or the study's first two.
fn check_offerings(study: &Study, wanted: &[String]) -> Result<[String; 2], PowerError> {
    let ids: Vec<&str> = study.offerings.iter().map(|o| o.id.as_str()).collect();
    let pair: Vec<&str> = if wanted.is_empty() {
        ids.iter().take(2).copied().collect()
    } else {
        wanted.iter().map(String::as_str).collect()
    };
    let &[a, b] = pair.as_slice() else {
        return Err(spec_error(format!(
            "give two offerings to compare, as A,B; got {}; the study has: {}",
            pair.len(),
            ids.join(", ")
        )));
    };
    if let Some(unknown) = [a, b].into_iter().find(|o| !ids.contains(o)) {
        return Err(spec_error(format!(
            "the study has no offering `{unknown}`; expected one of: {}",
            ids.join(", ")
        )));
    }
    if a == b {
        return Err(spec_error(format!(
            "offering `{a}` is given twice; compare two different offerings"
        )));
    }
    Ok([a.to_string(), b.to_string()])
}

fn check_numbers(spec: &Spec) -> Result<(), PowerError> {
    if !(spec.difference.is_finite() && spec.difference >= 0.0) {
        return Err(spec_error(format!(
            "the difference must be a finite number of SD units, 0 or more; got {}",
            spec.difference
        )));
    }
    for (name, value) in [("alpha", spec.alpha), ("the target power", spec.target)] {
        if !(value > 0.0 && value < 1.0) {
            return Err(spec_error(format!(
                "{name} must be between 0 and 1 (both excluded); got {value}"
            )));
        }
    }
    if !(1..=MAX_REPLICATIONS).contains(&spec.replications) {
        return Err(spec_error(format!(
            "the replications must be from 1 to {MAX_REPLICATIONS}; got {}",
            spec.replications
        )));
    }
    Ok(())
}

/// Every combination of sites and groups per site, smallest first, each
/// checked against the simulator's limits.
fn designs(sites: &[usize], groups: &[usize]) -> Result<Vec<Design>, PowerError> {
    let max_sites = simulate::MAX_SITES / 2;
    for (name, values, low, high) in [
        ("the sites (per offering)", sites, MIN_SITES, max_sites),
        ("the groups (per site)", groups, 1, simulate::MAX_GROUPS),
    ] {
        if values.is_empty() {
            return Err(spec_error(format!("{name} needs at least one number")));
        }
        if let Some(bad) = values.iter().find(|v| !(low..=high).contains(*v)) {
            let why = if name.starts_with("the sites") {
                " (the site-level test needs two sites per offering)"
            } else {
                ""
            };
            return Err(spec_error(format!(
                "{name} must be from {low} to {high}{why}; got {bad}"
            )));
        }
    }
    let mut all: Vec<Design> = sites
        .iter()
        .flat_map(|&s| {
            groups.iter().map(move |&g| Design {
                sites: s,
                groups_per_site: g,
            })
        })
        .collect();
    all.sort();
    all.dedup();
    Ok(all)
}

/// The simulation of one replication of `design`.
fn simulation(spec: &Spec, checked: &Checked, design: Design, seed: u64) -> simulate::Spec {
    simulate::Spec {
        study: checked.study.id.clone(),
        seed,
        sites: 2 * design.sites,
        groups: design.groups_per_site,
        phases: vec![checked.phase.clone()],
        offerings: checked.offerings.to_vec(),
        vignettes_per_group: spec.vignettes_per_group,
        effects: Some(vec![Effect {
            key: "offering".to_string(),
            level: checked.offerings[0].clone(),
            size: spec.difference,
        }]),
        icc: spec.icc,
        english: spec.english,
        ..simulate::Spec::default()
    }
}

/// The seed of one replication: its own ChaCha8 stream per design, one
/// word pair per replication.
fn replication_seed(seed: u64, design: Design, replication: usize) -> u64 {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(((design.sites as u64) << 32) | design.groups_per_site as u64);
    rng.set_word_pos(2 * replication as u128);
    rng.random()
}

/// One replication's tests on one dimension.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Outcome {
    group_p: Option<f64>,
    site_p: Option<f64>,
    cluster_p: Option<f64>,
    diff: Option<f64>,
    hedges_g: Option<f64>,
}

/// Simulates and scores one study, then tests A against B on each dimension.
fn replicate(
    bank: &Bank,
    scorers: &Scorers,
    spec: &Spec,
    checked: &Checked,
    design: Design,
    seed: u64,
) -> Result<Vec<Outcome>, PowerError> {
    let scored =
        simulate::plan(bank, &simulation(spec, checked, design, seed))?.score_in_memory(scorers)?;
    let scores = scored.data.group_scores();
    Ok(checked
        .dimensions
        .iter()
        .map(|d| compare_offerings(&scores, d, &checked.offerings))
        .collect())
}

/// One offering's scores on one dimension: per group, and per site its
/// groups' scores.
fn side<'s>(
    scores: &'s [GroupScore],
    dimension: &str,
    offering: &str,
) -> (Vec<f64>, BTreeMap<&'s str, Vec<f64>>) {
    let mut groups = Vec::new();
    let mut sites: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    for s in scores
        .iter()
        .filter(|s| s.dimension == dimension && s.key("offering") == offering)
    {
        groups.push(s.score);
        sites.entry(s.key("site")).or_default().push(s.score);
    }
    (groups, sites)
}

/// The mean of each site's groups.
fn site_means(sites: &BTreeMap<&str, Vec<f64>>) -> Vec<f64> {
    sites
        .values()
        .filter_map(|groups| stats::mean(groups))
        .collect()
}

/// Both tests of A against B, the difference and Hedges' g on one dimension.
fn compare_offerings(scores: &[GroupScore], dimension: &str, [a, b]: &[String; 2]) -> Outcome {
    let (groups_a, sites_a) = side(scores, dimension, a);
    let (groups_b, sites_b) = side(scores, dimension, b);
    let clusters: Vec<stats::Cluster> = [(true, &sites_a), (false, &sites_b)]
        .into_iter()
        .flat_map(|(in_a, sites)| {
            sites
                .values()
                .map(move |values| stats::Cluster { in_a, values })
        })
        .collect();
    Outcome {
        group_p: stats::welch(&groups_a, &groups_b).map(|w| w.p),
        site_p: stats::welch(&site_means(&sites_a), &site_means(&sites_b)).map(|w| w.p),
        cluster_p: stats::cluster_difference(&clusters).map(|d| d.p),
        diff: stats::mean(&groups_a)
            .zip(stats::mean(&groups_b))
            .map(|(a, b)| a - b),
        hedges_g: stats::hedges_g(&groups_a, &groups_b).map(|h| h.g),
    }
}

/// The power of a test from its p values, one per replication.
fn test_power(p_values: impl Iterator<Item = Option<f64>>, alpha: f64) -> TestPower {
    let (mut rejected, mut undefined, mut all) = (0usize, 0usize, 0usize);
    for p in p_values {
        all += 1;
        match p {
            Some(p) if p < alpha => rejected += 1,
            Some(_) => {}
            None => undefined += 1,
        }
    }
    let power = rejected as f64 / all.max(1) as f64;
    TestPower {
        power,
        mc_se: (power * (1.0 - power) / all.max(1) as f64).sqrt(),
        undefined,
    }
}

/// The mean of the defined values; `None` when there are none.
fn mean_defined(values: impl Iterator<Item = Option<f64>>) -> Option<f64> {
    stats::mean(&values.flatten().collect::<Vec<f64>>())
}

fn summarise(design: Design, dimension: &str, outcomes: &[Outcome], alpha: f64) -> Row {
    Row {
        sites: design.sites,
        groups_per_site: design.groups_per_site,
        groups: design.groups(),
        dimension: dimension.to_string(),
        group_level: test_power(outcomes.iter().map(|o| o.group_p), alpha),
        site_level: test_power(outcomes.iter().map(|o| o.site_p), alpha),
        cluster_robust: test_power(outcomes.iter().map(|o| o.cluster_p), alpha),
        mean_diff: mean_defined(outcomes.iter().map(|o| o.diff)),
        mean_hedges_g: mean_defined(outcomes.iter().map(|o| o.hedges_g)),
    }
}

/// The design with the fewest groups per offering (then the fewest sites)
/// whose site-level power on `dimension` reaches `target`.
fn recommend(rows: &[Row], dimension: &str, target: f64) -> Recommendation {
    let design = rows
        .iter()
        .filter(|r| r.dimension == dimension && r.site_level.power >= target)
        .min_by_key(|r| (r.groups, r.sites))
        .map(|r| Recommended {
            sites: r.sites,
            groups_per_site: r.groups_per_site,
            groups: r.groups,
            power: r.site_level.power,
        });
    Recommendation {
        dimension: dimension.to_string(),
        design,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bank::{self, BankSource};

    fn bank() -> Bank {
        bank::load(&BankSource::Embedded).unwrap().0
    }

    fn refused(spec: Spec) -> String {
        match check(&bank(), &spec) {
            Err(e) => e.to_string(),
            Ok(_) => panic!("{spec:?} was accepted"),
        }
    }

    #[test]
    fn the_defaults_compare_the_first_two_offerings_at_the_last_phase() {
        let bank = bank();
        let checked = check(&bank, &Spec::default()).unwrap();
        assert_eq!(
            checked.offerings,
            ["laeringsmiljoprosjektet", "samlingsbasert"]
        );
        assert_eq!(checked.phase, "endpoint");
        assert_eq!(checked.dimensions, ["prevention", "detection", "handling"]);
        assert_eq!(checked.designs.len(), 6);
        assert_eq!(
            checked.designs[0],
            Design {
                sites: 8,
                groups_per_site: 2
            }
        );
    }

    #[test]
    fn bad_specs_are_refused_with_what_was_expected() {
        let with = |edit: fn(&mut Spec)| {
            let mut spec = Spec::default();
            edit(&mut spec);
            refused(spec)
        };
        type Edit = fn(&mut Spec);
        let cases: [(Edit, &str); 9] = [
            (
                |s| s.study = "nope".into(),
                "no study `nope` in the bank; expected one of:",
            ),
            (
                |s| s.offerings = vec!["nope".into(), "nettbasert".into()],
                "the study has no offering `nope`; expected one of: laeringsmiljoprosjektet, samlingsbasert, nettbasert",
            ),
            (
                |s| s.offerings = vec!["nettbasert".into()],
                "give two offerings to compare, as A,B; got 1",
            ),
            (
                |s| s.offerings = vec!["nettbasert".into(), "nettbasert".into()],
                "offering `nettbasert` is given twice",
            ),
            (
                |s| s.difference = f64::NAN,
                "the difference must be a finite number",
            ),
            (|s| s.alpha = 1.0, "alpha must be between 0 and 1"),
            (
                |s| s.target = 0.0,
                "the target power must be between 0 and 1",
            ),
            (
                |s| s.replications = 0,
                "the replications must be from 1 to 100000",
            ),
            (
                |s| s.sites = vec![4, 1],
                "the sites (per offering) must be from 2 to 499 (the site-level test needs two sites per offering); got 1",
            ),
        ];
        for (edit, expected) in cases {
            let error = with(edit);
            assert!(error.contains(expected), "{error}");
        }
        assert!(
            with(|s| s.groups = Vec::new())
                .contains("the groups (per site) needs at least one number")
        );
    }

    #[test]
    fn designs_are_crossed_sorted_and_once_each() {
        let all = designs(&[6, 4, 4], &[3, 1]).unwrap();
        let pairs: Vec<(usize, usize)> = all.iter().map(|d| (d.sites, d.groups_per_site)).collect();
        assert_eq!(pairs, [(4, 1), (4, 3), (6, 1), (6, 3)]);
        assert_eq!(all[3].groups(), 18);
    }

    #[test]
    fn power_counts_rejections_and_undefined_tests() {
        let p = [Some(0.01), Some(0.2), None, Some(0.049)];
        let power = test_power(p.into_iter(), 0.05);
        assert_eq!(power.power, 0.5);
        assert_eq!(power.undefined, 1);
        assert!((power.mc_se - 0.25).abs() < 1e-12, "√(0.25/4)");
    }

    #[test]
    fn the_recommendation_is_the_fewest_groups_then_the_fewest_sites() {
        let row = |sites, groups_per_site, power| Row {
            sites,
            groups_per_site,
            groups: sites * groups_per_site,
            dimension: "handling".into(),
            group_level: TestPower {
                power: 1.0,
                mc_se: 0.0,
                undefined: 0,
            },
            site_level: TestPower {
                power,
                mc_se: 0.0,
                undefined: 0,
            },
            cluster_robust: TestPower::default(),
            mean_diff: None,
            mean_hedges_g: None,
        };
        let rows = [
            row(4, 2, 0.5),
            row(4, 6, 0.85),
            row(6, 4, 0.9),
            row(12, 2, 0.95),
        ];
        let recommended = recommend(&rows, "handling", 0.8).design.unwrap();
        assert_eq!((recommended.sites, recommended.groups_per_site), (4, 6));
        assert_eq!(recommend(&rows, "handling", 0.99).design, None);
    }

    #[test]
    fn replication_seeds_differ_by_design_and_replication() {
        let design = |sites, groups_per_site| Design {
            sites,
            groups_per_site,
        };
        let seeds = [
            replication_seed(1, design(4, 2), 0),
            replication_seed(1, design(4, 2), 1),
            replication_seed(1, design(2, 4), 0),
            replication_seed(2, design(4, 2), 0),
        ];
        for (i, a) in seeds.iter().enumerate() {
            assert!(seeds[i + 1..].iter().all(|b| a != b), "{seeds:?}");
        }
        assert_eq!(seeds[0], replication_seed(1, design(4, 2), 0));
    }

    fn small_power() -> Power {
        let test = TestPower {
            power: 0.5,
            mc_se: 0.05,
            undefined: 0,
        };
        Power {
            study: "s".into(),
            offerings: ["a".into(), "b".into()],
            phase: "endpoint".into(),
            difference: 0.5,
            icc: 0.1,
            vignettes_per_group: 3,
            english: 0.3,
            alpha: 0.05,
            target: 0.8,
            replications: 100,
            seed: 1,
            dimensions: vec!["handling".into()],
            rows: vec![Row {
                sites: 2,
                groups_per_site: 3,
                groups: 6,
                dimension: "handling".into(),
                group_level: test,
                site_level: test,
                cluster_robust: test,
                mean_diff: Some(4.0),
                mean_hedges_g: None,
            }],
            recommendations: Vec::new(),
        }
    }

    #[test]
    fn a_power_file_is_read_back_and_its_problems_are_placed() {
        let power = small_power();
        let json = serde_json::to_string_pretty(&power).unwrap();
        assert_eq!(read_json("p.json", json.as_bytes()).unwrap(), power);
        let error = |text: &str| {
            read_json("p.json", text.as_bytes())
                .unwrap_err()
                .to_string()
        };
        let syntax = error("{\n  \"study\": ");
        assert!(
            syntax.starts_with("p.json:2:11: EOF while parsing"),
            "{syntax}"
        );
        let missing = error("{}");
        assert!(
            missing.starts_with("p.json:1:2: missing field"),
            "{missing}"
        );
        let share = error(&json.replacen("\"power\": 0.5", "\"power\": 1.5", 1));
        assert_eq!(
            share,
            "p.json: at /rows/0/group_level/power: expected a share from 0 to 1; got 1.5"
        );
        let product = error(&json.replace("\"groups\": 6", "\"groups\": 7"));
        assert!(
            product.starts_with("p.json: at /rows/0: expected sites"),
            "{product}"
        );
    }

    #[test]
    fn site_means_average_each_sites_groups() {
        let score = |group: &str, site: &str, offering: &str, score: f64| GroupScore {
            group: group.into(),
            keys: crate::compare::dataset::Keys::new(
                [("site", site), ("offering", offering)]
                    .into_iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
            ),
            dimension: "handling".into(),
            score,
        };
        let scores = [
            score("1", "k1", "a", 10.0),
            score("2", "k1", "a", 30.0),
            score("3", "k2", "a", 50.0),
            score("4", "k3", "b", 0.0),
        ];
        let (groups, sites) = side(&scores, "handling", "a");
        assert_eq!(groups, [10.0, 30.0, 50.0]);
        assert_eq!(site_means(&sites), [20.0, 50.0]);
        let outcome = compare_offerings(&scores, "handling", &["a".into(), "b".into()]);
        assert_eq!(outcome.diff, Some(30.0));
        assert_eq!(outcome.group_p, None, "b has one group");
    }
}
