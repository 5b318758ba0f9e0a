//! The durable store: one SQLite file holding sessions, the exact instruments
//! they pinned, their design and every answer with all its revisions.
//!
//! This is the only module that knows SQL. It takes and returns plain records
//! so that another backend (PostgreSQL) can stand behind the same functions.
//! It knows nothing about what answers mean; `session` validates them first.
//!
//! Durability: WAL journal, `synchronous = FULL`, foreign keys on; every call
//! that writes is one transaction, committed before the call returns.
//!
//! Timestamps come from the store's [`Clock`] (the system's unless it is
//! given another) and are bound as parameters like every other value.
//!
//! One file per group of tables: `sessions` (sessions, instruments, groups,
//! assignments, the log), `answers` (responses), `codes` (join codes, stage
//! locks and what the web face watches), `scores`, `ratings`; the
//! schema is in `migrations`, the time in `clock`. This file opens the
//! database and holds what they share.

mod answers;
mod clock;
mod codes;
mod migrations;
mod ratings;
mod scores;
mod sessions;
#[cfg(test)]
mod tests;

use std::path::Path;

use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior};
use serde::Serialize;

pub use answers::{AnswerRecord, ResponseRecord};
pub use clock::{Clock, Timestamp, TimestampError};
pub use codes::{JoinCodeRecord, PaceStamp};
pub use ratings::{ConsensusRecord, RatingPlanRecord, RatingRecord, RatingRunRecord, StoredRating};
pub use scores::ScoreRecord;
pub use sessions::{AssignmentRecord, GroupRecord, InstrumentRecord, LogRecord, SessionRecord};

/// Why the store could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open the database {path}: {source}")]
    Open {
        path: String,
        source: rusqlite::Error,
    },
    #[error("cannot bring the database schema up to date: {0}")]
    Migration(#[from] rusqlite_migration::Error),
    #[error("database error: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("no session `{0}` in this database")]
    NoSession(String),
    #[error("a session `{0}` already exists in this database")]
    SessionExists(String),
    #[error("session `{0}` is closed")]
    Closed(String),
    #[error("session `{0}` is discarded ({1})")]
    Discarded(String, String),
    #[error("session `{0}` is not discarded")]
    NotDiscarded(String),
    #[error(
        "session `{0}` holds {1}; only a session without answers, scores or ratings can be deleted"
    )]
    NotEmpty(String, String),
    #[error("session `{0}` is open already")]
    AlreadyOpen(String),
    #[error("session `{0}` has a rating plan already")]
    PlanExists(String),
    #[error("the database holds data this program cannot read: {0}")]
    Corrupt(String),
}

type Result<T> = std::result::Result<T, StoreError>;

/// An open database.
pub struct Store {
    conn: Connection,
    clock: Clock,
}

impl Store {
    /// Opens (creating if needed) the database at `path` and migrates it.
    /// Its timestamps come from the system clock; see [`Store::with_clock`].
    pub fn open(path: &Path) -> Result<Store> {
        let conn = Connection::open(path).map_err(|source| StoreError::Open {
            path: path.display().to_string(),
            source,
        })?;
        Store::prepare(conn)
    }

    /// An in-memory database, for tests and benchmarks.
    pub fn in_memory() -> Result<Store> {
        Store::prepare(Connection::open_in_memory()?)
    }

    fn prepare(mut conn: Connection) -> Result<Store> {
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        migrations::migrations().to_latest(&mut conn)?;
        Ok(Store {
            conn,
            clock: Clock::System,
        })
    }

    /// The same store, taking the time of everything it writes from `clock`.
    pub fn with_clock(self, clock: Clock) -> Store {
        Store { clock, ..self }
    }

    /// Where this store takes the time from.
    pub fn clock(&self) -> Clock {
        self.clock
    }

    /// The schema version stored in the file.
    pub fn schema_version(&self) -> Result<u32> {
        Ok(self
            .conn
            .pragma_query_value(None, "user_version", |row| row.get(0))?)
    }

    /// The time now as the store writes its timestamps (UTC, ISO 8601 with
    /// milliseconds, e.g. `2026-03-01T09:30:00.000Z`), by the store's clock.
    pub fn now(&self) -> Result<String> {
        Ok(self.clock.now().to_string())
    }

    /// `PRAGMA integrity_check`: `ok` for a sound file.
    pub fn integrity_check(&self) -> Result<String> {
        Ok(self
            .conn
            .query_row("PRAGMA integrity_check", [], |row| row.get(0))?)
    }

    fn write(&mut self) -> Result<Transaction<'_>> {
        Ok(self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?)
    }
}

// Shared by the table files.

fn closed_at(tx: &Transaction<'_>, session: &str) -> Result<Option<String>> {
    tx.query_row(
        "SELECT closed_at FROM sessions WHERE id = ?1",
        [session],
        |r| r.get::<_, Option<String>>(0),
    )
    .optional()?
    .ok_or_else(|| StoreError::NoSession(session.to_string()))
}

fn ensure_open(tx: &Transaction<'_>, session: &str) -> Result<()> {
    if let Some(reason) = discarded(tx, session)? {
        return Err(StoreError::Discarded(session.to_string(), reason));
    }
    match closed_at(tx, session)? {
        None => Ok(()),
        Some(_) => Err(StoreError::Closed(session.to_string())),
    }
}

/// Why a session was discarded, if it was.
fn discarded(tx: &Transaction<'_>, session: &str) -> Result<Option<String>> {
    tx.query_row(
        "SELECT discarded_at, discard_reason FROM sessions WHERE id = ?1",
        [session],
        |r| {
            let at: Option<String> = r.get(0)?;
            let reason: Option<String> = r.get(1)?;
            Ok(at.map(|_| reason.unwrap_or_default()))
        },
    )
    .optional()?
    .ok_or_else(|| StoreError::NoSession(session.to_string()))
}

fn to_json(value: &impl Serialize) -> String {
    // Maps of strings and numbers always serialise.
    serde_json::to_string(value).unwrap_or_default()
}

fn from_json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T> {
    serde_json::from_str(text)
        .map_err(|e| StoreError::Corrupt(format!("stored JSON `{text}`: {e}")))
}
