//! `vignette session template`: a blank transcription sheet.

use std::process::ExitCode;

use vignette::{input, session};

use crate::cli::{Context, Failure, Outcome};

/// Print a blank transcription CSV (`group,vignette,prompt,value`): one row
/// per prompt of every vignette the session assigned, in planned order,
/// with the value left blank. Fill in what each group answered and give the
/// file to `vignette session import`; rows left blank are not answers and
/// are skipped.
#[derive(Debug, clap::Args)]
#[command(after_help = "Example:
    vignette session template bodo-kommune-baseline --group G2 > g2.csv")]
pub struct Args {
    /// Session id.
    session: String,
    /// Only this group's rows.
    #[arg(long, value_name = "G")]
    group: Option<String>,
}

pub fn run(cx: &Context, args: &Args) -> Outcome {
    let store = cx.store_to_read()?;
    let loaded = session::load(&store, &args.session)?;
    let rows = loaded
        .prompt_rows(args.group.as_deref())
        .map_err(Failure::usage)?;
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(input::TRANSCRIPTION_HEADER)?;
    for [group, vignette, prompt] in &rows {
        writer.write_record([group, vignette, prompt, ""])?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| Failure::internal(e.to_string()))?;
    print!("{}", String::from_utf8_lossy(&bytes));
    Ok(ExitCode::SUCCESS)
}
