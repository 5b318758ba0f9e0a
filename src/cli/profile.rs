//! `vignette profile`: the needs-analysis sheet of one site.

use std::process::ExitCode;

use vignette::compare::dataset::{self, Selection};
use vignette::messages;
use vignette::report::{self, Profile, ProfileFormat, ProfileRequest};

use super::{Outcome, export::language};
use crate::cli::Context;
use crate::cli::output;

/// Criteria shown in the text table of the most often missed.
const SHOWN_MISSED: usize = 10;

/// The needs analysis of a site: where its groups stand and what to work on.
///
/// For one phase (default: the earliest with scores for the site) it shows
/// the site's mean score per dimension over its groups, next to the mean over
/// every group of all sites and the site's rank and percentile among sites
/// (the share of other sites with a lower mean, ties counted half); the
/// criteria its groups most often missed (share of answers at level 0;
/// critical criteria marked); and, for the five weakest criteria below their
/// top level, each rubric's top level descriptor as the practice to aim for.
/// Labels and descriptors are in the site's session language, or --lang.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  vignette profile --site \"Bodø kommune\"\n  \
    vignette profile --site \"Bodø kommune\" --phase endpoint --lang nb --format html > bodo.html"
)]
pub struct Args {
    /// The site, as given to `session new --site`.
    #[arg(long, value_name = "SITE")]
    site: String,
    /// The phase [default: the earliest with scores for the site].
    #[arg(long, value_name = "P")]
    phase: Option<String>,
    /// The study; needed when the database holds sessions of more than one.
    #[arg(long, value_name = "ID")]
    study: Option<String>,
    /// Only sessions of this cohort (repeat for more), for the site and for
    /// the sites it is compared with.
    #[arg(long = "cohort", value_name = "C")]
    cohorts: Vec<String>,
    /// Language of labels and descriptors [default: the site's sessions'].
    #[arg(long, value_name = "LANG")]
    lang: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Text,
    Json,
    Md,
    Html,
}

pub fn run(cx: &Context, args: &Args) -> Outcome {
    let store = cx.store_to_read()?;
    let data = dataset::load(
        &store,
        &Selection {
            study: args.study.clone(),
            cohorts: args.cohorts.clone(),
            ..Selection::default()
        },
    )?;
    let request = ProfileRequest {
        site: args.site.clone(),
        phase: args.phase.clone(),
        language: match &args.lang {
            Some(lang) => Some(language(&data, Some(lang))?),
            None => None,
        },
    };
    let profile = report::profile(&data, &request)?;
    let written = match args.format {
        Format::Text => text(&profile),
        Format::Json => profile.write(ProfileFormat::Json)?,
        Format::Md => profile.write(ProfileFormat::Markdown)?,
        Format::Html => profile.write(ProfileFormat::Html)?,
    };
    print!("{written}");
    Ok(ExitCode::SUCCESS)
}

/// The sheet as text tables, in the profile's language.
fn text(p: &Profile) -> String {
    let w = messages::of(&p.language);
    let mut out = w.fill(
        "profile.text_heading",
        &[
            ("site", &p.site),
            ("study", &p.study_title),
            ("phase", &p.phase_label),
            ("id", &p.phase),
            ("groups", &p.groups),
            ("sessions", &p.sessions.join(", ")),
        ],
    );
    out.push('\n');
    let header = |keys: &[&str]| -> Vec<String> {
        keys.iter()
            .map(|k| w.text(&format!("profile.column_{k}")).to_string())
            .collect()
    };
    let mut table = output::table();
    table.set_header(header(&[
        "dimension",
        "site_mean",
        "groups",
        "all",
        "groups",
        "rank",
        "percentile",
    ]));
    for d in &p.dimensions {
        table.add_row([
            d.label.clone(),
            format!("{:.1}", d.mean),
            d.groups.to_string(),
            format!("{:.1}", d.all_mean),
            d.all_groups.to_string(),
            w.fill("profile.rank_of", &[("rank", &d.rank), ("sites", &d.sites)]),
            d.percentile.map_or("–".to_string(), |x| format!("{x:.0}")),
        ]);
    }
    out.push_str(&format!("{table}\n\n{}\n", w.text("profile.text_missed")));
    let mut missed = output::table();
    missed.set_header(header(&[
        "criterion",
        "title",
        "dimension",
        "missed",
        "answers",
    ]));
    for m in p.missed.iter().filter(|m| m.missed > 0).take(SHOWN_MISSED) {
        missed.add_row([
            m.criterion.clone(),
            format!("{}{}", if m.critical { "! " } else { "" }, m.label),
            m.dimension.clone(),
            format!("{:.0} %", m.share_missed * 100.0),
            m.units.to_string(),
        ]);
    }
    out.push_str(&format!("{missed}\n\n{}\n", w.text("profile.text_work_on")));
    for (i, t) in p.work_on.iter().enumerate() {
        let critical = if t.critical {
            format!(" ({})", w.text("profile.critical"))
        } else {
            String::new()
        };
        out.push_str(&format!(
            "{}. {} {}{critical}\n",
            i + 1,
            t.criterion,
            t.label
        ));
        for x in &t.practices {
            out.push_str(&format!("   {}: {}\n", x.vignette, x.descriptor));
        }
    }
    for note in &p.notes {
        out.push_str(&w.fill("profile.text_note", &[("note", note)]));
        out.push('\n');
    }
    out
}
