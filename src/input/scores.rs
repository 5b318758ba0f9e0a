//! The scores CSV (`group,site,offering,phase,role,dimension,score`, further
//! columns further keys): group scores from `score --format csv`, a
//! spreadsheet or another study, for comparisons. Large files are read in
//! pieces on all cores, with every bad line named in order.

use std::collections::BTreeMap;
use std::hash::BuildHasher;
use std::sync::{Arc, Mutex, PoisonError};

use foldhash::{HashMap, HashMapExt};
use rayon::prelude::*;
use serde::Serialize;

use super::{Problem, json};

/// The keys a score is compared by, name → value; shared by the scores
/// that have the same keys (a group's dimensions, a CSV's repeated rows).
pub type Keys = Arc<BTreeMap<String, String>>;

/// One group's score on one dimension, with the keys it is compared by.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupScore {
    /// Stable across phases, so that a group can be paired with itself.
    pub group: String,
    /// `offering`, `phase`, `site`, `role` and any further keys.
    pub keys: Keys,
    pub dimension: String,
    pub score: f64,
}

impl GroupScore {
    /// The value of a key, or "" when the group has none.
    pub fn key(&self, name: &str) -> &str {
        self.keys.get(name).map_or("", String::as_str)
    }
}

/// The columns a scores CSV must have.
pub const CSV_COLUMNS: [&str; 7] = [
    "group",
    "site",
    "offering",
    "phase",
    "role",
    "dimension",
    "score",
];

/// Reads group scores from CSV (`group,site,offering,phase,role,dimension,score`;
/// further columns become further keys). Every problem is reported, by line.
pub fn read_scores_csv(name: &str, bytes: &[u8]) -> Result<Vec<GroupScore>, Vec<Problem>> {
    let problem = |line: u64, message: String| Problem::on_line(name, line as usize, message);
    let bytes = json::decode_utf8(bytes)
        .map_err(|e| vec![Problem::at_position(name, e.position, e.message)])?
        .as_bytes();
    let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(bytes);
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|c| c.trim().to_string()).collect(),
        Err(e) => return Err(vec![problem(1, format!("unreadable header: {e}"))]),
    };
    let missing: Vec<&str> = CSV_COLUMNS
        .iter()
        .filter(|c| !header.iter().any(|h| h == *c))
        .copied()
        .collect();
    if !missing.is_empty() {
        return Err(vec![problem(
            1,
            format!(
                "missing column(s) {}; expected a header with {}",
                missing.join(", "),
                CSV_COLUMNS.join(",")
            ),
        )]);
    }
    let start = reader.position().clone();
    let body = bytes.get(start.byte() as usize..).unwrap_or_default();
    let pieces = read_in_pieces(&header, body, start.line(), &problem).unwrap_or_else(|| {
        let shared = SharedKeys::default();
        vec![read_rows(reader, Columns::new(&header, &shared), &problem)]
    });
    let rows = || pieces.iter().flatten();
    // A row repeating the group, phase and dimension of an earlier one
    // names the latest such row before it.
    let mut repeated: Vec<(usize, Problem)> = Vec::new();
    let mut seen: HashMap<Identity, u64> = HashMap::with_capacity(rows().count());
    for (i, row) in rows().enumerate() {
        let Ok(read) = row else { continue };
        let identity = Identity {
            hash: read.identity,
            score: &read.score,
        };
        if let Some(first) = seen.insert(identity, read.line) {
            let score = &read.score;
            repeated.push((
                i,
                problem(
                    read.line,
                    format!(
                        "group `{}` already has a `{}` score at phase `{}` (line {first}); \
                         expected one row per group, phase and dimension",
                        score.group,
                        score.dimension,
                        score.key("phase")
                    ),
                ),
            ));
        }
    }
    let count = seen.len();
    drop(seen);
    let mut repeated = repeated.into_iter().peekable();
    let mut problems = Vec::new();
    let mut scores = Vec::with_capacity(count);
    for (i, row) in pieces.into_iter().flatten().enumerate() {
        match row {
            Ok(read) => {
                if let Some((_, problem)) = repeated.next_if(|(r, _)| *r == i) {
                    problems.push(problem);
                }
                scores.push(read.score);
            }
            Err(problem) => problems.push(problem),
        }
    }
    if problems.is_empty() {
        Ok(scores)
    } else {
        Err(problems)
    }
}

