//! `vignette simulate`: a whole simulated study, stored like real sessions.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use vignette::session;
use vignette::simulate::{
    self, DEFAULT_COHORT, DEFAULT_ENGLISH, DEFAULT_GROUPS, DEFAULT_ICC, DEFAULT_SITES,
    DEFAULT_STUDY, DEFAULT_VIGNETTES_PER_GROUP, Effect, Simulation, Spec,
};
use vignette::store::Store;

use super::{DataFormat, Failure, Outcome};
use crate::cli::Context;
use crate::cli::output;

/// Simulate a study: sessions for every site and phase, filled with answers
/// that read like staff groups' answers, at a competence level driven by
/// planted effects.
///
/// Each site (kommune-01, …) gets an offering (round-robin) and the study's
/// site attributes (sector, centrality, …, crossed), and one session per
/// phase with --groups groups of 3–6 staff of its sector. A group's
/// competence is θ = site effect + group effect + planted effects (variance
/// 1 before the effects, --icc of it between sites); its answers state
/// rubric phrases of the levels θ makes likely, with red flags, negations,
/// filler, nynorsk and typos, and choose options by their evidence. Sessions
/// and answers go through the same checks and transactions as real ones.
/// The same --seed gives the same database content.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  vignette --db sim.db simulate --seed 7 --truth truth.csv\n  \
    vignette --db sim.db simulate --effect offering=nettbasert:0.8 --effect centrality=rural:-0.2\n  \
    vignette simulate --no-store --sites 60 --jsonl answers.jsonl"
)]
pub struct Args {
    /// Study id (see `vignette list`).
    #[arg(long, default_value = DEFAULT_STUDY)]
    study: String,
    /// Seed for everything drawn.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Number of sites (municipalities).
    #[arg(long, default_value_t = DEFAULT_SITES)]
    sites: usize,
    /// Groups per site.
    #[arg(long, default_value_t = DEFAULT_GROUPS)]
    groups: usize,
    /// Phases to simulate, e.g. baseline,endpoint (default: all of the study's).
    #[arg(long, value_delimiter = ',')]
    phases: Vec<String>,
    /// Vignettes each group answers (at most as many as fit its sector).
    #[arg(long, default_value_t = DEFAULT_VIGNETTES_PER_GROUP)]
    vignettes_per_group: usize,
    /// A planted effect on θ in SD units; repeat for more. offering=ID:S is
    /// that offering's gain by the last phase (0 at the first), phase=ID:S a
    /// gain at that phase, role=ID:S times the group's share of that role,
    /// ATTRIBUTE=VALUE:S at sites with that value (e.g. centrality=rural:-0.1).
    #[arg(long = "effect", value_name = "KEY=LEVEL:SIZE", value_parser = parse_effect)]
    effects: Vec<Effect>,
    /// Plant no effects. Without --effect the defaults are planted: the
    /// study's offerings gain 0.6, 0.4 and 0.2 by its last phase, and
    /// everyone gains 0.2 at the last phase.
    #[arg(long, conflicts_with = "effects")]
    no_default_effects: bool,
    /// Share of θ's variance between sites, in [0, 1).
    #[arg(long, default_value_t = DEFAULT_ICC)]
    icc: f64,
    /// Chance that a group is missing at each phase after the first, in [0, 1).
    #[arg(long, default_value_t = 0.0)]
    attrition: f64,
    /// Share of sites answering in English, in [0, 1].
    #[arg(long, default_value_t = DEFAULT_ENGLISH)]
    english: f64,
    /// Cohort of the sessions; their ids are COHORT-SITE-PHASE.
    #[arg(long, default_value = DEFAULT_COHORT)]
    cohort: String,
    /// Write every group's true θ as CSV: session,group,site,offering,phase,theta.
    #[arg(long, value_name = "FILE.csv")]
    truth: Option<PathBuf>,
    /// Write the answers as a session export (JSON lines) for `vignette score --responses`.
    #[arg(long, value_name = "FILE.jsonl")]
    jsonl: Option<PathBuf>,
    /// Simulate in memory and store nothing (with --jsonl).
    #[arg(long, requires = "jsonl")]
    no_store: bool,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: DataFormat,
}

fn parse_effect(text: &str) -> Result<Effect, String> {
    text.parse()
}

impl Args {
    fn spec(&self) -> Spec {
        let effects = if self.no_default_effects {
            Some(Vec::new())
        } else if self.effects.is_empty() {
            None
        } else {
            Some(self.effects.clone())
        };
        Spec {
            study: self.study.clone(),
            cohort: self.cohort.clone(),
            seed: self.seed,
            sites: self.sites,
            groups: self.groups,
            phases: self.phases.clone(),
            offerings: Vec::new(),
            vignettes_per_group: self.vignettes_per_group,
            effects,
            icc: self.icc,
            attrition: self.attrition,
            english: self.english,
        }
    }
}

/// Creates an output file (before anything is simulated, so a bad path stops early).
fn create(path: &Path) -> Result<BufWriter<File>, Failure> {
    File::create(path)
        .map(BufWriter::new)
        .map_err(|e| Failure::usage(format!("cannot write {}: {e}", path.display())))
}

fn written(path: &Path) -> impl Fn(std::io::Error) -> Failure + '_ {
    move |e| Failure::usage(format!("cannot write {}: {e}", path.display()))
}

