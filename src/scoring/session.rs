//! Scoring a session: the latest answers of every group and vignette, scored
//! with the pinned rubric (or a newer one from the bank), stored as versions
//! so that rescoring never overwrites and always says what changed. Also a
//! session export scored with the bank's rubrics ([`Responses`]), nothing stored.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

use rayon::prelude::*;
use serde::Serialize;
use serde_json::Value;

use crate::bank::{Bank, Entry, Rubric};
use crate::scoring::{Answer, Levels, ScoreCard, Scorer, Scratch, Summary};
use crate::store::{InstrumentRecord, ResponseRecord, ScoreRecord, Store};

use crate::input::Problem;
use crate::input::export_lines::{ExportValue, Pieces, Unit, UnitKey, read_export_pieces};
use crate::session::{Session, SessionError, content_hash};

/// Whether a score is new, changed since the last scoring, or as before.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ScoreStatus {
    New,
    Rescored,
    Unchanged,
}

/// A criterion whose level changed between two versions of a score.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LevelChange {
    pub criterion: String,
    pub from: u8,
    pub to: u8,
}

/// The score of one group's answers to one vignette, with its provenance.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scored {
    pub group: String,
    pub vignette: String,
    /// The language the answers were scored in.
    pub language: String,
    pub version: u32,
    pub rubric_hash: String,
    pub status: ScoreStatus,
    /// Changes against the previous version (empty unless rescored).
    pub changes: Vec<LevelChange>,
    pub card: ScoreCard,
    /// The answers that were scored (prompt id → latest value).
    #[serde(skip)]
    pub answers: BTreeMap<String, Value>,
}

impl Scored {
    /// The score without its evidence.
    pub fn summary(&self) -> ScoredSummary<'_> {
        ScoredSummary {
            group: Cow::Borrowed(&self.group),
            vignette: &self.vignette,
            language: &self.language,
            version: self.version,
            rubric_hash: &self.rubric_hash,
            status: self.status,
            changes: &self.changes,
            summary: self.card.summary(),
        }
    }
}

/// A [`Scored`] without the evidence: levels and scores, what tables and CSV show.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoredSummary<'a> {
    pub group: Cow<'a, str>,
    pub vignette: &'a str,
    pub language: &'a str,
    pub version: u32,
    pub rubric_hash: &'a str,
    pub status: ScoreStatus,
    pub changes: &'a [LevelChange],
    pub summary: Summary<'a>,
}

/// The latest answer to every prompt, by (group, vignette).
pub fn latest_answers(
    responses: &[ResponseRecord],
) -> BTreeMap<(String, String), BTreeMap<String, Value>> {
    let mut latest: BTreeMap<(String, String), BTreeMap<String, (u32, Value)>> = BTreeMap::new();
    for r in responses {
        let a = &r.answer;
        let unit = latest
            .entry((a.group.clone(), a.vignette.clone()))
            .or_default();
        match unit.get(&a.prompt) {
            Some((revision, _)) if *revision > r.revision => {}
            _ => {
                unit.insert(a.prompt.clone(), (r.revision, a.value.clone()));
            }
        }
    }
    latest
        .into_iter()
        .map(|(unit, answers)| {
            (
                unit,
                answers.into_iter().map(|(p, (_, v))| (p, v)).collect(),
            )
        })
        .collect()
}

