//! Writing an export into a folder all or nothing: the files are written and
//! synced in a temporary folder beside it, then renamed into place, so no
//! half-written file is ever seen under its own name.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::{ExportError, ExportFile};

/// Writes `files` into `out` (created if missing). Files that exist already
/// are refused unless `force`; then each is replaced by an atomic rename.
pub fn write_files(out: &Path, files: &[ExportFile], force: bool) -> Result<(), ExportError> {
    if out.exists() && !out.is_dir() {
        return Err(ExportError::Io {
            path: out.display().to_string(),
            source: std::io::Error::other("it is a file, not a folder"),
        });
    }
    let existing: Vec<String> = files
        .iter()
        .filter(|f| out.join(&f.name).exists())
        .map(|f| f.name.clone())
        .collect();
    if !existing.is_empty() && !force {
        return Err(ExportError::Exists {
            dir: out.display().to_string(),
            files: existing,
        });
    }
    let temp = temp_dir(out).map_err(io_error(out))?;
    let result = fill(&temp, files).and_then(|()| move_into(&temp, out, files));
    if result.is_err() {
        // Best effort: the error that matters is the one returned.
        let _ = fs::remove_dir_all(&temp);
    }
    result
}

/// A fresh folder beside `out`, on the same file system so renames are atomic.
fn temp_dir(out: &Path) -> std::io::Result<PathBuf> {
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = out
        .file_name()
        .map_or_else(|| "export".into(), |n| n.to_string_lossy().into_owned());
    for attempt in 0..100 {
        let candidate = parent.join(format!(".{name}.tmp-{}-{attempt}", std::process::id()));
        match fs::create_dir(&candidate) {
            Ok(()) => return Ok(candidate),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::other("no free name for a temporary folder"))
}

/// An I/O error with the path it happened at.
fn io_error(path: &Path) -> impl Fn(std::io::Error) -> ExportError {
    let path = path.display().to_string();
    move |source| ExportError::Io {
        path: path.clone(),
        source,
    }
}

fn fill(temp: &Path, files: &[ExportFile]) -> Result<(), ExportError> {
    for file in files {
        let path = temp.join(&file.name);
        let mut handle = fs::File::create(&path).map_err(io_error(&path))?;
        handle.write_all(&file.bytes).map_err(io_error(&path))?;
        handle.sync_all().map_err(io_error(&path))?;
    }
    Ok(())
}

/// Renames the temporary folder to `out` when `out` is new, else each file.
fn move_into(temp: &Path, out: &Path, files: &[ExportFile]) -> Result<(), ExportError> {
    if !out.exists() {
        return fs::rename(temp, out).map_err(io_error(out));
    }
    for file in files {
        let target = out.join(&file.name);
        fs::rename(temp.join(&file.name), &target).map_err(io_error(&target))?;
    }
    fs::remove_dir(temp).map_err(io_error(temp))
}
