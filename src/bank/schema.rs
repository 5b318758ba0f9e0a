//! The JSON Schemas of the three formats, embedded and compiled once.

use std::sync::OnceLock;

use jsonschema::Validator;
use serde_json::Value;

use super::source::Kind;

const STUDY: &str = include_str!("../../schemas/study.schema.json");
const VIGNETTE: &str = include_str!("../../schemas/vignette.schema.json");
const RUBRIC: &str = include_str!("../../schemas/rubric.schema.json");

/// The schema text of a kind of file, as shipped in `schemas/`.
pub fn text(kind: Kind) -> &'static str {
    match kind {
        Kind::Study => STUDY,
        Kind::Vignette => VIGNETTE,
        Kind::Rubric => RUBRIC,
    }
}

fn validator(kind: Kind) -> &'static Validator {
    static VALIDATORS: OnceLock<[Validator; 3]> = OnceLock::new();
    let validators = VALIDATORS.get_or_init(|| Kind::ALL.map(compile));
    &validators[kind as usize]
}

fn compile(kind: Kind) -> Validator {
    // The schemas are part of the program; tests prove they compile.
    let schema: Value = serde_json::from_str(text(kind)).expect("shipped schema is JSON");
    jsonschema::draft202012::new(&schema).expect("shipped schema compiles")
}

/// A schema violation: where it is and what was expected.
#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    pub pointer: String,
    pub message: String,
}

/// Every schema violation in `instance`, in document order.
pub fn violations(kind: Kind, instance: &Value) -> Vec<Violation> {
    validator(kind)
        .iter_errors(instance)
        .map(|error| Violation {
            pointer: error.instance_path().as_str().to_string(),
            message: message(&error),
        })
        .collect()
}

/// The message with the offending value when it is short, without it otherwise.
fn message(error: &jsonschema::ValidationError<'_>) -> String {
    let full = error.to_string();
    if full.chars().count() <= 160 && !full.contains('\n') {
        full
    } else {
        shorten(&error.masked().to_string())
    }
}

/// Keeps messages to one readable line.
fn shorten(message: &str) -> String {
    const LIMIT: usize = 300;
    match message.char_indices().nth(LIMIT) {
        Some((i, _)) => format!("{}…", &message[..i]),
        None => message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_schemas_compile() {
        for kind in Kind::ALL {
            validator(kind);
        }
    }

    #[test]
    fn names_the_place_and_the_expectation() {
        let study = serde_json::json!({"id": "s", "version": 1});
        let found = violations(Kind::Study, &study);
        assert!(
            found
                .iter()
                .any(|v| v.pointer == "/version" && v.message.contains("string")),
            "{found:?}"
        );
        assert!(
            found
                .iter()
                .any(|v| v.pointer.is_empty() && v.message.contains("title"))
        );
    }
}
