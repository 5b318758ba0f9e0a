//! Reading answers from files: one group's answers to one vignette as JSON,
//! or many rows transcribed from paper as CSV. Both are untrusted input.

use serde_json::Value;

use crate::input::json;

use super::{Place, Problem, csv_rows};

/// One group's answers to one vignette: `{"group", "vignette", "answers": {prompt: value}}`.
#[derive(Debug, Clone, PartialEq)]
pub struct AnswerFile {
    pub group: String,
    pub vignette: String,
    /// (place for messages, prompt id, value), in file order.
    pub answers: Vec<(Place, String, Value)>,
}

fn problem(problem: Problem) -> Vec<Problem> {
    vec![problem]
}

/// Parses an answer file; `name` is used in messages.
pub fn parse_answer_file(name: &str, bytes: &[u8]) -> Result<AnswerFile, Vec<Problem>> {
    let at = |e: json::SyntaxError| problem(Problem::at_position(name, e.position, e.message));
    let text = json::decode_utf8(bytes).map_err(at)?;
    let value = json::parse(text).map_err(at)?;
    let Value::Object(mut object) = value else {
        return Err(problem(Problem::in_file(
            name,
            "expected an object {\"group\": …, \"vignette\": …, \"answers\": {…}}",
        )));
    };
    let mut field = |key: &str| match object.remove(key) {
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(problem(Problem::at_pointer(
            name,
            &format!("/{key}"),
            "expected a string",
        ))),
        None => Err(problem(Problem::in_file(
            name,
            format!("missing \"{key}\""),
        ))),
    };
    let group = field("group")?;
    let vignette = field("vignette")?;
    let answers = match object.remove("answers") {
        Some(Value::Object(answers)) if !answers.is_empty() => answers,
        Some(Value::Object(_)) => {
            return Err(problem(Problem::at_pointer(
                name,
                "/answers",
                "no answers given",
            )));
        }
        Some(_) => {
            return Err(problem(Problem::at_pointer(
                name,
                "/answers",
                "expected an object {\"PROMPT_ID\": VALUE, …}",
            )));
        }
        None => return Err(problem(Problem::in_file(name, "missing \"answers\""))),
    };
    if let Some(key) = object.keys().next() {
        return Err(problem(Problem::at_pointer(
            name,
            &format!("/{key}"),
            "unexpected key; an answer file has group, vignette and answers",
        )));
    }
    Ok(AnswerFile {
        group,
        vignette,
        answers: answers
            .into_iter()
            .map(|(prompt, value)| {
                let place = Place::pointer(name, &format!("/answers/{prompt}"));
                (place, prompt, value)
            })
            .collect(),
    })
}

/// One CSV row: (place, group, vignette, prompt, raw value).
pub type ImportRow = (Place, String, String, String, String);

/// The header of a paper transcription CSV.
pub const TRANSCRIPTION_HEADER: [&str; 4] = ["group", "vignette", "prompt", "value"];

/// Parses a paper transcription CSV with columns `group,vignette,prompt,value`.
/// A row whose value is blank was not answered (as `session template`
/// leaves it) and is skipped.
///
/// Values stay text here; `value_for` turns them into JSON once the prompt kind is known.
pub fn parse_import_csv(name: &str, bytes: &[u8]) -> Result<Vec<ImportRow>, Vec<Problem>> {
    let (records, mut problems) =
        csv_rows::read(name, bytes, &TRANSCRIPTION_HEADER, csv::Trim::Headers)?;
    let mut rows = Vec::new();
    let mut seen = std::collections::BTreeMap::new();
    let mut blank = 0;
    for (line, record) in records {
        let place = Place::line(name, line);
        let field = |i: usize| record.get(i).unwrap_or_default().trim().to_string();
        let (group, vignette, prompt) = (field(0), field(1), field(2));
        let value = record.get(3).unwrap_or_default().to_string();
        if value.trim().is_empty() {
            blank += 1;
            continue;
        }
        if let Some(first) = seen.insert((group.clone(), vignette.clone(), prompt.clone()), line) {
            problems.push(place.problem(format!(
                "group `{group}`, vignette `{vignette}`, prompt `{prompt}` is already answered on line {first}"
            )));
        }
        rows.push((place, group, vignette, prompt, value));
    }
    if rows.is_empty() && problems.is_empty() {
        problems.push(Problem::in_file(
            name,
            if blank > 0 {
                "every row's value is blank: no answer to store"
            } else {
                "no rows after the header"
            },
        ));
    }
    if problems.is_empty() {
        Ok(rows)
    } else {
        Err(problems)
    }
}

/// The JSON value of a CSV cell for a prompt kind: option ids separated by `;`
/// for multi and rank (or a JSON array), a whole number for Likert, text otherwise.
pub fn value_for(kind: &str, raw: &str) -> Value {
    match kind {
        "multi" | "rank" => match serde_json::from_str::<Value>(raw) {
            Ok(array @ Value::Array(_)) => array,
            _ => Value::from(
                raw.split(';')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>(),
            ),
        },
        "likert" => raw
            .trim()
            .parse::<i64>()
            .map_or_else(|_| Value::String(raw.to_string()), Value::from),
        "single" => Value::String(raw.trim().to_string()),
        _ => Value::String(raw.to_string()),
    }
}