/// Scores every group and vignette that has answers; stores new and changed
/// scores as new versions, all in one transaction.
///
/// Two series are kept per unit: `auto` (the rubric's evidence rules alone,
/// what auto-vs-human agreement compares) and, where raters reached a
/// consensus, `consensus` (the auto card with those criteria replaced by the
/// human levels). The consensus card is the one returned where it exists.
/// `newer` replaces the pinned rubric of its vignette (it is pinned too).
pub fn score_session(
    store: &mut Store,
    session: &Session,
    newer: Option<&Entry<Rubric>>,
) -> Result<Vec<Scored>, SessionError> {
    let id = &session.record.id;
    if let Some(entry) = newer {
        store.pin(&InstrumentRecord {
            hash: content_hash(&entry.text),
            kind: "rubric".to_string(),
            item_id: entry.item.id.clone(),
            version: entry.item.version.clone(),
            text: entry.text.clone(),
        })?;
    }
    let latest = |method: &str| -> Result<BTreeMap<(String, String), ScoreRecord>, SessionError> {
        Ok(store
            .latest_scores(id, method)?
            .into_iter()
            .map(|s| ((s.group.clone(), s.vignette.clone()), s))
            .collect())
    };
    let (previous_auto, previous_consensus) = (latest("auto")?, latest("consensus")?);
    let mut human: BTreeMap<String, BTreeMap<String, u8>> = BTreeMap::new();
    for c in store.consensus(id)? {
        human
            .entry(c.unit)
            .or_default()
            .insert(c.criterion, c.level);
    }
    let mut scored = Vec::new();
    // Records to store, with the index of the returned score that gets the version.
    let mut pending: Vec<(ScoreRecord, Option<usize>)> = Vec::new();
    // Compiling a rubric's matcher costs far more than scoring one unit with it.
    let mut scorers: HashMap<(String, String), Scorer> = HashMap::new();
    for ((group, vignette), answers) in latest_answers(&store.responses(id)?) {
        let Ok(assignment) = session.assignment(&group, &vignette) else {
            continue;
        };
        let (rubric, rubric_hash) = match newer.filter(|e| e.item.vignette == vignette) {
            Some(entry) => (&entry.item, content_hash(&entry.text)),
            None => (
                &session.rubrics[&assignment.rubric_hash],
                assignment.rubric_hash.clone(),
            ),
        };
        let key = (group.clone(), vignette.clone());
        let unit = ScoredUnit {
            group: &group,
            vignette: &vignette,
            rubric_hash: &rubric_hash,
        };
        let digest = content_hash(&serde_json::to_string(&answers).unwrap_or_default());
        let auto = unit.versioned(previous_auto.get(&key), "auto", &digest, || {
            scorers
                .entry((rubric_hash.clone(), assignment.vignette_hash.clone()))
                .or_insert_with(|| {
                    Scorer::new(
                        rubric,
                        session.vignette(assignment),
                        &session.record.language,
                    )
                })
                .score(&answers)
        });
        let code = crate::session::unit_code(id, &group, &vignette);
        let shown = match human.get(&code) {
            None => auto,
            Some(levels) => {
                let digest = content_hash(&format!(
                    "{digest}/{}",
                    serde_json::to_string(levels).unwrap_or_default()
                ));
                let base = auto.card.clone();
                pending.extend(auto.record.map(|r| (r, None)));
                unit.versioned(previous_consensus.get(&key), "consensus", &digest, || {
                    let mut card = base;
                    card.override_levels(levels, "consensus");
                    card
                })
            }
        };
        pending.extend(shown.record.map(|r| (r, Some(scored.len()))));
        scored.push(Scored {
            group,
            vignette,
            language: session.record.language.clone(),
            version: shown.version,
            rubric_hash,
            status: shown.status,
            changes: shown.changes,
            card: shown.card,
            answers,
        });
    }
    let (records, targets): (Vec<ScoreRecord>, Vec<Option<usize>>) = pending.into_iter().unzip();
    let versions = store.save_scores(id, &records)?;
    for (version, target) in versions.into_iter().zip(targets) {
        if let Some(i) = target {
            scored[i].version = version;
        }
    }
    Ok(scored)
}

/// Scores a session with the bank's rubric of each of its vignettes in
/// place of the pinned one (each newer rubric is pinned too); returns the
/// scores and every rubric they used, by content hash.
pub fn score_session_with_bank(
    store: &mut Store,
    session: &Session,
    bank: &Bank,
) -> Result<(Vec<Scored>, BTreeMap<String, Rubric>), SessionError> {
    let mut rubrics = session.rubrics.clone();
    let mut scored = Vec::new();
    let vignettes: std::collections::BTreeSet<&str> = session
        .assignments
        .iter()
        .map(|a| a.vignette.as_str())
        .collect();
    // One rubric at a time, so each vignette is scored with its newer rubric.
    for vignette in vignettes {
        let entry = bank.rubric_for(vignette).ok_or_else(|| {
            SessionError::Spec(format!("the bank has no rubric for `{vignette}`"))
        })?;
        rubrics.insert(content_hash(&entry.text), entry.item.clone());
        let for_vignette = score_session(store, session, Some(entry))?;
        scored.extend(for_vignette.into_iter().filter(|s| s.vignette == vignette));
    }
    Ok((scored, rubrics))
}

