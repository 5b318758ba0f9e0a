//! Every reader of a file a user gives the engine: answer files and streams,
//! paper transcriptions, group lists, ratings, scores and session exports.
//! Their input is untrusted.

mod answers;
pub mod json;

pub use answers::{AnswerFile, parse_answer_file, parse_import_csv, value_for};
