//! The instrument bank: studies, vignettes and rubrics loaded from JSON,
//! checked against their schemas and against each other.
//!
//! Loading never fails on bad content: every problem becomes a [`Diagnostic`]
//! naming the file, the place and what was expected, and the valid files are
//! kept. Only an unreadable bank is an error ([`BankError`]).

mod check;
mod diagnostic;
pub mod lexicon;
mod model;
mod schema;
mod source;
pub mod templates;

use std::collections::{BTreeMap, BTreeSet};

use serde::de::DeserializeOwned;

use crate::input::json;

pub use diagnostic::{Diagnostic, Severity};
pub use model::*;
pub use schema::text as schema_text;
pub use source::{BankError, BankSource, Kind, embedded_files};

/// One loaded instrument with the file it came from and its exact text.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry<T> {
    /// Path relative to the bank root, e.g. `vignettes/V1.json`.
    pub path: String,
    /// What a session pins: the file's text, or for a rubric that names
    /// lexicon entries, the rubric with their terms written out.
    pub text: String,
    /// The file's text, as read (where diagnostics point).
    pub file_text: String,
    pub item: T,
}

/// The instruments that loaded; invalid files are left out (see [`Report`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Bank {
    pub studies: Vec<Entry<Study>>,
    pub vignettes: Vec<Entry<Vignette>>,
    pub lexicons: Vec<Entry<Lexicon>>,
    /// Rubrics with their lexicon references written out.
    pub rubrics: Vec<Entry<Rubric>>,
}

impl Bank {
    /// The study with this id.
    pub fn study(&self, id: &str) -> Option<&Entry<Study>> {
        self.studies.iter().find(|e| e.item.id == id)
    }

    /// The vignette with this id.
    pub fn vignette(&self, id: &str) -> Option<&Entry<Vignette>> {
        self.vignettes.iter().find(|e| e.item.id == id)
    }

    /// The rubric that scores this vignette.
    pub fn rubric_for(&self, vignette: &str) -> Option<&Entry<Rubric>> {
        self.rubrics.iter().find(|e| e.item.vignette == vignette)
    }

    /// The studies that use this vignette.
    pub fn studies_using(&self, vignette: &str) -> impl Iterator<Item = &Entry<Study>> {
        self.studies
            .iter()
            .filter(move |s| s.item.vignettes.iter().any(|v| v == vignette))
    }
}

/// What loading checked.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Stats {
    pub files: usize,
    pub studies: usize,
    pub vignettes: usize,
    pub rubrics: usize,
    pub lexicons: usize,
    /// Factor-level combinations rendered, summed over vignettes (each in every language).
    pub combinations: usize,
    /// Single template renders done to prove the templates.
    pub renders: usize,
    /// Template instructions those renders spent, of the bank's budget
    /// ([`templates::BANK_FUEL`]).
    pub template_instructions: u64,
}

/// Every problem found while loading, sorted by file and position.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Report {
    pub stats: Stats,
    pub diagnostics: Vec<Diagnostic>,
}

impl Report {
    /// Adds diagnostics found beyond the bank's own checks (such as
    /// scoring's cue check), each at the line and column of its pointer in
    /// `bank`'s files, and sorts them all again.
    pub fn extend(&mut self, bank: &Bank, more: Vec<Diagnostic>) {
        let texts: BTreeMap<String, String> = bank
            .rubrics
            .iter()
            .map(|e| (e.path.clone(), e.file_text.clone()))
            .chain(
                bank.vignettes
                    .iter()
                    .map(|e| (e.path.clone(), e.file_text.clone())),
            )
            .collect();
        let from = self.diagnostics.len();
        self.diagnostics.extend(more);
        locate(&mut self.diagnostics[from..], &texts);
        diagnostic::sort(&mut self.diagnostics);
    }

    /// Number of errors.
    pub fn errors(&self) -> usize {
        self.count(Severity::Error)
    }

    /// Number of warnings.
    pub fn warnings(&self) -> usize {
        self.count(Severity::Warning)
    }

