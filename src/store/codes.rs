//! What the web face keeps beside a session: each group's join code, how
//! many stages of an assignment are locked, and a cheap stamp of everything
//! that changes what a page shows, so that a server notices a stage revealed
//! by another process (the terminal runner) without reading every answer.

use std::collections::BTreeMap;

use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};

use super::{Result, Store, StoreError, ensure_open};

/// A group's join code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinCodeRecord {
    pub session: String,
    pub group: String,
    pub code: String,
}

/// What pages of a session show, in numbers: it changes when a stage is
/// revealed or locked, an answer is stored, or the session is closed or
/// reopened. Equal stamps, nothing to update.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PaceStamp {
    pub revealed: i64,
    pub locked: i64,
    pub last_response: i64,
    pub closed: bool,
}

impl Store {
    /// The join codes of a session's groups, in group order (groups without
    /// a code yet are left out).
    pub fn join_codes(&self, session: &str) -> Result<Vec<JoinCodeRecord>> {
        let mut statement = self.conn.prepare(
            "SELECT c.session, c.grp, c.code FROM join_codes c
             JOIN groups g ON g.session = c.session AND g.label = c.grp
             WHERE c.session = ?1 ORDER BY g.rowid",
        )?;
        let rows = statement.query_map([session], |row| {
            Ok(JoinCodeRecord {
                session: row.get(0)?,
                group: row.get(1)?,
                code: row.get(2)?,
            })
        })?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// Gives a group the join code `code`, replacing its old one; `false`
    /// (and nothing changed) when another group has that code already.
    pub fn set_join_code(&mut self, session: &str, group: &str, code: &str) -> Result<bool> {
        let clock = self.clock;
        let tx = self.write()?;
        let taken: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM join_codes WHERE code = ?1)",
            [code],
            |r| r.get(0),
        )?;
        if taken {
            return Ok(false);
        }
        let known: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM groups WHERE session = ?1 AND label = ?2)",
            params![session, group],
            |r| r.get(0),
        )?;
        if !known {
            return Err(StoreError::NoSession(format!("{session}/{group}")));
        }
        tx.execute(
            "INSERT INTO join_codes (session, grp, code, created_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (session, grp) DO UPDATE SET code = excluded.code, created_at = excluded.created_at",
            params![session, group, code, clock.now().to_string()],
        )?;
        tx.commit()?;
        Ok(true)
    }

    /// The session and group a join code opens, if any.
    pub fn group_by_join_code(&self, code: &str) -> Result<Option<(String, String)>> {
        Ok(self
            .conn
            .query_row(
                "SELECT session, grp FROM join_codes WHERE code = ?1",
                [code],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }

    /// How many stages of each of a session's assignments are locked, by
    /// (group, vignette).
    pub fn locks(&self, session: &str) -> Result<BTreeMap<(String, String), u32>> {
        let mut statement = self
            .conn
            .prepare("SELECT grp, vignette, locked FROM assignments WHERE session = ?1")?;
        let rows = statement.query_map([session], |row| {
            Ok(((row.get(0)?, row.get(1)?), row.get(2)?))
        })?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// Locks stages 1 to `stage` of a group's vignette: no more answers to
    /// them (never goes back).
    pub fn lock(&mut self, session: &str, group: &str, vignette: &str, stage: u32) -> Result<()> {
        let tx = self.write()?;
        ensure_open(&tx, session)?;
        tx.execute(
            "UPDATE assignments SET locked = MAX(locked, ?4) WHERE session = ?1 AND grp = ?2 AND vignette = ?3",
            params![session, group, vignette, stage],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The [`PaceStamp`] of a session.
    pub fn pace_stamp(&self, session: &str) -> Result<PaceStamp> {
        Ok(self.conn.query_row(
            "SELECT
               (SELECT COALESCE(SUM(revealed), 0) FROM assignments WHERE session = ?1),
               (SELECT COALESCE(SUM(locked), 0) FROM assignments WHERE session = ?1),
               (SELECT COALESCE(MAX(id), 0) FROM responses WHERE session = ?1),
               (SELECT closed_at IS NOT NULL FROM sessions WHERE id = ?1)",
            [session],
            |r| {
                Ok(PaceStamp {
                    revealed: r.get(0)?,
                    locked: r.get(1)?,
                    last_response: r.get(2)?,
                    closed: r.get::<_, Option<bool>>(3)?.unwrap_or(false),
                })
            },
        )?)
    }
}
