//! `vignette score`: automatic scores of a session, or of an export file.

use std::collections::BTreeMap;
use std::io::{BufWriter, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use comfy_table::Table;
use rayon::prelude::*;
use serde::Serializer;
use serde_json::Value;
use vignette::bank::{Labelled, Rubric, Study};
use vignette::bank::{label_of, localized};
use vignette::export::spreadsheet_safe;
use vignette::input;
use vignette::input::printable;
use vignette::messages::{self, Messages};
use vignette::scoring::{self, ScoreStatus, Scored, ScoredSummary};
use vignette::scoring::{CriterionLevel, CriterionScore, Evidence, Levels};
use vignette::session;

use super::{Failure, Outcome, TableFormat as Format};
use crate::cli::Context;
use crate::cli::output;

/// Score answers on prevention, detection and handling with the rubrics'
/// evidence rules: options chosen, ranks, Likert values and phrases written
/// (not negated), capped by red flags.
///
/// For a session the scores are stored with their provenance (rubric hash,
/// method, version). Scoring again stores a new version only where answers
/// or the rubric changed, and shows which criteria changed; nothing is
/// overwritten. With --responses FILE.jsonl (from `session export`) the file
/// is scored with the bank's rubrics and nothing is stored.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  vignette score bodo-kommune-baseline\n  \
    vignette score bodo-kommune-baseline --explain G1 V2\n  \
    vignette score --all\n  \
    vignette score --responses answers.jsonl --format csv > scores.csv")]
pub struct Args {
    /// Session id.
    #[arg(required_unless_present_any = ["responses", "all"], conflicts_with_all = ["responses", "all"])]
    session: Option<String>,
    /// Score every session in the database, one line each.
    #[arg(long, conflicts_with_all = ["responses", "explain", "rubric_from_bank"])]
    all: bool,
    /// Score a session export (JSON lines) instead of a session in the database.
    #[arg(long, value_name = "FILE.jsonl")]
    responses: Option<PathBuf>,
    /// Score with the bank's current rubrics instead of the ones the session pinned.
    #[arg(long, requires = "session")]
    rubric_from_bank: bool,
    /// Explain one score: each criterion's level, why, and the answers with the evidence marked.
    #[arg(long, num_args = 2, value_names = ["GROUP", "VIGNETTE"])]
    explain: Option<Vec<String>>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    /// With --format csv, write group labels exactly as stored, for
    /// programs. By default a label that begins with =, +, -, @, a tab or a
    /// carriage return gets a leading ' so that a spreadsheet does not run
    /// it as a formula.
    #[arg(long)]
    raw_cells: bool,
}

pub fn run(cx: &Context, args: &Args) -> Outcome {
    match (&args.responses, &args.session) {
        (Some(file), _) => run_export(cx, file, args),
        (None, Some(id)) => run_session(cx, id, args),
        (None, None) if args.all => run_all(cx),
        (None, None) => Err(Failure::usage(
            "give a SESSION, --all or --responses FILE.jsonl",
        )),
    }
}

/// Scores every session in the database and says, per session, how many
/// scores are new, rescored or unchanged.
fn run_all(cx: &Context) -> Outcome {
    let mut store = cx.store()?;
    let sessions: Vec<_> = store
        .sessions()?
        .into_iter()
        .filter(|s| s.discarded_at.is_none())
        .collect();
    if sessions.is_empty() {
        return Err(Failure::usage(format!(
            "no sessions in {} (discarded ones are left out)",
            cx.db.display()
        )));
    }
    for record in sessions {
        let loaded = session::load(&store, &record.id)?;
        let scored = scoring::score_session(&mut store, &loaded, None)?;
        let count = |status: ScoreStatus| scored.iter().filter(|s| s.status == status).count();
        println!(
            "{}: {} score(s): {} new, {} rescored, {} unchanged",
            record.id,
            scored.len(),
            count(ScoreStatus::New),
            count(ScoreStatus::Rescored),
            count(ScoreStatus::Unchanged)
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Scores a session in the database (storing new versions) and prints the scores.
fn run_session(cx: &Context, id: &str, args: &Args) -> Outcome {
    let SessionScores {
        scored,
        rubrics,
        study,
    } = score_session(cx, id, args.rubric_from_bank)?;
    if let Some(unit) = &args.explain {
        let found = scored
            .iter()
            .find(|s| s.group == unit[0] && s.vignette == unit[1])
            .ok_or_else(|| no_unit(unit, scored.iter().map(|s| (s.group.clone(), &*s.vignette))))?;
        return print_explained(found, &rubrics, &study.dimensions, args.format);
    }
    match args.format {
        Format::Json => print_json(scored.into_iter()),
        Format::Csv => print_csv(scored.iter().map(Scored::summary), !args.raw_cells),
        Format::Text => {
            let criteria = scored.iter().flat_map(|s| &s.card.criteria);
            let dims = dimensions(criteria.map(|c| c.dimension.as_str()));
            print_table(score_table(&dims, scored.iter().map(Scored::summary)))
        }
    }
}

/// Scores a session export (nothing is stored): levels alone for the table
/// and CSV, full cards one batch at a time for JSON, one to explain.
fn run_export(cx: &Context, file: &Path, args: &Args) -> Outcome {
    let bank = cx.bank()?;
    let bytes = input::map_file(file, input::read::EXPORT_FILE, input::read::EXPORT_STREAM)?;
    let export = scoring::Responses::read(&bank, &file.display().to_string(), &bytes)?;
    let units = || (0..export.len()).map(|i| export.unit(i));
    if let Some(unit) = &args.explain {
        let found = units()
            .position(|(group, vignette)| group == unit[0] && vignette == unit[1])
            .ok_or_else(|| no_unit(unit, units()))?;
        let rubrics = bank
            .rubrics
            .iter()
            .map(|r| (session::content_hash(&r.text), r.item.clone()))
            .collect();
        let scored = &export.scored(found..found + 1)[0];
        let study = bank.studies_using(&scored.vignette).next();
        let labels = study.map_or(&[][..], |s| &s.item.dimensions);
        return print_explained(scored, &rubrics, labels, args.format);
    }
    if args.format == Format::Json {
        return print_json(export_cards(&export));
    }
    let levels = export.levels();
    if args.format == Format::Csv {
        let printed = print_export_csv(&export, &levels, !args.raw_cells);
        // The process ends now: leave the units to the operating system
        // rather than free them one by one (a tenth of a second per million lines).
        std::mem::forget((export, levels));
        return printed;
    }
    let summaries = export.summaries(&levels);
    let criteria = (0..export.len()).flat_map(|i| &export.rubric(i).criteria);
    let dims = dimensions(criteria.map(|c| c.dimension.as_str()));
    let scores = score_table(&dims, summaries);
    // The table owns its rows: free the file and its units before rendering.
    drop(export);
    drop(bytes);
    print_table(scores)
}

/// An export's units scored with full cards, a batch at a time, so that
/// only one batch of cards is held at once.
fn export_cards<'e>(export: &'e scoring::Responses<'_, '_>) -> impl Iterator<Item = Scored> + 'e {
    const BATCH: usize = 512;
    (0..export.len())
        .step_by(BATCH)
        .flat_map(|start| export.scored(start..export.len().min(start + BATCH)))
}

/// The error for `--explain` of a unit that was not scored, listing those that were.
fn no_unit<'a>(unit: &[String], scored: impl Iterator<Item = (String, &'a str)>) -> Failure {
    let (group, vignette) = (&unit[0], &unit[1]);
    Failure::usage(format!(
        "no answers of group `{group}` to vignette `{vignette}` to explain"
    ))
    .hint(format!(
        "scored: {}",
        scored
            .map(|(g, v)| format!("{g} {v}"))
            .collect::<Vec<_>>()
            .join(", ")
    ))
}

