//! Every reader of a file a user gives the engine: answer files and streams,
//! paper transcriptions, group lists, ratings, scores and session exports.
//! Their input is untrusted.
//!
//! Every reader reports what is wrong as [`Problem`]s of one shape (file,
//! line, column, JSON pointer, message, hint), every problem it finds rather
//! than the first, and reads through the one bounded reader in [`read`], so
//! no input is read past the limit for its kind.
//!
//! Not for: deciding what the rows mean for a session, a rating plan or a
//! comparison (the modules that own those check them), or printing.

mod answers;
mod csv_rows;
pub mod export_lines;
mod groups;
pub mod json;
mod problem;
pub mod ratings;
pub mod read;
pub mod scores;
mod stream;

pub use answers::{
    AnswerFile, TRANSCRIPTION_HEADER, parse_answer_file, parse_import_csv, value_for,
};
pub use groups::{Group, parse_groups_csv, parse_roles};
pub use problem::{Place, Problem, printable, sort};
pub use ratings::{Rating, parse_ratings_csv, parse_ratings_lines};
pub use read::{Limit, Unreadable, map_file, read_file, read_from, read_named};
pub use scores::{GroupScore, Keys, read_scores_csv};
pub use stream::{STREAM_LINE, Stream, StreamedAnswer};
