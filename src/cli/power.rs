//! `vignette power`: how many groups and municipalities a comparison of two
//! offerings needs, by simulation, with a progress bar. Not for the
//! simulation itself (see `vignette::simulate::power`).

use std::process::ExitCode;
use std::time::{Duration, Instant};

use comfy_table::Table;
use indicatif::{ProgressBar, ProgressStyle};
use vignette::simulate::power::{
    self, DEFAULT_ALPHA, DEFAULT_DIFFERENCE, DEFAULT_REPLICATIONS, DEFAULT_SEED, DEFAULT_TARGET,
    Power, Row, Spec, TestPower,
};
use vignette::simulate::{
    DEFAULT_ENGLISH, DEFAULT_ICC, DEFAULT_STUDY, DEFAULT_VIGNETTES_PER_GROUP,
};

use super::{Failure, Outcome, TableFormat};
use crate::cli::Context;
use crate::cli::output;

/// How many groups per offering, in how many municipalities, are needed to
/// detect a difference between two offerings at the study's last phase?
///
/// For each design (--sites municipalities per offering × --groups groups
/// per municipality), --reps studies are simulated: only the last phase,
/// only the two offerings (municipalities take them in turn), with the
/// first offering's competence θ raised by --difference SD units. Every
/// answer is composed and scored by the engine, then the offerings are
/// compared on each dimension with Welch's t twice: on the municipalities'
/// mean scores (site level: valid when municipalities get the offering) and
/// on the groups' scores (group level, as `vignette compare` does without
/// --cluster: it ignores that groups of a municipality resemble each other,
/// so its power is optimistic when --icc > 0), and on the groups' scores
/// with municipalities as clusters (CR2 with Bell–McCaffrey degrees of
/// freedom, as `vignette compare --cluster site`). Power is the share of
/// simulated studies with p < --alpha, given with its Monte Carlo standard
/// error; with --calibrate no difference is planted and it is the
/// false-positive rate.
///
/// The recommendation per dimension is the design with the fewest groups
/// per offering (then the fewest municipalities) whose site-level power
/// reaches --target. The same --seed gives the same result whatever the
/// number of threads (RAYON_NUM_THREADS).
///
/// The defaults are a first look, in well under a minute on two cores: a
/// difference of 0.8 SD of θ (about 14–19 score points, Hedges' g ≈ 0.6–0.75
/// between groups), for which the grid of 8, 12 and 16 municipalities × 2
/// and 4 groups runs from below to above the target power, with 100
/// studies per design (Monte Carlo SE 0.04 at power 0.8). To plan, give the
/// difference that matters, a grid around the answer and --reps 1000; the
/// run time grows with the number of groups simulated.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  vignette power\n  \
    vignette power --difference 0.5 --sites 12,20,30 --groups 4\n  \
    vignette power --offerings laeringsmiljoprosjektet,nettbasert --difference 0.3 --sites 6,10,20\n  \
    vignette power --reps 1000 --format json > power.json\n  \
    vignette report --power power.json")]
pub struct Args {
    /// Study id (see `vignette list`).
    #[arg(long, value_name = "ID", default_value = DEFAULT_STUDY)]
    study: String,
    /// The two offerings compared, A,B; the difference is planted in A
    /// (default: the study's first two).
    #[arg(long, value_name = "A,B", value_delimiter = ',')]
    offerings: Vec<String>,
    /// A's advantage in competence θ at the last phase, in SD units (> 0).
    #[arg(long, value_name = "D", default_value_t = DEFAULT_DIFFERENCE)]
    difference: f64,
    /// Plant no difference: every rate is then a false-positive rate, which
    /// shows whether each test holds its level (alpha) with these numbers
    /// of municipalities and this ICC.
    #[arg(long, conflicts_with = "difference")]
    calibrate: bool,
    /// Municipalities per offering, one design per value (at least 2).
    #[arg(long, value_name = "N,…", value_delimiter = ',', default_values_t = power::DEFAULT_SITES)]
    sites: Vec<usize>,
    /// Groups per municipality, one design per value.
    #[arg(long, value_name = "N,…", value_delimiter = ',', default_values_t = power::DEFAULT_GROUPS)]
    groups: Vec<usize>,
    /// Share of θ's variance between municipalities, in [0, 1).
    #[arg(long, value_name = "X", default_value_t = DEFAULT_ICC)]
    icc: f64,
    /// Vignettes each group answers (at most as many as fit its sector).
    #[arg(long, value_name = "N", default_value_t = DEFAULT_VIGNETTES_PER_GROUP)]
    vignettes_per_group: usize,
    /// Share of municipalities answering in English, in [0, 1].
    #[arg(long, value_name = "X", default_value_t = DEFAULT_ENGLISH)]
    english: f64,
    /// Two-sided significance level, in (0, 1).
    #[arg(long, value_name = "X", default_value_t = DEFAULT_ALPHA)]
    alpha: f64,
    /// The power a recommended design must reach, in (0, 1).
    #[arg(long, value_name = "X", default_value_t = DEFAULT_TARGET)]
    target: f64,
    /// Simulated studies per design (1 to 100000).
    #[arg(long, value_name = "N", default_value_t = DEFAULT_REPLICATIONS)]
    reps: usize,
    /// Seed for everything drawn; recorded in the output.
    #[arg(long, value_name = "S", default_value_t = DEFAULT_SEED)]
    seed: u64,
    /// Output format: text (tables), json (the contract `report --power`
    /// reads) or csv (one row per design and dimension).
    #[arg(long, value_enum, default_value = "text")]
    format: TableFormat,
}

