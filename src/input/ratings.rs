//! The ratings CSV (`unit,rater,criterion,level`): one rater's level for
//! one criterion of one blind unit per row, from `rate export` filled in by
//! hand or from any other coding tool.

use super::{Problem, json};

/// The columns of a ratings CSV, in order.
pub const CSV_HEADER: [&str; 4] = ["unit", "rater", "criterion", "level"];

/// One rater's level for one criterion of one unit (a group's answer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rating {
    pub unit: String,
    pub rater: String,
    pub criterion: String,
    pub level: i64,
}

impl Rating {
    /// (criterion, unit, rater): what a rating is about, and by whom.
    pub fn key(&self) -> (&str, &str, &str) {
        (&self.criterion, &self.unit, &self.rater)
    }
}

fn problem(name: &str, line: Option<usize>, message: impl Into<String>) -> Problem {
    match line {
        Some(line) => Problem::on_line(name, line, message),
        None => Problem::in_file(name, message),
    }
}

/// Parses a ratings CSV with the header `unit,rater,criterion,level`.
///
/// Fields are trimmed; none may be empty; levels are whole numbers; each
/// (unit, rater, criterion) may appear once. Every problem is returned, in
/// line order.
pub fn parse_ratings_csv(name: &str, bytes: &[u8]) -> Result<Vec<Rating>, Vec<Problem>> {
    let (rows, mut problems) = parse_ratings_lines(name, bytes);
    if rows.is_empty() && problems.is_empty() {
        problems.push(problem(name, None, "no ratings after the header"));
    }
    if problems.is_empty() {
        Ok(rows.into_iter().map(|(_, rating)| rating).collect())
    } else {
        Err(problems)
    }
}

/// Parses a ratings CSV as [`parse_ratings_csv`] does, but returns the rows
/// without problems (with their 1-based lines) beside the problems found
/// (in line order), so that callers can add checks of their own.
pub fn parse_ratings_lines(name: &str, bytes: &[u8]) -> (Vec<(usize, Rating)>, Vec<Problem>) {
    let text = match json::decode_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            return (
                Vec::new(),
                vec![Problem::at_position(name, e.position, e.message)],
            );
        }
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut record = csv::StringRecord::new();
    if let Err(problems) = check_header(
        name,
        reader
            .read_record(&mut record)
            .map(|more| more.then_some(&record)),
    ) {
        return (Vec::new(), problems);
    }
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => match parse_record(name, &record) {
                Ok(row) => rows.push(row),
                Err(p) => problems.push(p),
            },
            Err(e) => problems.push(Problem::from_csv(name, &e)),
        }
    }
    let ratings = check_rows(name, rows, &mut problems);
    problems.sort_by_key(|p| p.line);
    (ratings, problems)
}

/// A row with all four fields: its line, the rating and whether its level
/// is a whole number.
struct Row {
    line: usize,
    rating: Rating,
    level: Result<i64, String>,
}

/// Reports repeated (unit, rater, criterion)s and bad levels; returns the
/// ratings of the rows without problems, with their lines.
fn check_rows(name: &str, rows: Vec<Row>, problems: &mut Vec<Problem>) -> Vec<(usize, Rating)> {
    let mut order: Vec<usize> = (0..rows.len()).collect();
    // Stable: rows with the same key stay in line order.
    order.sort_by(|&a, &b| rows[a].rating.key().cmp(&rows[b].rating.key()));
    let mut repeats = vec![None; rows.len()];
    for same in order.chunk_by(|&a, &b| rows[a].rating.key() == rows[b].rating.key()) {
        for &later in &same[1..] {
            repeats[later] = Some(rows[same[0]].line);
        }
    }
    let mut ratings = Vec::with_capacity(rows.len());
    for (row, first) in rows.into_iter().zip(repeats) {
        match (first, row.level) {
            (Some(first), _) => problems.push(repeated(name, row.line, first, &row.rating)),
            (None, Err(message)) => problems.push(problem(name, Some(row.line), message)),
            (None, Ok(level)) => ratings.push((
                row.line,
                Rating {
                    level,
                    ..row.rating
                },
            )),
        }
    }
    ratings
}

fn check_header(
    name: &str,
    first: csv::Result<Option<&csv::StringRecord>>,
) -> Result<(), Vec<Problem>> {
    let record = match first {
        Ok(None) => {
            return Err(vec![problem(
                name,
                None,
                format!(
                    "the file is empty; expected the header `{}`",
                    CSV_HEADER.join(",")
                ),
            )]);
        }
        Err(e) => return Err(vec![Problem::from_csv(name, &e)]),
        Ok(Some(record)) => record,
    };
    let fields: Vec<&str> = record.iter().collect();
    let bom_free = fields
        .first()
        .map(|f| f.trim_start_matches('\u{feff}'))
        .into_iter()
        .chain(fields.iter().skip(1).copied());
    if bom_free.eq(CSV_HEADER) {
        Ok(())
    } else {
        Err(vec![Problem::csv_header(name, &CSV_HEADER, &fields)])
    }
}

fn record_line(record: &csv::StringRecord) -> usize {
    record.position().map_or(0, |p| p.line() as usize)
}

fn parse_record(name: &str, record: &csv::StringRecord) -> Result<Row, Problem> {
    let line = record_line(record);
    if record.len() != CSV_HEADER.len() {
        return Err(problem(
            name,
            Some(line),
            format!(
                "expected {} fields ({}), found {}",
                CSV_HEADER.len(),
                CSV_HEADER.join(","),
                record.len()
            ),
        ));
    }
    if let Some(i) = record.iter().position(str::is_empty) {
        return Err(problem(
            name,
            Some(line),
            format!("empty `{}`", CSV_HEADER[i]),
        ));
    }
    let rating = Rating {
        unit: record[0].to_string(),
        rater: record[1].to_string(),
        criterion: record[2].to_string(),
        level: 0,
    };
    Ok(Row {
        line,
        rating,
        level: parse_level(&record[3]),
    })
}

fn parse_level(raw: &str) -> Result<i64, String> {
    use std::num::IntErrorKind;
    raw.parse::<i64>().map_err(|e| match e.kind() {
        IntErrorKind::PosOverflow | IntErrorKind::NegOverflow => {
            format!("level `{raw}` is too large for a whole number")
        }
        _ => format!("level `{raw}` is not a whole number"),
    })
}

fn repeated(name: &str, line: usize, first: usize, rating: &Rating) -> Problem {
    problem(
        name,
        Some(line),
        format!(
            "repeats line {first}: unit `{}`, rater `{}`, criterion `{}` is rated twice",
            rating.unit, rating.rater, rating.criterion
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_problems_name_their_lines() {
        let text = "unit,rater,criterion,level\na,r1,P1,2\na,r1,P1,1\nb,r1,P1,2.5\nc,,P1,1\n";
        let problems = parse_ratings_csv("r.csv", text.as_bytes()).unwrap_err();
        let shown: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            [
                "r.csv:3: repeats line 2: unit `a`, rater `r1`, criterion `P1` is rated twice",
                "r.csv:4: level `2.5` is not a whole number",
                "r.csv:5: empty `rater`",
            ]
        );
    }
}
