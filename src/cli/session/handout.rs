//! `vignette session handout` (being written).

use std::path::Path;

use crate::cli::{Failure, Outcome};

/// Not available yet.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Session id.
    session: String,
}

pub fn run(_db: &Path, args: &Args) -> Outcome {
    Err(Failure::usage(format!(
        "session handout {} is not available yet",
        args.session
    )))
}
