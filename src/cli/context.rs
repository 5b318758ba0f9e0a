//! What every command may need, opened once in one way: the bank (valid, or
//! refused with its first problems) and the store (an existing database, or
//! a new one where the command creates sessions), with the same hints.

use std::path::PathBuf;

use vignette::bank::{self, Bank, BankSource};
use vignette::store::{Clock, Store, StoreError};

use super::Failure;

/// The bank and the database the command line names.
#[derive(Debug)]
pub struct Context {
    pub source: BankSource,
    pub db: PathBuf,
}

impl Context {
    /// The bank, which must be valid; an invalid bank is refused.
    pub fn bank(&self) -> Result<Bank, Failure> {
        let (bank, report) = bank::load(&self.source)?;
        if report.is_valid() {
            return Ok(bank);
        }
        let mut failure = Failure::invalid(format!(
            "{} has {} error(s); nothing can be used from an invalid bank",
            self.source.describe(),
            report.errors()
        ));
        for diagnostic in report
            .diagnostics
            .iter()
            .filter(|d| d.severity == bank::Severity::Error)
            .take(3)
        {
            failure = failure.hint(diagnostic.problem.clone().without_hint().to_string());
        }
        let bank_arg = match &self.source {
            BankSource::Dir(dir) => format!(" --bank {}", dir.display()),
            BankSource::Embedded => String::new(),
        };
        Err(failure.hint(format!(
            "run `vignette validate{bank_arg}` to see every problem"
        )))
    }

    /// The database, which must exist already, to write (for commands that
    /// add to sessions or change them).
    pub fn store(&self) -> Result<Store, Failure> {
        self.existing()?;
        self.new_or_existing_store()
    }

    /// That the database exists, or what to do.
    fn existing(&self) -> Result<(), Failure> {
        if self.db.exists() {
            return Ok(());
        }
        Err(
            Failure::usage(format!("no database at {}", self.db.display())).hint(
                "create a session first with `vignette session new`, or point --db \
                 (or VIGNETTE_DB) at your database",
            ),
        )
    }

    /// The database for a command that only reads it: opened as
    /// [`Context::store`] does where it can be written (which brings an
    /// older file up to date), else read-only, so that a database in a
    /// read-only folder or file can still be listed, exported and reported.
    pub fn store_to_read(&self) -> Result<Store, Failure> {
        self.existing()?;
        let store = match Store::open(&self.db) {
            Err(StoreError::ReadOnly { .. }) => Store::open_read_only(&self.db)?,
            opened => opened?,
        };
        Ok(store.with_clock(clock()?))
    }

    /// The database, created if it does not exist (for commands that
    /// create sessions).
    pub fn new_or_existing_store(&self) -> Result<Store, Failure> {
        Ok(Store::open(&self.db)?.with_clock(clock()?))
    }

    /// ` --db PATH` where the database is not the default one, so that a
    /// command printed as a next step runs as printed.
    pub fn db_flag(&self) -> String {
        if self.db == std::path::Path::new(super::DEFAULT_DB) {
            String::new()
        } else {
            format!(" --db {}", self.db.display())
        }
    }

    /// A database in memory only, with the same clock.
    pub fn store_in_memory(&self) -> Result<Store, Failure> {
        Ok(Store::in_memory()?.with_clock(clock()?))
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
