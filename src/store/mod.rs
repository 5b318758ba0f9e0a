//! The durable store: one SQLite file holding sessions, the exact instruments
//! they pinned, their design and every answer with all its revisions.
//!
//! This is the only module that knows SQL. It takes and returns plain records
//! so that another backend (PostgreSQL) can stand behind the same functions.
//! It knows nothing about what answers mean; `session` validates them first.
//!
//! Durability: WAL journal, `synchronous = FULL`, foreign keys on; every call
//! that writes is one transaction, committed before the call returns.

mod migrations;
mod ratings;

use std::collections::BTreeMap;
use std::path::Path;

use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};
use serde::{Deserialize, Serialize};

pub use ratings::{ConsensusRecord, RatingPlanRecord, RatingRecord, RatingRunRecord, StoredRating};

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
    #[error("session `{0}` is open already")]
    AlreadyOpen(String),
    #[error("session `{0}` has a rating plan already")]
    PlanExists(String),
    #[error("the database holds data this program cannot read: {0}")]
    Corrupt(String),
}

type Result<T> = std::result::Result<T, StoreError>;

/// An instrument file pinned by content: its SHA-256 and exact text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstrumentRecord {
    pub hash: String,
    /// `study`, `vignette` or `rubric`.
    pub kind: String,
    pub item_id: String,
    pub version: String,
    pub text: String,
}

/// One workshop: who, where, when, with which instruments and design.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionRecord {
    pub id: String,
    pub study_id: String,
    pub study_hash: String,
    pub offering: String,
    pub phase: String,
    pub cohort: String,
    pub site: String,
    pub site_attributes: BTreeMap<String, String>,
    pub language: String,
    pub seed: u64,
    /// The design as JSON, byte for byte as it was created.
    pub design: String,
    pub created_at: String,
    pub closed_at: Option<String>,
}

/// A group at a table and its role composition (role id → number of people).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupRecord {
    pub label: String,
    pub roles: BTreeMap<String, u32>,
}

/// One vignette planned for one group, and how far the group has come in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssignmentRecord {
    pub group: String,
    /// Order within the group, from 1.
    pub position: u32,
    pub vignette: String,
    pub vignette_hash: String,
    pub rubric_hash: String,
    pub levels: BTreeMap<String, String>,
    /// Stages revealed so far (0 before the first is shown).
    pub revealed: u32,
}

/// A validated answer to store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnswerRecord {
    pub group: String,
    pub vignette: String,
    pub prompt: String,
    /// Stage of the prompt, from 1.
    pub stage: u32,
    pub kind: String,
    pub value: serde_json::Value,
    /// Where it came from: `terminal`, `file` or `import`.
    pub source: String,
}

/// A stored answer: the answer, its revision (from 1) and when it was stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResponseRecord {
    #[serde(flatten)]
    pub answer: AnswerRecord,
    pub revision: u32,
    pub answered_at: String,
}

/// A stored score of one group's answers to one vignette.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScoreRecord {
    pub group: String,
    pub vignette: String,
    /// `auto`, `human` or `consensus`.
    pub method: String,
    /// 1 for the first score of this group, vignette and method; rescoring adds versions.
    pub version: u32,
    pub rubric_hash: String,
    /// Digest of the answers that were scored.
    pub answers_digest: String,
    /// The score card as JSON.
    pub card: String,
    pub scored_at: String,
}

/// An entry of a session's log (created, closed, reopened, …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogRecord {
    pub at: String,
    pub event: String,
    pub detail: String,
}

/// An open database.
pub struct Store {
    conn: Connection,
}

const NOW: &str = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

