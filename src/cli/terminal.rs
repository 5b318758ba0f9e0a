//! Text for a terminal: its size, wrapping at words, splitting long text
//! into pages, cutting with an ellipsis, and styles (off where NO_COLOR is
//! set).

use std::process::Stdio;

/// The terminal's rows and columns (via `stty`), if it says.
fn size() -> Option<(usize, usize)> {
    let out = std::process::Command::new("stty")
        .arg("size")
        .stdin(Stdio::inherit())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    let size = String::from_utf8(out.stdout).ok()?;
    let mut numbers = size.split_whitespace().map(str::parse::<usize>);
    match (numbers.next(), numbers.next()) {
        (Some(Ok(rows)), Some(Ok(columns))) => Some((rows, columns)),
        _ => None,
    }
}

/// Columns to wrap text at: the terminal's width, within 40..=100.
pub fn width() -> usize {
    size()
        .map_or(80, |(_, columns)| columns)
        .saturating_sub(2)
        .clamp(40, 100)
}

/// Rows a screen may fill: the terminal's height, at least 12 (24 when
/// the terminal does not say).
pub fn height() -> usize {
    size().map_or(24, |(rows, _)| rows).max(12)
}

/// Wraps text at word boundaries, keeping its line breaks.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.lines() {
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            let fits = line.chars().count() + 1 + word.chars().count() <= width;
            if !line.is_empty() && !fits {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        lines.push(line);
    }
    lines
}

/// Wraps every line of `text` at word boundaries within `width`, going on
/// under the line's own indentation (after a leading `→ ` or `— ` too), so
/// that no word is cut at the terminal's edge.
pub fn wrap_indented(text: &str, width: usize) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let body = line.trim_start_matches(' ');
        let indent = line.len() - body.len();
        let marker = ["→ ", "— ", "◆ "]
            .iter()
            .find(|m| body.starts_with(**m))
            .map_or(0, |m| m.chars().count());
        let hang = " ".repeat(indent + marker);
        let wrapped = wrap(body, width.saturating_sub(indent + marker).max(20));
        for (i, part) in wrapped.iter().enumerate() {
            if i == 0 {
                out.push_str(&line[..indent]);
            } else {
                out.push_str(&hang);
            }
            out.push_str(part);
            out.push('\n');
        }
    }
    out
}

/// Splits `count` lines into pages for a screen: every page but the last
/// holds `page` lines (at least one), and the last what is left, at most
/// `last` lines (possibly none), since it shares its screen with more.
/// One page when everything fits in `last`.
pub fn pages(count: usize, page: usize, last: usize) -> Vec<std::ops::Range<usize>> {
    let page = page.max(1);
    let mut pages = Vec::new();
    let mut start = 0;
    while count - start > last {
        let end = (start + page).min(count);
        pages.push(start..end);
        start = end;
    }
    pages.push(start..count);
    pages
}

/// At most `width` characters, ending in `…` when cut.
pub fn truncate(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(width.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

pub fn styled(code: &str, text: &str) -> String {
    if std::env::var_os("NO_COLOR").is_some() {
        text.to_string()
    } else {
        format!("\x1b[{code}m{text}\x1b[0m")
    }
}

pub fn bold(text: &str) -> String {
    styled("1", text)
}

pub fn dim(text: &str) -> String {
    styled("2", text)
}

pub fn green(text: &str) -> String {
    styled("32", text)
}

pub fn red(text: &str) -> String {
    styled("31", text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indented_lines_go_on_under_their_indentation() {
        let text = "title\n  → one two three four five six seven eight nine\n  2 — alpha";
        assert_eq!(
            wrap_indented(text, 24),
            "title\n  → one two three four\n    five six seven eight\n    nine\n  2 — alpha\n"
        );
    }

    #[test]
    fn long_text_is_paged_and_the_last_page_leaves_room() {
        let pages = |count, page, last| -> Vec<(usize, usize)> {
            pages(count, page, last)
                .into_iter()
                .map(|r| (r.start, r.end))
                .collect()
        };
        assert_eq!(pages(5, 10, 8), [(0, 5)]);
        assert_eq!(pages(20, 10, 10), [(0, 10), (10, 20)]);
        assert_eq!(pages(20, 10, 8), [(0, 10), (10, 20), (20, 20)]);
        assert_eq!(pages(20, 10, 4), [(0, 10), (10, 20), (20, 20)]);
        assert_eq!(pages(25, 10, 5), [(0, 10), (10, 20), (20, 25)]);
        assert_eq!(pages(3, 0, 0), [(0, 1), (1, 2), (2, 3), (3, 3)]);
        assert_eq!(pages(0, 10, 0), [(0, 0)]);
    }

    #[test]
    fn wrapping_keeps_words_and_line_breaks() {
        assert_eq!(wrap("aa bb cc\ndd", 5), ["aa bb", "cc", "dd"]);
        assert_eq!(wrap("", 5), Vec::<String>::new());
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("æøå", 3), "æøå");
    }
}
