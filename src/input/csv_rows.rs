//! A CSV file with a fixed header, read into its rows with their lines:
//! what the paper transcription and the groups list share.

use super::{Problem, json};

/// The rows read, each with its line (counted from 1), and the problems of
/// the rows that could not be read.
pub type Rows = (Vec<(usize, csv::StringRecord)>, Vec<Problem>);

/// The rows of a CSV file whose header must be exactly `header`, each with
/// its line (counted from 1); rows the CSV reader cannot read are problems
/// beside them. A file that is not UTF-8 or has another header is refused.
pub fn read(
    name: &str,
    bytes: &[u8],
    header: &[&str],
    trim: csv::Trim,
) -> Result<Rows, Vec<Problem>> {
    let text = json::decode_utf8(bytes)
        .map_err(|e| vec![Problem::at_position(name, e.position, e.message)])?;
    let mut reader = csv::ReaderBuilder::new()
        .trim(trim)
        .from_reader(text.as_bytes());
    let found = reader
        .headers()
        .map_err(|e| vec![Problem::from_csv(name, &e)])?;
    let fields: Vec<&str> = found.iter().map(str::trim).collect();
    if fields != header {
        return Err(vec![Problem::csv_header(name, header, &fields)]);
    }
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    for record in reader.records() {
        match record {
            Ok(record) => {
                let line = record.position().map_or(0, |p| p.line() as usize);
                rows.push((line, record));
            }
            Err(e) => problems.push(Problem::from_csv(name, &e)),
        }
    }
    Ok((rows, problems))
}
