//! The interface's own words in each language it speaks (`nb`, `nn`, `en`):
//! one catalogue per language, shipped in the binary as JSON (a section per
//! face, a text per key) and read once. Rust code asks for a text with
//! [`Messages::text`] or [`Messages::fill`]; templates get a section as `t`
//! and write `{{ t.key }}`, or `{{ t.key | fill(n=…) }}` for texts with
//! parameters.
//!
//! The catalogues are trusted, shipped text: in HTML templates they may hold
//! markup. Parameters are only ever substituted into them (and HTML-escaped
//! there); no text from a user becomes template source. Not for the bank's
//! texts (cases, rubrics, study labels), which carry their own languages.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use minijinja::value::Kwargs;
use minijinja::{AutoEscape, Environment, Error, ErrorKind, HtmlEscape, State, Value};

/// The languages with a catalogue; the first is the fallback.
pub const LANGUAGES: [&str; 3] = ["en", "nb", "nn"];

/// One language's catalogue: `section.key` → text.
#[derive(Debug)]
pub struct Messages {
    texts: BTreeMap<String, String>,
}

/// The catalogue of `language`, or the English one for a language without one.
pub fn of(language: &str) -> &'static Messages {
    static ALL: OnceLock<[Messages; 3]> = OnceLock::new();
    let all = ALL.get_or_init(|| {
        [
            include_str!("en.json"),
            include_str!("nb.json"),
            include_str!("nn.json"),
        ]
        .map(|json| Messages::parse(json).expect("shipped catalogue is valid"))
    });
    let index = LANGUAGES.iter().position(|l| *l == language).unwrap_or(0);
    &all[index]
}

impl Messages {
    /// Reads a catalogue: an object of sections, each an object of texts.
    fn parse(json: &str) -> Result<Messages, serde_json::Error> {
        let sections: BTreeMap<String, BTreeMap<String, String>> = serde_json::from_str(json)?;
        let texts = sections
            .into_iter()
            .flat_map(|(section, texts)| {
                texts
                    .into_iter()
                    .map(move |(key, text)| (format!("{section}.{key}"), text))
            })
            .collect();
        Ok(Messages { texts })
    }

    /// Every `section.key` of the catalogue, in order.
    #[cfg(test)]
    fn keys(&self) -> impl Iterator<Item = &str> {
        self.texts.keys().map(String::as_str)
    }

    /// The text of `key` (`section.key`); the key itself where it is
    /// missing, which the catalogues' tests rule out for shipped keys.
    pub fn text<'m>(&'m self, key: &'m str) -> &'m str {
        self.texts.get(key).map_or(key, String::as_str)
    }

    /// The text of `key` (`section.key`), if the catalogue has it.
    pub fn lookup(&self, key: &str) -> Option<&str> {
        self.texts.get(key).map(String::as_str)
    }

    /// The text of `key` with each `{name}` replaced by its value.
    pub fn fill(&self, key: &str, values: &[(&str, &dyn std::fmt::Display)]) -> String {
        fill_in(self.text(key), values)
    }

    /// One section as a template value: `{{ t.key }}`. Its texts are marked
    /// safe, since they are the program's own (they may hold HTML markup).
    pub fn section(&self, name: &str) -> Value {
        let prefix = format!("{name}.");
        let texts: BTreeMap<&str, Value> = self
            .texts
            .iter()
            .filter_map(|(key, text)| {
                let key = key.strip_prefix(&prefix)?;
                Some((key, Value::from_safe_string(text.clone())))
            })
            .collect();
        Value::from(texts)
    }
}

/// Adds the `fill` filter to a template environment: `{{ t.key | fill(n=3) }}`
/// replaces `{n}` in the text, HTML-escaping the value in HTML templates.
pub fn add_filters(env: &mut Environment<'_>) {
    env.add_filter("fill", fill_filter);
}