fn print_explained(
    found: &Scored,
    rubrics: &BTreeMap<String, Rubric>,
    labels: &[Labelled],
    format: Format,
) -> Outcome {
    let rubric = rubrics
        .get(&found.rubric_hash)
        .ok_or_else(|| Failure::usage("the rubric of this score is missing"))?;
    match format {
        Format::Json => println!("{:#}", serde_json::json!(found)),
        _ => print!("{}", printable(&explain(found, rubric, labels), true)),
    }
    Ok(ExitCode::SUCCESS)
}

/// Prints scores as one JSON array (as `serde_json::Value`s: keys sorted),
/// writing each score as it comes.
fn print_json(scored: impl Iterator<Item = Scored>) -> Outcome {
    let mut out = BufWriter::new(std::io::stdout().lock());
    let written = serde_json::Serializer::pretty(&mut out)
        .collect_seq(scored.map(|s| serde_json::json!(s)))
        .map_err(std::io::Error::from)
        .and_then(|()| writeln!(out))
        .and_then(|()| out.flush());
    written.map_err(|e| Failure::usage(e.to_string()))?;
    Ok(ExitCode::SUCCESS)
}

/// Prints scores as CSV; with `guard`, group labels are made spreadsheet-safe.
fn print_csv<'a>(scored: impl Iterator<Item = ScoredSummary<'a>>, guard: bool) -> Outcome {
    let out = BufWriter::new(std::io::stdout().lock());
    let safe = scored.map(|mut s| {
        if guard {
            s.group = spreadsheet_safe(&s.group).into_owned().into();
        }
        s
    });
    csv(safe, out).map_err(|e| Failure::usage(e.to_string()))?;
    Ok(ExitCode::SUCCESS)
}