    fn count(&self, severity: Severity) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    }

    /// Whether the bank has no errors (warnings allowed).
    pub fn is_valid(&self) -> bool {
        self.errors() == 0
    }
}

/// Ids of files that did not load, so that references to them are not reported twice.
#[derive(Debug, Default)]
struct Broken {
    ids: BTreeMap<Kind, BTreeSet<String>>,
}

impl Broken {
    fn add(&mut self, kind: Kind, path: &str, value: Option<&serde_json::Value>) {
        let ids = self.ids.entry(kind).or_default();
        if let Some(stem) = std::path::Path::new(path).file_stem() {
            ids.insert(stem.to_string_lossy().into_owned());
        }
        if let Some(id) = value.and_then(|v| v.get("id")).and_then(|v| v.as_str()) {
            ids.insert(id.to_string());
        }
        if let Some(id) = value
            .and_then(|v| v.get("vignette"))
            .and_then(|v| v.as_str())
        {
            ids.insert(id.to_string());
        }
    }

    fn any(&self, kind: Kind) -> bool {
        self.ids.get(&kind).is_some_and(|ids| !ids.is_empty())
    }

    fn contains(&self, kind: Kind, id: &str) -> bool {
        self.ids.get(&kind).is_some_and(|ids| ids.contains(id))
    }
}

/// Loads and checks a bank; only an unreadable bank is an error.
pub fn load(source: &BankSource) -> Result<(Bank, Report), BankError> {
    let (files, mut diagnostics) = source::read(source)?;
    let mut bank = Bank::default();
    let mut broken = Broken::default();
    let mut texts = BTreeMap::new();
    for file in &files {
        let (value, text) = match parse_file(file) {
            Ok(parsed) => parsed,
            Err(diagnostic) => {
                diagnostics.push(*diagnostic);
                broken.add(file.kind, &file.path, None);
                continue;
            }
        };
        texts.insert(file.path.clone(), text.clone());
        let violations = schema::violations(file.kind, &value);
        if !violations.is_empty() {
            diagnostics.extend(violations.into_iter().map(|v| {
                let schema = format!("see the JSON Schema of the {} format", file.kind.name());
                let hint = match v.suggestion {
                    Some(meant) => format!("{meant} ({schema})"),
                    None => schema,
                };
                Diagnostic::error(&file.path, &v.pointer, v.message).with_hint(hint)
            }));
            broken.add(file.kind, &file.path, Some(&value));
            continue;
        }
        let added = match file.kind {
            Kind::Study => push(&mut bank.studies, file, text, value),
            Kind::Vignette => push(&mut bank.vignettes, file, text, value),
            Kind::Lexicon => push(&mut bank.lexicons, file, text, value),
            Kind::Rubric => push(&mut bank.rubrics, file, text, value),
        };
        if let Err(diagnostic) = added {
            diagnostics.push(*diagnostic);
            broken.add(file.kind, &file.path, None);
        }
    }
    let mut stats = Stats {
        files: files.len(),
        studies: bank.studies.len(),
        vignettes: bank.vignettes.len(),
        rubrics: bank.rubrics.len(),
        lexicons: bank.lexicons.len(),
        ..Stats::default()
    };
    check::check(&bank, &broken, &mut diagnostics, &mut stats);
    write_out_references(&mut bank);
    if matches!(source, BankSource::Dir(_)) && files.is_empty() {
        diagnostics.push(Diagnostic::error(
            "",
            "",
            "the bank has no .json files in studies/, vignettes/ or rubrics/",
        ));
    }
    locate(&mut diagnostics, &texts);
    diagnostic::sort(&mut diagnostics);
    Ok((bank, Report { stats, diagnostics }))
}

fn parse_file(file: &source::RawFile) -> Result<(serde_json::Value, String), Box<Diagnostic>> {
    let malformed = |e: json::SyntaxError| {
        Box::new(
            Diagnostic::error(&file.path, "", e.message)
                .at(e.position)
                .with_hint("the file must be one JSON document (RFC 8259, UTF-8)"),
        )
    };
    let text = json::decode_utf8(&file.bytes).map_err(malformed)?;
    let value = json::parse(text).map_err(malformed)?;
    Ok((value, text.to_string()))
}