impl Args {
    fn spec(&self) -> Result<Spec, Failure> {
        let difference = if self.calibrate { 0.0 } else { self.difference };
        let valid = self.difference.is_finite() && self.difference > 0.0;
        if !(self.calibrate || valid) {
            return Err(Failure::usage(format!(
                "--difference must be a finite number of SD units above 0; got {}",
                self.difference
            )));
        }
        Ok(Spec {
            study: self.study.clone(),
            offerings: self.offerings.clone(),
            difference,
            sites: self.sites.clone(),
            groups: self.groups.clone(),
            icc: self.icc,
            vignettes_per_group: self.vignettes_per_group,
            english: self.english,
            alpha: self.alpha,
            target: self.target,
            replications: self.reps,
            seed: self.seed,
        })
    }
}

pub fn run(cx: &Context, args: &Args) -> Outcome {
    let spec = args.spec()?;
    let bank = cx.bank()?;
    let started = Instant::now();
    let bar = Bar::new();
    let result = power::run(&bank, &spec, &bar);
    bar.0.finish_and_clear();
    let power = result?;
    match args.format {
        TableFormat::Json => {
            let json = serde_json::to_string_pretty(&power)
                .map_err(|e| Failure::usage(format!("cannot write JSON: {e}")))?;
            println!("{json}");
        }
        TableFormat::Csv => print!("{}", csv(&power).map_err(Failure::usage)?),
        TableFormat::Text => print!("{}", text(&power, started.elapsed())),
    }
    Ok(ExitCode::SUCCESS)
}

/// A progress bar over all replications, on standard error (hidden when it
/// is not a terminal).
struct Bar(ProgressBar);

impl Bar {
    fn new() -> Bar {
        let style = ProgressStyle::with_template(
            "{prefix} [{bar:30}] {pos}/{len} simulated studies, {eta} left",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ");
        let bar = ProgressBar::new(0).with_style(style);
        bar.set_prefix("power");
        Bar(bar)
    }
}

impl power::Progress for Bar {
    fn start(&self, replications: usize) {
        self.0.set_length(replications as u64);
    }

    fn advance(&self) {
        self.0.inc(1);
    }
}

/// One row per design and dimension.
fn csv(power: &Power) -> Result<String, String> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let failed = |e: csv::Error| format!("cannot write CSV: {e}");
    writer
        .write_record([
            "sites",
            "groups_per_site",
            "groups",
            "dimension",
            "site_power",
            "site_mc_se",
            "site_undefined",
            "group_power",
            "group_mc_se",
            "group_undefined",
            "mean_diff",
            "mean_hedges_g",
            "cr2_power",
            "cr2_mc_se",
            "cr2_undefined",
        ])
        .map_err(failed)?;
    let optional = |x: Option<f64>| x.map_or_else(String::new, |x| x.to_string());
    for r in &power.rows {
        writer
            .write_record([
                r.sites.to_string(),
                r.groups_per_site.to_string(),
                r.groups.to_string(),
                r.dimension.clone(),
                r.site_level.power.to_string(),
                r.site_level.mc_se.to_string(),
                r.site_level.undefined.to_string(),
                r.group_level.power.to_string(),
                r.group_level.mc_se.to_string(),
                r.group_level.undefined.to_string(),
                optional(r.mean_diff),
                optional(r.mean_hedges_g),
                r.cluster_robust.power.to_string(),
                r.cluster_robust.mc_se.to_string(),
                r.cluster_robust.undefined.to_string(),
            ])
            .map_err(failed)?;
    }
    let bytes = writer.into_inner().map_err(|e| e.to_string())?;
    String::from_utf8(bytes).map_err(|e| e.to_string())
}

