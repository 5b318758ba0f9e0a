//! Checking one answer against the prompt it answers: the right JSON type,
//! options that exist, a ranking that is a permutation, a Likert value on the
//! scale, text within its limit. Answers are untrusted; nothing else here.

use std::fmt;

use serde_json::Value;

use crate::bank::{ChoiceOption, Prompt, PromptKind};
use crate::messages::{self, Messages};

/// What is wrong with an answer: a message of the catalogue's `answer`
/// section and its values, to be said in any language ([`Problem::in_words`]);
/// `Display` says it in English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    key: &'static str,
    values: Vec<(&'static str, String)>,
}

impl Problem {
    pub(crate) fn new(key: &'static str, values: &[(&'static str, &dyn fmt::Display)]) -> Problem {
        Problem {
            key,
            values: values.iter().map(|(n, v)| (*n, v.to_string())).collect(),
        }
    }

    /// The problem in the words of `words`.
    pub fn in_words(&self, words: &Messages) -> String {
        let values: Vec<(&str, &dyn fmt::Display)> = self
            .values
            .iter()
            .map(|(n, v)| (*n, v as &dyn fmt::Display))
            .collect();
        words.fill(&format!("answer.{}", self.key), &values)
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.in_words(messages::of("en")))
    }
}

/// Checks `value` for `prompt`; on success returns the value to store, on
/// failure what was expected.
pub fn check(prompt: &Prompt, value: &Value) -> Result<Value, Problem> {
    match &prompt.kind {
        PromptKind::Text { max_length } => text(value, *max_length),
        PromptKind::Single { options } => single(value, options),
        PromptKind::Multi {
            options,
            min_choices,
            max_choices,
        } => multi(value, options, *min_choices, *max_choices),
        PromptKind::Rank {
            options,
            min_ranked,
        } => rank(value, options, *min_ranked),
        PromptKind::Likert { min, max, .. } => likert(value, *min, *max),
    }
}

fn text(value: &Value, max_length: u32) -> Result<Value, Problem> {
    let Value::String(text) = value else {
        return Err(Problem::new("expected_text", &[("got", &describe(value))]));
    };
    let text = text.replace("\r\n", "\n");
    if text.trim().is_empty() {
        return Err(Problem::new("empty", &[]));
    }
    let length = text.chars().count();
    if length > max_length as usize {
        return Err(Problem::new(
            "too_long",
            &[("length", &length), ("max", &max_length)],
        ));
    }
    if let Some(c) = text
        .chars()
        .find(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        let code = format!("{:04X}", c as u32);
        return Err(Problem::new("control", &[("code", &code)]));
    }
    Ok(Value::String(text))
}

fn option_ids(options: &[ChoiceOption]) -> String {
    options
        .iter()
        .map(|o| o.id.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn option<'a>(value: &'a Value, options: &[ChoiceOption]) -> Result<&'a str, Problem> {
    let Value::String(id) = value else {
        return Err(Problem::new(
            "expected_option",
            &[("got", &describe(value))],
        ));
    };
    if options.iter().any(|o| &o.id == id) {
        Ok(id)
    } else {
        Err(Problem::new(
            "not_an_option",
            &[("id", id), ("options", &option_ids(options))],
        ))
    }
}

fn single(value: &Value, options: &[ChoiceOption]) -> Result<Value, Problem> {
    option(value, options).map(|id| Value::String(id.to_string()))
}

/// Distinct option ids from a JSON array.
fn distinct_options(value: &Value, options: &[ChoiceOption]) -> Result<Vec<String>, Problem> {
    let Value::Array(items) = value else {
        return Err(Problem::new(
            "expected_options",
            &[("got", &describe(value))],
        ));
    };
    let mut chosen: Vec<String> = Vec::with_capacity(items.len());
    for item in items {
        let id = option(item, options)?;
        if chosen.iter().any(|c| c == id) {
            return Err(Problem::new("twice", &[("id", &id)]));
        }
        chosen.push(id.to_string());
    }
    Ok(chosen)
}

fn multi(
    value: &Value,
    options: &[ChoiceOption],
    min: Option<u32>,
    max: Option<u32>,
) -> Result<Value, Problem> {
    let chosen = distinct_options(value, options)?;
    let count = chosen.len() as u32;
    let (min, max) = (min.unwrap_or(0), max.unwrap_or(options.len() as u32));
    if count < min || count > max {
        return Err(Problem::new(
            "count",
            &[("count", &count), ("min", &min), ("max", &max)],
        ));
    }
    Ok(Value::from(chosen))
}

/// A ranking: distinct options, every one of them, or at least
/// `min_ranked` where the prompt allows a partial ranking.
fn rank(
    value: &Value,
    options: &[ChoiceOption],
    min_ranked: Option<u32>,
) -> Result<Value, Problem> {
    let ranked = distinct_options(value, options)?;
    let count = options.len();
    match min_ranked {
        Some(min) if ranked.len() < min as usize => Err(Problem::new(
            "too_few_ranked",
            &[("got", &ranked.len()), ("min", &min), ("count", &count)],
        )),
        Some(_) => Ok(Value::from(ranked)),
        None if ranked.len() < count => {
            let missing: Vec<&str> = options
                .iter()
                .map(|o| o.id.as_str())
                .filter(|id| !ranked.iter().any(|r| r == id))
                .collect();
            Err(Problem::new(
                "missing",
                &[("count", &count), ("missing", &missing.join(", "))],
            ))
        }
        None => Ok(Value::from(ranked)),
    }
}

