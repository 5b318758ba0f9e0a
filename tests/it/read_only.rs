//! A database in a folder (or a file) this user cannot write: the commands
//! that only read it work, those that write say once which database and
//! why. The tests run as root, whom permissions do not stop, so the binary
//! runs as `nobody` through `setpriv` (util-linux); where that is missing or
//! not allowed (not root), the tests print why and pass without running.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{self, BIN, Db};

/// The user and group the binary runs as.
const NOBODY: &str = "65534";

/// Whether the binary can be run as nobody here; says why not.
fn can_drop_privileges() -> bool {
    let dropped = Command::new("setpriv")
        .args([
            "--reuid",
            NOBODY,
            "--regid",
            NOBODY,
            "--clear-groups",
            "true",
        ])
        .output();
    match dropped {
        Ok(out) if out.status.success() => true,
        Ok(out) => {
            eprintln!(
                "skipped: setpriv cannot run as nobody here (not root?): {}",
                String::from_utf8_lossy(&out.stderr).trim()
            );
            false
        }
        Err(e) => {
            eprintln!("skipped: setpriv (util-linux) is not available: {e}");
            false
        }
    }
}

/// What a run as nobody printed and returned.
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs `vignette ARGS --db DB` as nobody, in `cwd`.
fn as_nobody(cwd: &Path, db: &Path, args: &[&str]) -> Run {
    let out = Command::new("setpriv")
        .args(["--reuid", NOBODY, "--regid", NOBODY, "--clear-groups", BIN])
        .args(args)
        .arg("--db")
        .arg(db)
        .current_dir(cwd)
        .env_remove("VIGNETTE_BANK")
        .env_remove("VIGNETTE_DB")
        .env_remove("VIGNETTE_NOW")
        .env("COLUMNS", "100")
        .output()
        .expect("setpriv runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn chmod(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

/// A folder nobody can reach (temp dirs are 0700), removed when dropped.
struct Place {
    dir: tempfile::TempDir,
}

impl Place {
    fn new() -> Place {
        let dir = tempfile::Builder::new()
            .prefix("vignette-ro-")
            .tempdir_in("/tmp")
            .expect("temp dir");
        chmod(dir.path(), 0o755);
        Place { dir }
    }

    /// A subfolder with `mode`.
    fn folder(&self, name: &str, mode: u32) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::create_dir(&path).expect("create folder");
        chmod(&path, mode);
        path
    }
}

impl Drop for Place {
    fn drop(&mut self) {
        // Folders made read-only must be writable again to be removed.
        for entry in std::fs::read_dir(self.dir.path())
            .into_iter()
            .flatten()
            .flatten()
        {
            chmod(&entry.path(), 0o755);
        }
    }
}

/// A session `s` with answers and scores, built as root in `folder`.
fn scored_database(folder: &Path) -> PathBuf {
    let db = Db::new();
    let out = db.new_session(&["--groups", "2", "--vignettes", "V2", "--seed", "1"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let answers = db.file(
        "a.csv",
        "group,vignette,prompt,value\nG1,V2,s1_do,Vi snakker med Lea i dag og varsler rektor.\n\
         G2,V2,s1_do,Vi venter og ser.\n",
    );
    db.ok(&["session", "import", "s", answers.to_str().unwrap()]);
    db.ok(&["score", "s"]);
    let path = folder.join("study.db");
    // Copied after every connection closed: no -wal or -shm beside it.
    std::fs::copy(db.path(), &path).expect("copy the database");
    chmod(&path, 0o644);
    path
}

#[test]
fn a_database_in_a_read_only_folder_can_be_read_but_not_written() {
    if !can_drop_privileges() {
        return;
    }
    let place = Place::new();
    let folder = place.folder("ro", 0o755);
    let db = scored_database(&folder);
    chmod(&folder, 0o555);
    let out = place.folder("out", 0o777);
    let cwd = place.dir.path();

    let listed = as_nobody(cwd, &db, &["session", "list"]);
    assert_eq!(listed.code, 0, "{}", listed.stderr);
    assert!(
        listed.stdout.contains("inkluderende-miljo"),
        "{}",
        listed.stdout
    );
    let status = as_nobody(cwd, &db, &["session", "status", "s"]);
    assert_eq!(status.code, 0, "{}", status.stderr);
    let answers = as_nobody(cwd, &db, &["session", "export", "s", "--format", "jsonl"]);
    assert_eq!(answers.code, 0, "{}", answers.stderr);
    assert!(
        answers.stdout.contains("Vi snakker med Lea"),
        "{}",
        answers.stdout
    );
    let export = out.join("export");
    let exported = as_nobody(cwd, &db, &["export", "--out", export.to_str().unwrap()]);
    assert_eq!(exported.code, 0, "{}", exported.stderr);
    assert!(export.join("dimensions.csv").is_file());
    let html = out.join("report.html");
    let report = as_nobody(
        cwd,
        &db,
        &["report", "--boot", "20", "--out", html.to_str().unwrap()],
    );
    assert_eq!(report.code, 0, "{}", report.stderr);
    assert!(html.is_file());
    let compared = as_nobody(cwd, &db, &["compare", "--boot", "20", "--format", "json"]);
    assert_eq!(compared.code, 0, "{}", compared.stderr);

    // Commands that write: one clear error, naming the database and why.
    let said = format!(
        "error: cannot write the database {}: its folder {} is read-only\n",
        db.display(),
        folder.display()
    );
    let mut new = common::NEW_SESSION.to_vec();
    new[3] = "t";
    new.extend(["--groups", "1", "--vignettes", "V2", "--seed", "1"]);
    for args in [&["session", "close", "s"][..], &["score", "s"], &new] {
        let refused = as_nobody(cwd, &db, args);
        assert_eq!(refused.code, 2, "{args:?}: {}", refused.stderr);
        assert!(
            refused.stderr.starts_with(&said),
            "{args:?}: {}",
            refused.stderr
        );
        assert_eq!(
            refused.stderr.matches("error:").count(),
            1,
            "{}",
            refused.stderr
        );
        assert!(!refused.stderr.contains("panicked"), "{}", refused.stderr);
    }
    // Nothing was left beside the database.
    let beside: Vec<_> = std::fs::read_dir(&folder)
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(beside, ["study.db"]);
}

#[test]
fn a_read_only_database_file_in_a_writable_folder_is_read_too() {
    if !can_drop_privileges() {
        return;
    }
    let place = Place::new();
    let folder = place.folder("rw", 0o777);
    let db = scored_database(&folder);
    chmod(&db, 0o444);
    let cwd = place.dir.path();
    let listed = as_nobody(cwd, &db, &["session", "list"]);
    assert_eq!(listed.code, 0, "{}", listed.stderr);
    assert!(
        listed.stdout.contains("inkluderende-miljo"),
        "{}",
        listed.stdout
    );
    let refused = as_nobody(cwd, &db, &["session", "close", "s"]);
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    assert!(
        refused.stderr.starts_with(&format!(
            "error: cannot write the database {}: the file is read-only\n",
            db.display()
        )),
        "{}",
        refused.stderr
    );
}
