//! `vignette session design`: the plan of a session and its balance.

use std::collections::BTreeMap;
use std::process::ExitCode;

use vignette::design::Design;

use crate::cli::Context;
use crate::cli::output;
use crate::cli::{DataFormat, Failure, Outcome};

/// Show a session's plan: which vignettes each group (with its roles) gets,
/// in which order, with which factor levels, and how balanced the plan is.
///
/// `--format json` prints the design exactly as stored: the same seed and
/// inputs give the same bytes.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Session id (see `vignette session list`).
    session: String,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: DataFormat,
}

pub fn run(cx: &Context, args: &Args) -> Outcome {
    let mut store = cx.store_to_read()?;
    let record = store.session(&args.session)?;
    if args.format == DataFormat::Json {
        print!("{}", record.design);
        return Ok(ExitCode::SUCCESS);
    }
    let codes = vignette::session::join::codes(&mut store, &record.id)?;
    let design: Design = serde_json::from_str(&record.design)
        .map_err(|e| Failure::internal(format!("the stored design cannot be read: {e}")))?;
    println!(
        "session {} · seed {} · method {}",
        record.id, design.seed, design.method
    );
    let positions = design
        .groups
        .iter()
        .map(|g| g.vignettes.len())
        .max()
        .unwrap_or(0);
    let mut plan = output::table();
    plan.set_header(
        std::iter::once("group".to_string()).chain((1..=positions).map(|p| format!("{p}."))),
    );
    let roles: BTreeMap<String, String> = store
        .groups(&record.id)?
        .into_iter()
        .map(|g| {
            let roles: Vec<String> = g.roles.iter().map(|(r, n)| format!("{r} {n}")).collect();
            (g.label, roles.join("\n"))
        })
        .collect();
    for group in &design.groups {
        let cells = group.vignettes.iter().map(|v| {
            let levels: Vec<String> = v.levels.iter().map(|(f, l)| format!("{f}={l}")).collect();
            format!("{}\n{}", v.vignette, levels.join("\n"))
        });
        let label = match roles.get(&group.group).filter(|r| !r.is_empty()) {
            Some(roles) => format!("{}\n{roles}", group.group),
            None => group.group.clone(),
        };
        plan.add_row(std::iter::once(label).chain(cells));
    }
    println!("{plan}");
    let d = &design.diagnostics;
    let mut balance = output::table();
    balance.set_header(["vignette", "groups", "by position", "factor levels used"]);
    for (vignette, count) in &d.vignette_counts {
        let positions: Vec<String> = d
            .position_counts
            .get(vignette)
            .into_iter()
            .flatten()
            .map(usize::to_string)
            .collect();
        let levels: Vec<String> = d
            .level_counts
            .get(vignette)
            .into_iter()
            .flatten()
            .map(|(factor, counts)| {
                let counts: Vec<String> = counts.iter().map(|(l, n)| format!("{l} {n}")).collect();
                format!("{factor}: {}", counts.join(", "))
            })
            .collect();
        balance.add_row([
            vignette.clone(),
            count.to_string(),
            positions.join(" "),
            levels.join("\n"),
        ]);
    }
    println!("{balance}");
    println!(
        "largest imbalance: {} (vignettes, positions and factor levels are each balanced within 1)",
        d.max_imbalance
    );
    super::print_codes(&codes);
    if let Some(form) = &design.form {
        let how = match form.chosen.as_str() {
            "site" => "continuing the site's earlier sessions",
            "named" => "chosen by hand",
            _ => "a new site's start, balanced across the sites of its offering and sector",
        };
        println!("{}; {how}", super::form_line(form));
    }
    Ok(ExitCode::SUCCESS)
}