fn likert(value: &Value, min: i64, max: i64) -> Result<Value, Problem> {
    match value.as_i64() {
        Some(n) if (min..=max).contains(&n) => Ok(Value::from(n)),
        Some(n) => Err(Problem::new(
            "outside",
            &[("n", &n), ("min", &min), ("max", &max)],
        )),
        None => Err(Problem::new(
            "expected_number",
            &[("min", &min), ("max", &max), ("got", &describe(value))],
        )),
    }
}

/// A short description of a JSON value for messages (never the whole value).
fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) if s.chars().count() <= 30 => format!("\"{s}\""),
        Value::String(_) => "a long string".to_string(),
        Value::Array(items) => format!("an array of {}", items.len()),
        Value::Object(_) => "an object".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The check, its problem said in English.
    fn check(prompt: &Prompt, value: &Value) -> Result<Value, String> {
        super::check(prompt, value).map_err(|p| p.to_string())
    }

    fn prompt(kind: Value) -> Prompt {
        let mut p = json!({"id": "p", "text": {"nb": "?"}});
        p.as_object_mut()
            .unwrap()
            .extend(kind.as_object().unwrap().clone());
        serde_json::from_value(p).unwrap()
    }

    fn options() -> Value {
        json!([{"id": "a", "label": {"nb": "A"}}, {"id": "b", "label": {"nb": "B"}}, {"id": "c", "label": {"nb": "C"}}])
    }

    #[test]
    fn text_answers() {
        let p = prompt(json!({"kind": "text", "max_length": 5}));
        assert_eq!(check(&p, &json!("hei\r\nå")), Ok(json!("hei\nå")));
        assert_eq!(
            check(&p, &json!("123456")),
            Err("the text has 6 characters; at most 5 are allowed".into())
        );
        assert_eq!(check(&p, &json!("  ")), Err("the answer is empty".into()));
        assert_eq!(
            check(&p, &json!("a\u{0}b")),
            Err("the text contains the control character U+0000".into())
        );
        assert_eq!(
            check(&p, &json!(3)),
            Err("expected text (a JSON string), got 3".into())
        );
    }

    #[test]
    fn choice_answers() {
        let single_prompt = prompt(json!({"kind": "single", "options": options()}));
        assert_eq!(check(&single_prompt, &json!("b")), Ok(json!("b")));
        assert_eq!(
            check(&single_prompt, &json!("x")),
            Err("`x` is not an option here; the options are: a, b, c".into())
        );
        let multi_prompt = prompt(json!({"kind": "multi", "options": options(), "max_choices": 2}));
        assert_eq!(
            check(&multi_prompt, &json!(["c", "a"])),
            Ok(json!(["c", "a"]))
        );
        assert_eq!(
            check(&multi_prompt, &json!(["a", "b", "c"])),
            Err("3 options chosen; choose from 0 to 2".into())
        );
        assert_eq!(
            check(&multi_prompt, &json!(["a", "a"])),
            Err("`a` is given twice".into())
        );
        assert_eq!(
            check(&multi_prompt, &json!("a")),
            Err("expected an array of option ids, got \"a\"".into())
        );
    }

    #[test]
    fn rank_answers_are_permutations() {
        let p = prompt(json!({"kind": "rank", "options": options()}));
        assert_eq!(
            check(&p, &json!(["c", "a", "b"])),
            Ok(json!(["c", "a", "b"]))
        );
        assert_eq!(
            check(&p, &json!(["c", "a"])),
            Err("a ranking lists every option once (all 3); missing: b".into())
        );
        assert_eq!(
            check(&p, &json!(["c", "a", "a"])),
            Err("`a` is given twice".into())
        );
    }

    #[test]
    fn a_partial_ranking_needs_its_top_options_only_where_allowed() {
        let p = prompt(json!({"kind": "rank", "options": options(), "min_ranked": 2}));
        assert_eq!(check(&p, &json!(["c", "a"])), Ok(json!(["c", "a"])));
        assert_eq!(
            check(&p, &json!(["c", "a", "b"])),
            Ok(json!(["c", "a", "b"]))
        );
        assert_eq!(
            check(&p, &json!(["c"])),
            Err("only 1 ranked; rank at least the top 2 of the 3 options".into())
        );
        assert_eq!(
            check(&p, &json!(["c", "c"])),
            Err("`c` is given twice".into())
        );
    }

    #[test]
    fn problems_are_said_in_the_language_asked_for() {
        let p = prompt(json!({"kind": "text", "max_length": 5}));
        let problem = super::check(&p, &json!("123456")).unwrap_err();
        assert_eq!(
            problem.in_words(messages::of("nn")),
            "teksten har 6 teikn; høgst 5 er tillate"
        );
        assert_eq!(
            problem.in_words(messages::of("nb")),
            "teksten har 6 tegn; høyst 5 er tillatt"
        );
    }

    #[test]
    fn likert_answers() {
        let p = prompt(
            json!({"kind": "likert", "min": 1, "max": 5, "anchors": [{"value": 1, "label": {"nb": "x"}}, {"value": 5, "label": {"nb": "y"}}]}),
        );
        assert_eq!(check(&p, &json!(4)), Ok(json!(4)));
        assert_eq!(
            check(&p, &json!(6)),
            Err("6 is outside the scale 1 to 5".into())
        );
        assert_eq!(
            check(&p, &json!(4.5)),
            Err("expected a whole number from 1 to 5, got 4.5".into())
        );
        assert_eq!(
            check(&p, &json!("4")),
            Err("expected a whole number from 1 to 5, got \"4\"".into())
        );
    }
}