/// Prints an export's scores as CSV, as [`print_csv`] does. Rows differ
/// from unit to unit only in the group and the level: the rest of every row
/// is rendered once ([`RowTails`]). Batches of units are put together on all
/// cores, a few batches at a time, and written in order.
fn print_export_csv(
    export: &scoring::Responses<'_, '_>,
    levels: &[Levels],
    guard: bool,
) -> Outcome {
    /// Units per batch, and batches formatted at once (bounding the memory).
    const UNITS: usize = 1024;
    const BATCHES: usize = 8;
    let tails = RowTails::new(export).map_err(|e| Failure::usage(e.to_string()))?;
    let format = |units: Range<usize>| -> Result<Vec<u8>, csv::Error> {
        let mut rows = Vec::new();
        for i in units {
            tails.write_rows(&mut rows, export, i, &levels[i], guard)?;
        }
        Ok(rows)
    };
    let mut out = BufWriter::new(std::io::stdout().lock());
    let mut write = || -> Result<(), csv::Error> {
        let mut header = csv::Writer::from_writer(&mut out);
        csv_header(&mut header)?;
        header.flush()?;
        drop(header);
        for first in (0..levels.len()).step_by(UNITS * BATCHES) {
            let last = levels.len().min(first + UNITS * BATCHES);
            let batches: Vec<Range<usize>> = (first..last)
                .step_by(UNITS)
                .map(|start| start..last.min(start + UNITS))
                .collect();
            let formatted: Vec<_> = batches.into_par_iter().map(format).collect();
            for batch in formatted {
                out.write_all(&batch?)?;
            }
        }
        out.flush()?;
        Ok(())
    };
    write().map_err(|e| Failure::usage(e.to_string()))?;
    Ok(ExitCode::SUCCESS)
}

/// The CSV rows of an export's scores without their group: per rubric the
/// export compiled, per criterion and per level up to its maximum, the row
/// from the comma after the group to the end of the line, rendered by
/// [`csv_rows`] (fields are quoted one by one, so a row is its group's cell
/// followed by this).
struct RowTails(Vec<Vec<Vec<Vec<u8>>>>);

impl RowTails {
    fn new(export: &scoring::Responses<'_, '_>) -> Result<RowTails, csv::Error> {
        let mut first = vec![None; export.scorers()];
        for i in 0..export.len() {
            first[export.scorer_index(i)].get_or_insert(i);
        }
        let tails = first.into_iter().map(|unit| match unit {
            Some(i) => Self::of_unit(export, i),
            None => Ok(Vec::new()),
        });
        Ok(RowTails(tails.collect::<Result<_, _>>()?))
    }

