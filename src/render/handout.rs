//! Printable handouts for a session: each group's vignettes, one page per
//! stage, with answer spaces and the prompt and option ids, and a closing
//! note on how to transcribe the answers for `vignette session import`; and
//! the facilitator's key, the only page that shows each group's factor
//! levels.
//!
//! Not for loading sessions or filling vignette templates: it takes vignettes
//! rendered already, as plain data, and only lays them out (HTML autoescaped,
//! Markdown escaping its own syntax). Nothing here is template source.

use std::sync::OnceLock;

use minijinja::value::Serde;
use minijinja::{Environment, context};
use serde::Serialize;

use super::{RenderError, RenderedPrompt, RenderedVignette};
use crate::messages;

/// Everything a session's handout shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Handout {
    pub session: String,
    pub site: String,
    /// The phase as shown to people (its label in the session's language).
    pub phase: String,
    pub cohort: String,
    /// The session's language; also the language of the handout's own words.
    pub language: String,
    pub groups: Vec<HandoutGroup>,
}

/// One group's pages.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HandoutGroup {
    pub label: String,
    /// The group's join code for `vignette serve`, as shown; empty for none.
    pub join_code: String,
    /// The group's vignettes in planned order, every stage rendered with its levels.
    pub vignettes: Vec<RenderedVignette>,
}

/// How a handout is written out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HandoutFormat {
    /// One self-contained, printable page (A4, a page break before every stage).
    Html,
    /// Markdown, a rule and a heading between pages.
    Markdown,
}

/// One example row of the transcription CSV, fields quoted as CSV needs.
#[derive(Debug, Clone, PartialEq, Serialize)]
struct ExampleRow {
    group: String,
    vignette: String,
    prompt: String,
    kind: &'static str,
    value: String,
}

impl Handout {
    /// Writes the participants' handout in `format`. It does not show which
    /// factor levels a group has: [`Handout::write_key`] does, for the
    /// facilitator.
    pub fn write(&self, format: HandoutFormat) -> Result<String, RenderError> {
        self.write_template(match format {
            HandoutFormat::Html => "handout.html",
            HandoutFormat::Markdown => "handout.md",
        })
    }

    /// Writes the facilitator's key in `format`: every group's cases in
    /// order with their factor levels.
    pub fn write_key(&self, format: HandoutFormat) -> Result<String, RenderError> {
        self.write_template(match format {
            HandoutFormat::Html => "key.html",
            HandoutFormat::Markdown => "key.md",
        })
    }

    fn write_template(&self, name: &str) -> Result<String, RenderError> {
        let words = messages::of(&self.language);
        let examples = examples(self);
        let mut page = environment()
            .get_template(name)
            .and_then(|t| {
                t.render(
                    context! { h => Serde(self), t => words.section("handout"), examples => Serde(&examples) },
                )
            })
            .map_err(|e| RenderError::Template {
                place: format!("the handout of session {}", self.session),
                message: e.to_string(),
            })?;
        page.push('\n');
        Ok(page)
    }
}

fn environment() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
        env.add_filter("md", escape_markdown);
        env.add_filter("answer_lines", answer_lines);
        crate::messages::add_filters(&mut env);
        // Names ending in .html are autoescaped as HTML.
        for (name, source) in [
            ("handout.html", include_str!("templates/handout.html")),
            ("handout.md", include_str!("templates/handout.md")),
            ("key.html", include_str!("templates/key.html")),
            ("key.md", include_str!("templates/key.md")),
        ] {
            env.add_template(name, source)
                .expect("shipped handout template compiles");
        }
        env
    })
}

/// Ruled lines for a free-text answer: more for a larger limit, from 2 to 5
/// (a stage with its story and prompts then takes at most two A4 pages).
fn answer_lines(max_length: u32) -> u32 {
    let lines = (f64::from(max_length) / 60.0).sqrt().round();
    (lines as u32).clamp(2, 5)
}

/// Escapes what Markdown (and the HTML it passes through) would interpret,
/// including what would start a list, heading underline or fence at a line
/// start; leading spaces are dropped (they would make a code block).
pub(crate) fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let rest = line.trim_start_matches(' ');
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        let rest = if rest.starts_with(['-', '+', '=', '~', '>']) {
            out.push('\\');
            rest
        } else if digits > 0 && rest[digits..].starts_with(['.', ')']) {
            out.push_str(&rest[..digits]);
            out.push('\\');
            &rest[digits..]
        } else {
            rest
        };
        escape_inline(rest, &mut out);
    }
    out
}

