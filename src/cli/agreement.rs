//! `vignette agreement`: how consistently raters coded the same answers,
//! per rubric criterion. Reads a ratings CSV, or a session's stored ratings
//! (then also the automatic scores against the humans); not for rating or
//! scoring.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use vignette::input::{self, Problem, Rating};
use vignette::rating;
use vignette::rating::agreement::{self, Agreement, Options};

use super::{DataFormat, Failure, Outcome};
use crate::cli::Context;
use crate::cli::output;

/// Measure how well raters agree, per rubric criterion: percent agreement,
/// Cohen's kappa and Krippendorff's alpha.
///
/// Kappa (unweighted, linear, quadratic) needs exactly two raters who rated
/// every unit; alpha (nominal, ordinal, interval) takes any number of raters
/// and missing ratings, and ordinal alpha gets a seeded bootstrap 95 %
/// interval (units resampled with replacement). Undefined values show as –
/// (null in JSON).
///
/// The ratings file is CSV with the header `unit,rater,criterion,level`, one
/// rating per row; levels are whole numbers. Exit status: 0 ok, 1 the file
/// is invalid, 2 it could not be read.
///
/// For a SESSION the latest stored ratings (`vignette rate`) are used
/// instead, and the same statistics are given for the automatic scores
/// (rater `auto`, latest `vignette score`) against the human consensus, or
/// the unit's first rater by name where there is no consensus yet.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Session id: use its stored ratings.
    #[arg(required_unless_present = "ratings", conflicts_with = "ratings")]
    session: Option<String>,
    /// The ratings CSV file.
    #[arg(long, value_name = "FILE.csv")]
    ratings: Option<PathBuf>,
    /// Bootstrap resamples for the interval of ordinal alpha.
    #[arg(long, value_name = "N", default_value_t = agreement::DEFAULT_BOOT as u32,
          value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    boot: u32,
    /// Seed of the bootstrap; the same seed gives the same interval.
    #[arg(long, value_name = "S", default_value_t = agreement::DEFAULT_SEED)]
    seed: u64,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: DataFormat,
}

pub fn run(cx: &Context, args: &Args) -> Outcome {
    let options = Options {
        boot: args.boot as usize,
        seed: args.seed,
    };
    let file = match (&args.session, &args.ratings) {
        (Some(session), _) => return run_session(cx, session, &options, args.format),
        (None, Some(file)) => file,
        (None, None) => return Err(Failure::usage("give a SESSION or --ratings FILE.csv")),
    };
    let ratings = read_ratings(file)?;
    let result = agreement::agreement(&ratings, &options);
    match args.format {
        DataFormat::Json => {
            let report = JsonReport {
                criteria: &result,
                boot: options.boot,
                seed: options.seed,
            };
            let json = serde_json::to_string_pretty(&report)
                .map_err(|e| Failure::usage(format!("cannot write JSON: {e}")))?;
            println!("{json}");
        }
        DataFormat::Text => print!("{}", text(&result, &options)),
    }
    Ok(ExitCode::SUCCESS)
}

/// Agreement from a session's stored ratings, and of auto against human.
fn run_session(cx: &Context, id: &str, options: &Options, format: DataFormat) -> Outcome {
    let store = cx.store_to_read()?;
    let result = rating::session_agreement(&store, id, options)?;
    match format {
        DataFormat::Json => {
            let report = SessionReport {
                session: id,
                criteria: &result.human,
                boot: options.boot,
                seed: options.seed,
                auto_vs_human: &result.auto_vs_human,
            };
            let json = serde_json::to_string_pretty(&report)
                .map_err(|e| Failure::usage(format!("cannot write JSON: {e}")))?;
            println!("{json}");
        }
        DataFormat::Text => {
            println!("session {id}: human raters");
            print!("{}", text(&result.human, options));
            println!("\nautomatic scores (rater `auto`) against the human consensus");
            print!("{}", text(&result.auto_vs_human, options));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The session-mode JSON: the file mode's keys, plus the session and the
/// automatic scores against the humans.
#[derive(serde::Serialize)]
struct SessionReport<'a> {
    session: &'a str,
    #[serde(flatten)]
    criteria: &'a Agreement,
    boot: usize,
    seed: u64,
    auto_vs_human: &'a Agreement,
}

/// The JSON contract: the library's criteria (fields in their documented
/// order), then the bootstrap settings.
#[derive(serde::Serialize)]
struct JsonReport<'a> {
    #[serde(flatten)]
    criteria: &'a Agreement,
    boot: usize,
    seed: u64,
}

/// Reads and parses the file; a file over the size limit is refused unread.
pub(crate) fn read_ratings(path: &Path) -> Result<Vec<Rating>, Failure> {
    let name = path.display().to_string();
    let bytes = input::read_file(path, input::read::RATINGS_FILE)?;
    input::parse_ratings_csv(&name, &bytes).map_err(|problems| rejected(&name, &problems))
}

fn rejected(name: &str, problems: &[Problem]) -> Failure {
    Failure::problems(format!("{} problem(s) in {name}", problems.len()), problems).hint(format!(
        "a ratings file is CSV with the header `{}` and one whole-number level per row",
        input::ratings::CSV_HEADER.join(",")
    ))
}

fn text(result: &Agreement, options: &Options) -> String {
    let mut table = output::table();
    table.set_header([
        "criterion",
        "units",
        "paired",
        "raters",
        "agreement",
        "κ",
        "κ lin",
        "κ quad",
        "α nom",
        "α ord",
        "α int",
        "α ord 95 % CI",
    ]);
    for (criterion, c) in &result.criteria {
        let ci = c
            .alpha_ordinal_ci95
            .map_or_else(|| "–".to_string(), |[lo, hi]| format!("[{lo:.3}, {hi:.3}]"));
        table.add_row([
            criterion.clone(),
            c.n_units.to_string(),
            c.n_paired.to_string(),
            c.n_raters.to_string(),
            number(c.percent_agreement),
            number(c.kappa),
            number(c.kappa_linear),
            number(c.kappa_quadratic),
            number(c.alpha_nominal),
            number(c.alpha_ordinal),
            number(c.alpha_interval),
            ci,
        ]);
    }
    format!(
        "{table}\nagreement: share of units with 2+ ratings that all agree · κ: Cohen's kappa \
         (lin/quad weighted), only for two raters who rated every unit · α: Krippendorff's alpha \
         (nominal/ordinal/interval) · CI: bootstrap over units, {} resamples, seed {} · \
         –: not defined\n",
        options.boot, options.seed
    )
}

fn number(value: Option<f64>) -> String {
    output::number(value, 3)
}