/// One unit being scored in one series.
struct ScoredUnit<'a> {
    group: &'a str,
    vignette: &'a str,
    rubric_hash: &'a str,
}

/// A score in one series: as before, or new with the record to store.
struct Versioned {
    status: ScoreStatus,
    version: u32,
    changes: Vec<LevelChange>,
    card: ScoreCard,
    record: Option<ScoreRecord>,
}

impl ScoredUnit<'_> {
    /// The series' previous card if rubric and inputs are unchanged; else a new
    /// card from `make`, with what changed and the record to store.
    fn versioned(
        &self,
        before: Option<&ScoreRecord>,
        method: &str,
        digest: &str,
        make: impl FnOnce() -> ScoreCard,
    ) -> Versioned {
        let before_card: Option<ScoreCard> =
            before.and_then(|b| serde_json::from_str(&b.card).ok());
        if let (Some(b), Some(card)) = (before, &before_card)
            && b.rubric_hash == self.rubric_hash
            && b.answers_digest == digest
        {
            return Versioned {
                status: ScoreStatus::Unchanged,
                version: b.version,
                changes: Vec::new(),
                card: card.clone(),
                record: None,
            };
        }
        let card = make();
        let record = ScoreRecord {
            group: self.group.to_string(),
            vignette: self.vignette.to_string(),
            method: method.to_string(),
            version: 0,
            rubric_hash: self.rubric_hash.to_string(),
            answers_digest: digest.to_string(),
            card: serde_json::to_string(&card).unwrap_or_default(),
            scored_at: String::new(),
        };
        Versioned {
            status: if before.is_some() {
                ScoreStatus::Rescored
            } else {
                ScoreStatus::New
            },
            version: 0,
            changes: before_card
                .as_ref()
                .map(|b| level_changes(b, &card))
                .unwrap_or_default(),
            card,
            record: Some(record),
        }
    }
}

fn level_changes(before: &ScoreCard, after: &ScoreCard) -> Vec<LevelChange> {
    let old: BTreeMap<&str, u8> = before
        .criteria
        .iter()
        .map(|c| (c.id.as_str(), c.level))
        .collect();
    after
        .criteria
        .iter()
        .filter_map(|c| {
            let from = old.get(c.id.as_str()).copied().unwrap_or(0);
            (from != c.level).then(|| LevelChange {
                criterion: c.id.clone(),
                from,
                to: c.level,
            })
        })
        .collect()
}

/// An export's value as the scorer takes it.
fn answer<'v>(value: &'v ExportValue<'_>) -> Answer<'v> {
    match value {
        ExportValue::Str(text) => Answer::Str(text),
        ExportValue::Json(value) => Answer::Json(value),
    }
}

/// A rubric compiled once for a vignette and language, shared by all threads.
struct Compiled<'b> {
    scorer: Scorer<'b>,
    rubric_hash: String,
}

/// One compiled rubric per (vignette, language) of `pairs` whose vignette
/// the bank has, compiled in parallel, with each pair's index.
fn compile<'b, 'p>(
    bank: &'b Bank,
    pairs: &'p [(String, String)],
) -> (
    Vec<Compiled<'b>>,
    foldhash::HashMap<(&'p str, &'p str), usize>,
) {
    let found: Vec<_> = pairs
        .iter()
        .filter_map(|(vignette, language)| {
            let (v, r) = (bank.vignette(vignette)?, bank.rubric_for(vignette)?);
            Some(((vignette.as_str(), language.as_str()), (r, v)))
        })
        .collect();
    let index = found
        .iter()
        .enumerate()
        .map(|(i, (pair, _))| (*pair, i))
        .collect();
    let compiled = found
        .into_par_iter()
        .map(|((_, language), (r, v))| Compiled {
            scorer: Scorer::new(&r.item, &v.item, language),
            rubric_hash: content_hash(&r.text),
        })
        .collect();
    (compiled, index)
}

/// Reads a session export (JSON lines) into its units without scoring: the
/// parse-only limit scoring ([`Responses`]) is measured against. Returns the number of units.
pub fn parse_responses(name: &str, bytes: &[u8]) -> Result<usize, SessionError> {
    Ok(read_pieces(name, bytes)?.into_units().len())
}

fn export_problem(name: &str, message: String) -> SessionError {
    SessionError::rejected(name, vec![Problem::in_file(name, message)])
}