/// Backslash-escapes (readable as plain text too, unlike `&lt;`) the
/// characters Markdown would read as emphasis, code, links, headings or
/// tables, and `<` and `&` only where they could start raw HTML, an
/// autolink or a character reference ("<3" and "A & B" stay as they are).
fn escape_inline(text: &str, out: &mut String) {
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let next = chars.peek().copied();
        let markup = match c {
            '<' => next.is_some_and(|n| n.is_ascii_alphabetic() || matches!(n, '/' | '!' | '?')),
            '&' => next.is_some_and(|n| n.is_ascii_alphanumeric() || n == '#'),
            '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '|' => true,
            _ => false,
        };
        if markup {
            out.push('\\');
        }
        out.push(c);
    }
}

/// A CSV field, quoted when it holds a comma, a quote or a line break.
fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// One example row per prompt kind, from the first vignette of the first group.
fn examples(handout: &Handout) -> Vec<ExampleRow> {
    let Some((group, vignette)) = handout
        .groups
        .iter()
        .find_map(|g| g.vignettes.first().map(|v| (g, v)))
    else {
        return Vec::new();
    };
    let mut rows: Vec<ExampleRow> = Vec::new();
    for prompt in vignette.stages.iter().flat_map(|s| &s.prompts) {
        if rows.iter().any(|r| r.kind == prompt.kind) {
            continue;
        }
        rows.push(ExampleRow {
            group: csv_field(&group.label),
            vignette: csv_field(&vignette.id),
            prompt: csv_field(&prompt.id),
            kind: prompt.kind,
            value: csv_field(&example_value(prompt, &handout.language)),
        });
    }
    rows
}

/// A plausible answer to `prompt`, as typed into the CSV.
fn example_value(prompt: &RenderedPrompt, language: &str) -> String {
    let ids = |n: usize| {
        let ids: Vec<&str> = prompt
            .options
            .iter()
            .take(n)
            .map(|o| o.id.as_str())
            .collect();
        ids.join(";")
    };
    match prompt.kind {
        "single" => ids(1),
        "multi" => {
            let fewest = prompt.min_choices.unwrap_or(1);
            ids(prompt.max_choices.unwrap_or(2).min(2).max(fewest) as usize)
        }
        "rank" => ids(prompt.options.len()),
        "likert" => {
            let (min, max) = (prompt.min.unwrap_or(1), prompt.max.unwrap_or(5));
            (min + (max - min) / 2).to_string()
        }
        _ => messages::of(language)
            .text("handout.example_answer")
            .to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn longer_limits_get_more_lines_within_bounds() {
        assert_eq!(answer_lines(10), 2);
        assert_eq!(answer_lines(500), 3);
        assert_eq!(answer_lines(1000), 4);
        assert_eq!(answer_lines(3000), 5);
        assert_eq!(answer_lines(u32::MAX), 5);
    }

    #[test]
    fn csv_fields_are_quoted_only_when_needed() {
        assert_eq!(csv_field("G1"), "G1");
        assert_eq!(csv_field("Bord 1, inne"), "\"Bord 1, inne\"");
        assert_eq!(csv_field("sa \"nei\""), "\"sa \"\"nei\"\"\"");
    }

    #[test]
    fn markdown_escapes_its_syntax_and_html() {
        assert_eq!(escape_markdown("<3 & *L*"), "<3 & \\*L\\*");
        assert_eq!(
            escape_markdown("<a href=x>&amp;&#62;</a> <!-- c --> <?x <http://x>"),
            "\\<a href=x>\\&amp;\\&\\#62;\\</a> \\<!-- c --> \\<?x \\<http://x>"
        );
        assert_eq!(escape_markdown("> quote\nA > B"), "\\> quote\nA > B");
    }

    #[test]
    fn markdown_escapes_what_would_start_a_block() {
        assert_eq!(
            escape_markdown("5. trinn\n - ja\n===\n    10) nei, 5. ja"),
            "5\\. trinn\n\\- ja\n\\===\n10\\) nei, 5. ja"
        );
    }
}
