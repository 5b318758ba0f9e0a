//! A session export (JSON lines from `session export --format jsonl`) read
//! for scoring: every line's answer, gathered into units (one group's
//! answers to one vignette, the latest revision of each prompt), in parallel
//! and without copying the text where it has no escapes.

use std::borrow::Cow;

use rayon::prelude::*;
use serde_json::Value;

use super::{Problem, json};

/// One line of a session export, as far as scoring needs it; ids borrow
/// from the file unless they contain escapes.
#[derive(Debug, serde::Deserialize)]
struct ExportLine<'a> {
    #[serde(borrow)]
    session: Cow<'a, str>,
    #[serde(borrow)]
    group: Cow<'a, str>,
    #[serde(borrow)]
    vignette: Cow<'a, str>,
    #[serde(borrow)]
    prompt: Cow<'a, str>,
    #[serde(borrow)]
    value: ExportValue<'a>,
    revision: u32,
    #[serde(borrow)]
    language: Cow<'a, str>,
}

/// A hash map for keys borrowed from the export (foldhash: several times
/// faster than the default SipHash on short strings).
type FastMap<K, V> = foldhash::HashMap<K, V>;

/// An answer's value in an export: a string (a text, or the option chosen)
/// borrowed from the file unless it has escapes, or any other JSON value.
#[derive(Debug)]
pub enum ExportValue<'a> {
    Str(Cow<'a, str>),
    Json(Value),
}

impl ExportValue<'_> {
    /// The value as JSON.
    pub fn to_value(&self) -> Value {
        match self {
            ExportValue::Str(text) => Value::String(text.to_string()),
            ExportValue::Json(value) => value.clone(),
        }
    }
}

impl<'de: 'a, 'a> serde::Deserialize<'de> for ExportValue<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ExportValueVisitor)
    }
}

/// Builds an [`ExportValue`]: strings as they are, the rest as [`Value`] does.
struct ExportValueVisitor;

impl<'de> serde::de::Visitor<'de> for ExportValueVisitor {
    type Value = ExportValue<'de>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any valid JSON value")
    }

    fn visit_borrowed_str<E>(self, text: &'de str) -> Result<Self::Value, E> {
        Ok(ExportValue::Str(Cow::Borrowed(text)))
    }

    fn visit_str<E>(self, text: &str) -> Result<Self::Value, E> {
        Ok(ExportValue::Str(Cow::Owned(text.to_string())))
    }

    fn visit_string<E>(self, text: String) -> Result<Self::Value, E> {
        Ok(ExportValue::Str(Cow::Owned(text)))
    }

    fn visit_bool<E>(self, value: bool) -> Result<Self::Value, E> {
        Ok(ExportValue::Json(value.into()))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Self::Value, E> {
        Ok(ExportValue::Json(value.into()))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Self::Value, E> {
        Ok(ExportValue::Json(value.into()))
    }

    fn visit_f64<E>(self, value: f64) -> Result<Self::Value, E> {
        Ok(ExportValue::Json(value.into()))
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(ExportValue::Json(Value::Null))
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        let seq = serde::de::value::SeqAccessDeserializer::new(seq);
        Ok(ExportValue::Json(serde::Deserialize::deserialize(seq)?))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        let map = serde::de::value::MapAccessDeserializer::new(map);
        Ok(ExportValue::Json(serde::Deserialize::deserialize(map)?))
    }
}

/// (session, group, vignette): the answers scored together.
pub type UnitKey<'a> = (Cow<'a, str>, Cow<'a, str>, Cow<'a, str>);

/// One unit's answers while reading: the language of its first line, and
/// per prompt the latest revision seen (the first of equal revisions).
#[derive(Debug)]
pub struct Unit<'a> {
    pub language: Cow<'a, str>,
    /// (prompt, revision, value) of every prompt answered.
    pub answers: Vec<(Cow<'a, str>, u32, ExportValue<'a>)>,
}

impl<'a> Unit<'a> {
    fn add(&mut self, prompt: Cow<'a, str>, revision: u32, value: ExportValue<'a>) {
        match self.answers.iter_mut().find(|(p, _, _)| *p == prompt) {
            Some(seen) if seen.1 < revision => *seen = (prompt, revision, value),
            Some(_) => {}
            None => self.answers.push((prompt, revision, value)),
        }
    }

    /// Takes in a unit read later in the file.
    fn absorb(&mut self, later: Unit<'a>) {
        for (prompt, revision, value) in later.answers {
            self.add(prompt, revision, value);
        }
    }
}

/// Bytes per chunk of lines parsed by one task.
pub const CHUNK_BYTES: usize = 1 << 20;

/// The bytes cut into pieces of about [`CHUNK_BYTES`] that end after a
/// newline (a newline byte is never part of a longer UTF-8 character).
fn chunks(bytes: &[u8]) -> Vec<&[u8]> {
    let mut chunks = Vec::with_capacity(bytes.len() / CHUNK_BYTES + 1);
    let mut rest = bytes;
    while !rest.is_empty() {
        let cut = match rest.get(CHUNK_BYTES..) {
            Some(tail) => tail
                .iter()
                .position(|&b| b == b'\n')
                .map_or(rest.len(), |i| CHUNK_BYTES + i + 1),
            None => rest.len(),
        };
        let (chunk, tail) = rest.split_at(cut);
        chunks.push(chunk);
        rest = tail;
    }
    chunks
}

