//! Answers: each validated answer stored as a new revision, and every
//! revision read back in the order it was stored.

use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};

use super::{Result, Store, ensure_open, from_json};

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
    /// Where it came from: `terminal`, `file`, `stream`, `import` or `web`.
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

impl Store {
    /// Stores answers as new revisions, all or nothing; returns each revision number.
    pub fn save_answers(&mut self, session: &str, answers: &[AnswerRecord]) -> Result<Vec<u32>> {
        let clock = self.clock;
        let tx = self.write()?;
        ensure_open(&tx, session)?;
        let mut revisions = Vec::with_capacity(answers.len());
        for a in answers {
            let value = a.value.to_string();
            let latest: Option<(u32, String)> = tx
                .query_row(
                    "SELECT revision, value FROM responses
                     WHERE session = ?1 AND grp = ?2 AND vignette = ?3 AND prompt = ?4
                     ORDER BY revision DESC LIMIT 1",
                    params![session, a.group, a.vignette, a.prompt],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            // The same value again (a file imported twice) is not a new revision.
            if let Some((revision, _)) = latest.as_ref().filter(|(_, v)| *v == value) {
                revisions.push(*revision);
                continue;
            }
            let revision = latest.map_or(1, |(revision, _)| revision + 1);
            tx.execute(
                "INSERT INTO responses (session, grp, vignette, prompt, stage, kind, value, revision, source, answered_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                params![session, a.group, a.vignette, a.prompt, a.stage, a.kind, value, revision, a.source,
                        clock.now().to_string()],
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

    /// Every stored answer of a session, every revision, in the order stored.
    pub fn responses(&self, session: &str) -> Result<Vec<ResponseRecord>> {
        self.read_responses(
            "SELECT grp, vignette, prompt, stage, kind, value, source, revision, answered_at
             FROM responses WHERE session = ?1 ORDER BY id",
            params![session],
        )
    }

    /// Every stored answer of one group to one vignette, every revision, by
    /// prompt and revision: a lookup in the answers' index, however large
    /// the session.
    pub fn unit_responses(
        &self,
        session: &str,
        group: &str,
        vignette: &str,
    ) -> Result<Vec<ResponseRecord>> {
        self.read_responses(
            "SELECT grp, vignette, prompt, stage, kind, value, source, revision, answered_at
             FROM responses WHERE session = ?1 AND grp = ?2 AND vignette = ?3
             ORDER BY prompt, revision",
            params![session, group, vignette],
        )
    }

    fn read_responses(
        &self,
        sql: &str,
        parameters: impl rusqlite::Params,
    ) -> Result<Vec<ResponseRecord>> {
        let mut statement = self.conn.prepare_cached(sql)?;
        let rows = statement.query_map(parameters, |row| {
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
}
