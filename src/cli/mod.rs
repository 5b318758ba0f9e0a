//! The command-line face: one file per subcommand, each an `Args` struct and
//! a `run` function. Everything printed is decided here, nothing in the library.

mod agreement;
mod compare;
mod demo;
mod export;
mod list;
mod power;
mod profile;
mod rate;
mod report;
mod schema;
mod score;
mod session;
mod show;
mod simulate;
mod validate;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use vignette::bank::{self, Bank, BankSource};
use vignette::store::{Clock, Store};

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
        default_value = "vignette.db"
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
    Score(score::Args),
    Agreement(agreement::Args),
    Compare(compare::Args),
    Rate(rate::Args),
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

/// A failed command: what went wrong, how to fix it, and the exit code.
#[derive(Debug)]
pub struct Failure {
    code: u8,
    message: String,
    /// Lines printed before the message, e.g. one per problem found.
    details: Vec<String>,
    hints: Vec<String>,
}

impl Failure {
    /// Bad arguments or unreadable input (exit 2).
    pub fn usage(message: impl Into<String>) -> Failure {
        Failure {
            code: 2,
            message: message.into(),
            details: Vec::new(),
            hints: Vec::new(),
        }
    }

    /// The input was read but is invalid (exit 1).
    pub fn invalid(message: impl Into<String>) -> Failure {
        Failure {
            code: 1,
            message: message.into(),
            details: Vec::new(),
            hints: Vec::new(),
        }
    }

    /// Adds a hint printed under the message.
    pub fn hint(mut self, hint: impl Into<String>) -> Failure {
        self.hints.push(hint.into());
        self
    }
}

impl From<bank::BankError> for Failure {
    fn from(error: bank::BankError) -> Failure {
        Failure::usage(error.to_string())
    }
}

/// What a successful command reports: 0 for success, 1 for "ran, found problems".
pub type Outcome = Result<ExitCode, Failure>;

/// Parses the command line, runs the command and maps the outcome to an exit code.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let source = match cli.bank {
        Some(dir) => BankSource::Dir(dir),
        None => BankSource::Embedded,
    };
    let outcome = match cli.command {
        Command::Validate(args) => validate::run(&source, &args),
        Command::List(args) => list::run(&source, &args),
        Command::Show(args) => show::run(&source, &args),
        Command::Schema(args) => schema::run(&args),
        Command::Agreement(args) => agreement::run(&cli.db, &args),
        Command::Compare(args) => compare::run(&cli.db, &args),
        Command::Rate(args) => rate::run(&cli.db, &args),
        Command::Report(args) => report::run(&cli.db, &args),
        Command::Session(args) => session::run(&source, &cli.db, &args),
        Command::Score(args) => score::run(&source, &cli.db, &args),
        Command::Export(args) => export::run(&cli.db, &args),
        Command::Profile(args) => profile::run(&cli.db, &args),
        Command::Simulate(args) => simulate::run(&source, &cli.db, &args),
        Command::Power(args) => power::run(&source, &args),
        Command::Demo(args) => demo::run(&source, &args),
    };
    match outcome {
        Ok(code) => code,
        Err(failure) => {
            for detail in &failure.details {
                eprintln!("{detail}");
            }
            eprintln!("error: {}", failure.message);
            for hint in &failure.hints {
                eprintln!("  hint: {hint}");
            }
            ExitCode::from(failure.code)
        }
    }
}

/// A test aid, deliberately not in `--help`: when `VIGNETTE_NOW` holds a time
/// in RFC 3339 (e.g. `2026-03-01T09:30:00Z`), every timestamp the store writes
/// (created, answered, scored, rated, closed, exported at) is that time, so
/// that output with times in it is the same on every run and can be compared
/// byte for byte. Unset, the store uses the system clock. Only the command
/// line reads it; the library is given a `Clock`.
const NOW_VARIABLE: &str = "VIGNETTE_NOW";

/// The clock the store takes its times from: fixed by `VIGNETTE_NOW`, else the system's.
pub fn clock() -> Result<Clock, Failure> {
    match std::env::var_os(NOW_VARIABLE) {
        None => Ok(Clock::System),
        Some(text) => text
            .to_str()
            .unwrap_or_default()
            .parse()
            .map(Clock::Fixed)
            .map_err(|e| Failure::usage(format!("{NOW_VARIABLE}: {e}"))),
    }
}

/// Opens (creating if needed) the database at `db`, with the clock of [`clock`].
/// Every command that opens a database file opens it here.
pub fn open_store(db: &Path) -> Result<Store, Failure> {
    let store = Store::open(db).map_err(|e| Failure::usage(e.to_string()))?;
    Ok(store.with_clock(clock()?))
}

/// Loads a bank for commands that need it valid; an invalid bank is refused.
pub fn valid_bank(source: &BankSource) -> Result<Bank, Failure> {
    let (bank, report) = bank::load(source)?;
    if report.is_valid() {
        return Ok(bank);
    }
    let mut failure = Failure::invalid(format!(
        "{} has {} error(s); nothing can be used from an invalid bank",
        source.describe(),
        report.errors()
    ));
    for diagnostic in report
        .diagnostics
        .iter()
        .filter(|d| d.severity == bank::Severity::Error)
        .take(3)
    {
        let without_hint = bank::Diagnostic {
            hint: None,
            ..diagnostic.clone()
        };
        failure = failure.hint(without_hint.to_string());
    }
    let bank_arg = match source {
        BankSource::Dir(dir) => format!(" --bank {}", dir.display()),
        BankSource::Embedded => String::new(),
    };
    Err(failure.hint(format!(
        "run `vignette validate{bank_arg}` to see every problem"
    )))
}