impl Store {
    /// Opens (creating if needed) the database at `path` and migrates it.
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
        Ok(Store { conn })
    }

    /// The schema version stored in the file.
    pub fn schema_version(&self) -> Result<u32> {
        Ok(self
            .conn
            .pragma_query_value(None, "user_version", |row| row.get(0))?)
    }

    /// The time now as the store writes its timestamps (UTC, ISO 8601).
    pub fn now(&self) -> Result<String> {
        Ok(self
            .conn
            .query_row(&format!("SELECT {NOW}"), [], |row| row.get(0))?)
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

    /// Stores a new session with its instruments, groups and assignments, all or nothing.
    pub fn create_session(
        &mut self,
        session: &SessionRecord,
        instruments: &[InstrumentRecord],
        groups: &[GroupRecord],
        assignments: &[AssignmentRecord],
    ) -> Result<()> {
        let tx = self.write()?;
        let exists: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM sessions WHERE id = ?1)",
            [&session.id],
            |r| r.get(0),
        )?;
        if exists {
            return Err(StoreError::SessionExists(session.id.clone()));
        }
        for i in instruments {
            tx.execute(
                "INSERT OR IGNORE INTO instruments (hash, kind, item_id, version, text) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![i.hash, i.kind, i.item_id, i.version, i.text],
            )?;
        }
        tx.execute(
            &format!(
                "INSERT INTO sessions (id, study_id, study_hash, offering, phase, cohort, site, site_attributes,
                 language, seed, design, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, {NOW})"
            ),
            params![
                session.id,
                session.study_id,
                session.study_hash,
                session.offering,
                session.phase,
                session.cohort,
                session.site,
                to_json(&session.site_attributes),
                session.language,
                session.seed.to_string(),
                session.design,
            ],
        )?;
        for i in instruments {
            tx.execute(
                "INSERT OR IGNORE INTO session_instruments (session, hash) VALUES (?1, ?2)",
                params![session.id, i.hash],
            )?;
        }
        for g in groups {
            tx.execute(
                "INSERT INTO groups (session, label, roles) VALUES (?1, ?2, ?3)",
                params![session.id, g.label, to_json(&g.roles)],
            )?;
        }
        for a in assignments {
            tx.execute(
                "INSERT INTO assignments (session, grp, position, vignette, vignette_hash, rubric_hash, levels, revealed)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![session.id, a.group, a.position, a.vignette, a.vignette_hash, a.rubric_hash, to_json(&a.levels), a.revealed],
            )?;
        }
        log(&tx, &session.id, "created", "")?;
        tx.commit()?;
        Ok(())
    }

    /// The session with this id.
    pub fn session(&self, id: &str) -> Result<SessionRecord> {
        self.conn
            .query_row(
                &format!("{SELECT_SESSION} WHERE id = ?1"),
                [id],
                session_row,
            )
            .optional()?
            .ok_or_else(|| StoreError::NoSession(id.to_string()))?
    }

    /// Every session, oldest first.
    pub fn sessions(&self) -> Result<Vec<SessionRecord>> {
        let mut statement = self
            .conn
            .prepare(&format!("{SELECT_SESSION} ORDER BY created_at, id"))?;
        let rows = statement.query_map([], session_row)?;
        rows.map(|r| r?).collect()
    }

    /// Whether a session with this id exists.
    pub fn has_session(&self, id: &str) -> Result<bool> {
        Ok(self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM sessions WHERE id = ?1)",
            [id],
            |r| r.get(0),
        )?)
    }

    /// The groups of a session, in the order they were given.
    pub fn groups(&self, session: &str) -> Result<Vec<GroupRecord>> {
        let mut statement = self
            .conn
            .prepare("SELECT label, roles FROM groups WHERE session = ?1 ORDER BY rowid")?;
        let rows = statement.query_map([session], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
        })?;
        rows.map(|row| {
            let (label, roles) = row?;
            Ok(GroupRecord {
                label,
                roles: from_json(&roles)?,
            })
        })
        .collect()
    }

    /// The assignments of a session, by group (in order) and position.
    pub fn assignments(&self, session: &str) -> Result<Vec<AssignmentRecord>> {
        let mut statement = self.conn.prepare(
            "SELECT a.grp, a.position, a.vignette, a.vignette_hash, a.rubric_hash, a.levels, a.revealed
             FROM assignments a JOIN groups g ON g.session = a.session AND g.label = a.grp
             WHERE a.session = ?1 ORDER BY g.rowid, a.position",
        )?;
        let rows = statement.query_map([session], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, u32>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, String>(3)?,
                row.get::<_, String>(4)?,
                row.get::<_, String>(5)?,
                row.get::<_, u32>(6)?,
            ))
        })?;
        rows.map(|row| {
            let (group, position, vignette, vignette_hash, rubric_hash, levels, revealed) = row?;
            Ok(AssignmentRecord {
                group,
                position,
                vignette,
                vignette_hash,
                rubric_hash,
                levels: from_json(&levels)?,
                revealed,
            })
        })
        .collect()
    }

    /// A pinned instrument by hash.
    pub fn instrument(&self, hash: &str) -> Result<InstrumentRecord> {
        self.conn
            .query_row(
                "SELECT hash, kind, item_id, version, text FROM instruments WHERE hash = ?1",
                [hash],
                |row| {
                    Ok(InstrumentRecord {
                        hash: row.get(0)?,
                        kind: row.get(1)?,
                        item_id: row.get(2)?,
                        version: row.get(3)?,
                        text: row.get(4)?,
                    })
                },
            )
            .optional()?
            .ok_or_else(|| StoreError::Corrupt(format!("pinned instrument {hash} is missing")))
    }

    /// Stores answers as new revisions, all or nothing; returns each revision number.
    pub fn save_answers(&mut self, session: &str, answers: &[AnswerRecord]) -> Result<Vec<u32>> {
        let tx = self.write()?;
        ensure_open(&tx, session)?;
        let mut revisions = Vec::with_capacity(answers.len());
        for a in answers {
            let revision: u32 = tx.query_row(
                "SELECT COALESCE(MAX(revision), 0) + 1 FROM responses
                 WHERE session = ?1 AND grp = ?2 AND vignette = ?3 AND prompt = ?4",
                params![session, a.group, a.vignette, a.prompt],
                |r| r.get(0),
            )?;
            tx.execute(
                &format!(
                    "INSERT INTO responses (session, grp, vignette, prompt, stage, kind, value, revision, source, answered_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, {NOW})"
                ),
                params![session, a.group, a.vignette, a.prompt, a.stage, a.kind, a.value.to_string(), revision, a.source],
            )?;
            tx.execute(
                "UPDATE assignments SET revealed = MAX(revealed, ?4) WHERE session = ?1 AND grp = ?2 AND vignette = ?3",
                params![session, a.group, a.vignette, a.stage],
            )?;
            revisions.push(revision);
        }
        tx.commit()?;
        Ok(revisions)
    }

    /// Pins an instrument (idempotent: the same text has the same hash).
    pub fn pin(&mut self, instrument: &InstrumentRecord) -> Result<()> {
        let tx = self.write()?;
        tx.execute(
            "INSERT OR IGNORE INTO instruments (hash, kind, item_id, version, text) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![instrument.hash, instrument.kind, instrument.item_id, instrument.version, instrument.text],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Stores scores as new versions, all or nothing; returns each version number.
    pub fn save_scores(&mut self, session: &str, scores: &[ScoreRecord]) -> Result<Vec<u32>> {
        let tx = self.write()?;
        closed_at(&tx, session)?;
        let mut versions = Vec::with_capacity(scores.len());
        for score in scores {
            let version: u32 = tx.query_row(
                "SELECT COALESCE(MAX(version), 0) + 1 FROM scores
                 WHERE session = ?1 AND grp = ?2 AND vignette = ?3 AND method = ?4",
                params![session, score.group, score.vignette, score.method],
                |r| r.get(0),
            )?;
            tx.execute(
                &format!(
                    "INSERT INTO scores (session, grp, vignette, method, version, rubric_hash, answers_digest, card, scored_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, {NOW})"
                ),
                params![session, score.group, score.vignette, score.method, version, score.rubric_hash, score.answers_digest, score.card],
            )?;
            versions.push(version);
        }
        tx.commit()?;
        Ok(versions)
    }

    /// The latest score of every group and vignette of a session by `method`.
    pub fn latest_scores(&self, session: &str, method: &str) -> Result<Vec<ScoreRecord>> {
        let mut statement = self.conn.prepare(
            "SELECT grp, vignette, method, version, rubric_hash, answers_digest, card, scored_at FROM scores s
             WHERE session = ?1 AND method = ?2 AND version = (SELECT MAX(version) FROM scores t
               WHERE t.session = s.session AND t.grp = s.grp AND t.vignette = s.vignette AND t.method = s.method)
             ORDER BY id",
        )?;
        let rows = statement.query_map(params![session, method], |row| {
            Ok(ScoreRecord {
                group: row.get(0)?,
                vignette: row.get(1)?,
                method: row.get(2)?,
                version: row.get(3)?,
                rubric_hash: row.get(4)?,
                answers_digest: row.get(5)?,
                card: row.get(6)?,
                scored_at: row.get(7)?,
            })
        })?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// Every stored answer of a session, all revisions, in the order stored.
    pub fn responses(&self, session: &str) -> Result<Vec<ResponseRecord>> {
        let mut statement = self.conn.prepare(
            "SELECT grp, vignette, prompt, stage, kind, value, source, revision, answered_at
             FROM responses WHERE session = ?1 ORDER BY id",
        )?;
        let rows = statement.query_map([session], |row| {
            Ok((
                AnswerRecord {
                    group: row.get(0)?,
                    vignette: row.get(1)?,
                    prompt: row.get(2)?,
                    stage: row.get(3)?,
                    kind: row.get(4)?,
                    value: serde_json::Value::Null,
                    source: row.get(6)?,
                },
                row.get::<_, String>(5)?,
                row.get::<_, u32>(7)?,
                row.get::<_, String>(8)?,
            ))
        })?;
        rows.map(|row| {
            let (mut answer, value, revision, answered_at) = row?;
            answer.value = from_json(&value)?;
            Ok(ResponseRecord {
                answer,
                revision,
                answered_at,
            })
        })
        .collect()
    }

    /// Records that a group has been shown `stage` of a vignette (never goes back).
    pub fn reveal(&mut self, session: &str, group: &str, vignette: &str, stage: u32) -> Result<()> {
        let tx = self.write()?;
        ensure_open(&tx, session)?;
        tx.execute(
            "UPDATE assignments SET revealed = MAX(revealed, ?4) WHERE session = ?1 AND grp = ?2 AND vignette = ?3",
            params![session, group, vignette, stage],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Closes a session: no more answers until it is reopened.
    pub fn close(&mut self, session: &str) -> Result<()> {
        let tx = self.write()?;
        ensure_open(&tx, session)?;
        tx.execute(
            &format!("UPDATE sessions SET closed_at = {NOW} WHERE id = ?1"),
            [session],
        )?;
        log(&tx, session, "closed", "")?;
        tx.commit()?;
        Ok(())
    }

    /// Reopens a closed session, logging why.
    pub fn reopen(&mut self, session: &str, reason: &str) -> Result<()> {
        let tx = self.write()?;
        if closed_at(&tx, session)?.is_none() {
            return Err(StoreError::AlreadyOpen(session.to_string()));
        }
        tx.execute(
            "UPDATE sessions SET closed_at = NULL WHERE id = ?1",
            [session],
        )?;
        log(&tx, session, "reopened", reason)?;
        tx.commit()?;
        Ok(())
    }

    /// The log of a session, oldest first.
    pub fn log(&self, session: &str) -> Result<Vec<LogRecord>> {
        let mut statement = self
            .conn
            .prepare("SELECT at, event, detail FROM session_log WHERE session = ?1 ORDER BY id")?;
        let rows = statement.query_map([session], |row| {
            Ok(LogRecord {
                at: row.get(0)?,
                event: row.get(1)?,
                detail: row.get(2)?,
            })
        })?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }
}

const SELECT_SESSION: &str =
    "SELECT id, study_id, study_hash, offering, phase, cohort, site, site_attributes,
    language, seed, design, created_at, closed_at FROM sessions";

fn session_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Result<SessionRecord>> {
    let attributes: String = row.get(7)?;
    let seed: String = row.get(9)?;
    let record = (|| {
        Ok(SessionRecord {
            id: row.get(0)?,
            study_id: row.get(1)?,
            study_hash: row.get(2)?,
            offering: row.get(3)?,
            phase: row.get(4)?,
            cohort: row.get(5)?,
            site: row.get(6)?,
            site_attributes: from_json(&attributes)?,
            language: row.get(8)?,
            seed: seed
                .parse()
                .map_err(|_| StoreError::Corrupt(format!("seed `{seed}`")))?,
            design: row.get(10)?,
            created_at: row.get(11)?,
            closed_at: row.get(12)?,
        })
    })();
    Ok(record)
}

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
    match closed_at(tx, session)? {
        None => Ok(()),
        Some(_) => Err(StoreError::Closed(session.to_string())),
    }
}

fn log(tx: &Transaction<'_>, session: &str, event: &str, detail: &str) -> Result<()> {
    tx.execute(
        &format!("INSERT INTO session_log (session, at, event, detail) VALUES (?1, {NOW}, ?2, ?3)"),
        params![session, event, detail],
    )?;
    Ok(())
}

fn to_json(value: &impl Serialize) -> String {
    // Maps of strings and numbers always serialise.
    serde_json::to_string(value).unwrap_or_default()
}

fn from_json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T> {
    serde_json::from_str(text)
        .map_err(|e| StoreError::Corrupt(format!("stored JSON `{text}`: {e}")))
}
