//! Reading JSON text with positions: line and column for malformed input and
//! for any JSON pointer into well-formed input.
//!
//! Not for validation: this module only parses and locates.

use jsonc_parser::ast;

/// A 1-based line and column (columns count characters, not bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl Position {
    /// The position of a byte offset in `text`.
    pub fn of_offset(text: &str, offset: usize) -> Position {
        let before = &text[..floor_char_boundary(text, offset)];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        Position { line, column }
    }
}

fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Why a file's bytes are not a JSON document.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    pub position: Position,
    pub message: String,
}

/// Decodes bytes as UTF-8, naming the line and column of the first bad
/// byte. A byte order mark at the start (Excel and Notepad write one) is
/// not part of the text.
pub fn decode_utf8(bytes: &[u8]) -> Result<&str, SyntaxError> {
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| {
        let valid = &bytes[..e.valid_up_to()];
        // The prefix is valid UTF-8 by construction.
        let prefix = std::str::from_utf8(valid).unwrap_or_default();
        SyntaxError {
            position: Position::of_offset(prefix, prefix.len()),
            message: format!(
                "the file is not valid UTF-8 (bad byte 0x{:02x}); save it as UTF-8",
                bytes[e.valid_up_to()]
            ),
        }
    })
}

/// Parses JSON text strictly: a key given twice in one object is an error
/// (serde_json would keep the last silently); serde_json's recursion limit
/// bounds nesting.
pub fn parse(text: &str) -> Result<serde_json::Value, SyntaxError> {
    serde_json::from_str::<Unique>(text)
        .map(|unique| unique.0)
        .map_err(|e| SyntaxError {
            position: Position {
                line: e.line().max(1),
                column: e.column().max(1),
            },
            message: strip_position(&e.to_string()),
        })
}

/// A JSON value read with every object's keys checked to be unique.
struct Unique(serde_json::Value);

impl<'de> serde::Deserialize<'de> for Unique {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(UniqueVisitor)
    }
}

struct UniqueVisitor;

impl<'de> serde::de::Visitor<'de> for UniqueVisitor {
    type Value = Unique;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Unique, E> {
        Ok(Unique(v.into()))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Unique, E> {
        Ok(Unique(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Unique, E> {
        Ok(Unique(v.into()))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Unique, E> {
        Ok(Unique(v.into()))
    }

    fn visit_str<E>(self, v: &str) -> Result<Unique, E> {
        Ok(Unique(v.into()))
    }

    fn visit_string<E>(self, v: String) -> Result<Unique, E> {
        Ok(Unique(v.into()))
    }

    fn visit_unit<E>(self) -> Result<Unique, E> {
        Ok(Unique(serde_json::Value::Null))
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Unique, A::Error> {
        let mut items = Vec::new();
        while let Some(Unique(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Unique(items.into()))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Unique, A::Error> {
        let mut object = serde_json::Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if object.contains_key(&key) {
                return Err(serde::de::Error::custom(format!(
                    "the key `{key}` is given twice in one object; expected each key once"
                )));
            }
            let Unique(value) = map.next_value()?;
            object.insert(key, value);
        }
        Ok(Unique(object.into()))
    }
}

/// serde_json appends " at line L column C"; the position is shown separately.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// Finds where JSON pointers point in a well-formed document.
pub struct Locator<'a> {
    text: &'a str,
    root: Option<ast::Value<'a>>,
}

impl<'a> Locator<'a> {
    /// Builds a locator for text that `parse` accepted.
    pub fn new(text: &'a str) -> Locator<'a> {
        let root = jsonc_parser::parse_to_ast(text, &Default::default(), &Default::default())
            .ok()
            .and_then(|r| r.value);
        Locator { text, root }
    }

    /// The position of the value at `pointer`, or of its nearest existing parent.
    pub fn position(&self, pointer: &str) -> Option<Position> {
        let mut node = self.root.as_ref()?;
        for token in pointer.split('/').skip(1) {
            let token = token.replace("~1", "/").replace("~0", "~");
            let child = match node {
                ast::Value::Object(object) => object
                    .properties
                    .iter()
                    .find(|p| p.name.as_str() == token)
                    .map(|p| &p.value),
                ast::Value::Array(array) => token
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| array.elements.get(i)),
                _ => None,
            };
            match child {
                Some(child) => node = child,
                None => break,
            }
        }
        Some(Position::of_offset(self.text, start_of(node)))
    }
}

fn start_of(value: &ast::Value<'_>) -> usize {
    match value {
        ast::Value::StringLit(v) => v.range.start,
        ast::Value::NumberLit(v) => v.range.start,
        ast::Value::BooleanLit(v) => v.range.start,
        ast::Value::Object(v) => v.range.start,
        ast::Value::Array(v) => v.range.start,
        ast::Value::NullKeyword(v) => v.range.start,
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_key_given_twice_is_named_with_its_place() {
        let error = parse("{\"s1_do\": \"FIRST\",\n \"s1_do\": \"SECOND\"}").unwrap_err();
        assert_eq!(
            error.message,
            "the key `s1_do` is given twice in one object; expected each key once"
        );
        assert_eq!(error.position.line, 2);
        assert_eq!(parse("[{\"a\": 1}, {\"a\": 2}]").unwrap()[1]["a"], 2);
    }

    #[test]
    fn a_byte_order_mark_is_not_part_of_the_text() {
        let text = decode_utf8("\u{feff}{\"a\": 1}".as_bytes()).unwrap();
        assert_eq!(text, "{\"a\": 1}");
        assert_eq!(parse(text).unwrap()["a"], 1);
    }

    use super::*;

    #[test]
    fn locates_nested_values() {
        let text = "{\n  \"a\": [1,\n    {\"b/c\": \"x\"}]\n}";
        let locator = Locator::new(text);
        assert_eq!(
            locator.position("/a/1/b~1c"),
            Some(Position {
                line: 3,
                column: 13
            })
        );
        assert_eq!(locator.position(""), Some(Position { line: 1, column: 1 }));
        // A missing key points at its parent.
        assert_eq!(
            locator.position("/a/1/zz"),
            Some(Position { line: 3, column: 5 })
        );
    }

    #[test]
    fn reports_malformed_json_with_position() {
        let error = parse("{\n  \"a\": 1,\n  \"b\" 2\n}").unwrap_err();
        assert_eq!(error.position, Position { line: 3, column: 7 });
        assert_eq!(error.message, "expected `:`");
    }

    #[test]
    fn reports_bad_utf8_with_position() {
        let error = decode_utf8(b"{\n  \"\xc3\xa6\xff\"}").unwrap_err();
        assert_eq!(error.position, Position { line: 2, column: 5 });
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = "[".repeat(100_000);
        assert!(parse(&text).is_err());
    }
}
