//! The answer stream: one JSON object per line,
//! `{"group", "vignette", "prompt", "value"}`, each stored as it arrives.

use std::io::{BufRead, Read};

use serde_json::Value;

use super::json::{self, Position};
use super::{Limit, Place, Problem};

/// The longest line a stream may send (1 MiB); longer lines are refused.
pub const STREAM_LINE: Limit = Limit {
    bytes: 1024 * 1024,
    what: "stream lines",
};

/// One answer of a stream.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StreamedAnswer {
    pub group: String,
    pub vignette: String,
    pub prompt: String,
    pub value: Value,
}

/// The answers of a stream, line by line as they arrive; blank lines are
/// skipped, and no line is read past [`STREAM_LINE`].
pub struct Stream<R> {
    reader: R,
    name: String,
    number: usize,
    /// Set after a line over the limit: the stream is not read further.
    stopped: bool,
}

impl<R: BufRead> Stream<R> {
    /// A stream named `name` in messages (e.g. "standard input").
    pub fn new(reader: R, name: &str) -> Stream<R> {
        Stream {
            reader,
            name: name.to_string(),
            number: 0,
            stopped: false,
        }
    }

    /// The next line's bytes, `None` at the end, or why it cannot be read.
    /// A line over the limit ends the stream: it may never end (a device, a
    /// runaway writer), so nothing after it is read.
    fn next_line(&mut self) -> Option<Result<Vec<u8>, Problem>> {
        if self.stopped {
            return None;
        }
        let mut line = Vec::new();
        let limit = STREAM_LINE.bytes;
        self.number += 1;
        let place = Place::line(&self.name, self.number);
        let read = self
            .reader
            .by_ref()
            .take(limit + 1)
            .read_until(b'\n', &mut line);
        match read {
            Err(e) => Some(Err(place.problem(format!("cannot read: {e}")))),
            Ok(0) => None,
            Ok(_) if line.len() as u64 > limit && line.last() != Some(&b'\n') => {
                self.stopped = true;
                Some(Err(place.problem(format!(
                    "the line is longer than {limit} bytes; {} are limited to {limit} bytes, \
                     so the stream is read no further",
                    STREAM_LINE.what
                ))))
            }
            Ok(_) => Some(Ok(line)),
        }
    }
}

impl<R: BufRead> Iterator for Stream<R> {
    type Item = Result<(Place, StreamedAnswer), Problem>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let line = match self.next_line()? {
                Ok(line) => line,
                Err(problem) => return Some(Err(problem)),
            };
            let text = match json::decode_utf8(&line) {
                Ok(text) => text,
                Err(e) => {
                    let column = Position {
                        line: self.number,
                        column: e.position.column,
                    };
                    return Some(Err(Problem::at_position(&self.name, column, e.message)));
                }
            };
            if text.trim().is_empty() {
                continue;
            }
            return Some(parse_line(&self.name, self.number, text));
        }
    }
}

/// Reads line `number` (counted from 1) of the stream `name`, and where it was.
fn parse_line(name: &str, number: usize, line: &str) -> Result<(Place, StreamedAnswer), Problem> {
    let place = Place::line(name, number);
    match serde_json::from_str(line.trim_end()) {
        Ok(answer) => Ok((place, answer)),
        Err(e) => Err(Problem {
            column: Some(e.column()),
            ..place.problem(format!(
                "expected {{\"group\", \"vignette\", \"prompt\", \"value\"}}: {e}"
            ))
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_come_line_by_line_and_bad_lines_name_their_place() {
        let input =
            "{\"group\":\"g1\",\"vignette\":\"V1\",\"prompt\":\"p\",\"value\":\"x\"}\n\n{oops\n";
        let read: Vec<_> = Stream::new(input.as_bytes(), "stdin").collect();
        assert_eq!(read.len(), 2);
        let (place, answer) = read[0].as_ref().unwrap();
        assert_eq!((place.line, answer.group.as_str()), (Some(1), "g1"));
        let problem = read[1].as_ref().unwrap_err();
        assert!(
            problem.to_string().starts_with("stdin:3:2: expected"),
            "{problem}"
        );
    }

    #[test]
    fn an_endless_line_is_refused_without_reading_it_whole() {
        // A line that never ends, like /dev/zero: the stream must stop.
        let endless = std::io::BufReader::new(std::io::repeat(b'x'));
        let mut stream = Stream::new(endless, "stdin");
        let problem = stream.next().unwrap().unwrap_err();
        assert!(problem.message.contains("longer than"), "{problem}");
        assert!(stream.next().is_none());
    }
}
