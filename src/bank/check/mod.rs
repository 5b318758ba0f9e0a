//! Semantic checks across a bank: unique ids, references that resolve, texts
//! in every declared language, ordered levels, dimension coverage and
//! templates that render for every combination of factor levels.
//!
//! Files that failed their schema are absent here; references to them are
//! not reported again.

mod lexicon;
mod rubric;
mod study;
mod vignette;

use std::collections::{BTreeMap, BTreeSet};

use super::model::*;
use super::templates::Budget;
use super::{Bank, Broken, Diagnostic, Entry, Kind, Stats};

/// Language codes accepted in phrase lists as variants of a declared language.
const LANGUAGE_VARIANTS: &[(&str, &str)] = &[("nn", "nb")];

/// Runs every semantic check, adding to `diagnostics` and `stats`.
pub(super) fn check(
    bank: &Bank,
    broken: &Broken,
    diagnostics: &mut Vec<Diagnostic>,
    stats: &mut Stats,
) {
    let mut checker = Checker {
        bank,
        broken,
        lexicon: super::lexicon::entries(&bank.lexicons),
        found: diagnostics,
    };
    checker.unique_files(&bank.studies, "study", |s| &s.id);
    checker.unique_files(&bank.vignettes, "vignette", |v| &v.id);
    checker.unique_files(&bank.rubrics, "rubric", |r| &r.id);
    checker.unique_files(&bank.lexicons, "lexicon", |l| &l.id);
    checker.lexicons(&bank.lexicons);
    for study in &bank.studies {
        checker.study(study);
    }
    let mut budget = Budget::default();
    for vignette in &bank.vignettes {
        checker.vignette(vignette, stats, &mut budget);
    }
    stats.template_instructions = budget.used();
    let mut scored = BTreeMap::new();
    for rubric in &bank.rubrics {
        if let Some(first) = scored.insert(rubric.item.vignette.as_str(), rubric.path.as_str()) {
            checker.error(
                rubric,
                "/vignette",
                format!(
                    "vignette `{}` already has a rubric ({first}); one rubric per vignette",
                    rubric.item.vignette
                ),
            );
        }
        checker.rubric(rubric);
    }
    checker.consistent_terms(&bank.rubrics);
}

struct Checker<'a> {
    bank: &'a Bank,
    broken: &'a Broken,
    /// The bank's lexicon entries by name, for the rubrics' `@name` terms.
    lexicon: BTreeMap<&'a str, &'a Terms>,
    found: &'a mut Vec<Diagnostic>,
}

impl Checker<'_> {
    fn error<T>(&mut self, entry: &Entry<T>, pointer: &str, message: impl Into<String>) {
        self.found
            .push(Diagnostic::error(&entry.path, pointer, message));
    }

    fn warning<T>(&mut self, entry: &Entry<T>, pointer: &str, message: impl Into<String>) {
        self.found
            .push(Diagnostic::warning(&entry.path, pointer, message));
    }

    fn unique_files<T>(&mut self, entries: &[Entry<T>], what: &str, id: impl Fn(&T) -> &String) {
        let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
        for entry in entries {
            let id = id(&entry.item);
            if let Some(first) = seen.insert(id, &entry.path) {
                self.error(
                    entry,
                    "/id",
                    format!("duplicate {what} id `{id}`: {first} has it too; ids must be unique"),
                );
            }
            let stem = std::path::Path::new(&entry.path)
                .file_stem()
                .map(|s| s.to_string_lossy());
            if stem.as_deref() != Some(id.as_str()) {
                self.warning(
                    entry,
                    "/id",
                    format!("id `{id}` differs from the file name; name the file {id}.json"),
                );
            }
        }
    }

    /// Ids in a list must be unique.
    fn unique_ids<'i, T>(
        &mut self,
        entry: &Entry<T>,
        pointer: &str,
        ids: impl IntoIterator<Item = &'i str>,
    ) {
        let mut seen = BTreeSet::new();
        for (i, id) in ids.into_iter().enumerate() {
            if !seen.insert(id) {
                self.error(
                    entry,
                    &format!("{pointer}/{i}/id"),
                    format!("duplicate id `{id}`; ids must be unique here"),
                );
            }
        }
    }

    /// A text must exist in every declared language.
    fn text<T>(&mut self, entry: &Entry<T>, pointer: &str, text: &Text, languages: &[String]) {
        for language in languages {
            if !text.contains_key(language) {
                self.error(
                    entry,
                    pointer,
                    format!(
                        "no `{language}` text; every text needs each declared language ({})",
                        languages.join(", ")
                    ),
                );
            }
        }
    }

    fn labelled<T>(
        &mut self,
        entry: &Entry<T>,
        pointer: &str,
        items: &[Labelled],
        languages: &[String],
    ) {
        self.unique_ids(entry, pointer, items.iter().map(|i| i.id.as_str()));
        for (i, item) in items.iter().enumerate() {
            self.text(
                entry,
                &format!("{pointer}/{i}/label"),
                &item.label,
                languages,
            );
            if let Some(description) = &item.description {
                self.text(
                    entry,
                    &format!("{pointer}/{i}/description"),
                    description,
                    languages,
                );
            }
        }
    }
}

impl Checker<'_> {
    /// A phrase: `*` only at its end, at least two letters or digits.
    fn phrase<T>(&mut self, entry: &Entry<T>, at: &str, phrase: &str) {
        if phrase.trim_end_matches('*').contains('*') {
            self.error(
                entry,
                at,
                format!("`{phrase}`: `*` marks a word stem and may only end a phrase"),
            );
        }
        if phrase
            .trim()
            .chars()
            .filter(|c| c.is_alphanumeric())
            .count()
            < 2
        {
            self.error(entry, at, "a phrase needs at least two letters or digits");
        }
    }

    /// Warns where a phrase list has fewer distinct nynorsk phrases than
    /// bokmål ones: a group writing nynorsk must find every form a
    /// bokmål group finds, or counties that write nynorsk score lower for
    /// the same practice.
    fn nynorsk_covers<T>(&mut self, entry: &Entry<T>, at: &str, terms: &Terms) {
        let distinct = |language: &str| {
            terms
                .get(language)
                .map(|list| list.iter().collect::<BTreeSet<_>>().len())
        };
        if let (Some(nb), Some(nn)) = (distinct("nb"), distinct("nn"))
            && nn < nb
        {
            self.warning(
                entry,
                &format!("{at}/nn"),
                format!(
                    "{nn} nynorsk phrases against {nb} in bokmål; give every bokmål phrase its \
                     nynorsk forms, so that the same practice earns the same level in both"
                ),
            );
        }
    }
}

/// The closest of `known` to `name`, if it is a likely misspelling (at
/// most two edits away).
fn closest<'k>(name: &str, known: &[&'k str]) -> Option<&'k str> {
    known
        .iter()
        .map(|k| (strsim::damerau_levenshtein(name, k), *k))
        .filter(|(distance, _)| *distance <= 2)
        .min()
        .map(|(_, k)| k)
}

/// The prompts of the vignette a rubric scores, and which of them rules use.
struct References<'a> {
    prompts: BTreeMap<&'a str, &'a Prompt>,
    used: BTreeSet<&'a str>,
    vignette: &'a str,
}

fn ids<'a>(items: impl Iterator<Item = impl AsRef<str> + 'a>) -> String {
    let list: Vec<String> = items.map(|i| i.as_ref().to_string()).collect();
    if list.is_empty() {
        "(none)".to_string()
    } else {
        list.join(", ")
    }
}