/// An export's pieces of units, or its first problem as an error naming the file.
fn read_pieces<'t>(name: &str, bytes: &'t [u8]) -> Result<Pieces<'t>, SessionError> {
    read_export_pieces(name, bytes).map_err(|problem| SessionError::rejected(name, vec![problem]))
}

/// A session export (JSON lines, `session export --format jsonl`) read into
/// its units, sorted by session, group and vignette, with the bank's rubric
/// compiled once per vignette and language and shared by all threads.
/// Nothing is stored; groups are named `SESSION/GROUP` so that several
/// sessions can be scored at once.
///
/// [`Responses::levels`] scores every unit on all cores without building score
/// cards; [`Responses::scored`] builds full cards for a range of units.
pub struct Responses<'t, 'b> {
    units: Vec<(UnitKey<'t>, Unit<'t>)>,
    compiled: Vec<Compiled<'b>>,
    /// Per unit, the index of its compiled rubric.
    of_unit: Vec<usize>,
}

/// Version and status of every score of an export: new, never stored.
const EXPORT_VERSION: u32 = 1;

impl<'t, 'b> Responses<'t, 'b> {
    /// Reads an export and compiles the rubrics its units need; a bad line,
    /// or a vignette the bank lacks, is an error naming the file.
    ///
    /// The rubrics are compiled while the units are put together: the pieces
    /// of the file name every (vignette, language) the units need.
    pub fn read(bank: &'b Bank, name: &str, bytes: &'t [u8]) -> Result<Self, SessionError> {
        let pieces = read_pieces(name, bytes)?;
        let pairs = pieces.vignettes_and_languages();
        let (units, (compiled, index)) =
            rayon::join(|| pieces.into_units(), || compile(bank, &pairs));
        let of_unit: Vec<Option<usize>> = units
            .par_iter()
            .map(|((_, _, vignette), unit)| index.get(&(&**vignette, &*unit.language)).copied())
            .collect();
        // Every unit's pair is among the pieces' (a unit's language is its
        // first line's): one without a compiled rubric has a vignette the bank lacks.
        if let Some(i) = of_unit.iter().position(Option::is_none) {
            let vignette = &units[i].0.2;
            return Err(export_problem(
                name,
                format!("the bank has no vignette and rubric `{vignette}`"),
            ));
        }
        let of_unit = of_unit.into_iter().flatten().collect();
        Ok(Responses {
            units,
            compiled,
            of_unit,
        })
    }

    /// The number of units (group × vignette).
    pub fn len(&self) -> usize {
        self.units.len()
    }

    /// Whether the export has no answers.
    pub fn is_empty(&self) -> bool {
        self.units.is_empty()
    }

    /// Unit `i`'s group (`SESSION/GROUP`) and vignette.
    pub fn unit(&self, i: usize) -> (String, &str) {
        let (session, group, vignette) = &self.units[i].0;
        (format!("{session}/{group}"), vignette)
    }

    /// Unit `i`'s code (see [`crate::session::unit_code`]), as ratings name it.
    pub fn unit_code(&self, i: usize) -> String {
        let (session, group, vignette) = &self.units[i].0;
        crate::session::unit_code(session, group, vignette)
    }

    /// The number of compiled rubrics (one per vignette and language).
    pub fn scorers(&self) -> usize {
        self.compiled.len()
    }

    /// The index (below [`Responses::scorers`]) of the compiled rubric unit `i`
    /// is scored with: units with the same index share vignette, rubric and language.
    pub fn scorer_index(&self, i: usize) -> usize {
        self.of_unit[i]
    }

