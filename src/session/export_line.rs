//! A fast reader for the lines of a session export, for scoring: the fields
//! scoring needs, the others skipped with a byte scan instead of serde_json.
//!
//! It reads only plain lines, and reads them exactly as serde_json does:
//! every line it accepts is one serde_json accepts with the same fields and
//! values (tests check this on generated lines and on mutations of them).
//! Anything unusual (an escape other than the short ones, `\u`, a negative
//! or fractional number, an object as the value, a repeated field, deep
//! nesting, any syntax error) makes it give up with `None`; the caller then
//! reads the line with serde_json, which gives the same result, or the
//! error with its message.

use std::borrow::Cow;

use serde_json::Value;

/// One line of a session export, as far as scoring needs it; ids borrow
/// from the file unless they contain escapes.
#[derive(Debug, PartialEq, serde::Deserialize)]
pub(super) struct ExportLine<'a> {
    #[serde(borrow)]
    pub session: Cow<'a, str>,
    #[serde(borrow)]
    pub group: Cow<'a, str>,
    #[serde(borrow)]
    pub vignette: Cow<'a, str>,
    #[serde(borrow)]
    pub prompt: Cow<'a, str>,
    pub value: Value,
    pub revision: u32,
    #[serde(borrow)]
    pub language: Cow<'a, str>,
}

impl<'a> ExportLine<'a> {
    /// Reads a line: the fast way when it can, else with serde_json.
    pub fn read(line: &'a str) -> Result<ExportLine<'a>, serde_json::Error> {
        match read_plain(line) {
            Some(read) => Ok(read),
            None => serde_json::from_str(line),
        }
    }
}

/// Nesting deeper than this is left to serde_json.
const MAX_DEPTH: u32 = 16;

/// The line if it is a plain export line, `None` when unsure.
pub(super) fn read_plain(line: &str) -> Option<ExportLine<'_>> {
    let mut c = Cursor { line, at: 0 };
    let (mut session, mut group, mut vignette, mut prompt) = (None, None, None, None);
    let (mut value, mut revision, mut language) = (None, None, None);
    c.space();
    c.expect(b'{')?;
    loop {
        c.space();
        c.expect(b'"')?;
        let key = c.plain_string()?;
        c.space();
        c.expect(b':')?;
        c.space();
        match key {
            "session" => once(&mut session, c.id())?,
            "group" => once(&mut group, c.id())?,
            "vignette" => once(&mut vignette, c.id())?,
            "prompt" => once(&mut prompt, c.id())?,
            "language" => once(&mut language, c.id())?,
            "revision" => once(&mut revision, c.revision())?,
            "value" => once(&mut value, c.value(0))?,
            _ => c.skip(0)?,
        }
        c.space();
        match c.next()? {
            b',' => {}
            b'}' => break,
            _ => return None,
        }
    }
    c.space();
    if c.at != line.len() {
        return None;
    }
    Some(ExportLine {
        session: Cow::Borrowed(session?),
        group: Cow::Borrowed(group?),
        vignette: Cow::Borrowed(vignette?),
        prompt: Cow::Borrowed(prompt?),
        value: value?,
        revision: revision?,
        language: Cow::Borrowed(language?),
    })
}

/// Fills a field the line must not have had yet.
fn once<T>(slot: &mut Option<T>, read: Option<T>) -> Option<()> {
    match slot {
        Some(_) => None,
        None => {
            *slot = Some(read?);
            Some(())
        }
    }
}

/// A position in a line.
struct Cursor<'a> {
    line: &'a str,
    at: usize,
}

impl<'a> Cursor<'a> {
    fn peek(&self) -> Option<u8> {
        self.line.as_bytes().get(self.at).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.at += 1;
        Some(b)
    }

    fn expect(&mut self, byte: u8) -> Option<()> {
        (self.next()? == byte).then_some(())
    }

