//! Checking one answer against the prompt it answers: the right JSON type,
//! options that exist, a ranking that is a permutation, a Likert value on the
//! scale, text within its limit. Answers are untrusted; nothing else here.

use serde_json::Value;

use crate::bank::{ChoiceOption, Prompt, PromptKind};

/// Checks `value` for `prompt`; on success returns the value to store, on
/// failure what was expected.
pub fn check(prompt: &Prompt, value: &Value) -> Result<Value, String> {
    match &prompt.kind {
        PromptKind::Text { max_length } => text(value, *max_length),
        PromptKind::Single { options } => single(value, options),
        PromptKind::Multi {
            options,
            min_choices,
            max_choices,
        } => multi(value, options, *min_choices, *max_choices),
        PromptKind::Rank { options } => rank(value, options),
        PromptKind::Likert { min, max, .. } => likert(value, *min, *max),
    }
}

fn text(value: &Value, max_length: u32) -> Result<Value, String> {
    let Value::String(text) = value else {
        return Err(format!(
            "expected text (a JSON string), got {}",
            describe(value)
        ));
    };
    let text = text.replace("\r\n", "\n");
    if text.trim().is_empty() {
        return Err("the answer is empty".to_string());
    }
    let length = text.chars().count();
    if length > max_length as usize {
        return Err(format!(
            "the text has {length} characters; at most {max_length} are allowed"
        ));
    }
    if let Some(c) = text
        .chars()
        .find(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(format!(
            "the text contains the control character U+{:04X}",
            c as u32
        ));
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

fn option<'a>(value: &'a Value, options: &[ChoiceOption]) -> Result<&'a str, String> {
    let Value::String(id) = value else {
        return Err(format!(
            "expected an option id (a JSON string), got {}",
            describe(value)
        ));
    };
    if options.iter().any(|o| &o.id == id) {
        Ok(id)
    } else {
        Err(format!(
            "`{id}` is not an option here; the options are: {}",
            option_ids(options)
        ))
    }
}

fn single(value: &Value, options: &[ChoiceOption]) -> Result<Value, String> {
    option(value, options).map(|id| Value::String(id.to_string()))
}

/// Distinct option ids from a JSON array.
fn distinct_options(value: &Value, options: &[ChoiceOption]) -> Result<Vec<String>, String> {
    let Value::Array(items) = value else {
        return Err(format!(
            "expected an array of option ids, got {}",
            describe(value)
        ));
    };
    let mut chosen: Vec<String> = Vec::with_capacity(items.len());
    for item in items {
        let id = option(item, options)?;
        if chosen.iter().any(|c| c == id) {
            return Err(format!("`{id}` is given twice"));
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
) -> Result<Value, String> {
    let chosen = distinct_options(value, options)?;
    let count = chosen.len() as u32;
    let (min, max) = (min.unwrap_or(0), max.unwrap_or(options.len() as u32));
    if count < min || count > max {
        return Err(format!(
            "{count} options chosen; choose from {min} to {max}"
        ));
    }
    Ok(Value::from(chosen))
}

fn rank(value: &Value, options: &[ChoiceOption]) -> Result<Value, String> {
    let ranked = distinct_options(value, options)?;
    let missing: Vec<&str> = options
        .iter()
        .map(|o| o.id.as_str())
        .filter(|id| !ranked.iter().any(|r| r == id))
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "a ranking lists every option once; missing: {}",
            missing.join(", ")
        ));
    }
    Ok(Value::from(ranked))
}

fn likert(value: &Value, min: i64, max: i64) -> Result<Value, String> {
    match value.as_i64() {
        Some(n) if (min..=max).contains(&n) => Ok(Value::from(n)),
        Some(n) => Err(format!("{n} is outside the scale {min} to {max}")),
        None => Err(format!(
            "expected a whole number from {min} to {max}, got {}",
            describe(value)
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
            Err("a ranking lists every option once; missing: b".into())
        );
        assert_eq!(
            check(&p, &json!(["c", "a", "a"])),
            Err("`a` is given twice".into())
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
