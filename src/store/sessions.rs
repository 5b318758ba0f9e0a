//! Sessions and what they are made of: the instruments they pin, their
//! groups and assignments (with how far each group has come), closing and
//! reopening, and the session log.

use std::collections::BTreeMap;

use rusqlite::{OptionalExtension, Transaction, params};
use serde::{Deserialize, Serialize};

use super::{
    Clock, Result, Store, StoreError, closed_at, discarded, ensure_open, from_json, to_json,
};

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
    /// When it was discarded: kept, but left out of scores, comparisons,
    /// reports and exports until restored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discarded_at: Option<String>,
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

/// An entry of a session's log (created, closed, reopened, …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogRecord {
    pub at: String,
    pub event: String,
    pub detail: String,
}

impl Store {
    /// Stores a new session with its instruments, groups and assignments, all or nothing.
    pub fn create_session(
        &mut self,
        session: &SessionRecord,
        instruments: &[InstrumentRecord],
        groups: &[GroupRecord],
        assignments: &[AssignmentRecord],
    ) -> Result<()> {
        let clock = self.clock;
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
            "INSERT INTO sessions (id, study_id, study_hash, offering, phase, cohort, site, site_attributes,
             language, seed, design, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
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
                clock.now().to_string(),
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
        log(&tx, clock, &session.id, "created", "")?;
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
        let clock = self.clock;
        let tx = self.write()?;
        ensure_open(&tx, session)?;
        tx.execute(
            "UPDATE sessions SET closed_at = ?2 WHERE id = ?1",
            params![session, clock.now().to_string()],
        )?;
        log(&tx, clock, session, "closed", "")?;
        tx.commit()?;
        Ok(())
    }

    /// Reopens a closed session, logging why.
    pub fn reopen(&mut self, session: &str, reason: &str) -> Result<()> {
        let clock = self.clock;
        let tx = self.write()?;
        if closed_at(&tx, session)?.is_none() {
            return Err(StoreError::AlreadyOpen(session.to_string()));
        }
        tx.execute(
            "UPDATE sessions SET closed_at = NULL WHERE id = ?1",
            [session],
        )?;
        log(&tx, clock, session, "reopened", reason)?;
        tx.commit()?;
        Ok(())
    }

    /// Discards a session, logging why: it is kept with everything in it,
    /// takes no more answers, and is left out of scores, comparisons,
    /// reports and exports until [`Store::restore`]d.
    pub fn discard(&mut self, session: &str, reason: &str) -> Result<()> {
        let clock = self.clock;
        let tx = self.write()?;
        if let Some(why) = discarded(&tx, session)? {
            return Err(StoreError::Discarded(session.to_string(), why));
        }
        tx.execute(
            "UPDATE sessions SET discarded_at = ?2, discard_reason = ?3 WHERE id = ?1",
            params![session, clock.now().to_string(), reason],
        )?;
        log(&tx, clock, session, "discarded", reason)?;
        tx.commit()?;
        Ok(())
    }

    /// Restores a discarded session, logging why.
    pub fn restore(&mut self, session: &str, reason: &str) -> Result<()> {
        let clock = self.clock;
        let tx = self.write()?;
        if discarded(&tx, session)?.is_none() {
            return Err(StoreError::NotDiscarded(session.to_string()));
        }
        tx.execute(
            "UPDATE sessions SET discarded_at = NULL, discard_reason = NULL WHERE id = ?1",
            [session],
        )?;
        log(&tx, clock, session, "restored", reason)?;
        tx.commit()?;
        Ok(())
    }

    /// Deletes a session that holds no answers, scores or ratings, with its
    /// groups, assignments and log; all or nothing.
    pub fn delete(&mut self, session: &str) -> Result<()> {
        let tx = self.write()?;
        discarded(&tx, session)?;
        let mut held = Vec::new();
        for (table, what) in [
            ("responses", "answers"),
            ("scores", "scores"),
            ("ratings", "ratings"),
        ] {
            let n: i64 = tx.query_row(
                &format!("SELECT COUNT(*) FROM {table} WHERE session = ?1"),
                [session],
                |r| r.get(0),
            )?;
            if n > 0 {
                held.push(format!("{n} {what}"));
            }
        }
        if !held.is_empty() {
            return Err(StoreError::NotEmpty(session.to_string(), held.join(", ")));
        }
        for table in [
            "rating_plans",
            "rating_runs",
            "consensus",
            "join_codes",
            "assignments",
            "groups",
            "session_instruments",
            "session_log",
        ] {
            tx.execute(
                &format!("DELETE FROM {table} WHERE session = ?1"),
                [session],
            )?;
        }
        tx.execute("DELETE FROM sessions WHERE id = ?1", [session])?;
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
    language, seed, design, created_at, closed_at, discarded_at FROM sessions";

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
            discarded_at: row.get(13)?,
        })
    })();
    Ok(record)
}

fn log(tx: &Transaction<'_>, clock: Clock, session: &str, event: &str, detail: &str) -> Result<()> {
    tx.execute(
        "INSERT INTO session_log (session, at, event, detail) VALUES (?1, ?2, ?3, ?4)",
        params![session, clock.now().to_string(), event, detail],
    )?;
    Ok(())
}
