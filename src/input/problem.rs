//! The one shape of a problem in a user's file: the file, the place in it
//! (line and column, or a line alone, and a JSON pointer), what is wrong and
//! what was expected, and optionally a hint on how to fix it.

use std::borrow::Cow;
use std::fmt;

use serde::Serialize;

use super::json::Position;

/// One problem in one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// The file as the user named it, e.g. `answers.csv` or `vignettes/V1.json`.
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    /// JSON pointer to the value concerned; empty for none.
    pub pointer: String,
    /// What is wrong and what was expected.
    pub message: String,
    /// How to fix it (boxed: a problem is small enough to return by value).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<Box<str>>,
}

impl Problem {
    /// A problem with a whole file.
    pub fn in_file(file: &str, message: impl Into<String>) -> Problem {
        Problem {
            file: file.to_string(),
            line: None,
            column: None,
            pointer: String::new(),
            message: message.into(),
            hint: None,
        }
    }

    /// A problem on one line (counted from 1) of a line-based file.
    pub fn on_line(file: &str, line: usize, message: impl Into<String>) -> Problem {
        Problem {
            line: Some(line),
            ..Problem::in_file(file, message)
        }
    }

    /// A problem at a JSON pointer.
    pub fn at_pointer(file: &str, pointer: &str, message: impl Into<String>) -> Problem {
        Problem {
            pointer: pointer.to_string(),
            ..Problem::in_file(file, message)
        }
    }

    /// A problem at a line and column.
    pub fn at_position(file: &str, position: Position, message: impl Into<String>) -> Problem {
        Problem::in_file(file, message).at(position)
    }

    /// A CSV reader's error, on its line where it has one.
    pub fn from_csv(file: &str, error: &csv::Error) -> Problem {
        match error.position() {
            Some(position) => Problem::on_line(file, position.line() as usize, error.to_string()),
            None => Problem::in_file(file, error.to_string()),
        }
    }

    /// The same problem without its hint.
    pub fn without_hint(self) -> Problem {
        Problem { hint: None, ..self }
    }

    /// A CSV header on line 1 that is not `expected`, saying what was found,
    /// with a hint when the fields are separated by `;` (as spreadsheets in
    /// a Norwegian locale save CSV).
    pub fn csv_header(file: &str, expected: &[&str], found: &[&str]) -> Problem {
        let problem = Problem::on_line(
            file,
            1,
            format!(
                "expected the header `{}`, found `{}`",
                expected.join(","),
                found.join(",")
            ),
        );
        if found.len() == 1 && found[0].contains(';') {
            problem.with_hint(
                "the fields are separated by `;`; save the file as CSV with commas \
                 (comma-separated values)",
            )
        } else {
            problem
        }
    }

    /// Sets the line and column.
    pub fn at(mut self, position: Position) -> Problem {
        self.line = Some(position.line);
        self.column = Some(position.column);
        self
    }

    /// Adds a hint on how to fix it.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Problem {
        self.hint = Some(hint.into().into());
        self
    }

    /// The sort key: file, then position, then pointer and message.
    pub fn key(&self) -> (&str, usize, usize, &str, &str) {
        (
            &self.file,
            self.line.unwrap_or(0),
            self.column.unwrap_or(0),
            &self.pointer,
            &self.message,
        )
    }
}

/// `text` with control characters (escape, carriage return, …) and the
/// bidirectional overrides written as escapes (`\u{1b}`), so that printing
/// it cannot move a terminal's cursor, recolour it or reorder its text;
/// line breaks and tabs are kept when `keep_lines`.
pub fn printable(text: &str, keep_lines: bool) -> Cow<'_, str> {
    let hidden = |c: char| {
        (c.is_control() && !(keep_lines && matches!(c, '\n' | '\t')))
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    if !text.contains(hidden) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if hidden(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

impl fmt::Display for Problem {
    /// `FILE:LINE:COLUMN: at POINTER: message`, each place part only where
    /// known, then the hint on a line of its own; control characters in
    /// the file name, pointer and message are escaped ([`printable`]).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&printable(&self.file, false))?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        if !self.pointer.is_empty() {
            write!(f, ": at {}", printable(&self.pointer, false))?;
        }
        write!(f, ": {}", printable(&self.message, true))?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {}", printable(hint, true))?;
        }
        Ok(())
    }
}

/// Where a value was read in a file, kept to name it in a later problem
/// (an answer checked against its prompt once the session is known).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Place {
    pub file: String,
    pub line: Option<usize>,
    pub pointer: String,
}

impl Place {
    /// A line (counted from 1) of a line-based file.
    pub fn line(file: &str, line: usize) -> Place {
        Place {
            file: file.to_string(),
            line: Some(line),
            pointer: String::new(),
        }
    }

    /// A JSON pointer into a file.
    pub fn pointer(file: &str, pointer: &str) -> Place {
        Place {
            file: file.to_string(),
            line: None,
            pointer: pointer.to_string(),
        }
    }

    /// The problem `message` at this place.
    pub fn problem(&self, message: impl Into<String>) -> Problem {
        Problem {
            line: self.line,
            pointer: self.pointer.clone(),
            ..Problem::in_file(&self.file, message)
        }
    }
}

/// Sorts problems by file and position, dropping exact repeats.
pub fn sort(problems: &mut Vec<Problem>) {
    problems.sort_by(|a, b| a.key().cmp(&b.key()));
    problems.dedup();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_place_part_is_shown_only_where_known() {
        let position = Position { line: 3, column: 7 };
        assert_eq!(
            Problem::at_position("a.json", position, "bad").to_string(),
            "a.json:3:7: bad"
        );
        assert_eq!(
            Problem::on_line("a.csv", 4, "bad").to_string(),
            "a.csv:4: bad"
        );
        assert_eq!(
            Problem::at_pointer("a.json", "/answers/x", "bad").to_string(),
            "a.json: at /answers/x: bad"
        );
        assert_eq!(
            Problem::in_file("a.json", "bad")
                .with_hint("fix it")
                .to_string(),
            "a.json: bad\n  hint: fix it"
        );
    }
}
