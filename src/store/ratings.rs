//! Human rating in the store: rating plans (who codes which unit, in which
//! order), ratings with all their revisions, and consensus levels with who
//! decided them. Units are opaque codes here; what they mean is `rating`'s.

use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};

use super::{Result, Store, StoreError, closed_at};

/// How a rating plan was drawn: its seed, double-coded share and raters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RatingRunRecord {
    pub seed: u64,
    /// Share (0–1) of units coded by a second rater.
    pub overlap: f64,
    pub raters: Vec<String>,
    /// Empty when saving; the time it was stored when read.
    pub planned_at: String,
}

/// One unit in one rater's plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatingPlanRecord {
    pub rater: String,
    pub unit: String,
    /// Place in this rater's order, from 1.
    pub position: u32,
    /// `primary` or `second`.
    pub role: String,
}

/// One rater's level for one criterion of one unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatingRecord {
    pub unit: String,
    pub criterion: String,
    pub rater: String,
    pub level: u8,
    /// `terminal` or `import`.
    pub source: String,
}

/// A stored rating: the rating, its revision (from 1) and when it was stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredRating {
    #[serde(flatten)]
    pub rating: RatingRecord,
    pub revision: u32,
    pub rated_at: String,
}

/// The level that counts for one criterion of one unit, and who decided it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsensusRecord {
    pub unit: String,
    pub criterion: String,
    pub level: u8,
    /// A rater or adjudicator name, or `rule` for a rule.
    pub decided_by: String,
    /// `single`, `agreement`, `median`, `max`, `min` or `adjudicated`.
    pub rule: String,
    /// Empty when saving; the time it was stored when read.
    pub decided_at: String,
}

impl Store {
    /// Stores a session's rating plan; refused if it has one already.
    pub fn save_rating_plan(
        &mut self,
        session: &str,
        run: &RatingRunRecord,
        plan: &[RatingPlanRecord],
    ) -> Result<()> {
        let clock = self.clock;
        let tx = self.write()?;
        closed_at(&tx, session)?;
        let exists: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM rating_runs WHERE session = ?1)",
            [session],
            |r| r.get(0),
        )?;
        if exists {
            return Err(StoreError::PlanExists(session.to_string()));
        }
        tx.execute(
            "INSERT INTO rating_runs (session, seed, overlap, raters, planned_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                session,
                run.seed.to_string(),
                run.overlap,
                super::to_json(&run.raters),
                clock.now().to_string()
            ],
        )?;
        for p in plan {
            tx.execute(
                "INSERT INTO rating_plans (session, rater, unit, position, role) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![session, p.rater, p.unit, p.position, p.role],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// How the session's rating plan was drawn, if it has one.
    pub fn rating_run(&self, session: &str) -> Result<Option<RatingRunRecord>> {
        let row = self
            .conn
            .query_row(
                "SELECT seed, overlap, raters, planned_at FROM rating_runs WHERE session = ?1",
                [session],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, f64>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                    ))
                },
            )
            .optional()?;
        row.map(|(seed, overlap, raters, planned_at)| {
            Ok(RatingRunRecord {
                seed: seed
                    .parse()
                    .map_err(|_| StoreError::Corrupt(format!("rating seed `{seed}`")))?,
                overlap,
                raters: super::from_json(&raters)?,
                planned_at,
            })
        })
        .transpose()
    }

    /// The session's rating plan, by rater and position.
    pub fn rating_plan(&self, session: &str) -> Result<Vec<RatingPlanRecord>> {
        let mut statement = self.conn.prepare(
            "SELECT rater, unit, position, role FROM rating_plans
             WHERE session = ?1 ORDER BY rater, position",
        )?;
        let rows = statement.query_map([session], |r| {
            Ok(RatingPlanRecord {
                rater: r.get(0)?,
                unit: r.get(1)?,
                position: r.get(2)?,
                role: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// Stores ratings as new revisions, all or nothing; returns each revision.
    pub fn save_ratings(&mut self, session: &str, ratings: &[RatingRecord]) -> Result<Vec<u32>> {
        let clock = self.clock;
        let tx = self.write()?;
        closed_at(&tx, session)?;
        let mut revisions = Vec::with_capacity(ratings.len());
        for r in ratings {
            let revision: u32 = tx.query_row(
                "SELECT COALESCE(MAX(revision), 0) + 1 FROM ratings
                 WHERE session = ?1 AND unit = ?2 AND criterion = ?3 AND rater = ?4",
                params![session, r.unit, r.criterion, r.rater],
                |row| row.get(0),
            )?;
            tx.execute(
                "INSERT INTO ratings (session, unit, criterion, rater, level, revision, source, rated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![session, r.unit, r.criterion, r.rater, r.level, revision, r.source, clock.now().to_string()],
            )?;
            revisions.push(revision);
        }
        tx.commit()?;
        Ok(revisions)
    }

    /// The latest revision of every rating of a session, by unit, criterion and rater.
    pub fn latest_ratings(&self, session: &str) -> Result<Vec<StoredRating>> {
        let mut statement = self.conn.prepare(
            "SELECT unit, criterion, rater, level, source, revision, rated_at FROM ratings r
             WHERE session = ?1 AND revision = (SELECT MAX(revision) FROM ratings t
               WHERE t.session = r.session AND t.unit = r.unit AND t.criterion = r.criterion
               AND t.rater = r.rater)
             ORDER BY unit, criterion, rater",
        )?;
        let rows = statement.query_map([session], |r| {
            Ok(StoredRating {
                rating: RatingRecord {
                    unit: r.get(0)?,
                    criterion: r.get(1)?,
                    rater: r.get(2)?,
                    level: r.get(3)?,
                    source: r.get(4)?,
                },
                revision: r.get(5)?,
                rated_at: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// Stores consensus levels as new revisions, all or nothing.
    pub fn save_consensus(&mut self, session: &str, decided: &[ConsensusRecord]) -> Result<()> {
        let clock = self.clock;
        let tx = self.write()?;
        closed_at(&tx, session)?;
        for c in decided {
            let revision: u32 = tx.query_row(
                "SELECT COALESCE(MAX(revision), 0) + 1 FROM consensus
                 WHERE session = ?1 AND unit = ?2 AND criterion = ?3",
                params![session, c.unit, c.criterion],
                |row| row.get(0),
            )?;
            tx.execute(
                "INSERT INTO consensus (session, unit, criterion, level, revision, decided_by, rule, decided_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![session, c.unit, c.criterion, c.level, revision, c.decided_by, c.rule, clock.now().to_string()],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// The latest consensus of every unit and criterion of a session.
    pub fn consensus(&self, session: &str) -> Result<Vec<ConsensusRecord>> {
        let mut statement = self.conn.prepare(
            "SELECT unit, criterion, level, decided_by, rule, decided_at FROM consensus c
             WHERE session = ?1 AND revision = (SELECT MAX(revision) FROM consensus t
               WHERE t.session = c.session AND t.unit = c.unit AND t.criterion = c.criterion)
             ORDER BY unit, criterion",
        )?;
        let rows = statement.query_map([session], |r| {
            Ok(ConsensusRecord {
                unit: r.get(0)?,
                criterion: r.get(1)?,
                level: r.get(2)?,
                decided_by: r.get(3)?,
                rule: r.get(4)?,
                decided_at: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }
}