fn push<T: DeserializeOwned>(
    entries: &mut Vec<Entry<T>>,
    file: &source::RawFile,
    text: String,
    value: serde_json::Value,
) -> Result<(), Box<Diagnostic>> {
    let item = serde_json::from_value(value).map_err(|e| {
        Box::new(Diagnostic::error(
            &file.path,
            "",
            format!("cannot be read: {e}"),
        ))
    })?;
    entries.push(Entry {
        path: file.path.clone(),
        file_text: text.clone(),
        text,
        item,
    });
    Ok(())
}

/// Replaces every rubric's lexicon references by their terms, in the
/// rubric and in the text a session pins (pretty JSON, keys sorted), so
/// that a pinned rubric scores the same whatever the lexicon becomes.
fn write_out_references(bank: &mut Bank) {
    let entries = lexicon::entries(&bank.lexicons);
    for rubric in &mut bank.rubrics {
        let Ok(value) = json::parse(&rubric.file_text) else {
            continue;
        };
        let Some(resolved) = lexicon::resolve(&value, &entries) else {
            continue;
        };
        let Ok(item) = serde_json::from_value(resolved.clone()) else {
            continue;
        };
        let mut text = serde_json::to_string_pretty(&resolved).unwrap_or_default();
        text.push('\n');
        rubric.text = text;
        rubric.item = item;
    }
}

/// Gives each diagnostic without a position the line and column of its pointer.
fn locate(diagnostics: &mut [Diagnostic], texts: &BTreeMap<String, String>) {
    let mut locators = BTreeMap::new();
    for diagnostic in diagnostics.iter_mut().filter(|d| d.line.is_none()) {
        let Some(text) = texts.get(&diagnostic.file) else {
            continue;
        };
        let locator = locators
            .entry(diagnostic.file.clone())
            .or_insert_with(|| json::Locator::new(text));
        if let Some(position) = locator.position(&diagnostic.pointer) {
            diagnostic.line = Some(position.line);
            diagnostic.column = Some(position.column);
        }
    }
}

/// A vignette as listed for people and programs (`vignette list`).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Summary {
    pub id: String,
    pub version: String,
    pub title: String,
    pub sector: String,
    pub languages: Vec<String>,
    pub stages: usize,
    /// Factor ids.
    pub factors: Vec<String>,
    /// Factor-level combinations.
    pub combinations: usize,
    /// Id of the rubric that scores it.
    pub rubric: Option<String>,
    /// Dimension ids its rubric covers, in order of first appearance.
    pub dimensions: Vec<String>,
    /// Ids of the studies that use it.
    pub studies: Vec<String>,
}

impl Bank {
    /// One summary per vignette, titles in `language` where given.
    pub fn summaries(&self, language: Option<&str>) -> Vec<Summary> {
        self.vignettes
            .iter()
            .map(|entry| {
                let v = &entry.item;
                let rubric = self.rubric_for(&v.id);
                let mut dimensions: Vec<String> = Vec::new();
                for criterion in rubric.iter().flat_map(|r| &r.item.criteria) {
                    if !dimensions.contains(&criterion.dimension) {
                        dimensions.push(criterion.dimension.clone());
                    }
                }
                let language = language.unwrap_or(&v.languages[0]);
                Summary {
                    id: v.id.clone(),
                    version: v.version.clone(),
                    title: crate::bank::localized(&v.title, language),
                    sector: v.sector.clone(),
                    languages: v.languages.clone(),
                    stages: v.stages.len(),
                    factors: v.factors.iter().map(|f| f.id.clone()).collect(),
                    combinations: v.factors.iter().map(|f| f.levels.len()).product(),
                    rubric: rubric.map(|r| r.item.id.clone()),
                    dimensions,
                    studies: self
                        .studies_using(&v.id)
                        .map(|s| s.item.id.clone())
                        .collect(),
                }
            })
            .collect()
    }
}