fn fill_filter(state: &State, text: Value, values: Kwargs) -> Result<Value, Error> {
    let html = matches!(state.auto_escape(), AutoEscape::Html);
    let source = text.as_str().unwrap_or_default();
    let mut missing = None;
    let filled = substitute(source, |name| match values.get::<Value>(name) {
        Ok(value) if html && !value.is_safe() => Some(HtmlEscape(&value.to_string()).to_string()),
        Ok(value) => Some(value.to_string()),
        Err(_) => {
            missing.get_or_insert_with(|| name.to_string());
            None
        }
    });
    if let Some(name) = missing {
        return Err(Error::new(
            ErrorKind::MissingArgument,
            format!("no value for {{{name}}}"),
        ));
    }
    values.assert_all_used()?;
    Ok(if html {
        Value::from_safe_string(filled)
    } else {
        Value::from(filled)
    })
}

/// `text` with each `{name}` replaced by its value in `values`.
pub fn fill_in(text: &str, values: &[(&str, &dyn std::fmt::Display)]) -> String {
    substitute(text, |name| {
        values
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.to_string())
    })
}

/// `text` with every `{name}` replaced by `value(name)`; an unknown name stays.
fn substitute(text: &str, mut value: impl FnMut(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let close = after.find('}');
        let name = close.map(|c| &after[..c]);
        match name.filter(|n| is_name(n)).and_then(&mut value) {
            Some(v) => {
                out.push_str(&v);
                rest = &after[close.unwrap_or_default() + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn is_name(text: &str) -> bool {
    !text.is_empty() && text.chars().all(|c| c.is_ascii_lowercase() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn every_language_has_exactly_the_same_keys() {
        let keys = |l: &str| of(l).keys().map(str::to_string).collect::<BTreeSet<_>>();
        let english = keys("en");
        assert!(english.len() > 100, "{} keys", english.len());
        for language in &LANGUAGES[1..] {
            let other = keys(language);
            let missing: Vec<_> = english.difference(&other).collect();
            let extra: Vec<_> = other.difference(&english).collect();
            assert!(missing.is_empty(), "{language} lacks {missing:?}");
            assert!(extra.is_empty(), "{language} alone has {extra:?}");
        }
    }

    #[test]
    fn every_language_names_the_same_parameters_in_a_text() {
        let names = |text: &str| -> BTreeSet<String> {
            text.split('{')
                .skip(1)
                .filter_map(|s| s.split_once('}').map(|(n, _)| n.to_string()))
                .filter(|n| is_name(n))
                .collect()
        };
        for key in of("en").keys() {
            let english = names(of("en").text(key));
            for language in &LANGUAGES[1..] {
                assert_eq!(names(of(language).text(key)), english, "{language} {key}");
            }
        }
    }

    #[test]
    fn no_text_is_empty_or_left_untranslated_by_accident() {
        for language in LANGUAGES {
            for key in of(language).keys() {
                assert!(
                    !of(language).text(key).trim().is_empty(),
                    "{language} {key}"
                );
            }
        }
    }

    #[test]
    fn unknown_languages_fall_back_to_english() {
        assert_eq!(of("sv").text("runner.quit"), of("en").text("runner.quit"));
        assert_eq!(of("en").text("no.such_key"), "no.such_key");
    }

    #[test]
    fn parameters_are_substituted_and_unknown_braces_kept() {
        assert_eq!(
            substitute("{a} of {b} {x y} {", |n| Some(n.to_uppercase())),
            "A of B {x y} {"
        );
        assert_eq!(substitute("{gone}", |_| None), "{gone}");
    }

    #[test]
    fn the_fill_filter_escapes_values_in_html_only() {
        let mut env = Environment::new();
        add_filters(&mut env);
        env.set_auto_escape_callback(|name| {
            if name.ends_with(".html") {
                AutoEscape::Html
            } else {
                AutoEscape::None
            }
        });
        let source = "{{ '<b>{who}</b>' | safe | fill(who=w) }}";
        env.add_template("a.html", source).unwrap();
        env.add_template("a.txt", source).unwrap();
        let ctx = minijinja::context! { w => "<i>&" };
        let html = env.get_template("a.html").unwrap().render(&ctx).unwrap();
        assert_eq!(html, "<b>&lt;i&gt;&amp;</b>", "as the templates escape");
        let text = env.get_template("a.txt").unwrap().render(&ctx).unwrap();
        assert_eq!(text, "<b><i>&</b>");
        let missing = env.render_str("{{ 'x {n}' | fill(m=1) }}", ());
        assert!(missing.is_err());
    }
}
