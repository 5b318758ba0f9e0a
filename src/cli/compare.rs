//! `vignette compare`: offerings (or roles, phases, sites, …) side by side on
//! their groups' scores, with intervals, effect sizes, tests and warnings.
//! Reads the scores from the store or a scores CSV; not for scoring.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use comfy_table::Table;
use vignette::bank::Assignment;
use vignette::compare::dataset::{self, GroupScore, Selection};
use vignette::compare::{
    self, Cell, Change, Clustering, CompareError, Comparison, DEFAULT_BOOT, DEFAULT_SEED, Pairwise,
    Request,
};

use super::{Failure, Outcome, TableFormat as Format};
use crate::cli::Context;
use crate::cli::output::{self, interval, number};

/// Compare offerings (or roles, phases, sites, …) on their groups' scores,
/// with intervals, effect sizes and tests.
///
/// Per cell (a combination of the --by keys, on each dimension): n, mean,
/// sd, median, a t interval and a percentile bootstrap interval of the mean.
/// Per pair of the first key's levels: the difference with its Welch 95 %
/// interval, Hedges' g with its 95 % interval, Welch's t test and
/// Holm-adjusted p (within each dimension).
///
/// Groups are the unit of analysis: a group's score on a dimension is the
/// mean over the vignettes it answered (the human consensus where there is
/// one, else the automatic score). Scores come from the database (all
/// sessions of a study; sessions with answers not yet scored are named in a
/// warning) or from --scores FILE.csv with the columns
/// group,site,offering,phase,role,dimension,score (further columns become
/// keys).
///
/// --change FROM:TO pairs each group with itself across two phases and gives
/// per offering the mean change with its 95 % interval, Cohen's d_z and a
/// paired t test, and the
/// offerings' changes compared as above. --cluster KEY tests the pairwise
/// differences and the changes' differences with KEY's levels (e.g. sites,
/// where offerings are given to whole municipalities) as clusters: a CR2
/// cluster-robust standard error with Bell–McCaffrey degrees of freedom,
/// which needs two clusters or more on each side; it adds a bootstrap that
/// resamples whole clusters and per dimension the ICC(1) and the design
/// effect. Without it groups count as independent (Welch), which overstates
/// certainty when groups of a site are alike. Undefined statistics show as
/// – (null in JSON).
///
/// Exit status: 0 ok, 1 the scores file is invalid, 2 a bad argument or
/// unreadable input.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  vignette compare --phase endpoint\n  \
    vignette compare --scores scores.csv --phase endpoint --format json\n  \
    vignette compare --by offering --by role --phase endpoint\n  \
    vignette compare --change baseline:endpoint --cluster site")]
pub struct Args {
    /// Read group scores from this CSV instead of the database.
    #[arg(long, value_name = "FILE.csv", conflicts_with_all = ["sessions", "cohorts", "study"])]
    scores: Option<PathBuf>,
    /// Only this session (repeatable).
    #[arg(long = "session", value_name = "ID")]
    sessions: Vec<String>,
    /// Only sessions of this cohort (repeatable).
    #[arg(long = "cohort", value_name = "ID")]
    cohorts: Vec<String>,
    /// The study, when the database holds sessions of several.
    #[arg(long, value_name = "ID")]
    study: Option<String>,
    /// Key that makes the cells, the first one compared pairwise
    /// (repeatable): offering, role, phase, site, cohort, a site attribute
    /// (sector, centrality, county, …) or a further CSV column.
    #[arg(long, value_name = "KEY", default_value = "offering")]
    by: Vec<String>,
    /// Only scores of this phase (the change uses its own two phases).
    #[arg(long, value_name = "ID")]
    phase: Option<String>,
    /// Only this dimension.
    #[arg(long, value_name = "ID")]
    dimension: Option<String>,
    /// Change between two phases, groups paired by id (e.g. baseline:endpoint).
    #[arg(long, value_name = "FROM:TO", value_parser = parse_change)]
    change: Option<(String, String)>,
    /// Test the differences with this key's levels as clusters (CR2,
    /// Bell–McCaffrey df), resample whole clusters and give the ICC. The
    /// default when comparing offerings is the level the study gives them at
    /// (`site` unless the study says `group`; `site` for a scores file).
    #[arg(long, value_name = "KEY", conflicts_with = "group_level")]
    cluster: Option<String>,
    /// Treat groups as independent (Welch's t) even when offerings are given
    /// to whole sites: the group-level analysis, labelled as such, which
    /// overstates certainty when the groups of a site are alike.
    #[arg(long)]
    group_level: bool,
    /// Bootstrap resamples (0: no bootstrap intervals).
    #[arg(long, value_name = "N", default_value_t = DEFAULT_BOOT as u32,
          value_parser = clap::value_parser!(u32).range(0..=1_000_000))]
    boot: u32,
    /// Seed of the bootstrap; the same seed gives the same intervals.
    #[arg(long, value_name = "S", default_value_t = DEFAULT_SEED)]
    seed: u64,
    /// Output format; csv prints the cells only (warnings go to stderr).
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
}

