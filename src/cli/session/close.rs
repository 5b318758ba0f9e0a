//! `vignette session close` and `reopen`.

use std::process::ExitCode;

use crate::cli::Context;
use crate::cli::Outcome;

/// Close a session: no more answers are taken until it is reopened.
#[derive(Debug, clap::Args)]
pub struct CloseArgs {
    /// Session id.
    session: String,
}

/// Reopen a closed session; the reason is kept in the session's log.
#[derive(Debug, clap::Args)]
pub struct ReopenArgs {
    /// Session id.
    session: String,
    /// Why the session is reopened (kept in its log).
    #[arg(long)]
    reason: String,
}

pub fn close(cx: &Context, args: &CloseArgs) -> Outcome {
    let mut store = cx.store()?;
    store.close(&args.session)?;
    println!("closed session {}", args.session);
    Ok(ExitCode::SUCCESS)
}

pub fn reopen(cx: &Context, args: &ReopenArgs) -> Outcome {
    let mut store = cx.store()?;
    store.reopen(&args.session, &args.reason)?;
    println!("reopened session {} ({})", args.session, args.reason);
    Ok(ExitCode::SUCCESS)
}
