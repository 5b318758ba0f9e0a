//! `vignette session handout`: printable pages for groups that answer on paper.
//!
//! Gathers each group's pinned vignettes with its levels and prints the
//! document the library lays out; not for layout, which is `render::Handout`.

use std::process::ExitCode;

use vignette::bank::localized;
use vignette::render::{Handout, HandoutFormat, HandoutGroup, RenderedVignette};
use vignette::session::{self, Session};
use vignette::store::AssignmentRecord;

use crate::cli::Context;
use crate::cli::{Failure, Outcome};

/// Print paper handouts: each group's cases, every stage on a new page.
///
/// Each group's cases come in its planned order, one stage per page, so the
/// pages can be handed out in turn; every prompt has an answer space and the
/// prompt and option ids a transcriber needs. The pages use the session's
/// language and the exact vignettes and factor levels the session pinned. The
/// last page tells whoever types the answers in how to write the CSV for
/// `vignette session import`. The pages do not show which factor levels a
/// group has (that would tell it what the case is testing); --key prints
/// them for the facilitator.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  vignette session handout bodo-kommune-baseline > handout.html\n  \
    vignette session handout bodo-kommune-baseline --group G2 --format md > G2.md\n  \
    vignette session handout bodo-kommune-baseline --key > key.html"
)]
pub struct Args {
    /// Session id.
    session: String,
    /// Only this group (default: every group of the session).
    #[arg(long, value_name = "G")]
    group: Option<String>,
    /// Print the facilitator's key instead: every group's cases in order with
    /// their factor levels, which the participants' pages do not show.
    #[arg(long)]
    key: bool,
    /// Output format: one printable HTML page (A4) or Markdown.
    #[arg(long, value_enum, default_value = "html")]
    format: Format,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Format {
    Html,
    Md,
}

pub fn run(cx: &Context, args: &Args) -> Outcome {
    let mut store = cx.store_to_read()?;
    let loaded = session::load(&store, &args.session)?;
    let labels = group_labels(&loaded, args.group.as_deref())?;
    let codes: std::collections::BTreeMap<String, String> =
        session::join::codes(&mut store, &loaded.record.id)?
            .into_iter()
            .map(|c| (c.group, session::join::display(&c.code)))
            .collect();
    let groups = labels
        .into_iter()
        .map(|label| handout_group(&loaded, label, codes.get(label)))
        .collect::<Result<_, _>>()?;
    let record = &loaded.record;
    let phase = loaded
        .study
        .phases
        .iter()
        .find(|p| p.id == record.phase)
        .map_or_else(
            || record.phase.clone(),
            |p| localized(&p.label, &record.language),
        );
    let handout = Handout {
        session: record.id.clone(),
        site: record.site.clone(),
        phase,
        cohort: record.cohort.clone(),
        language: record.language.clone(),
        groups,
    };
    let format = match args.format {
        Format::Html => HandoutFormat::Html,
        Format::Md => HandoutFormat::Markdown,
    };
    let page = if args.key {
        handout.write_key(format)?
    } else {
        handout.write(format)?
    };
    print!("{page}");
    Ok(ExitCode::SUCCESS)
}

/// The groups to print, in session order: all, or the one asked for.
fn group_labels<'s>(session: &'s Session, wanted: Option<&str>) -> Result<Vec<&'s str>, Failure> {
    let all: Vec<&str> = session.groups.iter().map(|g| g.label.as_str()).collect();
    match wanted {
        None => Ok(all),
        Some(label) if all.contains(&label) => {
            Ok(all.into_iter().filter(|g| *g == label).collect())
        }
        Some(label) => Err(Failure::usage(format!(
            "no group `{label}` in session {}; its groups are: {}",
            session.record.id,
            all.join(", ")
        ))),
    }
}

/// One group's vignettes in planned order, every stage rendered.
fn handout_group(
    session: &Session,
    label: &str,
    join_code: Option<&String>,
) -> Result<HandoutGroup, Failure> {
    let vignettes = session
        .assignments
        .iter()
        .filter(|a| a.group == label)
        .map(|a| render_assignment(session, a))
        .collect::<Result<_, _>>()?;
    Ok(HandoutGroup {
        label: label.to_string(),
        join_code: join_code.cloned().unwrap_or_default(),
        vignettes,
    })
}

/// Renders a pinned vignette with the assignment's levels.
fn render_assignment(
    session: &Session,
    assignment: &AssignmentRecord,
) -> Result<RenderedVignette, Failure> {
    session.render_assignment(assignment).map_err(|e| {
        Failure::usage(format!(
            "cannot render {} for group {}: {e}",
            assignment.vignette, assignment.group
        ))
    })
}