fn parse_change(raw: &str) -> Result<(String, String), String> {
    match raw.split_once(':') {
        Some((a, b)) if !a.is_empty() && !b.is_empty() => Ok((a.to_string(), b.to_string())),
        _ => Err("expected two phases as FROM:TO, e.g. baseline:endpoint".to_string()),
    }
}

/// Scores with what is known about them before comparing.
struct Input {
    scores: Vec<GroupScore>,
    warnings: Vec<String>,
    phase_order: Vec<String>,
    dimension_order: Vec<String>,
    /// The level the study gives offerings at.
    assignment: Assignment,
}

/// The clusters differences are tested at: the one asked for, none at the
/// group level, else for offerings the study's level of assignment.
fn cluster(args: &Args, assignment: Assignment) -> Option<String> {
    if args.group_level {
        return None;
    }
    if args.cluster.is_some() {
        return args.cluster.clone();
    }
    let offerings = args.by.first().is_none_or(|key| key == "offering");
    offerings
        .then(|| assignment.cluster_key().map(String::from))
        .flatten()
}

pub fn run(cx: &Context, args: &Args) -> Outcome {
    let input = match &args.scores {
        Some(file) => Input {
            scores: read_scores(file)?,
            warnings: Vec::new(),
            phase_order: Vec::new(),
            dimension_order: Vec::new(),
            assignment: Assignment::Site,
        },
        None => from_store(cx, args)?,
    };
    let request = Request {
        by: args.by.clone(),
        phase: args.phase.clone(),
        dimension: args.dimension.clone(),
        phase_order: input.phase_order,
        dimension_order: input.dimension_order,
        boot: args.boot as usize,
        seed: args.seed,
        change: args.change.clone(),
        cluster: cluster(args, input.assignment),
    };
    let mut result =
        compare::compare(&input.scores, &request).map_err(|e| refused(e, &input.warnings))?;
    let said = input.warnings.into_iter().map(compare::Warning::text);
    result.warnings.splice(0..0, said);
    match args.format {
        Format::Json => {
            let json = serde_json::to_string_pretty(&result)
                .map_err(|e| Failure::usage(format!("cannot write JSON: {e}")))?;
            println!("{json}");
        }
        Format::Csv => {
            print!(
                "{}",
                csv(&result).map_err(|e| Failure::usage(e.to_string()))?
            );
            for warning in &result.warnings {
                eprintln!("warning: {warning}");
            }
        }
        Format::Text => print!("{}", text(&result)),
    }
    // The process ends next: its memory goes back whole. Freeing the scores
    // one by one (two strings each, 300 000 of them in the benchmark's
    // file) would take about 5 % of the run.
    std::mem::forget(input.scores);
    Ok(ExitCode::SUCCESS)
}

fn from_store(cx: &Context, args: &Args) -> Result<Input, Failure> {
    let store = cx
        .store_to_read()
        .map_err(|f| f.hint("or compare a scores file with --scores FILE.csv"))?;
    let selection = Selection {
        study: args.study.clone(),
        sessions: args.sessions.clone(),
        cohorts: args.cohorts.clone(),
        phases: Vec::new(),
    };
    let data = dataset::load(&store, &selection)?;
    let warnings = data
        .unscored
        .iter()
        .map(|(session, units)| {
            format!(
                "session `{session}`: {units} answered unit(s) have no score yet and are left \
                 out; run `vignette score {session}{}`",
                cx.db_flag()
            )
        })
        .collect();
    Ok(Input {
        scores: data.group_scores(),
        warnings,
        phase_order: data.study.phases.iter().map(|p| p.id.clone()).collect(),
        dimension_order: data.study.dimensions.iter().map(|d| d.id.clone()).collect(),
        assignment: data.study.assignment,
    })
}

