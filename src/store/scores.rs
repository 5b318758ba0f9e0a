//! Scores: each score card of a group's answers to a vignette stored as a
//! new version, and the latest version read back by method.

use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};

use super::{Result, Store, closed_at};

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

impl Store {
    /// Stores scores as new versions, all or nothing; returns each version number.
    pub fn save_scores(&mut self, session: &str, scores: &[ScoreRecord]) -> Result<Vec<u32>> {
        let clock = self.clock;
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
                "INSERT INTO scores (session, grp, vignette, method, version, rubric_hash, answers_digest, card, scored_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![session, score.group, score.vignette, score.method, version, score.rubric_hash, score.answers_digest, score.card,
                        clock.now().to_string()],
            )?;
            versions.push(version);
        }
        tx.commit()?;
        Ok(versions)
    }

    /// The latest score card (JSON) of one group's answers to one vignette
    /// by `method`, if scored: a lookup in the scores' index, however large
    /// the session.
    pub fn latest_card(
        &self,
        session: &str,
        group: &str,
        vignette: &str,
        method: &str,
    ) -> Result<Option<String>> {
        let mut statement = self.conn.prepare_cached(
            "SELECT card FROM scores WHERE session = ?1 AND grp = ?2 AND vignette = ?3 AND method = ?4
             ORDER BY version DESC LIMIT 1",
        )?;
        Ok(statement
            .query_row(params![session, group, vignette, method], |row| row.get(0))
            .optional()?)
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
}