    /// The tails for the rubric of unit `i`, per criterion and level.
    fn of_unit(
        export: &scoring::Responses<'_, '_>,
        i: usize,
    ) -> Result<Vec<Vec<Vec<u8>>>, csv::Error> {
        let criteria = &export.rubric(i).criteria;
        let top = criteria.iter().map(|c| c.max_level()).max().unwrap_or(0);
        let mut tails = vec![Vec::new(); criteria.len()];
        for level in 0..=top {
            let all_at = Levels {
                criteria: vec![level; criteria.len()],
                red_flags: Vec::new(),
            };
            let mut summary = export.summary(i, &all_at);
            summary.group = "".into();
            for (c, tail) in summary.summary.criteria.iter().zip(&mut tails) {
                if level <= c.max_level {
                    let mut writer = csv::Writer::from_writer(Vec::new());
                    csv_row(&mut writer, &summary, c)?;
                    tail.push(writer.into_inner().map_err(|e| e.into_error())?);
                }
            }
        }
        Ok(tails)
    }

    /// Appends unit `i`'s rows to `out`.
    fn write_rows(
        &self,
        out: &mut Vec<u8>,
        export: &scoring::Responses<'_, '_>,
        i: usize,
        levels: &Levels,
        guard: bool,
    ) -> Result<(), csv::Error> {
        // A group is `SESSION/GROUP`, never empty: alone in a record, its
        // cell is quoted as in a longer one.
        let mut line = Vec::new();
        let mut cells = csv::WriterBuilder::new()
            .buffer_capacity(256)
            .from_writer(&mut line);
        let group = export.unit(i).0;
        let group = if guard {
            spreadsheet_safe(&group)
        } else {
            group.as_str().into()
        };
        cells.write_record([&*group])?;
        cells.flush()?;
        drop(cells);
        let cell = line.strip_suffix(b"\n").unwrap_or(&line);
        let tails = &self.0[export.scorer_index(i)];
        let start = out.len();
        let complete = levels.criteria.iter().enumerate().all(|(c, &level)| {
            let tail = tails.get(c).and_then(|t| t.get(usize::from(level)));
            if let Some(tail) = tail {
                out.extend_from_slice(cell);
                out.extend_from_slice(tail);
            }
            tail.is_some()
        });
        if !complete {
            // A level above its criterion's maximum has no tail: write the
            // unit's rows one by one.
            out.truncate(start);
            let mut writer = csv::Writer::from_writer(out);
            let mut summary = export.summary(i, levels);
            summary.group = group.into_owned().into();
            csv_rows(&mut writer, &summary)?;
            writer.flush()?;
        }
        Ok(())
    }
}

fn print_table(scores: Option<ScoreTable>) -> Outcome {
    match scores {
        None => println!("no answers to score yet"),
        Some(ScoreTable { table, rescored }) => print!(
            "{table}\n{rescored}scores are 0–100: weighted criterion levels over their maximum; \
             `--explain GROUP VIGNETTE` shows why\n"
        ),
    }
    Ok(ExitCode::SUCCESS)
}

/// Scores a session with its pinned rubrics, or with the bank's (newer) ones.
fn score_session(cx: &Context, id: &str, from_bank: bool) -> Result<SessionScores, Failure> {
    let mut store = cx.store()?;
    let loaded = session::load(&store, id)?;
    let (scored, rubrics) = if from_bank {
        let bank = cx.bank()?;
        scoring::score_session_with_bank(&mut store, &loaded, &bank).map_err(|e| {
            let missing = loaded
                .assignments
                .iter()
                .any(|a| bank.rubric_for(&a.vignette).is_none());
            let failure = Failure::from(e);
            if missing {
                failure.hint(
                    "the session's vignettes come from another bank: give that bank with \
                     --bank DIR (or VIGNETTE_BANK), or leave out --rubric-from-bank to score \
                     with the rubrics the session pinned",
                )
            } else {
                failure
            }
        })?
    } else {
        let scored = scoring::score_session(&mut store, &loaded, None)?;
        (scored, loaded.rubrics.clone())
    };
    Ok(SessionScores {
        scored,
        rubrics,
        study: loaded.study,
    })
}

/// A session's scores, the rubrics they were scored with (by content hash)
/// and the study the session pinned.
struct SessionScores {
    scored: Vec<Scored>,
    rubrics: BTreeMap<String, Rubric>,
    study: Study,
}

/// The dimensions in order of first appearance (rubric order: prevention,
/// detection, handling in the shipped bank).
fn dimensions<'a>(of_criteria: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut all: Vec<&str> = Vec::new();
    for dimension in of_criteria {
        if !all.contains(&dimension) {
            all.push(dimension);
        }
    }
    all
}

