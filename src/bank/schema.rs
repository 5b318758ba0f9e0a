//! The JSON Schemas of the four formats, embedded and compiled once.

use std::sync::OnceLock;

use jsonschema::Validator;
use serde_json::Value;

use super::source::Kind;

const STUDY: &str = include_str!("../../schemas/study.schema.json");
const VIGNETTE: &str = include_str!("../../schemas/vignette.schema.json");
const LEXICON: &str = include_str!("../../schemas/lexicon.schema.json");
const RUBRIC: &str = include_str!("../../schemas/rubric.schema.json");

/// The schema text of a kind of file, as shipped in `schemas/`.
pub fn text(kind: Kind) -> &'static str {
    match kind {
        Kind::Study => STUDY,
        Kind::Vignette => VIGNETTE,
        Kind::Lexicon => LEXICON,
        Kind::Rubric => RUBRIC,
    }
}

fn validator(kind: Kind) -> &'static Validator {
    static VALIDATORS: OnceLock<[Validator; 4]> = OnceLock::new();
    let validators = VALIDATORS.get_or_init(|| Kind::ALL.map(|k| compile(schema(k))));
    &validators[kind as usize]
}

/// The schema of a kind, parsed once.
fn schema(kind: Kind) -> &'static Value {
    static SCHEMAS: OnceLock<[Value; 4]> = OnceLock::new();
    // The schemas are part of the program; tests prove they parse and compile.
    let schemas = SCHEMAS.get_or_init(|| {
        Kind::ALL.map(|k| serde_json::from_str(text(k)).expect("shipped schema is JSON"))
    });
    &schemas[kind as usize]
}

fn compile(schema: &Value) -> Validator {
    jsonschema::draft202012::new(schema).expect("shipped schema compiles")
}

/// A schema violation: where it is, what was expected, and for a
/// misspelled key the one meant.
#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    pub pointer: String,
    pub message: String,
    /// `did you mean `max_length`?` for a key close to an allowed one.
    pub suggestion: Option<String>,
}

/// Every schema violation in `instance`, in document order.
pub fn violations(kind: Kind, instance: &Value) -> Vec<Violation> {
    validator(kind)
        .iter_errors(instance)
        .map(|error| Violation {
            pointer: error.instance_path().as_str().to_string(),
            message: message(&error),
            suggestion: suggestion(kind, &error),
        })
        .collect()
}

/// For an unexpected key close to one the schema allows there (at most two
/// edits away), `did you mean `KEY`?`.
fn suggestion(kind: Kind, error: &jsonschema::ValidationError<'_>) -> Option<String> {
    let jsonschema::error::ValidationErrorKind::AdditionalProperties { unexpected } = error.kind()
    else {
        return None;
    };
    let keyword = error.schema_path().as_str();
    let parent = keyword.strip_suffix("/additionalProperties")?;
    let allowed = schema(kind)
        .pointer(parent)?
        .get("properties")?
        .as_object()?;
    let mut meant = Vec::new();
    for key in unexpected {
        let closest = allowed
            .keys()
            .map(|a| (strsim::damerau_levenshtein(key, a), a))
            .filter(|&(distance, _)| distance <= 2)
            .min();
        if let Some((_, allowed)) = closest {
            meant.push(format!("`{allowed}` for `{key}`"));
        }
    }
    (!meant.is_empty()).then(|| format!("did you mean {}?", meant.join(", ")))
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
    fn a_misspelled_key_gets_the_one_meant() {
        let mut vignette: Value =
            serde_json::from_str(include_str!("../../vignettes/V1.json")).unwrap();
        vignette["factors"][0]["lable"] = "x".into();
        vignette["stages"][0]["prompts"][0]["max_lenght"] = 5.into();
        vignette["stages"][0]["prompts"][0]["colour"] = 5.into();
        let found = violations(Kind::Vignette, &vignette);
        let hint = |pointer: &str| {
            found
                .iter()
                .find(|v| v.pointer == pointer)
                .and_then(|v| v.suggestion.clone())
        };
        assert_eq!(
            hint("/factors/0").as_deref(),
            Some("did you mean `label` for `lable`?")
        );
        assert_eq!(
            hint("/stages/0/prompts/0").as_deref(),
            Some("did you mean `max_length` for `max_lenght`?"),
            "{found:?}"
        );
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
