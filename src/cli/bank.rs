//! `vignette bank …`: the built-in bank as a starting point for one's own.

use std::path::PathBuf;
use std::process::ExitCode;

use vignette::bank;
use vignette::export::{self, ExportFile};

use crate::cli::{Context, Failure, Outcome};

/// Work with the bank itself.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    Export(ExportArgs),
}

/// Write the built-in bank (studies, vignettes, rubrics and their schemas)
/// into a new folder, to start a bank of one's own: edit the files, then
/// check them with `vignette validate --bank DIR`. The folder must not
/// exist or be empty; it is written whole or not at all.
#[derive(Debug, clap::Args)]
#[command(after_help = "Example:
    vignette bank export my-bank && vignette validate --bank my-bank")]
struct ExportArgs {
    /// The folder to create.
    dir: PathBuf,
}

pub fn run(_cx: &Context, args: &Args) -> Outcome {
    match &args.command {
        Command::Export(args) => export_bank(args),
    }
}

fn export_bank(args: &ExportArgs) -> Outcome {
    let files: Vec<ExportFile> = bank::embedded_files()
        .into_iter()
        .map(|(name, bytes)| ExportFile {
            name,
            bytes: bytes.into_owned(),
            rows: None,
        })
        .collect();
    export::write_files(&args.dir, &files, false).map_err(|e| {
        Failure::from(e).hint("give a folder that does not exist yet, or an empty one")
    })?;
    println!(
        "wrote {} files of the built-in bank to {}\nnext: vignette validate --bank {}",
        files.len(),
        args.dir.display(),
        args.dir.display()
    );
    Ok(ExitCode::SUCCESS)
}
