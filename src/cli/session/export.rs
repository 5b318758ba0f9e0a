//! `vignette session export`: every stored answer, one line each.

use std::process::ExitCode;

use vignette::export::spreadsheet_safe;
use vignette::session::{self, AnswerRow};

use crate::cli::Context;
use crate::cli::Outcome;

/// Export a session's answers, one line per stored answer (every revision;
/// `latest` marks the one that counts), with the session, site, group and
/// instrument hashes an analysis needs.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Session id.
    session: String,
    /// JSON lines (nested values as JSON) or CSV (flat; lists joined by `;`).
    #[arg(long, value_enum, default_value = "jsonl")]
    format: Format,
    /// With --format csv, write what people wrote (group labels, sites,
    /// text answers) exactly as stored, for programs. By default a cell that
    /// begins with =, +, -, @, a tab or a carriage return gets a leading '
    /// so that a spreadsheet does not run it as a formula.
    #[arg(long)]
    raw_cells: bool,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Format {
    Jsonl,
    Csv,
}

pub fn run(cx: &Context, args: &Args) -> Outcome {
    let store = cx.store_to_read()?;
    let loaded = session::load(&store, &args.session)?;
    let rows = session::answer_rows(&loaded, &store.responses(&args.session)?);
    match args.format {
        Format::Jsonl => {
            for row in &rows {
                println!("{}", serde_json::json!(row));
            }
        }
        Format::Csv => {
            let attributes: Vec<&String> = loaded.record.site_attributes.keys().collect();
            print!("{}", csv(&rows, &attributes, !args.raw_cells)?);
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn joined<K: std::fmt::Display, V: std::fmt::Display>(
    map: &std::collections::BTreeMap<K, V>,
    sep: &str,
) -> String {
    map.iter()
        .map(|(k, v)| format!("{k}{sep}{v}"))
        .collect::<Vec<_>>()
        .join(";")
}

fn flat_value(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(items) => {
            items.iter().map(flat_value).collect::<Vec<_>>().join(";")
        }
        other => other.to_string(),
    }
}

/// The rows as CSV; with `guard`, the cells a person wrote (group labels,
/// sites, site attributes, text answers) are made spreadsheet-safe.
fn csv(rows: &[AnswerRow], attributes: &[&String], guard: bool) -> Result<String, csv::Error> {
    let safe = |cell: &str| -> String {
        if guard {
            spreadsheet_safe(cell).into_owned()
        } else {
            cell.to_string()
        }
    };
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = ["session", "group", "site"].map(String::from).to_vec();
    header.extend(attributes.iter().map(|a| format!("site_{a}")));
    header.extend(
        [
            "offering",
            "phase",
            "cohort",
            "roles",
            "vignette",
            "levels",
            "stage",
            "prompt",
            "kind",
            "value",
            "revision",
            "latest",
            "answered_at",
            "source",
            "language",
            "study_hash",
            "vignette_hash",
            "rubric_hash",
        ]
        .map(String::from),
    );
    writer.write_record(&header)?;
    for r in rows {
        let mut record = vec![r.session.clone(), safe(&r.group), safe(&r.site)];
        record.extend(
            attributes
                .iter()
                .map(|a| safe(r.site_attributes.get(*a).map_or("", String::as_str))),
        );
        record.extend([
            r.offering.clone(),
            r.phase.clone(),
            r.cohort.clone(),
            joined(&r.roles, ":"),
            r.vignette.clone(),
            joined(&r.levels, "="),
            r.stage.to_string(),
            r.prompt.clone(),
            r.kind.clone(),
            match r.kind.as_str() {
                "text" => safe(&flat_value(&r.value)),
                _ => flat_value(&r.value),
            },
            r.revision.to_string(),
            r.latest.to_string(),
            r.answered_at.clone(),
            r.source.clone(),
            r.language.clone(),
            r.study_hash.clone(),
            r.vignette_hash.clone(),
            r.rubric_hash.clone(),
        ]);
        writer.write_record(&record)?;
    }
    let bytes = writer.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}
