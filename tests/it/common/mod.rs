//! Helpers shared by the integration tests: temp banks and databases, and
//! runs of the real binary.

mod db;
pub mod generate;
pub mod study;
pub mod tmux;

pub use db::Db;

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use tempfile::TempDir;

/// The repository root, where the shipped bank lives.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The small valid fixture bank.
pub fn fixture_bank() -> PathBuf {
    repo().join("tests/fixtures/valid")
}

/// A temporary copy of a bank (studies/, vignettes/, lexicons/ and rubrics/).
pub struct TempBank {
    pub dir: TempDir,
}

impl TempBank {
    /// Copies the bank at `from` into a fresh temp dir.
    pub fn copy_of(from: &Path) -> TempBank {
        let dir = tempfile::tempdir().expect("temp dir");
        for folder in ["studies", "vignettes", "lexicons", "rubrics"] {
            if folder == "lexicons" && !from.join(folder).exists() {
                continue; // a bank without shared phrase lists
            }
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

/// The `vignette` binary cargo built for these tests (for tmux windows; runs
/// from a test go through [`Vignette`]).
pub const BIN: &str = env!("CARGO_BIN_EXE_vignette");

/// What a run of the binary printed and returned.
#[derive(Debug)]
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// A run of the real binary, set up step by step and then run:
/// `Vignette::new().args(["session", "list"]).db(&path).now(NOW).run()`.
///
/// The one way the tests run the binary. It runs in a fresh temp working
/// dir with a 100-column terminal, an empty standard input, and without
/// `VIGNETTE_BANK`, `VIGNETTE_DB` or `VIGNETTE_NOW` from the environment, so
/// that what it prints does not depend on where or when the tests run.
pub struct Vignette {
    command: std::process::Command,
}

impl Vignette {
    pub fn new() -> Vignette {
        let mut command = std::process::Command::new(BIN);
        command
            .env_remove("VIGNETTE_BANK")
            .env_remove("VIGNETTE_DB")
            .env_remove("VIGNETTE_NOW")
            .env("COLUMNS", "100");
        Vignette { command }
    }

    pub fn arg(mut self, arg: impl AsRef<OsStr>) -> Vignette {
        self.command.arg(arg);
        self
    }

    pub fn args<I, S>(mut self, args: I) -> Vignette
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.command.args(args);
        self
    }

    /// `--db PATH`, at this place in the arguments.
    pub fn db(self, path: impl AsRef<Path>) -> Vignette {
        self.arg("--db").arg(path.as_ref())
    }

    pub fn env(mut self, key: &str, value: impl AsRef<OsStr>) -> Vignette {
        self.command.env(key, value);
        self
    }

    /// Fixes the store's clock at `now` (`VIGNETTE_NOW`, RFC 3339).
    pub fn now(self, now: &str) -> Vignette {
        self.env("VIGNETTE_NOW", now)
    }

    /// Runs it to the end; a panic of the binary fails the test.
    pub fn run(self) -> Output {
        self.run_with_stdin(Vec::new())
    }

    /// Runs it to the end with `stdin` as its standard input.
    pub fn run_with_stdin(mut self, stdin: impl Into<Vec<u8>>) -> Output {
        let cwd = tempfile::tempdir().expect("temp dir");
        self.command.current_dir(cwd.path());
        let mut command = assert_cmd::Command::from_std(self.command);
        command.write_stdin(stdin.into());
        let output = command.output().expect("binary runs");
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

    /// Runs it; it must exit 0. Returns what it printed on standard output.
    pub fn ok(self) -> String {
        let args: Vec<String> = self
            .command
            .get_args()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        let out = self.run();
        assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
        out.stdout
    }

    /// Starts it in the current dir with piped standard input and output
    /// (standard error discarded), for a test that feeds it and kills it.
    pub fn spawn(mut self) -> std::process::Child {
        self.command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("binary starts")
    }
}

/// Runs `vignette ARGS` (see [`Vignette`]).
pub fn vignette<I, S>(args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    Vignette::new().args(args).run()
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

/// Cases for a fuzzing harness: `default`, or `PROPTEST_CASES` to run longer.
pub fn fuzz_cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}
