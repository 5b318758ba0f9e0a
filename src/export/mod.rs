//! Exports of a study's scores for R, SPSS and Stata.
//!
//! An export is tidy CSV tables (criteria, dimensions, groups), a codebook
//! (Markdown and JSON), SPSS and Stata syntax that reads and labels each
//! table, and a manifest with checksums. Everything is built in memory from a
//! [`StudyData`]; the only I/O is [`write_files`], which puts finished files
//! into a folder all or nothing.
//!
//! Not for loading or scoring: callers load the data with [`crate::compare::dataset`].

mod codebook;
mod syntax;
mod table;
mod write;

use serde_json::json;
use sha2::{Digest, Sha256};

use crate::compare::dataset::{Selection, StudyData};

pub use write::write_files;

/// Why an export could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// Files of the export are in the folder already.
    #[error("{} already exist(s) in {dir}: {}", files.len(), files.join(", "))]
    Exists { dir: String, files: Vec<String> },
    #[error("cannot write {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot write CSV: {0}")]
    Csv(#[from] csv::Error),
    #[error("cannot render: {0}")]
    Render(#[from] minijinja::Error),
}

/// One finished file of an export.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportFile {
    pub name: String,
    pub bytes: Vec<u8>,
    /// Data rows, for CSV tables.
    pub rows: Option<usize>,
}

/// What an export records besides the data.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// The language of the labels in the SPSS and Stata syntax.
    pub language: String,
    /// Neutralise text cells a spreadsheet would run as a formula (see
    /// [`spreadsheet_safe`]); off only for programs that read the CSVs.
    pub formula_guard: bool,
    /// When the export was made (ISO 8601); written into the headers.
    pub exported_at: String,
    /// The selection the data were loaded with, for the manifest.
    pub selection: Selection,
}

/// A text cell as a spreadsheet may safely open it: a cell that begins with
/// `=`, `+`, `-`, `@`, a tab or a carriage return (which Excel and its kin
/// run as a formula, OWASP's "CSV injection") gets a leading `'`; any other
/// cell is left as it is. For text columns only: a number such as `-2.5`
/// must stay a number.
pub fn spreadsheet_safe(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}").into(),
        _ => cell.into(),
    }
}

/// Every file of an export of `data`: per table a CSV, SPSS (.sps) and
/// Stata (.do) syntax; the codebook; the manifest last.
pub fn export(data: &StudyData, options: &Options) -> Result<Vec<ExportFile>, ExportError> {
    let tables = table::tables(data);
    let provenance = Provenance::new(data, &options.exported_at);
    let mut files = Vec::new();
    for table in &tables {
        files.push(ExportFile {
            name: table.file.clone(),
            bytes: table.csv(options.formula_guard)?,
            rows: Some(table.rows.len()),
        });
    }
    files.push(text_file(
        "codebook.md",
        codebook::markdown(data, &tables, &provenance),
    ));
    files.push(text_file(
        "codebook.json",
        codebook::json(data, &tables, &provenance),
    ));
    for table in &tables {
        let stem = table.stem();
        let sps = syntax::spss(table, &provenance, &options.language);
        files.push(text_file(&format!("{stem}.sps"), sps));
        let stata = syntax::stata(table, &provenance, &options.language);
        files.push(text_file(&format!("{stem}.do"), stata));
    }
    let manifest = manifest(data, options, &provenance, &files);
    files.push(text_file("manifest.json", manifest));
    Ok(files)
}

fn text_file(name: &str, text: String) -> ExportFile {
    ExportFile {
        name: name.to_string(),
        bytes: text.into_bytes(),
        rows: None,
    }
}

/// The SHA-256 of bytes, as lower-case hex.
fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn manifest(
    data: &StudyData,
    options: &Options,
    provenance: &Provenance,
    files: &[ExportFile],
) -> String {
    let selection = &options.selection;
    let value = json!({
        "study": {
            "id": data.study.id,
            "version": data.study.version,
            "hashes": data.study_hashes,
        },
        "exported_at": options.exported_at,
        "program": format!("vignette {}", env!("CARGO_PKG_VERSION")),
        "selection": {
            "study": selection.study,
            "sessions": selection.sessions,
            "cohorts": selection.cohorts,
            "phases": selection.phases,
        },
        "sessions": data.sessions.iter().map(|s| &s.id).collect::<Vec<_>>(),
        "rubrics": provenance.rubrics.iter()
            .map(|(id, version, hash)| json!({"id": id, "version": version, "hash": hash}))
            .collect::<Vec<_>>(),
        "unscored": data.unscored,
        "files": files.iter().map(|f| json!({
            "name": f.name,
            "sha256": sha256(&f.bytes),
            "bytes": f.bytes.len(),
            "rows": f.rows,
        })).collect::<Vec<_>>(),
    });
    format!("{value:#}\n")
}

/// Where an export comes from, for the headers of the syntax files.
#[derive(Debug, Clone, PartialEq)]
struct Provenance {
    study: String,
    study_hashes: Vec<String>,
    exported_at: String,
    /// Rubric id, version and hash, sorted.
    rubrics: Vec<(String, String, String)>,
}

impl Provenance {
    fn new(data: &StudyData, exported_at: &str) -> Provenance {
        let mut rubrics: Vec<(String, String, String)> = data
            .rubrics
            .iter()
            .map(|(hash, r)| (r.id.clone(), r.version.clone(), hash.clone()))
            .collect();
        rubrics.sort();
        Provenance {
            study: format!("{} {}", data.study.id, data.study.version),
            study_hashes: data.study_hashes.iter().cloned().collect(),
            exported_at: exported_at.to_string(),
            rubrics,
        }
    }

    /// Header lines: the study, the export time and the rubric hashes.
    fn lines(&self) -> Vec<String> {
        let mut lines = vec![
            format!(
                "Study {} (sha256 {}).",
                self.study,
                self.study_hashes.join(", ")
            ),
            format!(
                "Exported {} by vignette {}.",
                self.exported_at,
                env!("CARGO_PKG_VERSION")
            ),
        ];
        lines.extend(
            self.rubrics
                .iter()
                .map(|(id, version, hash)| format!("Rubric {id} {version} sha256 {hash}.")),
        );
        lines
    }
}