fn refused(error: CompareError, store_warnings: &[String]) -> Failure {
    let failure = Failure::usage(error.to_string());
    match error {
        CompareError::UnknownKey { .. } => failure.hint(
            "keys are offering, phase, site, role, cohort, the site attributes and any further \
             column of a scores file",
        ),
        CompareError::NoScores => store_warnings
            .iter()
            .fold(failure, |failure, warning| failure.hint(warning.clone())),
        _ => failure,
    }
}

/// Reads and parses a scores CSV; every problem is listed with its line.
fn read_scores(path: &Path) -> Result<Vec<GroupScore>, Failure> {
    let name = path.display().to_string();
    let bytes = vignette::input::read_file(path, vignette::input::read::SCORES_FILE)?;
    vignette::input::read_scores_csv(&name, &bytes).map_err(|problems| {
        Failure::problems(
            format!("{} problem(s) in {name}", problems.len()),
            &problems,
        )
        .hint(format!(
            "a scores file is CSV with the header {} (further columns are keys) and one row \
                 per group, phase and dimension",
            vignette::input::scores::CSV_COLUMNS.join(",")
        ))
    })
}

fn p_value(value: Option<f64>) -> String {
    match value {
        Some(p) if p < 0.001 => "<0.001".to_string(),
        other => number(other, 3),
    }
}

fn new_table(header: impl Into<comfy_table::Row>) -> Table {
    let mut table = output::table();
    table.set_header(header);
    table
}

fn text(result: &Comparison) -> String {
    let scope = result
        .phase
        .as_ref()
        .map_or_else(|| "all phases".to_string(), |p| format!("phase {p}"));
    let mut out = format!("groups by {} ({scope})\n", result.by.join(", "));
    out += &format!("{}\n", cells_table(result));
    let first = &result.by[0];
    if result.pairwise.is_empty() {
        out += &format!("\nonly one level of {first}: nothing to compare pairwise\n");
    } else {
        out += &format!(
            "\npairwise by {first}: a − b per dimension; g: Hedges' g; {}; p Holm: adjusted \
             within each dimension\n{}\n",
            method_note(&result.cluster),
            pairs_table(&result.pairwise)
        );
    }
    if let (Some(change), Some(pairs), Some([from, to])) = (
        &result.change,
        &result.change_pairwise,
        &result.change_phases,
    ) {
        out += &format!(
            "\nchange {from} → {to} per offering, groups paired by id; d_z: mean / sd of the \
             changes; t, p: paired\n{}\n",
            change_table(change)
        );
        out += &format!(
            "\nchange compared between offerings (a − b); {}\n{}\n",
            method_note(&result.cluster),
            pairs_table(pairs)
        );
    }
    if let (Some(clustering), Some(key)) = (&result.clustering, &result.cluster) {
        out += &format!(
            "\nclustering by {key}: ICC(1) from a one-way ANOVA (truncated at 0); design \
             effect 1 + (mean size − 1)·ICC\n{}\n",
            clustering_table(clustering)
        );
    }
    for warning in &result.warnings {
        out += &format!("warning: {warning}\n");
    }
    out += &format!(
        "bootstrap: {} resamples, seed {} · –: not defined\n",
        result.boot, result.seed
    );
    out
}

fn cells_table(result: &Comparison) -> Table {
    let mut header: Vec<String> = vec!["dimension".into()];
    header.extend(result.by.iter().cloned());
    header.extend(["n", "mean", "sd", "median", "95 % CI t", "95 % CI boot"].map(String::from));
    if let Some(key) = &result.cluster {
        header.push(format!("95 % CI {key}"));
    }
    let mut table = new_table(header);
    for cell in &result.groups {
        table.add_row(cell_row(result, cell));
    }
    table
}