    /// The rubric unit `i` is scored with.
    pub fn rubric(&self, i: usize) -> &'b Rubric {
        self.compiled[self.of_unit[i]].scorer.rubric()
    }

    /// Every unit's levels, in order, scored on all cores.
    ///
    /// Units are scored grouped by rubric and language, so that a thread
    /// keeps one phrase automaton in its caches (phrase search is about a
    /// fifth faster than when switching automata from unit to unit).
    pub fn levels(&self) -> Vec<Levels> {
        let mut order: Vec<usize> = (0..self.units.len()).collect();
        order.sort_by_key(|&i| self.of_unit[i]);
        let mut scored: Vec<(usize, Levels)> = order
            .into_par_iter()
            // Fewer, longer runs: each starts its buffers anew.
            .with_min_len(256)
            .map_init(
                || (Scratch::default(), Vec::new()),
                |(scratch, answers), i| {
                    answers.clear();
                    let unit = &self.units[i].1;
                    std::hint::black_box(warm(unit));
                    answers.extend(unit.answers.iter().map(|(p, _, v)| (p.as_ref(), answer(v))));
                    let scorer = &self.compiled[self.of_unit[i]].scorer;
                    (i, scorer.levels(answers, scratch))
                },
            )
            .collect();
        scored.sort_unstable_by_key(|(i, _)| *i);
        scored.into_iter().map(|(_, levels)| levels).collect()
    }

    /// Unit `i`'s score from its levels (see [`Responses::levels`]), without evidence.
    pub fn summary(&self, i: usize, levels: &Levels) -> ScoredSummary<'_> {
        let ((session, group, vignette), unit) = &self.units[i];
        let compiled = &self.compiled[self.of_unit[i]];
        ScoredSummary {
            group: Cow::Owned(format!("{session}/{group}")),
            vignette,
            language: &unit.language,
            version: EXPORT_VERSION,
            rubric_hash: &compiled.rubric_hash,
            status: ScoreStatus::New,
            changes: &[],
            summary: compiled.scorer.summary(levels),
        }
    }

    /// Every unit's score from its levels (one per unit, in order), as
    /// [`Responses::summary`] gives it.
    ///
    /// A unit's ids and language lie in the file, and its levels where a
    /// thread put them, all long out of the caches by now: they are read a
    /// batch of units ahead, in one sweep whose loads overlap, rather than one
    /// miss at a time (a quarter less time).
    pub fn summaries<'s>(
        &'s self,
        levels: &'s [Levels],
    ) -> impl Iterator<Item = ScoredSummary<'s>> + 's {
        /// Units whose ids are read at once.
        const BATCH: usize = 32;
        levels.iter().enumerate().map(move |(i, l)| {
            if i % BATCH == 0 {
                let end = levels.len().min(i + BATCH);
                let units = self.units[i..end].iter().zip(&levels[i..end]);
                std::hint::black_box(units.fold(0, |mixed, ((key, unit), levels)| {
                    let first = |s: &[u8]| s.first().copied().unwrap_or(0);
                    mixed
                        ^ first(key.0.as_bytes())
                        ^ first(key.1.as_bytes())
                        ^ first(unit.language.as_bytes())
                        ^ first(&levels.criteria)
                        ^ levels.red_flags.first().map_or(0, |&f| f as u8)
                }));
            }
            self.summary(i, l)
        })
    }

    /// The units in `range` scored with full cards, on all cores.
    pub fn scored(&self, range: Range<usize>) -> Vec<Scored> {
        self.units[range.clone()]
            .par_iter()
            .zip(&self.of_unit[range])
            .map(|((key, unit), &c)| score_unit(&self.compiled[c], key, unit))
            .collect()
    }
}

/// Reads a byte of every cache line a unit's answers lie on (prompt ids,
/// texts, the options of a list) and returns them mixed, for
/// [`std::hint::black_box`]. The answers lie scattered through a file read
/// long before: read in one sweep whose loads do not wait on one another, the
/// processor fetches them from memory side by side rather than one miss at a
/// time as scoring meets them (levels took about 8 % less time,
/// docs/performance.md).
fn warm(unit: &Unit<'_>) -> u8 {
    /// Bytes per cache line.
    const LINE: usize = 64;
    let sample = |bytes: &[u8]| {
        let lines = bytes.iter().step_by(LINE).chain(bytes.last());
        lines.fold(0, |mixed, b| mixed ^ b)
    };
    let mut mixed = 0;
    for (prompt, _, value) in &unit.answers {
        mixed ^= sample(prompt.as_bytes());
        match value {
            ExportValue::Str(text) => mixed ^= sample(text.as_bytes()),
            ExportValue::Json(Value::Array(items)) => {
                for item in items.iter().filter_map(Value::as_str) {
                    mixed ^= sample(item.as_bytes());
                }
            }
            ExportValue::Json(_) => {}
        }
    }
    mixed
}

