//! The command-line face: one file per subcommand, each an `Args` struct and
//! a `run` function. Everything printed is decided here, nothing in the
//! library. Beside the commands: `context` (the bank and the store, opened
//! one way for all), `error` (failure kinds, exit codes, every conversion
//! from a library error with the hints that name commands and flags),
//! `output` (tables, numbers, intervals) and `terminal` (width, wrapping,
//! styles).

mod agreement;
mod bank;
mod compare;
mod context;
mod demo;
mod error;
mod export;
mod list;
mod output;
mod power;
mod profile;
mod rate;
mod report;
mod rubric;
mod schema;
mod score;
mod serve;
mod session;
mod show;
mod simulate;
mod terminal;
mod validate;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use vignette::bank::BankSource;

pub use context::Context;
pub use error::Failure;

/// The database used when none is named.
const DEFAULT_DB: &str = "vignette.db";

/// Vignette-based competence assessment: how well do school and kindergarten
/// staff prevent, detect and handle bullying?
///
/// Groups read a constructed case stage by stage and say what they would do;
/// their answers are scored on prevention, detection and handling. The
/// instrument bank (studies, vignettes, rubrics) is built into the program;
/// use --bank to work with another one.
#[derive(Debug, Parser)]
#[command(name = "vignette", version, max_term_width = 100)]
struct Cli {
    /// Use the bank in this folder (with studies/, vignettes/ and rubrics/)
    /// instead of the built-in one.
    #[arg(long, global = true, value_name = "DIR", env = "VIGNETTE_BANK")]
    bank: Option<PathBuf>,

    /// The SQLite file sessions and answers are kept in.
    #[arg(
        long,
        global = true,
        value_name = "PATH",
        env = "VIGNETTE_DB",
        default_value = DEFAULT_DB
    )]
    db: PathBuf,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Validate(validate::Args),
    List(list::Args),
    Show(show::Args),
    Schema(schema::Args),
    Session(session::Args),
    Serve(serve::Args),
    Score(score::Args),
    Agreement(agreement::Args),
    Compare(compare::Args),
    Rate(rate::Args),
    Rubric(rubric::Args),
    Bank(bank::Args),
    Export(export::Args),
    Profile(profile::Args),
    Report(report::Args),
    Simulate(simulate::Args),
    Power(power::Args),
    Demo(demo::Args),
}

/// Output for people or for programs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DataFormat {
    Text,
    Json,
}

/// Output of a table: for people, for programs, or its cells for a
/// spreadsheet or statistics package.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TableFormat {
    Text,
    Json,
    Csv,
}

/// What a successful command reports: 0 for success, 1 for "ran, found problems".
pub type Outcome = Result<ExitCode, Failure>;

/// Parses the command line, runs the command and maps the outcome to an exit code.
pub fn run() -> ExitCode {
    quiet_on_closed_output();
    let cli = Cli::parse();
    let source = match cli.bank {
        Some(dir) => BankSource::Dir(dir),
        None => BankSource::Embedded,
    };
    let cx = Context { source, db: cli.db };
    let outcome = match cli.command {
        Command::Validate(args) => validate::run(&cx, &args),
        Command::List(args) => list::run(&cx, &args),
        Command::Show(args) => show::run(&cx, &args),
        Command::Schema(args) => schema::run(&args),
        Command::Agreement(args) => agreement::run(&cx, &args),
        Command::Compare(args) => compare::run(&cx, &args),
        Command::Rate(args) => rate::run(&cx, &args),
        Command::Rubric(args) => rubric::run(&cx, &args),
        Command::Bank(args) => bank::run(&cx, &args),
        Command::Report(args) => report::run(&cx, &args),
        Command::Session(args) => session::run(&cx, &args),
        Command::Serve(args) => serve::run(&cx, &args),
        Command::Score(args) => score::run(&cx, &args),
        Command::Export(args) => export::run(&cx, &args),
        Command::Profile(args) => profile::run(&cx, &args),
        Command::Simulate(args) => simulate::run(&cx, &args),
        Command::Power(args) => power::run(&cx, &args),
        Command::Demo(args) => demo::run(&cx, &args),
    };
    match outcome {
        Ok(code) => code,
        Err(failure) => failure.report(),
    }
}

/// Standard output that cannot be written never ends in a panic: `print!`
/// panics with "failed printing to stdout: …" when the reader has gone (a
/// closed pipe, e.g. `| head`) or the disk is full. A closed pipe ends the
/// command quietly with success, as ripgrep does; any other failure is a
/// clear error (exit 2). Every other panic keeps the default report.
fn quiet_on_closed_output() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let payload = info.payload();
        let message = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap_or_default();
        match message.strip_prefix("failed printing to stdout: ") {
            Some(error) if error.contains("Broken pipe") => std::process::exit(0),
            Some(error) => {
                eprintln!("error: cannot write the output: {error}");
                std::process::exit(2);
            }
            None => default(info),
        }
    }));
}