fn cell_row(result: &Comparison, cell: &Cell) -> Vec<String> {
    let mut row = vec![cell.dimension.clone()];
    row.extend(result.by.iter().map(|k| cell.keys[k].clone()));
    row.extend([
        cell.n.to_string(),
        format!("{:.2}", cell.mean),
        number(cell.sd, 2),
        format!("{:.2}", cell.median),
        interval(cell.ci95_t, 2),
        interval(cell.ci95_boot, 2),
    ]);
    if result.cluster.is_some() {
        row.push(interval(cell.ci95_cluster, 2));
    }
    row
}

/// What the pairwise t, df and p are.
fn method_note(cluster: &Option<String>) -> String {
    match cluster {
        Some(key) => format!(
            "diff 95 % CI, t, df, p: {key}s as clusters (CR2 standard error, Bell–McCaffrey df)"
        ),
        None => "diff 95 % CI, t, df, p: Welch, groups as independent".to_string(),
    }
}

fn pairs_table(pairs: &[Pairwise]) -> Table {
    let mut table = new_table([
        "dimension",
        "a",
        "b",
        "n a",
        "n b",
        "diff",
        "diff 95 % CI",
        "g",
        "g 95 % CI",
        "t",
        "df",
        "p",
        "p Holm",
    ]);
    for p in pairs {
        table.add_row([
            p.dimension.clone(),
            p.a.clone(),
            p.b.clone(),
            p.n_a.to_string(),
            p.n_b.to_string(),
            format!("{:.2}", p.diff),
            interval(p.diff_ci95, 2),
            number(p.hedges_g, 3),
            interval(p.hedges_g_ci95, 3),
            number(p.t, 3),
            number(p.df, 1),
            p_value(p.p),
            p_value(p.p_holm),
        ]);
    }
    table
}

fn change_table(change: &[Change]) -> Table {
    let mut table = new_table([
        "dimension",
        "offering",
        "pairs",
        "unpaired",
        "mean change",
        "95 % CI",
        "d_z",
        "t",
        "p",
    ]);
    for c in change {
        table.add_row([
            c.dimension.clone(),
            c.offering.clone(),
            c.n_pairs.to_string(),
            c.unpaired.to_string(),
            number(c.mean_change, 2),
            interval(c.ci95, 2),
            number(c.dz, 3),
            number(c.paired_t, 3),
            p_value(c.p),
        ]);
    }
    table
}

fn clustering_table(clustering: &[Clustering]) -> Table {
    let mut table = new_table(["dimension", "clusters", "mean size", "ICC", "design effect"]);
    for c in clustering {
        table.add_row([
            c.dimension.clone(),
            c.clusters.to_string(),
            format!("{:.2}", c.mean_cluster_size),
            number(c.icc, 3),
            number(c.design_effect, 3),
        ]);
    }
    table
}

/// The cells as CSV: the keys, then the statistics; intervals as _lo/_hi.
fn csv(result: &Comparison) -> Result<String, csv::Error> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = result.by.clone();
    header.extend(
        [
            "dimension",
            "n",
            "mean",
            "sd",
            "median",
            "ci95_t_lo",
            "ci95_t_hi",
            "ci95_boot_lo",
            "ci95_boot_hi",
        ]
        .map(String::from),
    );
    if result.cluster.is_some() {
        header.extend(["ci95_cluster_lo", "ci95_cluster_hi"].map(String::from));
    }
    writer.write_record(&header)?;
    let plain = |x: Option<f64>| x.map_or_else(String::new, |x| x.to_string());
    let ends = |ci: Option<[f64; 2]>| [plain(ci.map(|c| c[0])), plain(ci.map(|c| c[1]))];
    for cell in &result.groups {
        let mut row: Vec<String> = result.by.iter().map(|k| cell.keys[k].clone()).collect();
        row.extend([
            cell.dimension.clone(),
            cell.n.to_string(),
            cell.mean.to_string(),
            plain(cell.sd),
            cell.median.to_string(),
        ]);
        row.extend(ends(cell.ci95_t));
        row.extend(ends(cell.ci95_boot));
        if result.cluster.is_some() {
            row.extend(ends(cell.ci95_cluster));
        }
        writer.write_record(&row)?;
    }
    let bytes = writer.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}
