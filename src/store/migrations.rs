//! The database schema, as migrations; the version lives in `PRAGMA user_version`.

use rusqlite_migration::{M, Migrations};

/// All migrations, oldest first. Never edit a released one: add a new one.
pub fn migrations() -> Migrations<'static> {
    Migrations::new(vec![
        M::up(
            "CREATE TABLE instruments (
            hash TEXT PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('study', 'vignette', 'rubric')),
            item_id TEXT NOT NULL,
            version TEXT NOT NULL,
            text TEXT NOT NULL
        ) STRICT;
        CREATE TABLE sessions (
            id TEXT PRIMARY KEY,
            study_id TEXT NOT NULL,
            study_hash TEXT NOT NULL REFERENCES instruments (hash),
            offering TEXT NOT NULL,
            phase TEXT NOT NULL,
            cohort TEXT NOT NULL,
            site TEXT NOT NULL,
            site_attributes TEXT NOT NULL,
            language TEXT NOT NULL,
            seed TEXT NOT NULL,
            design TEXT NOT NULL,
            created_at TEXT NOT NULL,
            closed_at TEXT
        ) STRICT;
        CREATE TABLE session_instruments (
            session TEXT NOT NULL REFERENCES sessions (id),
            hash TEXT NOT NULL REFERENCES instruments (hash),
            PRIMARY KEY (session, hash)
        ) STRICT;
        CREATE TABLE groups (
            session TEXT NOT NULL REFERENCES sessions (id),
            label TEXT NOT NULL,
            roles TEXT NOT NULL,
            PRIMARY KEY (session, label)
        ) STRICT;
        CREATE TABLE assignments (
            session TEXT NOT NULL,
            grp TEXT NOT NULL,
            position INTEGER NOT NULL CHECK (position >= 1),
            vignette TEXT NOT NULL,
            vignette_hash TEXT NOT NULL REFERENCES instruments (hash),
            rubric_hash TEXT NOT NULL REFERENCES instruments (hash),
            levels TEXT NOT NULL,
            revealed INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (session, grp, vignette),
            UNIQUE (session, grp, position),
            FOREIGN KEY (session, grp) REFERENCES groups (session, label)
        ) STRICT;
        CREATE TABLE responses (
            id INTEGER PRIMARY KEY,
            session TEXT NOT NULL,
            grp TEXT NOT NULL,
            vignette TEXT NOT NULL,
            prompt TEXT NOT NULL,
            stage INTEGER NOT NULL CHECK (stage >= 1),
            kind TEXT NOT NULL,
            value TEXT NOT NULL,
            revision INTEGER NOT NULL CHECK (revision >= 1),
            source TEXT NOT NULL,
            answered_at TEXT NOT NULL,
            UNIQUE (session, grp, vignette, prompt, revision),
            FOREIGN KEY (session, grp, vignette) REFERENCES assignments (session, grp, vignette)
        ) STRICT;
        CREATE TABLE session_log (
            id INTEGER PRIMARY KEY,
            session TEXT NOT NULL REFERENCES sessions (id),
            at TEXT NOT NULL,
            event TEXT NOT NULL,
            detail TEXT NOT NULL
        ) STRICT;",
        ),
        M::up(
            "CREATE TABLE scores (
            id INTEGER PRIMARY KEY,
            session TEXT NOT NULL,
            grp TEXT NOT NULL,
            vignette TEXT NOT NULL,
            method TEXT NOT NULL CHECK (method IN ('auto', 'human', 'consensus')),
            version INTEGER NOT NULL CHECK (version >= 1),
            rubric_hash TEXT NOT NULL REFERENCES instruments (hash),
            answers_digest TEXT NOT NULL,
            card TEXT NOT NULL,
            scored_at TEXT NOT NULL,
            UNIQUE (session, grp, vignette, method, version),
            FOREIGN KEY (session, grp, vignette) REFERENCES assignments (session, grp, vignette)
        ) STRICT;",
        ),
        M::up(
            "CREATE TABLE rating_runs (
            session TEXT PRIMARY KEY REFERENCES sessions (id),
            seed TEXT NOT NULL,
            overlap REAL NOT NULL CHECK (overlap >= 0 AND overlap <= 1),
            raters TEXT NOT NULL,
            planned_at TEXT NOT NULL
        ) STRICT;
        CREATE TABLE rating_plans (
            session TEXT NOT NULL REFERENCES rating_runs (session),
            rater TEXT NOT NULL,
            unit TEXT NOT NULL,
            position INTEGER NOT NULL CHECK (position >= 1),
            role TEXT NOT NULL CHECK (role IN ('primary', 'second')),
            PRIMARY KEY (session, rater, unit),
            UNIQUE (session, rater, position)
        ) STRICT;
        CREATE TABLE ratings (
            id INTEGER PRIMARY KEY,
            session TEXT NOT NULL REFERENCES sessions (id),
            unit TEXT NOT NULL,
            criterion TEXT NOT NULL,
            rater TEXT NOT NULL,
            level INTEGER NOT NULL CHECK (level >= 0),
            revision INTEGER NOT NULL CHECK (revision >= 1),
            source TEXT NOT NULL CHECK (source IN ('terminal', 'import')),
            rated_at TEXT NOT NULL,
            UNIQUE (session, unit, criterion, rater, revision)
        ) STRICT;
        CREATE TABLE consensus (
            id INTEGER PRIMARY KEY,
            session TEXT NOT NULL REFERENCES sessions (id),
            unit TEXT NOT NULL,
            criterion TEXT NOT NULL,
            level INTEGER NOT NULL CHECK (level >= 0),
            revision INTEGER NOT NULL CHECK (revision >= 1),
            decided_by TEXT NOT NULL,
            rule TEXT NOT NULL,
            decided_at TEXT NOT NULL,
            UNIQUE (session, unit, criterion, revision)
        ) STRICT;",
        ),
        M::up(
            "ALTER TABLE sessions ADD COLUMN discarded_at TEXT;
        ALTER TABLE sessions ADD COLUMN discard_reason TEXT;",
        ),
        // The web face: a join code per group (secret, unique across the
        // file), and how many stages of an assignment are locked.
        M::up(
            "CREATE TABLE join_codes (
            session TEXT NOT NULL,
            grp TEXT NOT NULL,
            code TEXT NOT NULL UNIQUE,
            created_at TEXT NOT NULL,
            PRIMARY KEY (session, grp),
            FOREIGN KEY (session, grp) REFERENCES groups (session, label)
        ) STRICT;
        ALTER TABLE assignments ADD COLUMN locked INTEGER NOT NULL DEFAULT 0 CHECK (locked >= 0);",
        ),
    ])
}

#[cfg(test)]
mod tests {
    #[test]
    fn migrations_are_valid() {
        assert!(super::migrations().validate().is_ok());
    }
}