/// The score table and the lines about rescored units, owned, so that what
/// the rows came from can be freed before the table is rendered.
struct ScoreTable {
    table: Table,
    rescored: String,
}

/// The table of scores, or `None` without any.
fn score_table<'a>(
    dims: &[&str],
    scored: impl Iterator<Item = ScoredSummary<'a>>,
) -> Option<ScoreTable> {
    let mut scored = scored.peekable();
    scored.peek()?;
    let mut table = output::table();
    let mut header = vec!["group".to_string(), "vignette".to_string()];
    header.extend(dims.iter().map(|d| d.to_string()));
    header.extend(
        [
            "overall",
            "red flags",
            "critical missing",
            "version",
            "method",
        ]
        .map(String::from),
    );
    table.set_header(header);
    let mut rescored = String::new();
    for s in scored {
        table.add_row(row(dims, &s));
        if !s.changes.is_empty() {
            let changes: Vec<String> = s
                .changes
                .iter()
                .map(|c| format!("{} {}→{}", c.criterion, c.from, c.to))
                .collect();
            rescored.push_str(&format!(
                "rescored {} {}: {}\n",
                s.group,
                s.vignette,
                changes.join(", ")
            ));
        }
    }
    Some(ScoreTable { table, rescored })
}

/// Where a score's levels come from: `auto`, `consensus` (every level
/// decided by raters) or `auto+consensus`.
fn method_of(summary: &vignette::scoring::Summary<'_>) -> String {
    let methods: std::collections::BTreeSet<&str> =
        summary.criteria.iter().map(|c| c.method).collect();
    methods.into_iter().collect::<Vec<_>>().join("+")
}

fn row(dims: &[&str], s: &ScoredSummary<'_>) -> Vec<String> {
    let mut row = vec![s.group.to_string(), s.vignette.to_string()];
    row.extend(dims.iter().map(|d| {
        s.summary
            .dimensions
            .get(d)
            .map_or("–".to_string(), |x| format!("{:.0}", x.score))
    }));
    row.push(format!("{:.0}", s.summary.overall));
    row.push(s.summary.red_flags.join("\n"));
    row.push(s.summary.critical_missing.join("\n"));
    row.push(match s.status {
        ScoreStatus::New => format!("{} (new)", s.version),
        ScoreStatus::Unchanged => format!("{}", s.version),
        ScoreStatus::Rescored => format!("{} (rescored)", s.version),
    });
    row.push(method_of(&s.summary));
    row
}

fn csv<'a>(
    scored: impl Iterator<Item = ScoredSummary<'a>>,
    out: impl std::io::Write,
) -> Result<(), csv::Error> {
    let mut writer = csv::Writer::from_writer(out);
    csv_header(&mut writer)?;
    for s in scored {
        csv_rows(&mut writer, &s)?;
    }
    writer.flush()?;
    Ok(())
}

fn csv_header(writer: &mut csv::Writer<impl std::io::Write>) -> Result<(), csv::Error> {
    writer.write_record([
        "group",
        "vignette",
        "criterion",
        "dimension",
        "level",
        "max_level",
        "weight",
        "critical",
        "rubric_hash",
        "version",
        "method",
    ])
}

/// One row per criterion of a score.
fn csv_rows(
    writer: &mut csv::Writer<impl std::io::Write>,
    s: &ScoredSummary<'_>,
) -> Result<(), csv::Error> {
    for c in &s.summary.criteria {
        csv_row(writer, s, c)?;
    }
    Ok(())
}

/// The row of criterion `c` of a score.
fn csv_row(
    writer: &mut csv::Writer<impl std::io::Write>,
    s: &ScoredSummary<'_>,
    c: &CriterionLevel<'_>,
) -> Result<(), csv::Error> {
    writer.write_record([
        &*s.group,
        s.vignette,
        c.id,
        c.dimension,
        &c.level.to_string(),
        &c.max_level.to_string(),
        &c.weight.to_string(),
        &c.critical.to_string(),
        s.rubric_hash,
        &s.version.to_string(),
        c.method,
    ])
}

