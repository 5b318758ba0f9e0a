//! Where bank files come from: the bank embedded in the binary, or a folder
//! with `studies/`, `vignettes/` and `rubrics/`.
//!
//! Not for parsing: this module hands out bytes and file names only.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};

use super::{Diagnostic, Severity};
use crate::input;

static EMBEDDED_STUDIES: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/studies");
static EMBEDDED_VIGNETTES: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/vignettes");
static EMBEDDED_LEXICONS: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/lexicons");
static EMBEDDED_RUBRICS: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/rubrics");

/// Which bank to load.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BankSource {
    /// The bank shipped inside the binary.
    Embedded,
    /// A folder with `studies/`, `vignettes/` and `rubrics/` (and `lexicons/`).
    Dir(PathBuf),
}

impl BankSource {
    /// How to name the bank to a person.
    pub fn describe(&self) -> String {
        match self {
            BankSource::Embedded => "the embedded bank".to_string(),
            BankSource::Dir(path) => path.display().to_string(),
        }
    }
}

/// The four kinds of bank file, each in its own folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Study,
    Vignette,
    Lexicon,
    Rubric,
}

impl Kind {
    /// All kinds, in loading order.
    pub const ALL: [Kind; 4] = [Kind::Study, Kind::Vignette, Kind::Lexicon, Kind::Rubric];

    /// Whether a folder bank may leave the kind's folder out (a bank
    /// without shared phrase lists has no `lexicons/`).
    fn optional(self) -> bool {
        self == Kind::Lexicon
    }

    /// The folder the kind lives in.
    pub fn folder(self) -> &'static str {
        match self {
            Kind::Study => "studies",
            Kind::Vignette => "vignettes",
            Kind::Lexicon => "lexicons",
            Kind::Rubric => "rubrics",
        }
    }

    /// The schema name, as in `vignette schema NAME`.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Study => "study",
            Kind::Vignette => "vignette",
            Kind::Lexicon => "lexicon",
            Kind::Rubric => "rubric",
        }
    }

    fn embedded(self) -> &'static Dir<'static> {
        match self {
            Kind::Study => &EMBEDDED_STUDIES,
            Kind::Vignette => &EMBEDDED_VIGNETTES,
            Kind::Lexicon => &EMBEDDED_LEXICONS,
            Kind::Rubric => &EMBEDDED_RUBRICS,
        }
    }
}

/// A bank file's name, kind and bytes.
#[derive(Debug, Clone)]
pub struct RawFile {
    /// Path relative to the bank root, e.g. `vignettes/V1.json`.
    pub path: String,
    pub kind: Kind,
    pub bytes: Cow<'static, [u8]>,
}