/// A row read, or its problem.
type Row = Result<Read, Problem>;

/// A row's score, its line, and the [`identity`] of its group, phase and
/// dimension.
#[derive(Debug, Clone, PartialEq)]
struct Read {
    score: GroupScore,
    line: u64,
    identity: u64,
}

/// The hash of a score's group, phase and dimension, the same in every
/// piece of a file (rows read in pieces hash their rows on all cores).
fn identity(group: &str, phase: &str, dimension: &str) -> u64 {
    foldhash::fast::FixedState::with_seed(0).hash_one((group, phase, dimension))
}

/// A score as what may appear once per file: its group, phase and
/// dimension, hashed as [`identity`].
struct Identity<'a> {
    hash: u64,
    score: &'a GroupScore,
}

impl std::hash::Hash for Identity<'_> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        state.write_u64(self.hash);
    }
}

impl PartialEq for Identity<'_> {
    fn eq(&self, other: &Identity) -> bool {
        let (a, b) = (self.score, other.score);
        self.hash == other.hash
            && a.group == b.group
            && a.dimension == b.dimension
            && a.key("phase") == b.key("phase")
    }
}

impl Eq for Identity<'_> {}

/// A body of at least this many bytes is read in pieces.
const IN_PIECES: usize = 4 << 20;

/// The size of a piece, about: many pieces keep all cores busy to the end.
const PIECE: usize = 1 << 20;

/// Reads the rows after the header in order.
fn read_rows(
    mut reader: csv::Reader<&[u8]>,
    mut columns: Columns,
    problem: &impl Fn(u64, String) -> Problem,
) -> Vec<Row> {
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = record.position().map_or(0, |p| p.line());
                rows.push(columns.row(&record, line, problem));
            }
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                rows.push(Err(problem(line, format!("unreadable row: {e}"))));
            }
        }
    }
    rows
}

/// Reads the rows after the header (`body`, starting at line `line`) in
/// pieces of whole lines on all cores, when that is safe: a body without
/// quotes (so no field holds a line break) of at least [`IN_PIECES`] bytes.
/// `None` when not safe, or when a row is unreadable or has a different
/// number of fields than the header: [`read_rows`] then names the problems.
fn read_in_pieces(
    header: &[String],
    body: &[u8],
    line: u64,
    problem: &(impl Fn(u64, String) -> Problem + Sync),
) -> Option<Vec<Vec<Row>>> {
    if body.len() < IN_PIECES || body.contains(&b'"') {
        return None;
    }
    let mut pieces: Vec<(&[u8], u64)> = Vec::new();
    let (mut rest, mut line) = (body, line);
    while !rest.is_empty() {
        let end = rest
            .get(PIECE..)
            .and_then(|after| after.iter().position(|&b| b == b'\n'))
            .map_or(rest.len(), |at| PIECE + at + 1);
        let (piece, after) = rest.split_at(end);
        pieces.push((piece, line));
        line += piece.iter().filter(|&&b| b == b'\n').count() as u64;
        rest = after;
    }
    let shared = SharedKeys::default();
    pieces
        .into_par_iter()
        .map(|(piece, first)| read_piece(header, piece, first, &shared, problem))
        .collect()
}

/// The rows of one piece whose first line is `first`; `None` at a row that
/// is unreadable or has a different number of fields than the header.
fn read_piece(
    header: &[String],
    piece: &[u8],
    first: u64,
    shared: &SharedKeys,
    problem: &(impl Fn(u64, String) -> Problem + Sync),
) -> Option<Vec<Row>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(piece);
    let mut columns = Columns::new(header, shared);
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    while reader.read_record(&mut record).ok()? {
        if record.len() != header.len() {
            return None;
        }
        let line = first + record.position().map_or(1, |p| p.line()) - 1;
        rows.push(columns.row(&record, line, problem));
    }
    Some(rows)
}

/// The keys of the rows read so far, by their values joined (each after
/// its length): rows with the same values share one map, whichever piece
/// of the file they are in.
type SharedKeys = Mutex<HashMap<Vec<u8>, Keys>>;