/// A rater-readable account of one score, in the unit's language, with the
/// dimensions named as the study labels them (by id where no label is given).
fn explain(s: &Scored, rubric: &Rubric, labels: &[Labelled]) -> String {
    let lang = s.language.as_str();
    let t = messages::of(lang);
    let dimension_label = |d: &str| label_of(labels, d, lang);
    let mut out = t.fill(
        "explain.header",
        &[
            ("group", &s.group),
            ("vignette", &s.vignette),
            ("rubric", &rubric.id),
            ("version", &rubric.version),
            ("hash", &&s.rubric_hash[..12.min(s.rubric_hash.len())]),
            ("method", &s.card.method),
            ("score_version", &s.version),
        ],
    );
    out.push('\n');
    let order = dimensions(s.card.criteria.iter().map(|c| c.dimension.as_str()));
    let scores: Vec<String> = order
        .iter()
        .filter_map(|d| {
            let score = s.card.dimensions.get(*d)?.score;
            Some(format!("{} {score:.0}", dimension_label(d)))
        })
        .collect();
    let overall = format!("{:.0}", s.card.overall);
    out.push_str(&t.fill(
        "explain.overall",
        &[("scores", &scores.join(" · ")), ("overall", &overall)],
    ));
    out.push('\n');
    for dimension in order {
        out.push_str(&format!("\n{}\n", dimension_label(dimension)));
        for c in s.card.criteria.iter().filter(|c| c.dimension == dimension) {
            out.push_str(&criterion_lines(c, rubric, lang, t));
        }
    }
    if !s.card.red_flags.is_empty() {
        out.push_str(&format!("\n{}\n", t.text("explain.red_flags")));
        for f in &s.card.red_flags {
            let label = rubric
                .red_flags
                .iter()
                .find(|r| r.id == f.id)
                .map(|r| localized(&r.label, lang))
                .unwrap_or_default();
            let mut why: Vec<String> = f
                .mentions
                .iter()
                .map(|m| {
                    t.fill(
                        "explain.mention",
                        &[("text", &m.text), ("prompt", &m.prompt)],
                    )
                })
                .collect();
            why.extend(
                f.options
                    .iter()
                    .map(|o| t.fill("explain.option", &[("option", o)])),
            );
            out.push_str(&format!("  {} ({label}): {}\n", f.id, why.join("; ")));
        }
    }
    if !s.card.critical_missing.is_empty() {
        let missing = s.card.critical_missing.join(", ");
        out.push('\n');
        out.push_str(&t.fill("explain.critical_missing", &[("criteria", &missing)]));
        out.push('\n');
    }
    out.push_str(&format!("\n{}\n", t.text("explain.answers")));
    for (prompt, value) in &s.answers {
        out.push_str(&format!("  {prompt}: {}\n", marked(prompt, value, s)));
    }
    out
}

/// A criterion's lines of an explained score: its level and tags, the
/// evidence, what lowered or moved it, and the descriptor of its level.
fn criterion_lines(c: &CriterionScore, rubric: &Rubric, lang: &str, t: &Messages) -> String {
    let criterion = rubric.criteria.iter().find(|r| r.id == c.id);
    let title = criterion
        .map(|r| localized(&r.title, lang))
        .unwrap_or_default();
    let mut tags = vec![t.fill("explain.weight", &[("weight", &c.weight)])];
    if c.critical {
        tags.insert(0, t.text("explain.critical").to_string());
    }
    if c.method != "auto" {
        tags.push(t.fill("explain.human", &[("method", &c.method)]));
    }
    if let Some(stage) = c.stage.filter(|&s| s > 0) {
        tags.push(t.fill("explain.stage", &[("stage", &stage)]));
    }
    let mut out = format!(
        "  {}\n",
        t.fill(
            "explain.criterion",
            &[
                ("id", &c.id),
                ("title", &title),
                ("tags", &tags.join(", ")),
                ("level", &c.level),
                ("max", &c.max_level),
            ],
        )
    );
    let mut line = |mark: &str, text: String| out.push_str(&format!("    {mark}{text}\n"));
    for e in &c.evidence {
        line("+ ", describe(e, t));
    }
    if c.evidence.is_empty() {
        line("", t.text("explain.no_evidence").to_string());
    }
    for (m, lower) in &c.lowered_by {
        line(
            "− ",
            t.fill(
                "explain.lowers",
                &[("text", &m.text), ("prompt", &m.prompt), ("by", lower)],
            ),
        );
    }
    for flag in &c.flags {
        line("− ", t.fill("explain.red_flag", &[("flag", flag)]));
    }
    for m in &c.negated {
        line(
            "· ",
            t.fill(
                "explain.negated",
                &[("text", &m.text), ("prompt", &m.prompt)],
            ),
        );
    }
    if let Some(p) = c.profile {
        let (arrow, key) = if c.level > p.from {
            ("↑ ", "explain.raised_by_profile")
        } else {
            ("↓ ", "explain.lowered_by_profile")
        };
        let others = format!("{:.0}", 100.0 * p.others);
        line(
            arrow,
            t.fill(key, &[("from", &p.from), ("others", &others)]),
        );
    }
    if let Some(descriptor) = criterion.and_then(|r| r.levels.iter().find(|l| l.level == c.level)) {
        let text = localized(&descriptor.descriptor, lang);
        line(
            "",
            t.fill(
                "explain.descriptor",
                &[("level", &c.level), ("descriptor", &text)],
            ),
        );
    }
    out
}

