//! `vignette session new`: plan and store a session.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use vignette::input;
use vignette::session::{self, SessionSpec, VignetteChoice};
use vignette::store::GroupRecord;

use crate::cli::Context;
use crate::cli::{DataFormat, Failure, Outcome};

/// Create a session: one workshop of one offering, in one phase, at one site.
///
/// Plans which vignettes each group gets, in which order and with which factor
/// levels: every vignette is used equally often, in every position equally
/// often, and every factor level equally often (each within one). The plan is
/// drawn from --seed: the same seed and inputs give the same plan.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example:\n  vignette session new --study inkluderende-miljo --offering nettbasert --phase baseline \\\n    \
    --site \"Bodø kommune\" --site-attr sector=school --site-attr centrality=urban \\\n    \
    --cohort 2026 --groups 6 --per-group 2 --seed 7"
)]
pub struct Args {
    /// Study id (see `vignette list`).
    #[arg(long, default_value = "inkluderende-miljo")]
    study: String,
    /// Offering id of the study, e.g. laeringsmiljoprosjektet.
    #[arg(long)]
    offering: String,
    /// Phase id of the study: baseline, midpoint or endpoint.
    #[arg(long)]
    phase: String,
    /// The site: a municipality, school or kindergarten.
    #[arg(long)]
    site: String,
    /// A site attribute of the study, as ID=VALUE (e.g. centrality=rural); repeat for more.
    #[arg(long = "site-attr", value_name = "ID=VALUE", value_parser = parse_pair)]
    site_attributes: Vec<(String, String)>,
    /// The cohort (pulje), e.g. 2026 or "pulje 1".
    #[arg(long)]
    cohort: String,
    /// Language the groups read (default: the study's first).
    #[arg(long, value_name = "LANG")]
    lang: Option<String>,
    /// Number of groups, labelled G1, G2, …
    #[arg(
        long,
        conflicts_with = "groups_file",
        required_unless_present = "groups_file"
    )]
    groups: Option<usize>,
    /// CSV with columns `group,roles`, e.g. `Bord 1,"principal:1,teacher:3"`.
    #[arg(long, value_name = "FILE")]
    groups_file: Option<PathBuf>,
    /// Vignettes every group gets, e.g. V1,V3; with --per-group, the ones
    /// each group's vignettes are drawn from.
    #[arg(long, value_delimiter = ',', required_unless_present = "per_group")]
    vignettes: Vec<String>,
    /// How many vignettes each group gets: of --vignettes, or else of the
    /// study's vignettes that fit the site's sector (a school site gets
    /// school cases; a site of sector `both`, or of none, gets any).
    #[arg(long)]
    per_group: Option<usize>,
    /// Draw from this parallel form of the study (see `vignette list`)
    /// instead of the one the site's rotation gives. Without it, a study with
    /// forms gives a new site the starting form fewest sites of its offering
    /// and sector have, and a site's later phases the next form in turn.
    #[arg(long, value_name = "FORM")]
    form: Option<String>,
    /// Seed for the plan (record it; the same seed gives the same plan).
    #[arg(long)]
    seed: u64,
    /// Session id (default: made from the site and phase). Without it, a
    /// second session of the same study, site, offering, phase and cohort is
    /// refused, since it is most often a mistake.
    #[arg(long)]
    id: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: DataFormat,
}

fn parse_pair(value: &str) -> Result<(String, String), String> {
    match value.split_once('=') {
        Some((id, v)) if !id.is_empty() && !v.is_empty() => Ok((id.to_string(), v.to_string())),
        _ => Err(format!(
            "expected ID=VALUE, e.g. centrality=rural; got `{value}`"
        )),
    }
}

fn read_groups(path: &Path) -> Result<Vec<GroupRecord>, Failure> {
    let name = path.display().to_string();
    let bytes = input::read_file(path, input::read::ANSWER_FILE)?;
    let groups = input::parse_groups_csv(&name, &bytes).map_err(|problems| {
        Failure::problems(
            format!("{} problem(s) in {name}", problems.len()),
            &problems,
        )
        .hint(
            "a groups file is CSV with the header `group,roles`, e.g. G1,\"principal:1,teacher:3\"",
        )
    })?;
    Ok(groups
        .into_iter()
        .map(|g| GroupRecord {
            label: g.label,
            roles: g.roles,
        })
        .collect())
}

pub fn run(cx: &Context, args: &Args) -> Outcome {
    let bank = cx.bank()?;
    let groups = match (&args.groups_file, args.groups) {
        (Some(path), _) => read_groups(path)?,
        (None, Some(n)) => (1..=n)
            .map(|i| GroupRecord {
                label: format!("G{i}"),
                roles: BTreeMap::new(),
            })
            .collect(),
        (None, None) => return Err(Failure::usage("give --groups N or --groups-file FILE")),
    };
    let mut site_attributes = BTreeMap::new();
    for (id, value) in &args.site_attributes {
        if site_attributes.insert(id.clone(), value.clone()).is_some() {
            return Err(Failure::usage(format!(
                "site attribute `{id}` is given twice"
            )));
        }
    }
    let mut spec = SessionSpec {
        id: args.id.clone(),
        study: args.study.clone(),
        offering: args.offering.clone(),
        phase: args.phase.clone(),
        cohort: args.cohort.clone(),
        site: args.site.clone(),
        site_attributes,
        language: args.lang.clone(),
        groups,
        vignettes: match (args.per_group, args.vignettes.is_empty()) {
            (Some(k), true) => VignetteChoice::PerGroup(k),
            (Some(k), false) => VignetteChoice::PerGroupOf {
                vignettes: args.vignettes.clone(),
                per_group: k,
            },
            (None, _) => VignetteChoice::Listed(args.vignettes.clone()),
        },
        form: None,
        seed: args.seed,
    };
    let existing = if cx.db.exists() {
        Some(cx.store()?)
    } else {
        None
    };
    if args.id.is_none()
        && let Some(store) = &existing
        && let Some(earlier) = session::same_workshop(store, &spec)?
    {
        return Err(Failure::usage(format!(
            "site `{}` has a session of offering `{}` at phase `{}` in cohort `{}` already: {earlier}",
            spec.site, spec.offering, spec.phase, spec.cohort
        ))
        .hint(format!(
            "to make another one on purpose, give it an id with --id; to replace a mistaken one, \
             `vignette session discard {earlier} --reason …` (or `session delete {earlier}` if it \
             holds no answers) and run this again"
        )));
    }
    spec.form = session::form_for(&bank, existing.as_ref(), &spec, args.form.as_deref())?;
    drop(existing);
    let planned = session::plan(&bank, &spec)?;
    let mut store = cx.new_or_existing_store()?;
    let id = planned.store(&mut store)?;
    let codes = session::join::codes(&mut store, &id)?;
    match args.format {
        DataFormat::Json => println!(
            "{}",
            serde_json::json!({
                "id": id,
                "db": cx.db.display().to_string(),
                "form": spec.form.as_ref().map(|f| &f.form),
                "join_codes": codes
                    .iter()
                    .map(|c| (c.group.clone(), session::join::display(&c.code)))
                    .collect::<BTreeMap<_, _>>(),
            })
        ),
        DataFormat::Text => {
            println!("created session {id} in {}", cx.db.display());
            if let Some(form) = &spec.form {
                println!("{}", super::form_line(form));
            }
            super::print_codes(&codes);
            println!(
                "next: `vignette session design {id}` shows the plan; `vignette session status {id}` the progress"
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
