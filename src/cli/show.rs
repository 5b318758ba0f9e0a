//! `vignette show`: one vignette rendered as a group would see it.

use std::collections::BTreeMap;
use std::process::ExitCode;

use vignette::input::printable;
use vignette::render::{self, Format as Output, Request, Stages};

use super::{Failure, Outcome};
use crate::cli::Context;

/// Show a vignette as a group sees it: the story stage by stage and the
/// questions with their answer options, in one language, with chosen factor
/// levels (e.g. whether the child is a girl or a boy).
///
/// Factors not chosen with --factor take their first level, or a random
/// level when --seed is given (the same seed gives the same levels).
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  vignette show V2 --lang en --stage 1\n  \
    vignette show V1 --factor victim_gender=boy --format html > V1.html")]
pub struct Args {
    /// Vignette id, as in `vignette list`.
    vignette: String,

    /// Language (default: the vignette's first language, nb).
    #[arg(long, value_name = "LANG")]
    lang: Option<String>,

    /// Stage number, counted from 1, or `all`.
    #[arg(long, default_value = "all", value_parser = parse_stages)]
    stage: Stages,

    /// Choose a factor level, as FACTOR=LEVEL; repeat for more factors.
    #[arg(long = "factor", value_name = "FACTOR=LEVEL", value_parser = parse_level)]
    factors: Vec<(String, String)>,

    /// Draw the levels of factors not chosen with --factor from this seed.
    #[arg(long)]
    seed: Option<u64>,

    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Format {
    Text,
    Md,
    Html,
    Json,
}

fn parse_stages(value: &str) -> Result<Stages, String> {
    if value == "all" {
        return Ok(Stages::All);
    }
    match value.parse::<usize>() {
        Ok(n) if n >= 1 => Ok(Stages::Number(n)),
        _ => Err(format!(
            "expected a stage number from 1, or `all`; got `{value}`"
        )),
    }
}

fn parse_level(value: &str) -> Result<(String, String), String> {
    match value.split_once('=') {
        Some((factor, level)) if !factor.is_empty() && !level.is_empty() => {
            Ok((factor.to_string(), level.to_string()))
        }
        _ => Err(format!(
            "expected FACTOR=LEVEL, e.g. victim_gender=boy; got `{value}`"
        )),
    }
}

pub fn run(cx: &Context, args: &Args) -> Outcome {
    let bank = cx.bank()?;
    let Some(entry) = bank.vignette(&args.vignette) else {
        let known: Vec<&str> = bank.vignettes.iter().map(|v| v.item.id.as_str()).collect();
        return Err(Failure::usage(format!(
            "no vignette `{}` in {}",
            args.vignette,
            cx.source.describe()
        ))
        .hint(format!("the vignettes are: {}", known.join(", "))));
    };
    let vignette = &entry.item;
    let mut levels = BTreeMap::new();
    for (factor, level) in &args.factors {
        if levels.insert(factor.clone(), level.clone()).is_some() {
            return Err(Failure::usage(format!("factor `{factor}` is chosen twice")));
        }
    }
    let request = Request {
        language: args
            .lang
            .clone()
            .unwrap_or_else(|| vignette.languages[0].clone()),
        stages: args.stage,
        levels,
        seed: args.seed,
    };
    let rendered = render::render(vignette, &request).map_err(|e| Failure::usage(e.to_string()))?;
    let format = match args.format {
        Format::Text => Output::Text,
        Format::Md => Output::Markdown,
        Format::Html => Output::Html,
        Format::Json => Output::Json,
    };
    // JSON escapes control characters itself; the other formats are text.
    print!("{}", printable(&rendered.write(format), true));
    Ok(ExitCode::SUCCESS)
}
