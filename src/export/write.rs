//! Writing an export into a folder all or nothing: the files are written and
//! synced in a fresh temporary folder beside it (an unpredictable name,
//! created exclusively), which then takes the folder's place by rename, so
//! a reader sees the old export or the new one, never a mixture, and no
//! half-written file is ever seen under its own name.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::{ExportError, ExportFile};

/// Writes `files` into the folder `out`. Files of the export that exist
/// already are refused unless `force`; then the whole folder is replaced.
/// A folder that holds anything that is not a file of the export is
/// refused, with or without `force` (nothing else is ever deleted).
pub fn write_files(out: &Path, files: &[ExportFile], force: bool) -> Result<(), ExportError> {
    let existing = existing(out, files)?;
    if !existing.is_empty() && !force {
        return Err(ExportError::Exists {
            dir: out.display().to_string(),
            files: existing,
        });
    }
    let parent = parent(out);
    let name = out
        .file_name()
        .map_or_else(|| "export".into(), |n| n.to_string_lossy().into_owned());
    let temp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .tempdir_in(&parent)
        .map_err(io_error(&parent))?;
    fill(temp.path(), files)?;
    #[cfg(unix)]
    {
        // A temp folder is private; the export is as readable as any folder.
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(temp.path(), fs::Permissions::from_mode(0o755))
            .map_err(io_error(temp.path()))?;
    }
    if !out.exists() {
        fs::rename(temp.path(), out).map_err(io_error(out))?;
        // The folder is the export now: nothing left to remove.
        let _ = temp.keep();
        return Ok(());
    }
    swap(out, temp, &parent, &name)
}

/// The export's files that `out` holds already; an error if `out` is not a
/// folder or holds anything else.
fn existing(out: &Path, files: &[ExportFile]) -> Result<Vec<String>, ExportError> {
    let Ok(metadata) = fs::symlink_metadata(out) else {
        return Ok(Vec::new());
    };
    if !metadata.is_dir() {
        return Err(ExportError::Io {
            path: out.display().to_string(),
            source: std::io::Error::other("it is not a folder"),
        });
    }
    let mut ours = Vec::new();
    let mut others = Vec::new();
    for entry in fs::read_dir(out).map_err(io_error(out))? {
        let entry = entry.map_err(io_error(out))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if files.iter().any(|f| f.name == name) {
            ours.push(name);
        } else {
            others.push(name);
        }
    }
    // A folder with anything else in it is never replaced, whether or not it
    // holds an earlier export: replacing it would delete those files.
    if !others.is_empty() {
        others.sort();
        return Err(ExportError::Io {
            path: out.display().to_string(),
            source: std::io::Error::other(format!(
                "it holds files that are not part of an export ({}), so it is not replaced",
                others.join(", ")
            )),
        });
    }
    ours.sort();
    Ok(ours)
}

/// The folder `out` is in.
fn parent(out: &Path) -> PathBuf {
    match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Puts the new export (`temp`) in the place of the old one (`out`): the old
/// folder is renamed aside, the new one into place, the old one removed.
fn swap(out: &Path, temp: tempfile::TempDir, parent: &Path, name: &str) -> Result<(), ExportError> {
    let aside = tempfile::Builder::new()
        .prefix(&format!(".{name}.old."))
        .tempdir_in(parent)
        .map_err(io_error(parent))?;
    let old = aside.path().join("export");
    fs::rename(out, &old).map_err(io_error(out))?;
    if let Err(e) = fs::rename(temp.path(), out) {
        // Put the old export back; the new one is removed with `temp`.
        let _ = fs::rename(&old, out);
        return Err(io_error(out)(e));
    }
    let _ = temp.keep();
    // Removing the old export (inside `aside`) is best effort.
    drop(aside);
    Ok(())
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
        if let Some(folder) = path.parent() {
            fs::create_dir_all(folder).map_err(io_error(folder))?;
        }
        let mut handle = fs::File::create(&path).map_err(io_error(&path))?;
        handle.write_all(&file.bytes).map_err(io_error(&path))?;
        handle.sync_all().map_err(io_error(&path))?;
    }
    Ok(())
}
