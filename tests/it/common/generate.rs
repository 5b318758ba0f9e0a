//! A generator of session exports for the scoring benchmark and tests: JSON
//! lines as `session export --format jsonl` writes them, from a fixed seed.
//! Sessions of 4–12 groups with two of V1–V6 each, Norwegian or English; text
//! answers made of sentence fragments with rubric phrases, negated ones and
//! irrelevant ones; valid options, rankings as permutations, Likert values in
//! range; one answer in ten revised.
//!
//! Shared by the tests (`common::generate`) and `benches/scoring.rs` (through
//! `#[path]`).

use std::collections::BTreeMap;
use std::io::Write;

use rand::seq::SliceRandom;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::Value;
use vignette::bank::{Bank, PromptKind};
use vignette::session::{self, AnswerRow};

/// Sentence fragments around a rubric phrase: written, negated, or irrelevant.
struct Fragments {
    positive: &'static [&'static str],
    negated: &'static [&'static str],
    irrelevant: &'static [&'static str],
}

const NB: Fragments = Fragments {
    positive: &[
        "Vi {} i dag.",
        "Først {}, så tar vi det videre.",
        "Det viktigste nå er {}.",
        "Vi skal ikke bare vente, vi {} med en gang.",
        "Kontaktlærer og rektor: {} samme dag",
    ],
    negated: &[
        "Vi ville ikke {} ennå.",
        "{} gjør vi ikke.",
        "Vi ser ingen grunn til å {}.",
        "Vi ville aldri {} på dette stadiet.",
    ],
    irrelevant: &[
        "Det var mye som skjedde den uka.",
        "Vi har hatt lignende saker før, og det gikk greit.",
        "Gruppa diskuterte lenge hva som var riktig her.",
        "Det er vanskelig å vite hva som egentlig skjedde.",
        "Vi tenker at dette avhenger av situasjonen.",
        "Hverdagen er travel, og det er mange hensyn å ta.",
        "Dette er en krevende sak for alle involverte.",
    ],
};

const EN: Fragments = Fragments {
    positive: &[
        "We {} today.",
        "First, {}, then we take it further.",
        "The most important thing now is to {}.",
        "We would not only wait; we {} at once.",
        "Form teacher and principal: {} the same day",
    ],
    negated: &[
        "We would not {} yet.",
        "We wouldn't {} at this stage.",
        "There is no reason to {}.",
        "We would never {} before we know more.",
    ],
    irrelevant: &[
        "A lot happened that week.",
        "We have had similar cases before, and it went fine.",
        "The group discussed for a long time what was right here.",
        "It is hard to know what really happened.",
        "We think this depends on the situation.",
        "Everyday life is busy and there is a lot to consider.",
        "This is a demanding case for everyone involved.",
    ],
};

/// What the generator needs of one vignette.
struct Case {
    id: String,
    /// (stage number, prompt id, kind)
    prompts: Vec<(u32, String, PromptKind)>,
    /// Factor id → level ids.
    factors: Vec<(String, Vec<String>)>,
    /// Language → the rubric's terms (evidence, counter-phrases, red flags).
    terms: BTreeMap<&'static str, Vec<String>>,
    vignette_hash: String,
    rubric_hash: String,
}

fn cases(bank: &Bank) -> Vec<Case> {
    bank.vignettes
        .iter()
        .filter_map(|v| {
            let rubric = bank.rubric_for(&v.item.id)?;
            let r = &rubric.item;
            let all_terms = |code: &str| -> Vec<String> {
                let phrases = r.criteria.iter().flat_map(|c| {
                    let e = &c.evidence;
                    e.phrases
                        .iter()
                        .map(|p| &p.terms)
                        .chain(e.negative.iter().map(|n| &n.terms))
                });
                let flags = r.red_flags.iter().filter_map(|f| f.terms.as_ref());
                phrases
                    .chain(flags)
                    .filter_map(|t| t.get(code))
                    .flatten()
                    .map(|t| t.trim_end_matches('*').to_string())
                    .collect()
            };
            Some(Case {
                id: v.item.id.clone(),
                prompts: v
                    .item
                    .stages
                    .iter()
                    .enumerate()
                    .flat_map(|(s, stage)| {
                        stage
                            .prompts
                            .iter()
                            .map(move |p| (s as u32 + 1, p.id.clone(), p.kind.clone()))
                    })
                    .collect(),
                factors: v
                    .item
                    .factors
                    .iter()
                    .map(|f| {
                        (
                            f.id.clone(),
                            f.levels.iter().map(|l| l.id.clone()).collect(),
                        )
                    })
                    .collect(),
                terms: BTreeMap::from([("nb", all_terms("nb")), ("en", all_terms("en"))]),
                vignette_hash: session::content_hash(&v.text),
                rubric_hash: session::content_hash(&rubric.text),
            })
        })
        .collect()
}

fn pick<'a, T>(rng: &mut ChaCha8Rng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

