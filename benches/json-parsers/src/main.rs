//! How fast serde_json, simd-json and sonic-rs read a session export's
//! lines into the type `vignette score --responses` reads them into
//! (`ExportLine` in `src/session/score.rs`: 7 of each line's 22 fields,
//! strings borrowed where they have no escapes, the answer's value as a
//! string or any JSON value). One thread, best of three passes.
//!
//! ```sh
//! cargo run --release -- /tmp/vignette-reference/export-1000000.jsonl
//! RUSTFLAGS="-C target-cpu=native" cargo run --release -- FILE
//! ```
//!
//! Not part of the engine or its tests: it answers one question for the
//! docs/performance.md ("Why not 20 × in scoring").

use std::borrow::Cow;
use std::time::Instant;

use serde::de::{MapAccess, SeqAccess, Visitor, value};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// One export line as far as scoring needs it.
#[derive(serde::Deserialize)]
struct Line<'a> {
    #[serde(borrow)]
    session: Cow<'a, str>,
    #[serde(borrow)]
    group: Cow<'a, str>,
    #[serde(borrow)]
    vignette: Cow<'a, str>,
    #[serde(borrow)]
    prompt: Cow<'a, str>,
    #[serde(borrow)]
    value: Answer<'a>,
    revision: u32,
    #[serde(borrow)]
    language: Cow<'a, str>,
}

/// An answer: a string as it is, any other value as a `serde_json::Value`.
enum Answer<'a> {
    Str(Cow<'a, str>),
    Json(serde_json::Value),
}

impl<'de: 'a, 'a> serde::Deserialize<'de> for Answer<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(AnswerVisitor)
    }
}

struct AnswerVisitor;

impl<'de> Visitor<'de> for AnswerVisitor {
    type Value = Answer<'de>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_borrowed_str<E>(self, text: &'de str) -> Result<Self::Value, E> {
        Ok(Answer::Str(Cow::Borrowed(text)))
    }

    fn visit_str<E>(self, text: &str) -> Result<Self::Value, E> {
        Ok(Answer::Str(Cow::Owned(text.to_string())))
    }

    fn visit_string<E>(self, text: String) -> Result<Self::Value, E> {
        Ok(Answer::Str(Cow::Owned(text)))
    }

    fn visit_u64<E>(self, number: u64) -> Result<Self::Value, E> {
        Ok(Answer::Json(number.into()))
    }

    fn visit_i64<E>(self, number: i64) -> Result<Self::Value, E> {
        Ok(Answer::Json(number.into()))
    }

    fn visit_f64<E>(self, number: f64) -> Result<Self::Value, E> {
        Ok(Answer::Json(number.into()))
    }

    fn visit_bool<E>(self, flag: bool) -> Result<Self::Value, E> {
        Ok(Answer::Json(flag.into()))
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Answer::Json(serde_json::Value::Null))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        let seq = value::SeqAccessDeserializer::new(seq);
        Ok(Answer::Json(serde::Deserialize::deserialize(seq)?))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        let map = value::MapAccessDeserializer::new(map);
        Ok(Answer::Json(serde::Deserialize::deserialize(map)?))
    }
}

/// A number from every field read, so that the parsers' results are compared and used.
fn digest(line: &Line<'_>) -> usize {
    let answer = match &line.value {
        Answer::Str(text) => text.len(),
        Answer::Json(value) => usize::from(!value.is_null()),
    };
    line.session.len()
        + line.group.len()
        + line.vignette.len()
        + line.prompt.len()
        + line.language.len()
        + line.revision as usize
        + answer
}

/// Reads every line of `text` with `parse`, three times; returns the best
/// time in seconds and the digest.
fn time(text: &str, mut parse: impl FnMut(&str) -> usize) -> (f64, usize) {
    let mut best = f64::MAX;
    let mut sum = 0;
    for _ in 0..3 {
        let start = Instant::now();
        sum = text.lines().map(&mut parse).sum();
        best = best.min(start.elapsed().as_secs_f64());
    }
    (best, sum)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .ok_or("usage: json-parsers EXPORT.jsonl")?;
    let text = std::fs::read_to_string(&path)?;
    let mut copy: Vec<u8> = Vec::new();
    let mut buffers = simd_json::Buffers::default();
    let results = [
        (
            "serde_json",
            time(&text, |line| digest(&serde_json::from_str(line).unwrap())),
        ),
        (
            "simd-json (each line copied: it parses in place)",
            time(&text, |line| {
                copy.clear();
                copy.extend_from_slice(line.as_bytes());
                let read = simd_json::serde::from_slice_with_buffers(&mut copy, &mut buffers);
                digest(&read.unwrap())
            }),
        ),
        (
            "sonic-rs",
            time(&text, |line| digest(&sonic_rs::from_str(line).unwrap())),
        ),
    ];
    for (parser, (seconds, digest)) in results {
        println!("{parser}: {seconds:.3} s (digest {digest})");
    }
    Ok(())
}
