//! Output formats for a rendered vignette. The rendered texts are data here:
//! the HTML page escapes them, Markdown escapes its own syntax.

use std::sync::OnceLock;

use minijinja::value::Serde;
use minijinja::{Environment, context};

use super::RenderedVignette;
use super::handout::escape_markdown;
use crate::messages;

/// How a rendered vignette is written out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Markdown,
    Html,
    Json,
}

fn page_environment() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
        env.add_filter("md", escape_markdown);
        crate::messages::add_filters(&mut env);
        // Names ending in .html are autoescaped as HTML.
        for (name, source) in [
            ("vignette.txt", include_str!("templates/vignette.txt")),
            ("vignette.md", include_str!("templates/vignette.md")),
            ("vignette.html", include_str!("templates/vignette.html")),
        ] {
            env.add_template(name, source)
                .expect("shipped page template compiles");
        }
        env
    })
}

impl RenderedVignette {
    /// Writes the vignette in `format`.
    pub fn write(&self, format: Format) -> String {
        let name = match format {
            Format::Json => {
                let mut json = serde_json::to_string_pretty(self).unwrap_or_default();
                json.push('\n');
                return json;
            }
            Format::Text => "vignette.txt",
            Format::Markdown => "vignette.md",
            Format::Html => "vignette.html",
        };
        let mut page = page_environment()
            .get_template(name)
            .and_then(|t| {
                let words = messages::of(&self.language).section("vignette");
                t.render(context! { v => Serde(self), t => words })
            })
            // The page templates only read fields this type always has.
            .expect("page template renders a rendered vignette");
        page.push('\n');
        page
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_escapes_its_syntax_and_html() {
        assert_eq!(
            escape_markdown("<b>*6B* & [L]</b>"),
            "\\<b>\\*6B\\* & \\[L\\]\\</b>"
        );
    }
}
