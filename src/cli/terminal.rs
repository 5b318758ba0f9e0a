//! Text for a terminal: its width, wrapping at words, cutting with an
//! ellipsis, and styles (off where NO_COLOR is set).

use std::process::Stdio;

/// Columns to wrap text at: the terminal's width (via `stty`), within 40..=100.
pub fn width() -> usize {
    let columns = std::process::Command::new("stty")
        .arg("size")
        .stdin(Stdio::inherit())
        .stderr(Stdio::null())
        .output()
        .ok()
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .and_then(|size| size.split_whitespace().nth(1)?.parse::<usize>().ok());
    columns.unwrap_or(80).saturating_sub(2).clamp(40, 100)
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
    fn wrapping_keeps_words_and_line_breaks() {
        assert_eq!(wrap("aa bb cc\ndd", 5), ["aa bb", "cc", "dd"]);
        assert_eq!(wrap("", 5), Vec::<String>::new());
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("æøå", 3), "æøå");
    }
}