/// Where a scores CSV's columns are (a name given twice counts with its
/// last column), and the keys of the rows read so far.
struct Columns<'s> {
    /// The column of each of [`CSV_COLUMNS`].
    required: [usize; CSV_COLUMNS.len()],
    /// The columns that become keys (all but group, dimension and score), by name.
    keys: Vec<(String, usize)>,
    seen_keys: &'s SharedKeys,
    /// A row's key values joined, reused from row to row.
    joined: Vec<u8>,
    /// The keys of the row before, and its key values joined.
    last: Option<Keys>,
    last_joined: Vec<u8>,
}

impl<'s> Columns<'s> {
    /// The columns of a header that has all of [`CSV_COLUMNS`], sharing the
    /// keys of rows with `seen_keys`.
    fn new(header: &[String], seen_keys: &'s SharedKeys) -> Columns<'s> {
        let last = |name: &str| header.iter().rposition(|h| h == name).unwrap_or(0);
        let mut keys: Vec<(String, usize)> = header
            .iter()
            .filter(|h| !matches!(h.as_str(), "group" | "dimension" | "score"))
            .map(|h| (h.clone(), last(h)))
            .collect();
        keys.sort();
        keys.dedup();
        Columns {
            required: CSV_COLUMNS.map(last),
            keys,
            seen_keys,
            joined: Vec::new(),
            last: None,
            last_joined: Vec::new(),
        }
    }

    /// The row of `record`, found at `line`.
    fn row(
        &mut self,
        record: &csv::StringRecord,
        line: u64,
        problem: &impl Fn(u64, String) -> Problem,
    ) -> Row {
        self.read(record, line)
            .map_err(|message| problem(line, message))
    }

    fn read(&mut self, record: &csv::StringRecord, line: u64) -> Result<Read, String> {
        let field = |column: usize| record.get(column).map_or("", str::trim);
        let [group, _, _, phase, _, dimension, score] = self.required.map(field);
        for (column, at) in CSV_COLUMNS.iter().zip(self.required) {
            if field(at).is_empty() {
                return Err(format!("`{column}` is empty; expected a value"));
            }
        }
        let parsed: f64 = score
            .parse()
            .ok()
            .filter(|s: &f64| s.is_finite())
            .ok_or_else(|| format!("score `{score}` is not a number; expected e.g. 62.5"))?;
        Ok(Read {
            identity: identity(group, phase, dimension),
            score: GroupScore {
                group: group.to_string(),
                keys: self.keys_of(record),
                dimension: dimension.to_string(),
                score: parsed,
            },
            line,
        })
    }

    /// The keys of a row, shared with the earlier rows that have the same.
    fn keys_of(&mut self, record: &csv::StringRecord) -> Keys {
        self.joined.clear();
        for (_, at) in &self.keys {
            let value = record.get(*at).map_or("", str::trim);
            self.joined.extend_from_slice(&value.len().to_le_bytes());
            self.joined.extend_from_slice(value.as_bytes());
        }
        // Rows mostly have the keys of the row before.
        if let Some(keys) = &self.last
            && self.last_joined == self.joined
        {
            return keys.clone();
        }
        let keys = {
            // A reader that panicked cannot have left the map half-changed.
            let mut seen = self
                .seen_keys
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            match seen.get(&self.joined) {
                Some(keys) => keys.clone(),
                None => {
                    let keys = Keys::new(
                        self.keys
                            .iter()
                            .map(|(name, at)| {
                                let value = record.get(*at).map_or("", str::trim);
                                (name.clone(), value.to_string())
                            })
                            .collect(),
                    );
                    seen.insert(self.joined.clone(), keys.clone());
                    keys
                }
            }
        };
        self.last = Some(keys.clone());
        std::mem::swap(&mut self.last_joined, &mut self.joined);
        keys
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scores_csv_keeps_extra_columns_as_keys() {
        let csv = "group,site,offering,phase,role,dimension,score,county\n\
                   g1,s1,a,endpoint,teacher,handling,62.5,Agder\n";
        let scores = read_scores_csv("s.csv", csv.as_bytes()).unwrap();
        assert_eq!(scores.len(), 1);
        assert_eq!(scores[0].key("county"), "Agder");
        assert_eq!(scores[0].key("offering"), "a");
        assert_eq!(scores[0].score, 62.5);
    }

    #[test]
    fn a_scores_csv_names_every_bad_line() {
        let csv = "group,site,offering,phase,role,dimension,score\n\
                   g1,s1,a,endpoint,teacher,handling,sixty\n\
                   g1,s1,a,endpoint,teacher,handling,60\n\
                   g1,s1,a,endpoint,teacher,handling,61\n\
                   g2,s1,a,endpoint,,handling,61\n";
        let problems = read_scores_csv("s.csv", csv.as_bytes()).unwrap_err();
        let places: Vec<String> = problems
            .iter()
            .map(|p| format!("{}:{}", p.file, p.line.unwrap()))
            .collect();
        assert_eq!(places, ["s.csv:2", "s.csv:4", "s.csv:5"]);
        assert!(
            problems[1].message.contains("line 3"),
            "{}",
            problems[1].message
        );
    }

    /// A scores CSV of `groups` groups × 3 dimensions, over 4 MiB from
    /// 45 000 groups on.
    fn large_csv(groups: usize) -> String {
        let mut csv = String::from("group,site,offering,phase,role,dimension,score\n");
        for g in 0..groups {
            for (d, dimension) in ["prevention", "detection", "handling"].iter().enumerate() {
                let score = (g * 7 + d * 13) % 101;
                csv += &format!(
                    "g{g},s{},o{},endpoint,teacher,{dimension},{score}.5\n",
                    g / 20,
                    g % 3
                );
            }
        }
        csv
    }

    #[test]
    fn a_large_scores_csv_read_in_pieces_gives_what_reading_in_order_gives() {
        let csv = large_csv(60_000);
        assert!(csv.len() > IN_PIECES + PIECE);
        let header: Vec<String> = CSV_COLUMNS.iter().map(|c| c.to_string()).collect();
        let problem =
            |line: u64, message: String| Problem::on_line("s.csv", line as usize, message);
        let body = &csv.as_bytes()[csv.find('\n').unwrap() + 1..];
        let pieces: Vec<Row> = read_in_pieces(&header, body, 2, &problem)
            .expect("read in pieces")
            .into_iter()
            .flatten()
            .collect();
        let mut reader = csv::ReaderBuilder::new().from_reader(csv.as_bytes());
        reader.headers().unwrap();
        let shared = SharedKeys::default();
        let in_order = read_rows(reader, Columns::new(&header, &shared), &problem);
        assert_eq!(pieces.len(), 180_000);
        assert_eq!(pieces, in_order);
        let lines: Vec<u64> = pieces.iter().map(|r| r.as_ref().unwrap().line).collect();
        assert_eq!(lines, (2..180_002).collect::<Vec<u64>>());
    }

    #[test]
    fn a_large_scores_csv_names_its_bad_lines_as_a_small_one_does() {
        let mut lines: Vec<String> = large_csv(60_000).lines().map(String::from).collect();
        lines[150_000] = lines[150_000].replace(".5", ".5x");
        let problems = read_scores_csv("s.csv", lines.join("\n").as_bytes()).unwrap_err();
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].line, Some(150_001));
        // A row with a field too many is named by the csv reader, in order.
        lines[170_000] += ",extra";
        let problems = read_scores_csv("s.csv", lines.join("\n").as_bytes()).unwrap_err();
        let places: Vec<String> = problems
            .iter()
            .map(|p| format!("{}:{}", p.file, p.line.unwrap()))
            .collect();
        assert_eq!(places, ["s.csv:150001", "s.csv:170001"]);
        assert!(
            problems[1].message.contains("8 fields"),
            "{}",
            problems[1].message
        );
    }

    #[test]
    fn a_scores_csv_without_the_columns_is_refused_at_line_one() {
        let problems = read_scores_csv("s.csv", b"group,score\ng1,5\n").unwrap_err();
        assert_eq!(problems[0].line, Some(1));
        assert!(problems[0].message.contains("offering"));
    }
}