    /// Skips JSON whitespace.
    fn space(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.at += 1;
        }
    }

    /// The rest of a string without escapes, after its opening quote.
    fn plain_string(&mut self) -> Option<&'a str> {
        let end = string_stop(self.line.as_bytes(), self.at);
        if self.line.as_bytes().get(end) != Some(&b'"') {
            return None;
        }
        let text = self.line.get(self.at..end)?;
        self.at = end + 1;
        Some(text)
    }

    /// A string without escapes.
    fn id(&mut self) -> Option<&'a str> {
        self.expect(b'"')?;
        self.plain_string()
    }

    /// The rest of a string after its opening quote, with short escapes
    /// (`\"`, `\\`, `\/`, `\b`, `\f`, `\n`, `\r`, `\t`) decoded.
    fn string(&mut self) -> Option<String> {
        let bytes = self.line.as_bytes();
        let mut text = String::new();
        loop {
            let stop = string_stop(bytes, self.at);
            text.push_str(self.line.get(self.at..stop)?);
            self.at = stop + 1;
            match *bytes.get(stop)? {
                b'"' => return Some(text),
                b'\\' => {
                    text.push(match self.next()? {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        _ => return None,
                    });
                }
                _ => return None,
            }
        }
    }

    /// Skips the rest of a string after its opening quote (short escapes only).
    fn skip_string(&mut self) -> Option<()> {
        let bytes = self.line.as_bytes();
        loop {
            let stop = string_stop(bytes, self.at);
            self.at = stop + 1;
            match *bytes.get(stop)? {
                b'"' => return Some(()),
                b'\\' => match self.next()? {
                    b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => {}
                    _ => return None,
                },
                _ => return None,
            }
        }
    }

    /// A whole number of at most 18 digits without a sign, fraction,
    /// exponent or leading zero.
    fn whole(&mut self) -> Option<u64> {
        let bytes = self.line.as_bytes();
        let start = self.at;
        let mut n: u64 = 0;
        while let Some(&d @ b'0'..=b'9') = bytes.get(self.at) {
            n = n * 10 + u64::from(d - b'0');
            self.at += 1;
            if self.at - start > 18 {
                return None;
            }
        }
        let digits = self.at - start;
        let leading_zero = digits > 1 && bytes[start] == b'0';
        let more = matches!(self.peek(), Some(b'.' | b'e' | b'E'));
        (digits > 0 && !leading_zero && !more).then_some(n)
    }

    fn revision(&mut self) -> Option<u32> {
        u32::try_from(self.whole()?).ok()
    }

    fn literal(&mut self, word: &str) -> Option<()> {
        let rest = self.line.get(self.at..)?;
        rest.starts_with(word).then(|| self.at += word.len())
    }

    /// A value: strings, whole numbers, `true`, `false`, `null` and arrays of them.
    fn value(&mut self, depth: u32) -> Option<Value> {
        Some(match self.peek()? {
            b'"' => {
                self.at += 1;
                Value::String(self.string()?)
            }
            b'0'..=b'9' => Value::from(self.whole()?),
            b't' => self.literal("true").map(|()| Value::Bool(true))?,
            b'f' => self.literal("false").map(|()| Value::Bool(false))?,
            b'n' => self.literal("null").map(|()| Value::Null)?,
            b'[' if depth < MAX_DEPTH => {
                self.at += 1;
                let mut items = Vec::new();
                self.space();
                if self.peek() == Some(b']') {
                    self.at += 1;
                    return Some(Value::Array(items));
                }
                loop {
                    self.space();
                    items.push(self.value(depth + 1)?);
                    self.space();
                    match self.next()? {
                        b',' => {}
                        b']' => return Some(Value::Array(items)),
                        _ => return None,
                    }
                }
            }
            _ => return None,
        })
    }

    /// Skips a value: what [`Cursor::value`] reads, negative numbers and objects.
    fn skip(&mut self, depth: u32) -> Option<()> {
        match self.peek()? {
            b'"' => {
                self.at += 1;
                self.skip_string()
            }
            b'-' => {
                self.at += 1;
                self.whole().map(drop)
            }
            b'0'..=b'9' => self.whole().map(drop),
            b't' => self.literal("true"),
            b'f' => self.literal("false"),
            b'n' => self.literal("null"),
            open @ (b'[' | b'{') if depth < MAX_DEPTH => {
                let close = if open == b'[' { b']' } else { b'}' };
                self.at += 1;
                self.space();
                if self.peek() == Some(close) {
                    self.at += 1;
                    return Some(());
                }
                loop {
                    self.space();
                    if open == b'{' {
                        self.expect(b'"')?;
                        self.skip_string()?;
                        self.space();
                        self.expect(b':')?;
                        self.space();
                    }
                    self.skip(depth + 1)?;
                    self.space();
                    match self.next()? {
                        b',' => {}
                        b if b == close => return Some(()),
                        _ => return None,
                    }
                }
            }
            _ => None,
        }
    }
}

