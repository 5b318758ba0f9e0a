//! The study report: one self-contained HTML page for readers who are not
//! statisticians — the sessions included, what was collected per offering
//! and phase, dimension scores with 95 % intervals, change from the first to
//! the last phase, roles and rural/urban sites, rater agreement, the
//! criteria most often missed, optionally a power analysis made beforehand
//! (`vignette power`), and how it was all done. Charts are inline
//! SVG; there is no script and nothing is loaded from elsewhere. Also the
//! needs-analysis sheet of one site ([`profile`]).
//!
//! Not for statistics (see [`crate::compare`] and [`crate::rating::agreement`]) or
//! for reading the store (but for [`example::find`], one quoted answer): the
//! caller gathers a [`Report`] of plain data and [`Report::html`] lays it out. Every text from the data (labels, sites,
//! group labels, answers) is a template *value*, never template source, and
//! is HTML-escaped.

mod charts;
pub mod example;
mod labels;
mod missed;
mod plan;
mod profile;
mod view;

#[cfg(test)]
mod tests;

use std::sync::OnceLock;

use minijinja::value::Serde;
use minijinja::{AutoEscape, Environment, UndefinedBehavior, context};

use std::io::Write;
use std::path::Path;

use crate::bank::Rubric;
use crate::compare::Comparison;
use crate::compare::dataset::StudyData;
use crate::messages;
use crate::rating::agreement::Options as AgreementOptions;
use crate::rating::{self, SessionAgreement};
use crate::session::SessionError;
use crate::simulate::power::Power;
use crate::store::Store;

pub use example::Example;
pub use plan::{Options, Plan, ReportError, analyse, phases_present, plan};
pub use profile::{
    DimensionRow, MissedCriterion, Practice, Profile, ProfileError, ProfileFormat, ProfileRequest,
    Target, profile,
};

/// Everything the report shows, gathered beforehand.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub data: StudyData,
    /// The rubrics the scored units were scored with (for criterion titles).
    pub rubrics: Vec<Rubric>,
    pub analyses: Analyses,
    /// Rater agreement of each session that has ratings.
    pub agreement: Vec<SessionRatings>,
    /// A group's words for the criterion most often missed (see [`example::find`]).
    pub example: Option<Example>,
    /// A power analysis to show with the results (see [`crate::simulate::power`]).
    pub power: Option<Power>,
    /// The language of the study's labels and of the report's own words
    /// (`en`, `nb`, `nn`).
    pub language: String,
}

/// The comparisons the report presents.
#[derive(Debug, Clone, PartialEq)]
pub struct Analyses {
    /// The phase offerings, roles and sites are compared at.
    pub phase: String,
    /// By offering at `phase`.
    pub offerings: Comparison,
    /// From the first to the last phase in the data (`change_phases`);
    /// `None` with one phase.
    pub change: Option<Comparison>,
    /// By role (a group's largest role) at `phase`.
    pub roles: Comparison,
    /// By the site attribute `centrality` at `phase`, when the study has it.
    pub centrality: Option<Comparison>,
}

/// The stored ratings' agreement in one session.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionRatings {
    pub session: String,
    pub agreement: SessionAgreement,
}

impl Report {
    /// Gathers everything the report shows about `data` from the store: the
    /// comparisons, the rubrics, each rated session's agreement and the
    /// quoted answer. `language` is the language of its labels and words.
    pub fn assemble(
        store: &Store,
        data: StudyData,
        options: &Options,
        language: &str,
    ) -> Result<Report, ReportError> {
        let stored = |e: SessionError| ReportError::Store(e.to_string());
        let analyses = analyse(&data, options)?;
        let example = example::find(store, &data, &analyses.phase).map_err(stored)?;
        let mut agreement = Vec::new();
        let agreement_options = AgreementOptions {
            boot: options.boot,
            seed: options.seed,
        };
        for record in &data.sessions {
            let rated =
                rating::session_agreement(store, &record.id, &agreement_options).map_err(stored)?;
            if !rated.human.criteria.is_empty() {
                agreement.push(SessionRatings {
                    session: record.id.clone(),
                    agreement: rated,
                });
            }
        }
        Ok(Report {
            rubrics: data.rubrics.values().cloned().collect(),
            data,
            analyses,
            agreement,
            example,
            power: None,
            language: language.to_string(),
        })
    }

    /// The report as one HTML page.
    pub fn html(&self) -> Result<String, ReportError> {
        let view = view::build(self);
        let mut page = environment()
            .get_template("report.html")
            .and_then(|t| {
                let words = messages::of(&self.language).section("report");
                t.render(context! { r => Serde(&view), t => words })
            })
            .map_err(|e| ReportError::Template(e.to_string()))?;
        page.push('\n');
        Ok(page)
    }
}

fn environment() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_auto_escape_callback(|_| AutoEscape::Html);
        env.add_filter("num", view::num);
        env.add_filter("signed", view::signed);
        env.add_filter("ci", view::ci_in_words);
        messages::add_filters(&mut env);
        env.add_filter("pvalue", view::pvalue);
        env.add_filter("pct", view::pct);
        for (name, source) in [
            ("report.html", include_str!("templates/report.html")),
            ("charts.html", include_str!("templates/charts.html")),
        ] {
            env.add_template(name, source)
                .expect("shipped report template compiles");
        }
        env
    })
}

/// Writes `text` to a new temp file beside `path` (an unpredictable name,
/// created exclusively, removed on every error), then renames it into place,
/// so that a reader never sees half a file. Only a regular file is
/// replaced: a link, a device, a pipe or a folder at `path` is refused.
pub fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    if path.file_name().is_none() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "the path names no file",
        ));
    }
    if let Ok(metadata) = std::fs::symlink_metadata(path)
        && !metadata.file_type().is_file()
    {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "it is not a regular file (a link, a device, a pipe or a folder), so it is not replaced",
        ));
    }
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut temp = tempfile::Builder::new()
        .prefix(".vignette-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    temp.write_all(text.as_bytes())?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        temp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))?;
    }
    temp.as_file().sync_all()?;
    temp.persist(path).map_err(|e| e.error)?;
    Ok(())
}