pub fn run(cx: &Context, args: &Args) -> Outcome {
    let bank = cx.bank()?;
    let plan = simulate::plan(&bank, &args.spec())?;
    let truth_file = args.truth.as_deref().map(create).transpose()?;
    let jsonl_file = args.jsonl.as_deref().map(create).transpose()?;
    let mut store = if args.no_store {
        cx.store_in_memory()?
    } else {
        cx.new_or_existing_store()?
    };
    let simulation = plan.run(&mut store)?;
    if let (Some(out), Some(path)) = (jsonl_file, &args.jsonl) {
        write_jsonl(&store, &simulation, path, out)?;
    }
    if let (Some(out), Some(path)) = (truth_file, &args.truth) {
        write_truth(&simulation, path, out)?;
    }
    let stored_in = (!args.no_store).then_some(cx.db.as_path());
    match args.format {
        DataFormat::Json => println!("{:#}", json(&simulation, stored_in)),
        DataFormat::Text => print!("{}", summary(&simulation, stored_in, &cx.db_flag())),
    }
    Ok(ExitCode::SUCCESS)
}

/// Every simulated answer as a line of `session export --format jsonl`.
fn write_jsonl(
    store: &Store,
    simulation: &Simulation,
    path: &Path,
    mut out: BufWriter<File>,
) -> Result<(), Failure> {
    let failed = written(path);
    for s in &simulation.sessions {
        let loaded = session::load(store, &s.id)?;
        for row in session::answer_rows(&loaded, &store.responses(&s.id)?) {
            writeln!(out, "{}", serde_json::json!(row)).map_err(&failed)?;
        }
    }
    out.flush().map_err(failed)
}

/// Every group's true θ: session,group,site,offering,phase,theta.
fn write_truth(simulation: &Simulation, path: &Path, out: BufWriter<File>) -> Result<(), Failure> {
    let failed = |e: csv::Error| Failure::usage(format!("cannot write {}: {e}", path.display()));
    let mut writer = csv::Writer::from_writer(out);
    writer
        .write_record(["session", "group", "site", "offering", "phase", "theta"])
        .map_err(failed)?;
    for t in &simulation.truth {
        let theta = t.theta.to_string();
        writer
            .write_record([&t.session, &t.group, &t.site, &t.offering, &t.phase, &theta])
            .map_err(failed)?;
    }
    writer.flush().map_err(written(path))
}

fn json(simulation: &Simulation, db: Option<&Path>) -> serde_json::Value {
    let mut value = serde_json::json!(simulation);
    value["db"] = serde_json::json!(db.map(|d| d.display().to_string()));
    value["groups"] = serde_json::json!(simulation.groups());
    value["answers"] = serde_json::json!(simulation.answers());
    value
}

/// One row of the summary: an offering at a phase.
struct Cell<'a> {
    offering: &'a str,
    phase: &'a str,
    sessions: usize,
    groups: usize,
    answers: usize,
    theta_sum: f64,
}

/// Values in the order they first appear.
fn first_seen<'a>(values: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut seen = Vec::new();
    for value in values {
        if !seen.contains(&value) {
            seen.push(value);
        }
    }
    seen
}

/// Sessions, groups, answers and mean θ per offering and phase, then totals.
/// The summary for people; `flag` names the database in the next steps.
fn summary(simulation: &Simulation, db: Option<&Path>, flag: &str) -> String {
    let offerings = first_seen(simulation.sessions.iter().map(|s| s.offering.as_str()));
    let phases = first_seen(simulation.sessions.iter().map(|s| s.phase.as_str()));
    let mut cells: Vec<Cell<'_>> = Vec::new();
    for s in &simulation.sessions {
        let theta_sum: f64 = simulation
            .truth
            .iter()
            .filter(|t| t.session == s.id)
            .map(|t| t.theta)
            .sum();
        match cells
            .iter_mut()
            .find(|c| c.offering == s.offering && c.phase == s.phase)
        {
            Some(c) => {
                c.sessions += 1;
                c.groups += s.groups;
                c.answers += s.answers;
                c.theta_sum += theta_sum;
            }
            None => cells.push(Cell {
                offering: &s.offering,
                phase: &s.phase,
                sessions: 1,
                groups: s.groups,
                answers: s.answers,
                theta_sum,
            }),
        }
    }
    let position = |list: &[&str], value: &str| list.iter().position(|v| *v == value);
    cells.sort_by_key(|c| (position(&offerings, c.offering), position(&phases, c.phase)));
    let mut table = output::table();
    table.set_header([
        "offering", "phase", "sessions", "groups", "answers", "mean θ",
    ]);
    for c in &cells {
        table.add_row([
            c.offering.to_string(),
            c.phase.to_string(),
            c.sessions.to_string(),
            c.groups.to_string(),
            c.answers.to_string(),
            format!("{:.2}", c.theta_sum / c.groups.max(1) as f64),
        ]);
    }
    let effects: Vec<String> = simulation.effects.iter().map(Effect::to_string).collect();
    let place = db.map_or("memory (nothing stored)".to_string(), |d| {
        d.display().to_string()
    });
    let mut out = format!(
        "{table}\nsimulated {} session(s) of cohort `{}` ({} groups, {} answers, seed {}) into {place}\nplanted effects: {}\n",
        simulation.sessions.len(),
        simulation.cohort,
        simulation.groups(),
        simulation.answers(),
        simulation.seed,
        if effects.is_empty() {
            "none".to_string()
        } else {
            effects.join(", ")
        },
    );
    if db.is_some() {
        out.push_str(&format!(
            "next: `vignette score --all{flag}` scores every session; \
             `vignette compare{flag}` compares the offerings\n"
        ));
    }
    out
}