/// The index of the first byte at or after `from` that ends a run of plain
/// string bytes: a quote, a backslash or a control character (below 0x20),
/// or `bytes.len()`. Eight bytes at a time.
fn string_stop(bytes: &[u8], from: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    // Bytes below `n` are flagged in their high bit; the lowest flag is
    // exact (a borrow only flags bytes above a flagged one).
    let below = |w: u64, n: u8| w.wrapping_sub(ONES * u64::from(n)) & !w & HIGHS;
    let mut at = from;
    while let Some(eight) = bytes.get(at..at + 8) {
        let w = u64::from_le_bytes(eight.try_into().unwrap_or_default());
        let stops = below(w ^ (ONES * u64::from(b'"')), 1)
            | below(w ^ (ONES * u64::from(b'\\')), 1)
            | below(w, 0x20);
        if stops != 0 {
            return at + (stops.trailing_zeros() / 8) as usize;
        }
        at += 8;
    }
    let tail = bytes.get(at..).unwrap_or_default();
    at + tail
        .iter()
        .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
        .unwrap_or(tail.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const LINE: &str = r#"{"answered_at":"2026-10-02T10:10:00Z","cohort":"2026","group":"G1","kind":"text","language":"nb","latest":true,"levels":{"duration":"months","noticer_role":"assistant"},"offering":"samlingsbasert","phase":"baseline","prompt":"s1_do","revision":1,"roles":{"assistant":1,"teacher":3},"rubric_hash":"8338","session":"site-00001-baseline","site":"Kommune 1","site_attributes":{"centrality":"urban","sector":"school"},"source":"runner","stage":1,"study_hash":"0000","value":"Kontaktlærer og rektor: \"spre\" oss\nsamme dag","vignette":"V1","vignette_hash":"a57f"}"#;

    /// The fast reader either agrees with serde_json or gives up.
    fn agrees(line: &str) -> Result<(), TestCaseError> {
        let serde: Result<ExportLine<'_>, _> = serde_json::from_str(line);
        if let Some(fast) = read_plain(line) {
            prop_assert_eq!(Some(&fast), serde.as_ref().ok(), "{}", line);
            // Borrowed exactly where serde_json borrows.
            let serde = serde.unwrap();
            for (a, b) in [
                (&fast.session, &serde.session),
                (&fast.group, &serde.group),
                (&fast.language, &serde.language),
            ] {
                prop_assert_eq!(matches!(a, Cow::Borrowed(_)), matches!(b, Cow::Borrowed(_)));
            }
        }
        Ok(())
    }

    #[test]
    fn plain_lines_are_read_fast_and_as_serde_json_reads_them() {
        let read = read_plain(LINE).unwrap();
        assert_eq!(read, serde_json::from_str(LINE).unwrap());
        assert_eq!(
            read.value,
            "Kontaktlærer og rektor: \"spre\" oss\nsamme dag"
        );
        for value in [
            r#"["a","b"]"#,
            "[]",
            "[ ]",
            "4",
            "0",
            "null",
            "true",
            "false",
            r#"[["x"], [1, 2]]"#,
            r#""\\\/\b\f\r\t""#,
            r#""""#,
        ] {
            let line = LINE.replace(
                r#""value":"Kontakt"#,
                &format!(r#""value":{value},"x":"Kontakt"#),
            );
            assert!(read_plain(&line).is_some(), "{line}");
            agrees(&line).unwrap();
        }
        let spaced = " { \"session\" : \"s\" , \"group\":\"G\",\"vignette\":\"V2\",\"prompt\":\"p\",\
                      \"value\" :\t[ 1 , \"a\" ] ,\"revision\":4294967295,\"language\":\"nb\" }\r ";
        assert!(read_plain(spaced).is_some());
        agrees(spaced).unwrap();
    }

    #[test]
    fn unusual_lines_are_left_to_serde_json() {
        for (from, to) in [
            (r#""revision":1"#, r#""revision":1.0"#),
            (r#""revision":1"#, r#""revision":01"#),
            (r#""revision":1"#, r#""revision":-1"#),
            (r#""revision":1"#, r#""revision":4294967296"#),
            (r#""revision":1"#, r#""revision":"1""#),
            (r#""stage":1"#, r#""stage":1e3"#),
            (r#""stage":1"#, r#""stage":-0.5"#),
            (r#""group":"G1""#, r#""group":"G\u0031""#),
            (r#""group":"G1""#, r#""group":"G\/1""#),
            (r#""group":"G1""#, r#""gr\u006fup":"G1""#),
            (r#""group":"G1""#, r#""group":"G1","group":"G2""#),
            (r#""group":"G1""#, r#""group":"G1\u0001""#),
            (r#""group":"G1""#, "\"group\":\"G1\u{1}\""),
            (r#""group":"G1","#, ""),
            (r#""kind":"text""#, r#""kind":"te\qxt""#),
            (r#""kind":"text""#, r#""kind":"te\u00e5xt""#),
            (r#""kind":"text""#, r#""kind":[1,]"#),
            (r#""kind":"text""#, r#""kind":{"a":1,}"#),
            (
                r#""kind":"text""#,
                format!(r#""kind":{}1{}"#, "[".repeat(40), "]".repeat(40)).as_str(),
            ),
            (r#""value":"K"#, r#""value":{"a":"b"},"x":"K"#),
            (r#""value":"K"#, r#""value":-3,"x":"K"#),
            (r#""value":"K"#, r#""value":2.5,"x":"K"#),
            (r#""value":"K"#, r#""value":[1,],"x":"K"#),
            (r#""value":"K"#, r#""value":tru,"x":"K"#),
        ] {
            let line = LINE.replacen(from, to, 1);
            assert_ne!(line, LINE, "{from}");
            assert!(read_plain(&line).is_none(), "{line}");
        }
        let unfinished = &LINE[..LINE.len() - 1];
        let (comma, more) = (format!("{LINE},"), format!("{LINE} x"));
        for line in [comma.as_str(), more.as_str(), unfinished, "", " ", "[]"] {
            assert!(read_plain(line).is_none(), "{line}");
        }
        // Some of those serde_json reads all the same: it then reads them.
        let escaped = LINE.replacen(r#""group":"G1""#, r#""group":"G\u0031""#, 1);
        let read = ExportLine::read(&escaped).unwrap();
        assert_eq!(read.group, "G1");
        assert!(matches!(read.group, Cow::Owned(_)));
    }

    #[test]
    fn strings_stop_at_quotes_backslashes_and_control_characters() {
        for text in [
            "",
            "a",
            "abcdefgh",
            "abcdefghijklmnop",
            "æøå€ and more text here",
        ] {
            for stop in ["\"", "\\", "\n", "\u{1}", "\u{1f}"] {
                for pad in 0..10 {
                    let s = format!("{}{text}{stop}rest \" more", "x".repeat(pad));
                    assert_eq!(string_stop(s.as_bytes(), 0), pad + text.len(), "{s:?}");
                }
            }
            // No stop: the end.
            assert_eq!(string_stop(text.as_bytes(), 0), text.len());
        }
        // Bytes just above the limits are plain.
        assert_eq!(string_stop(b" !#[]\x7f\xff\x80abc", 0), 11);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]

        #[test]
        fn a_mutated_line_is_read_as_serde_json_reads_it_or_left_to_it(
            edits in prop::collection::vec((any::<prop::sample::Index>(), 0..4u8, prop::sample::select(
                vec!["\"", "\\", ",", ":", "{", "}", "[", "]", " ", "\t", "\u{1}", "0", "1", "-", ".",
                     "e", "u", "n", "t", "x", "é", "\\u0041", "null", "true", "\"value\":", "\"group\":"]
            )), 1..4),
        ) {
            let mut line = LINE.to_string();
            for (at, op, text) in edits {
                let boundaries: Vec<usize> =
                    (0..=line.len()).filter(|&i| line.is_char_boundary(i)).collect();
                let i = boundaries[at.index(boundaries.len())];
                let next = boundaries.iter().copied().find(|&j| j > i).unwrap_or(i);
                match op {
                    0 => line.insert_str(i, text),
                    1 => line.replace_range(i..next, ""),
                    _ => line.replace_range(i..next, text),
                }
            }
            agrees(&line)?;
        }
    }
}
