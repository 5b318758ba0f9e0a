//! A temp database and the runs of the binary on it.

use std::path::{Path, PathBuf};

use tempfile::TempDir;

use super::{NEW_SESSION, Output, Vignette};

/// A temp dir with a database path in it (`study.db`, made by the first
/// command that writes), and room for the files a test hands the binary.
pub struct Db {
    dir: TempDir,
}

impl Db {
    pub fn new() -> Db {
        Db {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// The database file.
    pub fn path(&self) -> PathBuf {
        self.dir.path().join("study.db")
    }

    /// The temp dir.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file into the temp dir.
    pub fn file(&self, name: &str, content: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, content).expect("write file");
        path
    }

    /// `vignette ARGS --db PATH`, to add to (e.g. `.now(…)`) and run.
    pub fn command(&self, args: &[&str]) -> Vignette {
        Vignette::new().args(args).db(self.path())
    }

    /// Runs `vignette ARGS --db PATH`.
    pub fn run(&self, args: &[&str]) -> Output {
        self.command(args).run()
    }

    /// Runs `vignette ARGS --db PATH`, which must succeed; its standard output.
    pub fn ok(&self, args: &[&str]) -> String {
        self.command(args).ok()
    }

    /// Creates the standard test session `s` ([`NEW_SESSION`] and `extra`).
    pub fn new_session(&self, extra: &[&str]) -> Output {
        let mut args = NEW_SESSION.to_vec();
        args.extend_from_slice(extra);
        self.run(&args)
    }
}
