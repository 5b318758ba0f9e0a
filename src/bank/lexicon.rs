//! Shared phrase lists: a rubric term `@name` stands for the terms of the
//! bank lexicon's entry `name` in the same language, so one fix reaches
//! every rubric. A rubric is scored and pinned with its references
//! written out ([`resolve`]).

use std::collections::BTreeMap;

use serde_json::Value;

use super::Entry;
use super::model::{Lexicon, Terms};

/// The first character of a term that names a lexicon entry.
pub const REFERENCE: char = '@';

/// The entry a term names (`@notify` → `notify`), if it is a reference.
pub fn reference(term: &str) -> Option<&str> {
    term.strip_prefix(REFERENCE)
}

/// Every lexicon entry of the bank by name (the first, where a name repeats).
pub fn entries(lexicons: &[Entry<Lexicon>]) -> BTreeMap<&str, &Terms> {
    let mut all = BTreeMap::new();
    for lexicon in lexicons {
        for (name, terms) in &lexicon.item.entries {
            all.entry(name.as_str()).or_insert(terms);
        }
    }
    all
}

/// A rubric (as JSON) with every reference replaced, in place, by its
/// entry's terms in the list's language; `None` when it names no entry. A
/// reference to an unknown entry (reported by the checks) stands for
/// nothing. Working on the JSON keeps the written-out rubric's text
/// reproducible: pretty JSON with sorted keys.
pub fn resolve(rubric: &Value, entries: &BTreeMap<&str, &Terms>) -> Option<Value> {
    let mut resolved = rubric.clone();
    let mut changed = false;
    for_each_terms(&mut resolved, |terms| {
        let Some(terms) = terms.as_object_mut() else {
            return;
        };
        for (language, list) in terms.iter_mut() {
            let Some(items) = list.as_array() else {
                continue;
            };
            if !items
                .iter()
                .any(|t| t.as_str().and_then(reference).is_some())
            {
                continue;
            }
            changed = true;
            let written_out: Vec<Value> = items
                .iter()
                .flat_map(|term| match term.as_str().and_then(reference) {
                    Some(name) => entries
                        .get(name)
                        .and_then(|entry| entry.get(language))
                        .map(|list| list.iter().map(|t| Value::from(t.as_str())).collect())
                        .unwrap_or_default(),
                    None => vec![term.clone()],
                })
                .collect();
            *list = Value::Array(written_out);
        }
    });
    changed.then_some(resolved)
}

/// Calls `f` on every phrase list of a rubric's JSON: phrases, `with`, `without`,
/// elements, counter-phrases and red flags.
fn for_each_terms(rubric: &mut Value, mut f: impl FnMut(&mut Value)) {
    if let Some(criteria) = rubric.get_mut("criteria").and_then(Value::as_array_mut) {
        for criterion in criteria {
            let Some(evidence) = criterion.get_mut("evidence") else {
                continue;
            };
            if let Some(rules) = evidence.get_mut("phrases").and_then(Value::as_array_mut) {
                for rule in rules {
                    for key in ["terms", "with", "without"] {
                        if let Some(terms) = rule.get_mut(key) {
                            f(terms);
                        }
                    }
                    if let Some(of) = rule
                        .pointer_mut("/elements/of")
                        .and_then(Value::as_array_mut)
                    {
                        of.iter_mut().for_each(&mut f);
                    }
                }
            }
            if let Some(rules) = evidence.get_mut("negative").and_then(Value::as_array_mut) {
                for rule in rules {
                    if let Some(terms) = rule.get_mut("terms") {
                        f(terms);
                    }
                }
            }
        }
    }
    if let Some(flags) = rubric.get_mut("red_flags").and_then(Value::as_array_mut) {
        for flag in flags {
            if let Some(terms) = flag.get_mut("terms") {
                f(terms);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(pairs: &[(&str, &[&str])]) -> Terms {
        pairs
            .iter()
            .map(|(l, t)| (l.to_string(), t.iter().map(|s| s.to_string()).collect()))
            .collect()
    }

    #[test]
    fn a_reference_is_replaced_in_place_by_its_entrys_terms_in_the_same_language() {
        let mut rubric = serde_json::json!({
            "criteria": [{"evidence": {"phrases": [{"level": 2,
                "terms": {"nb": ["rektor", "@notify", "ledelsen"], "nn": ["@notify"]},
                "with": {"en": ["@notify"]}}]}}],
            "red_flags": [{"terms": {"nb": ["@notify"]}}]
        });
        let notify = terms(&[
            ("nb", &["varsle*", "si fra"]),
            ("nn", &["varsle*", "seie frå"]),
            ("en", &["notify"]),
        ]);
        let entries = BTreeMap::from([("notify", &notify)]);
        let resolved = resolve(&rubric, &entries).expect("names an entry");
        let rule = &resolved["criteria"][0]["evidence"]["phrases"][0];
        assert_eq!(
            rule["terms"]["nb"],
            serde_json::json!(["rektor", "varsle*", "si fra", "ledelsen"])
        );
        assert_eq!(
            rule["terms"]["nn"],
            serde_json::json!(["varsle*", "seie frå"])
        );
        assert_eq!(rule["with"]["en"], serde_json::json!(["notify"]));
        assert_eq!(
            resolved["red_flags"][0]["terms"]["nb"],
            serde_json::json!(["varsle*", "si fra"])
        );
        rubric["criteria"][0]["evidence"]["phrases"][0]["terms"] =
            serde_json::json!({"nb": ["rektor"]});
        rubric["criteria"][0]["evidence"]["phrases"][0]
            .as_object_mut()
            .unwrap()
            .remove("with");
        rubric["red_flags"] = serde_json::json!([]);
        assert!(resolve(&rubric, &entries).is_none());
    }
}
