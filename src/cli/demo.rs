//! `vignette demo`: the whole study in one command, with a progress bar per
//! step and a short summary at the end.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use comfy_table::Table;
use indicatif::{ProgressBar, ProgressStyle};
use vignette::compare::{self, Comparison};
use vignette::demo::{self, Demo, Spec};

use super::Outcome;
use crate::cli::Context;
use crate::cli::output;

/// Run the whole study on simulated data: three offerings from baseline to
/// endpoint, groups answering in Norwegian and English, scores, two
/// simulated raters on a share of the answers with agreement, the comparison
/// of offerings and of change, the HTML report and the exports.
///
/// Everything goes into --dir: `study.db` (open it with `--db` in any
/// command), `report.html` and `export/`. The same seed gives the same study.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The folder to write into.
    #[arg(long, value_name = "DIR", default_value = "vignette-demo")]
    dir: PathBuf,
    /// Seed of the simulation, the raters and the bootstrap.
    #[arg(long, value_name = "S", default_value_t = 1)]
    seed: u64,
    /// Bootstrap resamples for the intervals.
    #[arg(long, value_name = "N", default_value_t = compare::DEFAULT_BOOT as u32,
          value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    boot: u32,
    /// Share of each session's answers the two simulated raters code.
    #[arg(long, value_name = "X", default_value_t = 0.25, value_parser = share)]
    rated: f64,
    /// Replace an earlier demo in --dir (only its study.db, report.html and export/).
    #[arg(long)]
    force: bool,
}

fn share(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(x) if (0.0..=1.0).contains(&x) => Ok(x),
        _ => Err(format!("`{text}` is not a share from 0 to 1")),
    }
}

pub fn run(cx: &Context, args: &Args) -> Outcome {
    let bank = cx.bank()?;
    let spec = Spec {
        dir: args.dir.clone(),
        seed: args.seed,
        boot: args.boot as usize,
        rated_share: args.rated,
        force: args.force,
        clock: super::context::clock()?,
    };
    let started = Instant::now();
    let demo = demo::run(&bank, &spec, &mut Bars::default())?;
    print_summary(&demo, started.elapsed());
    Ok(ExitCode::SUCCESS)
}

/// One progress bar per step, on standard error.
#[derive(Default)]
struct Bars {
    bar: Option<ProgressBar>,
}

impl demo::Progress for Bars {
    fn start(&mut self, step: &str, items: usize) {
        let bar = if items > 1 {
            ProgressBar::new(items as u64).with_style(
                ProgressStyle::with_template("{prefix:>9} [{bar:30}] {pos}/{len} sessions")
                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                    .progress_chars("=> "),
            )
        } else {
            let spinner = ProgressBar::new_spinner().with_style(
                ProgressStyle::with_template("{prefix:>9} {spinner} {elapsed}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            spinner.enable_steady_tick(Duration::from_millis(100));
            spinner
        };
        bar.set_prefix(step.to_string());
        self.bar = Some(bar);
    }

    fn advance(&mut self) {
        if let Some(bar) = &self.bar {
            bar.inc(1);
        }
    }

    fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish();
        }
    }
}

fn print_summary(demo: &Demo, elapsed: Duration) {
    let sim = &demo.simulation;
    println!(
        "\nSimulated {} sessions of study `{}` ({} groups, {} answers, seed {}); \
         scored {} units; two raters coded {} criteria.",
        sim.sessions.len(),
        sim.study,
        sim.groups(),
        sim.answers(),
        sim.seed,
        demo.units_scored,
        demo.ratings
    );
    let analyses = &demo.analyses;
    println!(
        "\nScores at {} by offering (mean 0–100, 95 % t interval):",
        analyses.phase
    );
    println!("{}", cells_table(&analyses.offerings));
    if let Some(change) = &analyses.change {
        println!("\nChange per offering (groups paired across phases):");
        println!("{}", change_table(change));
    }
    println!(
        "\nRater agreement (mean Krippendorff's alpha, ordinal, over criteria): \
         between raters {}, automatic vs human {}",
        mean_alpha(&demo.human),
        mean_alpha(&demo.auto_vs_human)
    );
    println!(
        "(Simulated answers and simulated raters: this checks the workflow, it is not \
         validity evidence; docs/statistics.md has the engine against blind raters.)"
    );
    println!("\nFiles:");
    println!("  database  {}", demo.db.display());
    println!("  report    {}", demo.report.display());
    println!("  exports   {}", demo.export.display());
    println!(
        "\nDone in {:.1} s. Try `vignette compare --db {} --change baseline:endpoint`.",
        elapsed.as_secs_f64(),
        demo.db.display()
    );
    println!(
        "In a real workshop the groups answer on their own phones or laptops while you pace \
         the stages: `vignette serve --help` (and docs/facilitator.md)."
    );
}

fn cells_table(comparison: &Comparison) -> Table {
    let dimensions = ordered(comparison.groups.iter().map(|c| c.dimension.as_str()));
    let mut table = output::table();
    let mut header = vec!["offering".to_string(), "n".to_string()];
    header.extend(dimensions.iter().map(|d| d.to_string()));
    table.set_header(header);
    let offerings = ordered(
        comparison
            .groups
            .iter()
            .map(|c| c.keys["offering"].as_str()),
    );
    for offering in offerings {
        let cells: Vec<_> = comparison
            .groups
            .iter()
            .filter(|c| c.keys["offering"] == offering)
            .collect();
        let mut row = vec![offering.to_string(), cells[0].n.to_string()];
        for dimension in &dimensions {
            row.push(match cells.iter().find(|c| c.dimension == *dimension) {
                Some(c) => format!("{:.1} {}", c.mean, interval(c.ci95_t)),
                None => "–".into(),
            });
        }
        table.add_row(row);
    }
    table
}

fn change_table(comparison: &Comparison) -> Table {
    let mut table = output::table();
    table.set_header(["offering", "dimension", "pairs", "mean change", "d_z", "p"]);
    for c in comparison.change.iter().flatten() {
        let number =
            |x: Option<f64>, digits: usize| x.map_or("–".into(), |x| format!("{x:.digits$}"));
        table.add_row([
            c.offering.clone(),
            c.dimension.clone(),
            c.n_pairs.to_string(),
            number(c.mean_change, 1),
            number(c.dz, 2),
            number(c.p, 3),
        ]);
    }
    table
}

fn interval(ci: Option<[f64; 2]>) -> String {
    ci.map_or(String::new(), |ci| output::interval(Some(ci), 1))
}

/// Distinct values in the order first seen.
fn ordered<'a>(values: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut seen = Vec::new();
    for v in values {
        if !seen.contains(&v) {
            seen.push(v);
        }
    }
    seen
}

fn mean_alpha(agreement: &vignette::rating::agreement::Agreement) -> String {
    let alphas: Vec<f64> = agreement
        .criteria
        .values()
        .filter_map(|c| c.alpha_ordinal)
        .collect();
    if alphas.is_empty() {
        return "– (no ratings)".into();
    }
    format!("{:.2}", alphas.iter().sum::<f64>() / alphas.len() as f64)
}
