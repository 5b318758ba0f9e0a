//! `vignette rate show`: one unit as its raters see it, blind. The same text
//! heads the interactive rating screen.

use std::process::ExitCode;

use vignette::bank::Criterion;
use vignette::bank::localized;
use vignette::input::printable;
use vignette::messages;
use vignette::rating::{self, Unit};
use vignette::session::{self, Session};
use vignette::store::Store;

use crate::cli::Context;
use crate::cli::{DataFormat, Failure, Outcome};

/// Print one unit as raters see it: the case in the session's language with
/// the unit's factor levels, every answer (texts, chosen options, rankings,
/// Likert points with their anchors) and each criterion's levels with their
/// descriptors. No group, site, offering or phase is shown. `--format
/// json` gives the same for raters who work offline.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Session id.
    session: String,
    /// Unit code, e.g. U3f9a0c12de.
    unit: String,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: DataFormat,
}

pub fn run(cx: &Context, args: &Args) -> Outcome {
    let store = cx.store_to_read()?;
    let session = session::load(&store, &args.session)?;
    let units = rating::units(&session, &store)?;
    let unit = rating::find_unit(&units, &args.unit).ok_or_else(|| {
        Failure::usage(format!(
            "session {} has no unit `{}` with answers",
            args.session, args.unit
        ))
    })?;
    let criteria = &rating::rubric(&session, unit).criteria;
    let language = &session.record.language;
    match args.format {
        DataFormat::Text => {
            print!("{}", printable(&unit_text(&store, &session, unit)?, true));
            for criterion in criteria {
                print!("{}", criterion_text(criterion, language));
            }
        }
        DataFormat::Json => {
            let view = rating::blind_unit(&store, &session, unit)?;
            let criteria: Vec<serde_json::Value> = criteria
                .iter()
                .map(|c| criterion_json(c, language))
                .collect();
            let json = serde_json::json!({
                "session": args.session,
                "language": language,
                "unit": view,
                "criteria": criteria,
            });
            println!("{json:#}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A criterion as the rating screen shows it, in `language`.
fn criterion_json(c: &Criterion, language: &str) -> serde_json::Value {
    let levels: Vec<serde_json::Value> = c
        .levels
        .iter()
        .map(|l| serde_json::json!({"level": l.level, "descriptor": localized(&l.descriptor, language)}))
        .collect();
    serde_json::json!({
        "id": c.id,
        "dimension": c.dimension,
        "title": localized(&c.title, language),
        "description": c.description.as_ref().map(|d| localized(d, language)),
        "levels": levels,
    })
}

/// The unit's case and answers, blind: only its code and the vignette.
pub fn unit_text(store: &Store, session: &Session, unit: &Unit<'_>) -> Result<String, Failure> {
    let view = rating::blind_unit(store, session, unit)?;
    let w = messages::of(&session.record.language);
    let mut out = w.fill(
        "rate.unit",
        &[
            ("code", &view.code),
            ("vignette", &view.vignette),
            ("title", &view.title),
        ],
    );
    out.push('\n');
    for stage in &view.stages {
        let heading = w.fill(
            "rate.stage",
            &[("number", &stage.number), ("title", &stage.title)],
        );
        out.push_str(&format!("\n{heading}\n{}\n", stage.text.trim_end()));
        for p in &stage.prompts {
            out.push_str(&format!("\n[{}] {}\n", p.id, p.text));
            let shown = p.answer.as_ref().map_or_else(
                || w.text("rate.no_answer").to_string(),
                |lines| lines.join("\n"),
            );
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
