//! `vignette rate show`: one unit as its raters see it, blind. The same text
//! heads the interactive rating screen.

use std::process::ExitCode;

use vignette::bank::Criterion;
use vignette::bank::localized;
use vignette::rating::{self, Unit};
use vignette::session::{self, Session};
use vignette::store::Store;

use crate::cli::Context;
use crate::cli::{Failure, Outcome};

/// Print one unit as raters see it: the case in the session's language with
/// the unit's factor levels, every answer (texts, chosen options, rankings,
/// Likert points with their anchors) and each criterion's levels with their
/// descriptors. No group, site, offering or phase is shown.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Session id.
    session: String,
    /// Unit code, e.g. U3f9a0c12de.
    unit: String,
}

pub fn run(cx: &Context, args: &Args) -> Outcome {
    let store = cx.store()?;
    let session = session::load(&store, &args.session)?;
    let units = rating::units(&session, &store)?;
    let unit = rating::find_unit(&units, &args.unit).ok_or_else(|| {
        Failure::usage(format!(
            "session {} has no unit `{}` with answers",
            args.session, args.unit
        ))
    })?;
    print!("{}", unit_text(&store, &session, unit)?);
    for criterion in &rating::rubric(&session, unit).criteria {
        print!("{}", criterion_text(criterion, &session.record.language));
    }
    Ok(ExitCode::SUCCESS)
}

/// The unit's case and answers, blind: only its code and the vignette.
pub fn unit_text(store: &Store, session: &Session, unit: &Unit<'_>) -> Result<String, Failure> {
    let view = rating::blind_unit(store, session, unit)?;
    let mut out = format!(
        "━━ unit {} · {} · {}\n",
        view.code, view.vignette, view.title
    );
    for stage in &view.stages {
        out.push_str(&format!(
            "\n── stage {}: {}\n{}\n",
            stage.number,
            stage.title,
            stage.text.trim_end()
        ));
        for p in &stage.prompts {
            out.push_str(&format!("\n[{}] {}\n", p.id, p.text));
            let shown = p
                .answer
                .as_ref()
                .map_or("(no answer)".to_string(), |lines| lines.join("\n"));
            for line in shown.lines() {
                out.push_str(&format!("  → {line}\n"));
            }
        }
    }
    Ok(out)
}

/// A criterion with its title, description and every level's descriptor.
pub fn criterion_text(c: &Criterion, language: &str) -> String {
    let mut out = format!(
        "\n◆ {} ({}): {}\n",
        c.id,
        c.dimension,
        localized(&c.title, language)
    );
    if let Some(d) = &c.description {
        out.push_str(&format!("  {}\n", localized(d, language)));
    }
    for l in &c.levels {
        out.push_str(&format!(
            "  {} — {}\n",
            l.level,
            localized(&l.descriptor, language)
        ));
    }
    out
}