/// A group's text answer: two to six fragments, about a third of them with a
/// rubric phrase, some of those negated, the rest irrelevant.
fn text_answer(rng: &mut ChaCha8Rng, terms: &[String], language: &str) -> String {
    let fragments = if language == "nb" { &NB } else { &EN };
    let n = rng.random_range(2..=6);
    let parts: Vec<String> = (0..n)
        .map(|_| {
            let roll = rng.random_range(0..10);
            if roll < 6 || terms.is_empty() {
                pick(rng, fragments.irrelevant).to_string()
            } else {
                let template = if roll < 9 {
                    pick(rng, fragments.positive)
                } else {
                    pick(rng, fragments.negated)
                };
                template.replacen("{}", pick(rng, terms).as_str(), 1)
            }
        })
        .collect();
    let joiner = if rng.random_bool(0.3) { "\n- " } else { " " };
    parts.join(joiner)
}

fn value(rng: &mut ChaCha8Rng, kind: &PromptKind, terms: &[String], language: &str) -> Value {
    let ids = |options: &[vignette::bank::ChoiceOption]| -> Vec<String> {
        options.iter().map(|o| o.id.clone()).collect()
    };
    match kind {
        PromptKind::Text { .. } => Value::String(text_answer(rng, terms, language)),
        PromptKind::Single { options } => Value::String(pick(rng, options).id.clone()),
        PromptKind::Multi { options, .. } => {
            let mut chosen = ids(options);
            chosen.shuffle(rng);
            chosen.truncate(rng.random_range(1..=options.len().max(1)));
            Value::from(chosen)
        }
        PromptKind::Rank { options, .. } => {
            let mut order = ids(options);
            order.shuffle(rng);
            Value::from(order)
        }
        PromptKind::Likert { min, max, .. } => Value::from(rng.random_range(*min..=*max)),
    }
}

const OFFERINGS: [&str; 3] = ["laeringsmiljoprosjektet", "samlingsbasert", "nettbasert"];
const PHASES: [&str; 3] = ["baseline", "midpoint", "endpoint"];

/// Static fields of a session's lines.
struct SessionInfo {
    id: String,
    language: &'static str,
    offering: &'static str,
    phase: &'static str,
    site: String,
}

/// One unit's lines: every prompt answered, about one in ten revised (the
/// revisions come after the session's first answers, as in a stored session).
fn unit_rows(
    rng: &mut ChaCha8Rng,
    info: &SessionInfo,
    group: &str,
    case: &Case,
) -> (Vec<AnswerRow>, Vec<AnswerRow>) {
    let levels: BTreeMap<String, String> = case
        .factors
        .iter()
        .map(|(f, levels)| (f.clone(), pick(rng, levels).clone()))
        .collect();
    let terms = &case.terms[info.language];
    let mut first = Vec::new();
    let mut revised = Vec::new();
    for (stage, prompt, kind) in &case.prompts {
        let revise = rng.random_bool(0.1);
        let row = |revision: u32, rng: &mut ChaCha8Rng| AnswerRow {
            session: info.id.clone(),
            group: group.to_string(),
            site: info.site.clone(),
            site_attributes: BTreeMap::from([
                ("sector".to_string(), "school".to_string()),
                ("centrality".to_string(), "urban".to_string()),
            ]),
            offering: info.offering.to_string(),
            phase: info.phase.to_string(),
            cohort: "2026".to_string(),
            roles: BTreeMap::from([("teacher".to_string(), 3), ("assistant".to_string(), 1)]),
            vignette: case.id.clone(),
            levels: levels.clone(),
            stage: *stage,
            prompt: prompt.clone(),
            kind: kind.name().to_string(),
            value: value(rng, kind, terms, info.language),
            revision,
            latest: revision == 2 || !revise,
            answered_at: format!("2026-10-{:02}T10:{:02}:00Z", 1 + revision, stage * 10),
            source: "runner".to_string(),
            language: info.language.to_string(),
            study_hash: "0".repeat(64),
            vignette_hash: case.vignette_hash.clone(),
            rubric_hash: case.rubric_hash.clone(),
        };
        first.push(row(1, rng));
        if revise {
            revised.push(row(2, rng));
        }
    }
    (first, revised)
}

/// Writes `lines` export lines to `out` for sessions of 4–12 groups with
/// two vignettes each; answers of a session interleave across its groups.
pub fn generate(bank: &Bank, lines: usize, seed: u64, mut out: impl Write) -> std::io::Result<()> {
    let cases = cases(bank);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut written = 0;
    for s in 1.. {
        let info = SessionInfo {
            id: format!("site-{s:05}-baseline"),
            language: if rng.random_bool(0.75) { "nb" } else { "en" },
            offering: OFFERINGS[rng.random_range(0..OFFERINGS.len())],
            phase: PHASES[rng.random_range(0..PHASES.len())],
            site: format!("Kommune {s}"),
        };
        let mut units = Vec::new();
        let mut revisions = Vec::new();
        for g in 1..=rng.random_range(4..=12) {
            let mut order: Vec<&Case> = cases.iter().collect();
            order.shuffle(&mut rng);
            for case in &order[..2] {
                let (first, revised) = unit_rows(&mut rng, &info, &format!("G{g}"), case);
                units.push(first.into_iter());
                revisions.extend(revised);
            }
        }
        let interleaved = (0..).map_while(|_| {
            let row: Vec<AnswerRow> = units.iter_mut().filter_map(Iterator::next).collect();
            (!row.is_empty()).then_some(row)
        });
        for row in interleaved.flatten().chain(revisions) {
            if written == lines {
                return out.flush();
            }
            writeln!(out, "{}", serde_json::json!(row))?;
            written += 1;
        }
    }
    out.flush()
}