/// Scores one unit with its compiled rubric.
fn score_unit(
    compiled: &Compiled<'_>,
    (session, group, vignette): &UnitKey<'_>,
    unit: &Unit<'_>,
) -> Scored {
    let answers: BTreeMap<String, Value> = unit
        .answers
        .iter()
        .map(|(p, _, v)| (p.to_string(), v.to_value()))
        .collect();
    Scored {
        group: format!("{session}/{group}"),
        language: unit.language.to_string(),
        vignette: vignette.to_string(),
        version: EXPORT_VERSION,
        rubric_hash: compiled.rubric_hash.clone(),
        status: ScoreStatus::New,
        changes: Vec::new(),
        card: compiled.scorer.score(&answers),
        answers,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(group: &str, prompt: &str, value: &str, revision: u32, language: &str) -> String {
        format!(
            r#"{{"session": "s", "group": "{group}", "vignette": "V2", "prompt": "{prompt}", "value": {value}, "revision": {revision}, "language": "{language}", "source": "runner"}}"#
        )
    }

    fn embedded_bank() -> crate::bank::Bank {
        crate::bank::load(&crate::bank::BankSource::Embedded)
            .unwrap()
            .0
    }

    /// Lines of another unit, enough to push what follows past the first chunk.
    fn filler() -> String {
        let one = line("G9", "s1_do", r#""Vi varsler rektor.""#, 1, "nb");
        (0..=crate::input::export_lines::CHUNK_BYTES / one.len())
            .map(|_| format!("{one}\n"))
            .collect()
    }

    #[test]
    fn the_latest_revision_counts_across_chunks_and_the_first_line_sets_the_language() {
        let bank = embedded_bank();
        let text = [
            line("G1", "s1_do", r#""Vi venter.""#, 1, "nb"),
            line("G1", "s1_seriousness", "2", 3, "nb"),
            filler(),
            line("G1", "s1_do", r#""Vi varsler rektor i dag.""#, 2, "en"),
            line("G1", "s1_seriousness", "5", 3, "nb"),
            line("G1", "s1_seriousness", "4", 1, "nb"),
        ]
        .join("\n");
        let export = Responses::read(&bank, "x.jsonl", text.as_bytes()).unwrap();
        let scored = export.scored(0..export.len());
        let groups: Vec<&str> = scored.iter().map(|s| s.group.as_str()).collect();
        assert_eq!(groups, ["s/G1", "s/G9"]);
        let g1 = &scored[0];
        assert_eq!(g1.language, "nb");
        assert_eq!(g1.answers["s1_do"], "Vi varsler rektor i dag.");
        // Equal revisions: the first one read counts.
        assert_eq!(g1.answers["s1_seriousness"], 2);
        let alone = Scorer::new(
            &bank.rubric_for("V2").unwrap().item,
            &bank.vignette("V2").unwrap().item,
            "nb",
        )
        .score(&g1.answers);
        assert_eq!(g1.card, alone);
    }

    #[test]
    fn a_bad_line_is_named_by_its_line_number_in_the_file() {
        let bank = embedded_bank();
        let filler = filler();
        let text = format!("{filler}\n{{\"oops\": 1}}\n");
        let lines = filler.lines().count();
        let Err(SessionError::Answers { problems, .. }) =
            Responses::read(&bank, "x.jsonl", text.as_bytes())
        else {
            panic!("a bad line must be an error");
        };
        assert_eq!(
            (problems[0].file.as_str(), problems[0].line),
            ("x.jsonl", Some(lines + 2))
        );
    }

    #[test]
    fn bytes_that_are_not_utf8_are_named_by_line_and_column_before_any_bad_line() {
        let bank = embedded_bank();
        let filler = filler();
        let lines = filler.lines().count();
        // A bad line first, then (in a later chunk) a byte that is not UTF-8.
        let mut bytes = b"{\"oops\": 1}\n".to_vec();
        bytes.extend_from_slice(filler.as_bytes());
        bytes.extend_from_slice(b"{\"value\": \"ab\xff\"}\n");
        let Err(SessionError::Answers { problems, .. }) = Responses::read(&bank, "x.jsonl", &bytes)
        else {
            panic!("bytes that are not UTF-8 must be an error");
        };
        assert_eq!(problems.len(), 1);
        assert_eq!(
            (problems[0].line, problems[0].column),
            (Some(lines + 2), Some(14))
        );
        assert!(
            problems[0]
                .message
                .contains("not valid UTF-8 (bad byte 0xff)")
        );
    }
}
