//! Helpers shared by the integration tests: temp banks and runs of the real binary.

pub mod generate;
pub mod study;
pub mod tmux;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use tempfile::TempDir;

/// The repository root, where the shipped bank lives.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The small valid fixture bank.
pub fn fixture_bank() -> PathBuf {
    repo().join("tests/fixtures/valid")
}

/// A temporary copy of a bank (only studies/, vignettes/ and rubrics/).
pub struct TempBank {
    pub dir: TempDir,
}

impl TempBank {
    /// Copies the bank at `from` into a fresh temp dir.
    pub fn copy_of(from: &Path) -> TempBank {
        let dir = tempfile::tempdir().expect("temp dir");
        for folder in ["studies", "vignettes", "rubrics"] {
            let target = dir.path().join(folder);
            std::fs::create_dir_all(&target).expect("create folder");
            for entry in std::fs::read_dir(from.join(folder)).expect("read bank folder") {
                let path = entry.expect("entry").path();
                std::fs::copy(&path, target.join(path.file_name().unwrap())).expect("copy");
            }
        }
        TempBank { dir }
    }

    /// A copy of the shipped bank.
    pub fn shipped() -> TempBank {
        TempBank::copy_of(&repo())
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Overwrites (or adds) a file, e.g. `vignettes/V1.json`.
    pub fn write(&self, relative: &str, bytes: impl AsRef<[u8]>) {
        std::fs::write(self.path().join(relative), bytes).expect("write bank file");
    }

    pub fn read(&self, relative: &str) -> String {
        std::fs::read_to_string(self.path().join(relative)).expect("read bank file")
    }

    /// Edits a file as JSON.
    pub fn edit_json(&self, relative: &str, edit: impl FnOnce(&mut serde_json::Value)) {
        let mut value: serde_json::Value = serde_json::from_str(&self.read(relative)).unwrap();
        edit(&mut value);
        self.write(relative, serde_json::to_string_pretty(&value).unwrap());
    }
}

/// What a run of the binary printed and returned.
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `vignette ARGS` in a temp working dir with no bank in the environment.
pub fn vignette<I, S>(args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    vignette_at(None, args)
}

/// Runs `vignette ARGS` like [`vignette`], with the store's clock fixed at
/// `now` (`VIGNETTE_NOW`) when given, else the system's.
pub fn vignette_at<I, S>(now: Option<&str>, args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let cwd = tempfile::tempdir().expect("temp dir");
    let mut command = Command::cargo_bin("vignette").expect("binary built");
    command
        .current_dir(cwd.path())
        .env_remove("VIGNETTE_BANK")
        .env_remove("VIGNETTE_NOW")
        .env("COLUMNS", "100");
    if let Some(now) = now {
        command.env("VIGNETTE_NOW", now);
    }
    let output = command.args(args).output().expect("binary runs");
    let result = Output {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    };
    assert!(
        !result.stderr.contains("panicked"),
        "the binary panicked:\n{}",
        result.stderr
    );
    result
}

/// `vignette session new` for the standard test session `s`: the online
/// offering at baseline in a rural school in Bodø; add groups, vignettes and seed.
pub const NEW_SESSION: [&str; 16] = [
    "session",
    "new",
    "--id",
    "s",
    "--offering",
    "nettbasert",
    "--phase",
    "baseline",
    "--site",
    "Bodø",
    "--site-attr",
    "sector=school",
    "--site-attr",
    "centrality=rural",
    "--cohort",
    "2026",
];