/// One piece of evidence in words.
fn describe(e: &Evidence, t: &Messages) -> String {
    match e {
        Evidence::Option {
            prompt,
            option,
            level,
            ..
        } => t.fill(
            "explain.chose",
            &[("option", option), ("prompt", prompt), ("level", level)],
        ),
        Evidence::Rank {
            prompt,
            option,
            position,
            level,
            ..
        } => t.fill(
            "explain.ranked",
            &[
                ("option", option),
                ("position", position),
                ("prompt", prompt),
                ("level", level),
            ],
        ),
        Evidence::Likert {
            prompt,
            value,
            level,
            ..
        } => t.fill(
            "explain.likert",
            &[("value", value), ("prompt", prompt), ("level", level)],
        ),
        Evidence::Phrase {
            prompt,
            start,
            end,
            text,
            term,
            level,
            ..
        } => t.fill(
            "explain.wrote",
            &[
                ("text", text),
                ("prompt", prompt),
                ("start", start),
                ("end", end),
                ("term", term),
                ("level", level),
            ],
        ),
    }
}

/// A text answer with evidence spans in brackets and red-flag spans in braces
/// (overlapping spans merged).
fn marked(prompt: &str, value: &Value, s: &Scored) -> String {
    let Some(text) = value.as_str() else {
        return value.to_string();
    };
    let evidence = s
        .card
        .criteria
        .iter()
        .flat_map(|c| &c.evidence)
        .filter_map(|e| match e {
            Evidence::Phrase {
                prompt: p,
                start,
                end,
                ..
            } if p == prompt => Some((*start, *end)),
            _ => None,
        });
    let flagged = s
        .card
        .red_flags
        .iter()
        .flat_map(|f| &f.mentions)
        .filter(|m| m.prompt == prompt)
        .map(|m| (m.start, m.end));
    let mut marks: BTreeMap<usize, String> = BTreeMap::new();
    for ((start, end), (open, close)) in merged(evidence)
        .into_iter()
        .map(|r| (r, ('[', ']')))
        .chain(merged(flagged).into_iter().map(|r| (r, ('{', '}'))))
    {
        marks.entry(start).or_default().push(open);
        marks.entry(end).or_default().insert(0, close);
    }
    let mut out = String::new();
    for (i, ch) in text.chars().enumerate() {
        if let Some(m) = marks.get(&i) {
            out.push_str(m);
        }
        out.push(if ch == '\n' { ' ' } else { ch });
    }
    if let Some(m) = marks.get(&text.chars().count()) {
        out.push_str(m);
    }
    out
}

/// Overlapping or touching ranges joined.
fn merged(ranges: impl Iterator<Item = (usize, usize)>) -> Vec<(usize, usize)> {
    let mut ranges: Vec<(usize, usize)> = ranges.collect();
    ranges.sort_unstable();
    let mut out: Vec<(usize, usize)> = Vec::new();
    for (start, end) in ranges {
        match out.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => out.push((start, end)),
        }
    }
    out
}