/// Why a chunk could not be read.
enum ChunkError {
    /// It is not UTF-8 (the whole file is decoded again to say where).
    Utf8,
    /// A line that is not an export line: its index in the chunk, and why.
    Line(usize, serde_json::Error),
}

/// The units of one chunk, in no order, or why it could not be read.
fn read_chunk(chunk: &[u8]) -> Result<Vec<(UnitKey<'_>, Unit<'_>)>, ChunkError> {
    let text = std::str::from_utf8(chunk).map_err(|_| ChunkError::Utf8)?;
    let mut units: FastMap<UnitKey<'_>, Unit<'_>> = FastMap::default();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let line: ExportLine<'_> =
            serde_json::from_str(line).map_err(|e| ChunkError::Line(n, e))?;
        units
            .entry((line.session, line.group, line.vignette))
            .or_insert_with(|| Unit {
                language: line.language,
                answers: Vec::new(),
            })
            .add(line.prompt, line.revision, line.value);
    }
    Ok(units.into_iter().collect())
}

/// An export's lines read in parallel, each chunk's units apart: what
/// [`Pieces::into_units`] puts together.
pub struct Pieces<'t> {
    /// (unit, chunk index, the unit's answers in that chunk), in chunk order.
    pieces: Vec<(UnitKey<'t>, usize, Unit<'t>)>,
}

/// Reads an export's bytes in parallel into pieces of units. The file must
/// be UTF-8 (`not_utf8` says where it is not) and every line an export line
/// (`bad_line` gets its number).
fn read_pieces<'t>(
    bytes: &'t [u8],
    not_utf8: impl Fn() -> Problem,
    bad_line: impl Fn(usize, serde_json::Error) -> Problem,
) -> Result<Pieces<'t>, Problem> {
    let chunks = chunks(bytes);
    let read: Vec<_> = chunks.par_iter().map(|c| read_chunk(c)).collect();
    if read.iter().any(|r| matches!(r, Err(ChunkError::Utf8))) {
        return Err(not_utf8());
    }
    let mut pieces = Vec::with_capacity(read.iter().map(|r| r.as_ref().map_or(0, Vec::len)).sum());
    for (c, chunk) in read.into_iter().enumerate() {
        let units = chunk.map_err(|e| match e {
            ChunkError::Utf8 => not_utf8(),
            ChunkError::Line(n, e) => {
                let before = chunks[..c]
                    .iter()
                    .flat_map(|c| c.iter())
                    .filter(|&&b| b == b'\n');
                bad_line(before.count() + n + 1, e)
            }
        })?;
        pieces.extend(units.into_iter().map(|(key, unit)| (key, c, unit)));
    }
    Ok(Pieces { pieces })
}

impl<'t> Pieces<'t> {
    /// Every (vignette, language) a unit may be scored with, each once: the
    /// language of a unit's first line in each chunk, so that rarely one
    /// more than the units will need.
    pub fn vignettes_and_languages(&self) -> Vec<(String, String)> {
        type Seen<'p> = foldhash::HashSet<(&'p str, &'p str)>;
        let seen = self
            .pieces
            .par_iter()
            .fold(Seen::default, |mut seen, ((_, _, vignette), _, unit)| {
                seen.insert((vignette, &unit.language));
                seen
            })
            .reduce(Seen::default, |mut seen, more| {
                seen.extend(more);
                seen
            });
        let mut pairs: Vec<(String, String)> = seen
            .into_iter()
            .map(|(v, l)| (v.to_string(), l.to_string()))
            .collect();
        pairs.sort();
        pairs
    }

    /// The units, sorted by (session, group, vignette): each unit's pieces
    /// from every chunk, in file order, put together.
    pub fn into_units(self) -> Vec<(UnitKey<'t>, Unit<'t>)> {
        let mut pieces = self.pieces;
        pieces.par_sort_unstable_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
        let mut units: Vec<(UnitKey<'t>, Unit<'t>)> = Vec::with_capacity(pieces.len());
        for (key, _, unit) in pieces {
            match units.last_mut() {
                Some((last, seen)) if *last == key => seen.absorb(unit),
                _ => units.push((key, unit)),
            }
        }
        units
    }
}

/// Reads an export into the pieces of its units, to be put together by
/// [`Pieces::into_units`] (sorted by session, group and vignette), so that
/// a caller can do other work, such as compiling the rubrics the units
/// need, at the same time. `name` names the file in the problem: where it
/// is not UTF-8, or the first line that is not an export line.
pub fn read_export_pieces<'t>(name: &str, bytes: &'t [u8]) -> Result<Pieces<'t>, Problem> {
    let not_utf8 = || match json::decode_utf8(bytes) {
        Err(e) => Problem::at_position(name, e.position, e.message),
        Ok(_) => Problem::in_file(name, "the file is not valid UTF-8"),
    };
    read_pieces(bytes, not_utf8, |line, e| Problem {
        column: Some(e.column()),
        ..Problem::on_line(name, line, format!("not an export line: {e}"))
    })
}
