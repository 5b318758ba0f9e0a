//! `vignette session …`: creating and running workshop sessions.

mod answer;
mod close;
mod design;
mod export;
mod handout;
mod import;
mod list;
mod new;
mod run;
mod status;

use std::path::Path;

use vignette::bank::BankSource;
use vignette::session::SessionError;
use vignette::store::{Store, StoreError};

use super::{Failure, Outcome};

/// Run workshop sessions: plan who gets which case, collect the groups'
/// answers, follow progress and export the answers.
///
/// Sessions are kept in one SQLite file (--db, default ./vignette.db). A
/// session pins the exact study, vignettes and rubrics it was created with,
/// so later changes to the bank never change it.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    New(Box<new::Args>),
    Design(design::Args),
    Run(run::Args),
    Handout(handout::Args),
    Answer(answer::Args),
    Import(import::Args),
    Status(status::Args),
    List(list::Args),
    Close(close::CloseArgs),
    Reopen(close::ReopenArgs),
    Export(export::Args),
}

pub fn run(source: &BankSource, db: &Path, args: &Args) -> Outcome {
    match &args.command {
        Command::New(args) => new::run(source, db, args),
        Command::Design(args) => design::run(db, args),
        Command::Run(args) => run::run(db, args),
        Command::Handout(args) => handout::run(db, args),
        Command::Answer(args) => answer::run(db, args),
        Command::Import(args) => import::run(db, args),
        Command::Status(args) => status::run(db, args),
        Command::List(args) => list::run(db, args),
        Command::Close(args) => close::close(db, args),
        Command::Reopen(args) => close::reopen(db, args),
        Command::Export(args) => export::run(db, args),
    }
}

/// Opens a database that must exist already (for commands that only read or add to sessions).
pub(in crate::cli) fn open_existing(db: &Path) -> Result<Store, Failure> {
    if !db.exists() {
        return Err(Failure::usage(format!("no database at {}", db.display()))
            .hint("create a session first with `vignette session new`, or point --db (or VIGNETTE_DB) at your database"));
    }
    super::open_store(db)
}

impl From<SessionError> for Failure {
    fn from(error: SessionError) -> Failure {
        match error {
            SessionError::Answers {
                source_name,
                problems,
            } => {
                let mut failure = Failure::invalid(format!(
                    "{} problem(s) in {source_name}; nothing was stored",
                    problems.len()
                ));
                failure.details = problems.iter().map(|p| format!("error: {p}")).collect();
                failure
            }
            SessionError::Store(e) => e.into(),
            other => Failure::usage(other.to_string()),
        }
    }
}

impl From<StoreError> for Failure {
    fn from(error: StoreError) -> Failure {
        let failure = Failure::usage(error.to_string());
        match error {
            StoreError::NoSession(_) => {
                failure.hint("`vignette session list` shows the sessions in this database")
            }
            _ => failure,
        }
    }
}
