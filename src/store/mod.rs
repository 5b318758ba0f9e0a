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
//! A database that cannot be written (a read-only file or folder) can still
//! be opened to read ([`Store::open_read_only`]); opening it to write, or
//! writing through a read-only store, is [`StoreError::ReadOnly`], naming
//! the file and why.
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

use rusqlite::{
    Connection, MAIN_DB, OpenFlags, OptionalExtension, Transaction, TransactionBehavior,
};
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
    /// The database cannot be written: `reason` says why (its folder or
    /// the file is read-only, or an older schema needs writing).
    #[error("cannot write the database {path}: {reason}")]
    ReadOnly { path: String, reason: String },
}

type Result<T> = std::result::Result<T, StoreError>;

/// An open database.
pub struct Store {
    conn: Connection,
    clock: Clock,
    /// The file, for messages (empty in memory).
    path: String,
}

impl Store {
    /// Opens (creating if needed) the database at `path` and migrates it.
    /// Its timestamps come from the system clock; see [`Store::with_clock`].
    /// A database that cannot be written is [`StoreError::ReadOnly`].
    pub fn open(path: &Path) -> Result<Store> {
        let name = path.display().to_string();
        let opened = Connection::open(path)
            .map_err(|source| StoreError::Open {
                path: name.clone(),
                source,
            })
            .and_then(Store::prepare);
        match opened {
            Ok(store) => Ok(Store {
                path: name,
                ..store
            }),
            Err(e) => Err(unwritable(path).unwrap_or(e)),
        }
    }

    /// Opens the database at `path` to read only: for a file or folder this
    /// process cannot write. Nothing is created or migrated; a database of an
    /// older schema is [`StoreError::ReadOnly`] (it must be opened once to
    /// write), a newer one [`StoreError::Corrupt`]. A write through it is
    /// [`StoreError::ReadOnly`].
    ///
    /// SQLite reads a WAL database through its `-shm` file, which it cannot
    /// create in a read-only folder. Where neither `-wal` nor `-shm` exists
    /// (every writer closed cleanly, nothing is pending) the file is read as
    /// immutable instead; where a `-wal` is left, it is read through it or
    /// not at all, never past it.
    pub fn open_read_only(path: &Path) -> Result<Store> {
        let name = path.display().to_string();
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let open = |immutable: bool| -> rusqlite::Result<Connection> {
            let conn = Connection::open_with_flags(file_uri(path, immutable), flags)?;
            conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| {
                r.get::<_, i64>(0)
            })?;
            Ok(conn)
        };
        let sidecar = |suffix: &str| {
            let mut file = path.as_os_str().to_owned();
            file.push(suffix);
            std::path::PathBuf::from(file).exists()
        };
        let conn = match open(false) {
            Err(_) if path.is_file() && !sidecar("-wal") && !sidecar("-shm") => open(true),
            opened => opened,
        }
        .map_err(|source| StoreError::Open {
            path: name.clone(),
            source,
        })?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        match migrations::migrations().pending_migrations(&conn)? {
            0 => Ok(Store {
                conn,
                clock: Clock::System,
                path: name,
            }),
            n if n > 0 => Err(StoreError::ReadOnly {
                path: name,
                reason: "its schema is older than this program's, and bringing it up to date \
                         needs writing it once"
                    .to_string(),
            }),
            _ => Err(StoreError::Corrupt(
                "its schema is newer than this program's".to_string(),
            )),
        }
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
            path: String::new(),
        })
    }

    /// Whether this store was opened to read only.
    pub fn is_read_only(&self) -> bool {
        self.conn.is_readonly(MAIN_DB).unwrap_or(false)
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
        if self.is_read_only() {
            let path = Path::new(&self.path);
            return Err(unwritable(path).unwrap_or_else(|| StoreError::ReadOnly {
                path: self.path.clone(),
                reason: "it was opened to read only".to_string(),
            }));
        }
        Ok(self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?)
    }
}

/// Why the database at `path` cannot be written, if it cannot: its folder
/// takes no new file (SQLite keeps its journal beside the database), or the
/// file cannot be opened to write. Asked only after an open or a write
/// failed; it creates nothing that stays.
fn unwritable(path: &Path) -> Option<StoreError> {
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let denied = |e: std::io::Error| {
        matches!(
            e.kind(),
            std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem
        )
    };
    let reason = if tempfile::tempfile_in(folder).is_err_and(denied) {
        format!("its folder {} is read-only", folder.display())
    } else if std::fs::OpenOptions::new()
        .append(true)
        .open(path)
        .is_err_and(denied)
    {
        "the file is read-only".to_string()
    } else {
        return None;
    };
    Some(StoreError::ReadOnly {
        path: path.display().to_string(),
        reason,
    })
}

/// The SQLite URI of the file at `path`, percent-encoded, read as
/// immutable if asked.
fn file_uri(path: &Path, immutable: bool) -> String {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    #[cfg(unix)]
    let bytes = std::os::unix::ffi::OsStrExt::as_bytes(absolute.as_os_str()).to_vec();
    #[cfg(not(unix))]
    let bytes = absolute.to_string_lossy().replace('\\', "/").into_bytes();
    let mut uri = String::from("file:");
    for b in bytes {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                uri.push(b as char)
            }
            _ => uri.push_str(&format!("%{b:02X}")),
        }
    }
    uri.push_str(if immutable {
        "?mode=ro&immutable=1"
    } else {
        "?mode=ro"
    });
    uri
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
