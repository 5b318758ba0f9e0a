//! `vignette session close`, `reopen`, `discard`, `restore`, `delete` and
//! `log`: a session's life after it was made.

use std::process::ExitCode;

use crate::cli::Context;
use crate::cli::output;
use crate::cli::{DataFormat, Outcome};

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

/// Discard a session made by mistake: it is kept in the database with its
/// log, takes no more answers, and is left out of scores (`score --all`),
/// comparisons, reports and exports until restored.
#[derive(Debug, clap::Args)]
pub struct DiscardArgs {
    /// Session id.
    session: String,
    /// Why the session is discarded (kept in its log).
    #[arg(long)]
    reason: String,
}

/// Restore a discarded session; the reason is kept in the session's log.
#[derive(Debug, clap::Args)]
pub struct RestoreArgs {
    /// Session id.
    session: String,
    /// Why the session is restored (kept in its log).
    #[arg(long)]
    reason: String,
}

/// Delete a session that holds no answers, scores or ratings, with its
/// groups, plan and log. A session with data can only be discarded.
#[derive(Debug, clap::Args)]
pub struct DeleteArgs {
    /// Session id.
    session: String,
}

/// Show a session's log: when it was created, closed, reopened, discarded
/// and restored, with the reasons given.
#[derive(Debug, clap::Args)]
pub struct LogArgs {
    /// Session id.
    session: String,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: DataFormat,
}

pub fn discard(cx: &Context, args: &DiscardArgs) -> Outcome {
    let mut store = cx.store()?;
    store.discard(&args.session, &args.reason)?;
    println!(
        "discarded session {} ({}); it is kept, and `vignette session restore {} --reason …` brings it back",
        args.session, args.reason, args.session
    );
    Ok(ExitCode::SUCCESS)
}

pub fn restore(cx: &Context, args: &RestoreArgs) -> Outcome {
    let mut store = cx.store()?;
    store.restore(&args.session, &args.reason)?;
    println!("restored session {} ({})", args.session, args.reason);
    Ok(ExitCode::SUCCESS)
}

pub fn delete(cx: &Context, args: &DeleteArgs) -> Outcome {
    let mut store = cx.store()?;
    store.delete(&args.session)?;
    println!("deleted session {}", args.session);
    Ok(ExitCode::SUCCESS)
}

pub fn log(cx: &Context, args: &LogArgs) -> Outcome {
    let store = cx.store()?;
    store.session(&args.session)?;
    let entries = store.log(&args.session)?;
    if args.format == DataFormat::Json {
        println!("{:#}", serde_json::json!(entries));
        return Ok(ExitCode::SUCCESS);
    }
    let mut table = output::table();
    table.set_header(["at", "event", "reason"]);
    for entry in entries {
        table.add_row([entry.at, entry.event, entry.detail]);
    }
    println!("{table}");
    Ok(ExitCode::SUCCESS)
}