/// A bank that cannot be read at all (as opposed to one with invalid files).
#[derive(Debug, thiserror::Error)]
pub enum BankError {
    #[error("bank folder {0} does not exist or is not a folder")]
    NotFound(PathBuf),
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Reads every `.json` file of the bank; problems with single files become diagnostics.
pub fn read(source: &BankSource) -> Result<(Vec<RawFile>, Vec<Diagnostic>), BankError> {
    match source {
        BankSource::Embedded => Ok((read_embedded(), Vec::new())),
        BankSource::Dir(root) => read_dir(root),
    }
}

/// The embedded bank as files a folder bank can start from: every study,
/// vignette and rubric at its path (`vignettes/V1.json`), and the schemas
/// they name (`schemas/vignette.schema.json`).
pub fn embedded_files() -> Vec<(String, Cow<'static, [u8]>)> {
    let mut files: Vec<(String, Cow<'static, [u8]>)> = read_embedded()
        .into_iter()
        .map(|file| (file.path, file.bytes))
        .collect();
    for kind in Kind::ALL {
        files.push((
            format!("schemas/{}.schema.json", kind.name()),
            Cow::Borrowed(super::schema::text(kind).as_bytes()),
        ));
    }
    files
}

fn read_embedded() -> Vec<RawFile> {
    let mut files = Vec::new();
    for kind in Kind::ALL {
        let mut entries: Vec<_> = kind.embedded().files().collect();
        entries.sort_by(|a, b| {
            natural_order(&a.path().to_string_lossy(), &b.path().to_string_lossy())
        });
        for file in entries.into_iter().filter(|f| is_json(f.path())) {
            let name = file.path().display();
            files.push(RawFile {
                path: format!("{}/{name}", kind.folder()),
                kind,
                bytes: Cow::Borrowed(file.contents()),
            });
        }
    }
    files
}

/// Orders names as people count: `V2` before `V10`. Runs of digits compare
/// by value, everything else by character.
fn natural_order(a: &str, b: &str) -> std::cmp::Ordering {
    fn chunks(s: &str) -> Vec<(bool, &str)> {
        let mut out = Vec::new();
        let mut start = 0;
        let mut digits = None;
        for (i, c) in s.char_indices() {
            let is_digit = c.is_ascii_digit();
            if digits.is_some_and(|d| d != is_digit) {
                out.push((digits == Some(true), &s[start..i]));
                start = i;
            }
            digits = Some(is_digit);
        }
        out.push((digits == Some(true), &s[start..]));
        out
    }
    let (ca, cb) = (chunks(a), chunks(b));
    for ((da, xa), (db, xb)) in ca.iter().zip(&cb) {
        let order = if *da && *db {
            let (ta, tb) = (xa.trim_start_matches('0'), xb.trim_start_matches('0'));
            ta.len()
                .cmp(&tb.len())
                .then(ta.cmp(tb))
                .then(xa.len().cmp(&xb.len()))
        } else {
            xa.cmp(xb)
        };
        if order.is_ne() {
            return order;
        }
    }
    ca.len().cmp(&cb.len())
}

fn is_json(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "json")
}

fn read_dir(root: &Path) -> Result<(Vec<RawFile>, Vec<Diagnostic>), BankError> {
    if !root.is_dir() {
        return Err(BankError::NotFound(root.to_path_buf()));
    }
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| BankError::Io { path, source }
    };
    let mut files = Vec::new();
    let mut diagnostics = Vec::new();
    for kind in Kind::ALL {
        let folder = root.join(kind.folder());
        if kind.optional() && !folder.exists() {
            continue;
        }
        if !folder.is_dir() {
            diagnostics.push(
                Diagnostic::error(kind.folder(), "", "folder is missing").with_hint(format!(
                    "a bank is a folder with studies/, vignettes/ and rubrics/; is {} the right folder?",
                    root.display()
                )),
            );
            continue;
        }
        let mut paths = std::fs::read_dir(&folder)
            .map_err(io(&folder))?
            .map(|entry| entry.map(|e| e.path()))
            .collect::<Result<Vec<_>, _>>()
            .map_err(io(&folder))?;
        paths.sort_by(|a, b| natural_order(&a.to_string_lossy(), &b.to_string_lossy()));
        for path in paths {
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            let relative = format!("{}/{name}", kind.folder());
            if std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
                diagnostics.push(Diagnostic::error(
                    &relative,
                    "",
                    "is a symbolic link; bank files must be plain files in the bank's folders, \
                     so that a bank never reads what lies outside it",
                ));
                continue;
            }
            if !is_json(&path) || !path.is_file() {
                diagnostics.push(Diagnostic::warning(
                    &relative,
                    "",
                    "ignored: bank files are .json files",
                ));
                continue;
            }
            let bytes = match input::read_named(&path, &relative, input::read::BANK_FILE) {
                Ok(bytes) => bytes,
                Err(input::Unreadable(problem)) => {
                    diagnostics.push(Diagnostic {
                        severity: Severity::Error,
                        problem,
                    });
                    continue;
                }
            };
            files.push(RawFile {
                path: relative,
                kind,
                bytes: Cow::Owned(bytes),
            });
        }
    }
    Ok((files, diagnostics))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_ordered_as_people_count() {
        let mut names = vec![
            "V10.json", "V2.json", "V1.json", "A.json", "V02.json", "V1a.json",
        ];
        names.sort_by(|a, b| natural_order(a, b));
        assert_eq!(
            names,
            [
                "A.json", "V1.json", "V1a.json", "V2.json", "V02.json", "V10.json"
            ]
        );
    }
}