/// The rows of each design, in order.
fn designs(power: &Power) -> Vec<&[Row]> {
    power.rows.chunks(power.dimensions.len().max(1)).collect()
}

/// A table of designs × dimensions, each cell from one row.
fn table(power: &Power, cell: impl Fn(&Row) -> String) -> Table {
    let mut table = output::table();
    let mut header = vec![
        "sites".to_string(),
        "groups/site".to_string(),
        "groups".to_string(),
    ];
    header.extend(power.dimensions.iter().cloned());
    table.set_header(header);
    for rows in designs(power) {
        let first = &rows[0];
        let mut line = vec![
            first.sites.to_string(),
            first.groups_per_site.to_string(),
            first.groups.to_string(),
        ];
        line.extend(rows.iter().map(&cell));
        table.add_row(line);
    }
    table
}

fn with_se(test: &TestPower) -> String {
    format!("{:.2} ± {:.2}", test.power, test.mc_se)
}

fn effect(row: &Row) -> String {
    let number =
        |x: Option<f64>, digits: usize| x.map_or("–".into(), |x| format!("{x:.digits$}"));
    format!(
        "{} ({})",
        number(row.mean_diff, 1),
        number(row.mean_hedges_g, 2)
    )
}

fn text(power: &Power, elapsed: Duration) -> String {
    let [a, b] = &power.offerings;
    let mut out = format!(
        "{a} (+{} SD of θ) against {b} at {} of study {}: {} simulated studies per design, \
         ICC {}, {} vignettes per group, {:.0} % of municipalities in English, alpha {}, seed {}\n\
         sites: municipalities per offering; groups: groups per offering\n",
        power.difference,
        power.phase,
        power.study,
        power.replications,
        power.icc,
        power.vignettes_per_group,
        power.english * 100.0,
        power.alpha,
        power.seed,
    );
    let what = if power.difference == 0.0 {
        "false-positive rate (no difference planted; should be near alpha)"
    } else {
        "power"
    };
    out += &format!(
        "\nsite-level {what} (Welch's t on municipality means) ± Monte Carlo SE\n{}\n",
        table(power, |r| with_se(&r.site_level))
    );
    out += &format!(
        "\ncluster-robust {what} (group scores, municipalities as clusters: CR2, \
         Bell–McCaffrey df, as `vignette compare --cluster site`) ± Monte Carlo SE\n{}\n",
        table(power, |r| with_se(&r.cluster_robust))
    );
    out += &format!(
        "\ngroup-level {what} (Welch's t on group scores, as `vignette compare` without \
         --cluster) ± Monte Carlo SE\n{}\n",
        table(power, |r| with_se(&r.group_level))
    );
    out += &format!(
        "\nthe difference on the score scale: mean {a} − {b} in points (mean Hedges' g)\n{}\n",
        table(power, effect)
    );
    if power.difference > 0.0 {
        out += &format!(
            "\nsmallest design reaching site-level power {} (fewest groups per offering, then fewest municipalities):\n",
            power.target
        );
        for line in recommendations(power) {
            out += &format!("  {line}\n");
        }
    }
    if power.icc > 0.0 {
        out += "note: with ICC > 0 the group-level power is optimistic: groups of one municipality \
                share its level, which Welch's t on groups ignores; plan with the site-level power \
                when municipalities get the offering\n";
    }
    out += &format!(
        "{} simulated studies in {:.1} s\n",
        power.replications * designs(power).len(),
        elapsed.as_secs_f64()
    );
    out
}

/// Per dimension: the recommended design, or the best the grid offers.
fn recommendations(power: &Power) -> Vec<String> {
    power
        .recommendations
        .iter()
        .map(|r| match &r.design {
            Some(d) => format!(
                "{}: {} municipalities × {} groups = {} groups per offering (power {:.2})",
                r.dimension, d.sites, d.groups_per_site, d.groups, d.power
            ),
            None => {
                let best = power
                    .rows
                    .iter()
                    .filter(|row| row.dimension == r.dimension)
                    .max_by(|x, y| x.site_level.power.total_cmp(&y.site_level.power));
                let best = best.map_or(String::new(), |row| {
                    format!(
                        "; the best is {} municipalities × {} groups (power {:.2})",
                        row.sites, row.groups_per_site, row.site_level.power
                    )
                });
                format!(
                    "{}: no design of the grid reaches {}{best}",
                    r.dimension, power.target
                )
            }
        })
        .collect()
}
