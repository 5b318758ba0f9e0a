//! The codebook of an export: every column of every table with its type,
//! description and allowed values with their labels in every language of
//! the study, as Markdown for people and JSON for programs.

use serde_json::json;

use super::Provenance;
use super::table::{Column, Table};
use crate::bank::Text;
use crate::bank::localized;
use crate::compare::dataset::StudyData;
use crate::render::escape_markdown;

/// The codebook as JSON.
pub(super) fn json(data: &StudyData, tables: &[Table], provenance: &Provenance) -> String {
    let study = &data.study;
    let value = json!({
        "study": {
            "id": study.id,
            "version": study.version,
            "title": study.title,
            "hashes": provenance.study_hashes,
        },
        "exported_at": provenance.exported_at,
        "languages": study.languages,
        "files": tables.iter().map(|t| json!({
            "file": t.file,
            "description": t.description,
            "rows": t.rows.len(),
            "columns": t.columns,
        })).collect::<Vec<_>>(),
    });
    format!("{value:#}\n")
}

/// The codebook as Markdown: per file a table of columns, then the values of
/// each coded column.
pub(super) fn markdown(data: &StudyData, tables: &[Table], provenance: &Provenance) -> String {
    let study = &data.study;
    let mut out = format!(
        "# Codebook: {}\n\n",
        escape_markdown(&localized(&study.title, "en"))
    );
    for line in provenance.lines() {
        out.push_str(&format!("{}  \n", escape_markdown(&line)));
    }
    out.push_str(
        "\nEvery CSV is UTF-8 with a header row; text is quoted as CSV needs. \
         An empty field is a missing value. A text cell that would begin with =, +, -, @, \
         a tab or a carriage return begins with ' instead, so that a spreadsheet shows it \
         rather than running it as a formula (unless the export was made with that turned off).\n",
    );
    for table in tables {
        out.push_str(&format!(
            "\n## {}\n\n{} {} rows.\n\n| column | type | description |\n| --- | --- | --- |\n",
            escape_markdown(&table.file),
            escape_markdown(&table.description),
            table.rows.len()
        ));
        for column in &table.columns {
            out.push_str(&format!(
                "| {} | {} | {} |\n",
                escape_markdown(&column.name),
                column.kind.name(),
                escape_markdown(&column.description)
            ));
        }
        for column in table.columns.iter().filter(|c| c.values.is_some()) {
            out.push_str(&values(column, &study.languages));
        }
    }
    out
}

/// A coded column's values: `value`: label in each language; rubric wordings.
fn values(column: &Column, languages: &[String]) -> String {
    let mut out = format!("\n### {}\n\n", escape_markdown(&column.name));
    for value in column.values.iter().flatten() {
        out.push_str(&format!(
            "- {}: {}\n",
            escape_markdown(&value.value),
            in_languages(&value.label, languages)
        ));
        for (rubric, title) in &value.by_rubric {
            out.push_str(&format!(
                "  - in {}: {}\n",
                escape_markdown(rubric),
                in_languages(title, languages)
            ));
        }
    }
    out
}

/// A text in each of the languages it has, escaped, joined by ` · `.
fn in_languages(text: &Text, languages: &[String]) -> String {
    languages
        .iter()
        .filter_map(|l| text.get(l))
        .map(|t| escape_markdown(t))
        .collect::<Vec<_>>()
        .join(" · ")
}
