//! One simulated group's answers to one vignette, from its latent competence.
//!
//! The group's competence on this case is θ plus a case effect ~ N(0, 0.25).
//! For every criterion of the rubric the group gets an intended level by an
//! ordered logit, P(level ≥ k) = logistic(a·θ − b_k), whose thresholds b_k
//! are spread over [−0.6, 1.0] and shifted by the criterion's difficulty
//! (from −0.5 to 0.5, fixed by a hash of its id). Each red flag is raised
//! with probability logistic(−a·θ − 2.2), so weak groups make the known
//! mistakes. Then:
//!
//! - text prompts: one sentence per criterion with an intended level above 0,
//!   holding a phrase of that level (the highest below it where there is
//!   none), in a text prompt the phrase counts in; a doubtful sentence per
//!   raised flag with phrases; now and then a counter-phrase for weak groups,
//!   a negated phrase of a level the group does not reach, filler, and a
//!   typing error; 1–4 sentences per prompt, as prose or as a list;
//! - choice, ranking and Likert prompts: options weighed by the evidence they
//!   give against the intended levels (evidence at or below the intended
//!   level pulls, above it pushes) and by the raised flags, plus Gumbel noise.
//!
//! Not for storing: this returns values; the caller writes an answer file.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use rand::RngExt;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use serde_json::Value;

use crate::bank::{Criterion, Prompt, PromptKind, Rubric, Vignette};

use super::words::{self, Form, Line, Tone, Vocabulary};

/// Variance of a group's competence on one case around its θ.
const CASE_VARIANCE: f64 = 0.25;
/// How sharply competence separates levels (a in the ordered logit).
const DISCRIMINATION: f64 = 1.6;
/// Thresholds of the lowest and highest level above 0, before difficulty.
const THRESHOLDS: (f64, f64) = (-0.6, 1.0);
/// How rare red flags are at θ = 0: P = logistic(−a·θ − FLAG_OFFSET).
const FLAG_OFFSET: f64 = 2.2;
/// The most sentences a text answer has.
const MAX_SENTENCES: usize = 4;
/// Chances per answer set: a negated phrase; per text answer: filler, a typo.
const NEGATED: f64 = 0.35;
const FILLER: f64 = 0.25;
const TYPO: f64 = 0.08;
/// Utility of an option that raises a flag the group raised, or one it did not.
const FLAG_PULL: f64 = 3.0;
const FLAG_PUSH: f64 = -2.0;

/// How a group writes: nynorsk in bokmål sessions, lists or prose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Style {
    pub nynorsk: bool,
    pub lists: bool,
}

fn logistic(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// A draw from the standard Gumbel distribution.
fn gumbel(rng: &mut ChaCha8Rng) -> f64 {
    let u: f64 = rng.random::<f64>().clamp(1e-12, 1.0 - 1e-12);
    -(-u.ln()).ln()
}

/// The criterion's difficulty, from −0.5 to 0.5, the same in every run:
/// from the first byte of the SHA-256 of its id.
fn difficulty(criterion: &Criterion) -> f64 {
    use sha2::{Digest, Sha256};
    let byte = Sha256::digest(criterion.id.as_bytes())[0];
    f64::from(byte) / 255.0 - 0.5
}

/// The level a group of competence θ means to reach on a criterion.
fn intended_level(rng: &mut ChaCha8Rng, theta: f64, criterion: &Criterion) -> u8 {
    let max = criterion.max_level();
    let shift = difficulty(criterion);
    let u: f64 = rng.random();
    (1..=max)
        .take_while(|&k| {
            let step = if max > 1 {
                f64::from(k - 1) / f64::from(max - 1)
            } else {
                0.5
            };
            let threshold = THRESHOLDS.0 + (THRESHOLDS.1 - THRESHOLDS.0) * step + shift;
            u < logistic(DISCRIMINATION * theta - threshold)
        })
        .last()
        .unwrap_or(0)
}

/// How well evidence of `level` fits a group that means to reach `intended`.
fn fit(intended: u8, level: u8) -> f64 {
    if intended >= level {
        f64::from(level)
    } else {
        -0.5 * f64::from(level - intended)
    }
}

/// The group's intentions for one vignette, and what follows from them.
struct Intent<'r> {
    rubric: &'r Rubric,
    levels: Vec<u8>,
    flags: Vec<bool>,
}

impl<'r> Intent<'r> {
    fn draw(rng: &mut ChaCha8Rng, theta: f64, rubric: &'r Rubric) -> Intent<'r> {
        let levels = rubric
            .criteria
            .iter()
            .map(|c| intended_level(rng, theta, c))
            .collect();
        let flag_chance = logistic(-DISCRIMINATION * theta - FLAG_OFFSET);
        let flags = rubric
            .red_flags
            .iter()
            .map(|_| rng.random_bool(flag_chance))
            .collect();
        Intent {
            rubric,
            levels,
            flags,
        }
    }

    /// What choosing (or ranking high) an option says about the group.
    fn utility(&self, prompt: &str, option: &str) -> f64 {
        let evidence: f64 = self
            .rubric
            .criteria
            .iter()
            .zip(&self.levels)
            .map(|(c, &intended)| {
                let options = c
                    .evidence
                    .options
                    .iter()
                    .map(|r| (&r.prompt, &r.option, r.level));
                let ranks = c
                    .evidence
                    .ranks
                    .iter()
                    .map(|r| (&r.prompt, &r.option, r.level));
                options
                    .chain(ranks)
                    .filter(|(p, o, _)| *p == prompt && *o == option)
                    .map(|(_, _, level)| fit(intended, level))
                    .sum::<f64>()
            })
            .sum();
        let flags: f64 = self
            .rubric
            .red_flags
            .iter()
            .zip(&self.flags)
            .filter(|(f, _)| {
                f.options
                    .iter()
                    .any(|o| o.prompt == prompt && o.option == option)
            })
            .map(|(_, &raised)| if raised { FLAG_PULL } else { FLAG_PUSH })
            .sum();
        evidence + flags
    }

    /// What a Likert value says about the group.
    fn likert_utility(&self, prompt: &str, value: i64) -> f64 {
        self.rubric
            .criteria
            .iter()
            .zip(&self.levels)
            .flat_map(|(c, &intended)| {
                c.evidence
                    .likert
                    .iter()
                    .filter(move |r| r.prompt == prompt && (r.min..=r.max).contains(&value))
                    .map(move |r| fit(intended, r.level))
            })
            .sum()
    }
}

/// Option ids of a prompt, best first for this group (with noise).
fn preferred(rng: &mut ChaCha8Rng, intent: &Intent<'_>, prompt: &Prompt) -> Vec<(String, f64)> {
    let mut scored: Vec<(String, f64)> = prompt
        .kind
        .options()
        .iter()
        .map(|o| {
            (
                o.id.clone(),
                intent.utility(&prompt.id, &o.id) + gumbel(rng),
            )
        })
        .collect();
    scored.sort_by(|a, b| b.1.total_cmp(&a.1));
    scored
}

/// The group's answer to a choice, ranking or Likert prompt.
fn choice(rng: &mut ChaCha8Rng, intent: &Intent<'_>, prompt: &Prompt) -> Option<Value> {
    match &prompt.kind {
        PromptKind::Text { .. } => None,
        PromptKind::Single { .. } => {
            let best = preferred(rng, intent, prompt).swap_remove(0);
            Some(Value::String(best.0))
        }
        PromptKind::Multi {
            options,
            min_choices,
            max_choices,
        } => {
            let ranked = preferred(rng, intent, prompt);
            let max = max_choices.map_or(options.len(), |m| m as usize);
            let min = min_choices.map_or(1, |m| m as usize).min(max);
            let wanted = ranked.iter().filter(|(_, u)| *u > 0.5).count();
            let chosen: Vec<Value> = ranked
                .into_iter()
                .take(wanted.clamp(min, max))
                .map(|(id, _)| Value::String(id))
                .collect();
            Some(Value::Array(chosen))
        }
        PromptKind::Rank { .. } => Some(Value::Array(
            preferred(rng, intent, prompt)
                .into_iter()
                .map(|(id, _)| Value::String(id))
                .collect(),
        )),
        PromptKind::Likert { min, max, .. } => (*min..=*max)
            .map(|v| (v, intent.likert_utility(&prompt.id, v) + gumbel(rng)))
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(v, _)| Value::from(v)),
    }
}

/// Sentences being written into the text prompts of one vignette.
struct Draft<'v> {
    /// Text prompt id, its length limit and its lines, in vignette order.
    prompts: Vec<(&'v str, usize, Vec<Line>)>,
}

impl<'v> Draft<'v> {
    fn new(vignette: &'v Vignette) -> Draft<'v> {
        let prompts = vignette
            .stages
            .iter()
            .flat_map(|s| &s.prompts)
            .filter_map(|p| match p.kind {
                PromptKind::Text { max_length } => {
                    Some((p.id.as_str(), max_length as usize, Vec::new()))
                }
                _ => None,
            })
            .collect();
        Draft { prompts }
    }

    /// Puts a line in the least filled of the allowed prompts (all when
    /// `None`) that has room; drops it when none has.
    fn place(&mut self, rng: &mut ChaCha8Rng, allowed: Option<&Vec<String>>, line: Line) {
        let open: Vec<usize> = (0..self.prompts.len())
            .filter(|&i| {
                let (id, _, sentences) = &self.prompts[i];
                sentences.len() < MAX_SENTENCES && allowed.is_none_or(|a| a.iter().any(|p| p == id))
            })
            .collect();
        let Some(fewest) = open.iter().map(|&i| self.prompts[i].2.len()).min() else {
            return;
        };
        let emptiest: Vec<usize> = open
            .into_iter()
            .filter(|&i| self.prompts[i].2.len() == fewest)
            .collect();
        let at = emptiest[rng.random_range(0..emptiest.len())];
        self.prompts[at].2.push(line);
    }
}

/// Writes the text answers of one vignette.
struct Writer<'a> {
    rng: &'a mut ChaCha8Rng,
    form: Form,
    vocabulary: Arc<Vocabulary>,
}

/// The vocabularies of the rubrics of one bank, built on first use per
/// rubric (id and version) and written form, and shared by every thread:
/// building one sorts every word of a rubric, which costs more than
/// composing an answer with it.
#[derive(Debug, Default)]
pub(super) struct Vocabularies {
    built: Mutex<HashMap<(String, String, Form), Arc<Vocabulary>>>,
}

impl Vocabularies {
    fn get(&self, rubric: &Rubric, form: Form) -> Arc<Vocabulary> {
        // A panic while building cannot leave a half-built entry behind.
        let mut built = self.built.lock().unwrap_or_else(|e| e.into_inner());
        let key = (rubric.id.clone(), rubric.version.clone(), form);
        Arc::clone(
            built
                .entry(key)
                .or_insert_with(|| Arc::new(Vocabulary::of(rubric, form))),
        )
    }
}

impl Writer<'_> {
    fn term(&mut self, terms: &[String]) -> Option<String> {
        let term = terms.get(self.rng.random_range(0..terms.len().max(1)))?;
        Some(self.vocabulary.complete(self.rng, term))
    }

    /// A stated phrase for each criterion the group means to reach.
    fn stated(&mut self, draft: &mut Draft<'_>, intent: &Intent<'_>) {
        for (criterion, &intended) in intent.rubric.criteria.iter().zip(&intent.levels) {
            let Some(rule) = criterion
                .evidence
                .phrases
                .iter()
                .filter(|r| r.level <= intended && !self.form.terms(&r.terms).is_empty())
                .max_by_key(|r| r.level)
                .filter(|r| r.level > 0)
            else {
                continue;
            };
            if let Some(term) = self.term(self.form.terms(&rule.terms)) {
                draft.place(
                    self.rng,
                    rule.prompts.as_ref(),
                    Line::Phrase(Tone::Stated, term),
                );
            }
        }
    }

    /// A doubtful sentence for each raised flag with phrases, and now and
    /// then a counter-phrase, as often as flags are raised.
    fn doubtful(&mut self, draft: &mut Draft<'_>, intent: &Intent<'_>, theta: f64) {
        for (flag, _) in intent
            .rubric
            .red_flags
            .iter()
            .zip(&intent.flags)
            .filter(|f| *f.1)
        {
            let terms = flag.terms.as_ref().map_or(&[][..], |t| self.form.terms(t));
            if let Some(term) = self.term(terms) {
                draft.place(
                    self.rng,
                    flag.prompts.as_ref(),
                    Line::Phrase(Tone::Doubtful, term),
                );
            }
        }
        let chance = logistic(-DISCRIMINATION * theta - FLAG_OFFSET);
        for rule in intent
            .rubric
            .criteria
            .iter()
            .flat_map(|c| &c.evidence.negative)
        {
            if self.rng.random_bool(chance)
                && let Some(term) = self.term(self.form.terms(&rule.terms))
            {
                draft.place(
                    self.rng,
                    rule.prompts.as_ref(),
                    Line::Phrase(Tone::Doubtful, term),
                );
            }
        }
    }

    /// Sometimes a phrase of a level the group does not reach, negated.
    fn negated(&mut self, draft: &mut Draft<'_>, intent: &Intent<'_>) {
        if !self.rng.random_bool(NEGATED) {
            return;
        }
        let above: Vec<_> = intent
            .rubric
            .criteria
            .iter()
            .zip(&intent.levels)
            .flat_map(|(c, &intended)| {
                c.evidence
                    .phrases
                    .iter()
                    .filter(move |r| r.level > intended)
            })
            .filter(|r| !self.form.terms(&r.terms).is_empty())
            .collect();
        if above.is_empty() {
            return;
        }
        let rule = above[self.rng.random_range(0..above.len())];
        if let Some(term) = self.term(self.form.terms(&rule.terms)) {
            draft.place(
                self.rng,
                rule.prompts.as_ref(),
                Line::Phrase(Tone::Negated, term),
            );
        }
    }

    /// Each prompt's sentences as one answer: filler where nothing was said
    /// (and now and then besides), shuffled, as prose or a list, within the
    /// prompt's length limit, sometimes with a typing error.
    fn finish(&mut self, draft: Draft<'_>, lists: bool) -> Vec<(String, Value)> {
        draft
            .prompts
            .into_iter()
            .map(|(id, max_length, mut lines)| {
                if lines.is_empty() || (lines.len() < MAX_SENTENCES && self.rng.random_bool(FILLER))
                {
                    lines.push(Line::Filler);
                }
                lines.shuffle(self.rng);
                let sentences = words::sentences(self.rng, self.form, &lines);
                let mut text = join(&sentences, lists, max_length);
                if self.rng.random_bool(TYPO) {
                    text = words::with_typo(self.rng, &text);
                }
                (id.to_string(), Value::String(text))
            })
            .collect()
    }
}

/// Sentences as prose or as a list, leaving out the last ones that would
/// pass `max_length` characters (the first is cut if it alone would).
fn join(sentences: &[String], lists: bool, max_length: usize) -> String {
    let line = |s: &String| if lists { format!("- {s}") } else { s.clone() };
    let separator = if lists { "\n" } else { " " };
    let mut text = String::new();
    for sentence in sentences.iter().map(line) {
        let extra = if text.is_empty() { 0 } else { 1 };
        if text.chars().count() + extra + sentence.chars().count() > max_length {
            break;
        }
        if extra == 1 {
            text.push_str(separator);
        }
        text.push_str(&sentence);
    }
    if text.is_empty() {
        text = sentences
            .first()
            .map(line)
            .unwrap_or_default()
            .chars()
            .take(max_length)
            .collect();
    }
    text
}

/// A group's answers to every prompt of a vignette (prompt id → value), in
/// the session's `language`, from its competence `theta`.
pub(super) fn compose(
    rng: &mut ChaCha8Rng,
    theta: f64,
    style: Style,
    language: &str,
    vignette: &Vignette,
    rubric: &Rubric,
    vocabularies: &Vocabularies,
) -> BTreeMap<String, Value> {
    let theta = theta + super::normal(rng, CASE_VARIANCE);
    let intent = Intent::draw(rng, theta, rubric);
    let mut answers: BTreeMap<String, Value> = vignette
        .stages
        .iter()
        .flat_map(|s| &s.prompts)
        .filter_map(|p| choice(rng, &intent, p).map(|v| (p.id.clone(), v)))
        .collect();
    let form = Form::of(language, style.nynorsk);
    let mut writer = Writer {
        rng,
        form,
        vocabulary: vocabularies.get(rubric, form),
    };
    let mut draft = Draft::new(vignette);
    writer.stated(&mut draft, &intent);
    writer.doubtful(&mut draft, &intent, theta);
    writer.negated(&mut draft, &intent);
    answers.extend(writer.finish(draft, style.lists));
    answers
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bank::{self, BankSource};
    use crate::scoring::Scorer;
    use crate::session::answer;
    use rand::SeedableRng;

    fn prompts(vignette: &Vignette) -> impl Iterator<Item = &Prompt> {
        vignette.stages.iter().flat_map(|s| &s.prompts)
    }

    /// Simulated data depend on the difficulties: they are what the first
    /// two hex digits of the id's content hash always gave.
    #[test]
    fn difficulty_is_the_first_byte_of_the_ids_hash() {
        let (bank, _) = bank::load(&BankSource::Embedded).unwrap();
        for entry in &bank.rubrics {
            for criterion in &entry.item.criteria {
                let hash = crate::session::content_hash(&criterion.id);
                let byte = u8::from_str_radix(&hash[..2], 16).unwrap();
                assert_eq!(difficulty(criterion), f64::from(byte) / 255.0 - 0.5);
                assert!((-0.5..=0.5).contains(&difficulty(criterion)));
            }
        }
    }

    #[test]
    fn every_prompt_gets_an_answer_that_passes_the_checks() {
        let (bank, _) = bank::load(&BankSource::Embedded).unwrap();
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        for entry in &bank.vignettes {
            let vignette = &entry.item;
            let rubric = &bank.rubric_for(&vignette.id).unwrap().item;
            for (theta, language, nynorsk, lists) in [
                (-2.5, "nb", false, true),
                (0.0, "nb", true, false),
                (2.5, "en", false, true),
            ] {
                let style = Style { nynorsk, lists };
                let answers = compose(
                    &mut rng,
                    theta,
                    style,
                    language,
                    vignette,
                    rubric,
                    &Vocabularies::default(),
                );
                for prompt in prompts(vignette) {
                    let value = &answers[&prompt.id];
                    assert!(
                        answer::check(prompt, value).is_ok(),
                        "{}: {value}",
                        prompt.id
                    );
                }
            }
        }
    }

    #[test]
    fn competent_groups_score_higher() {
        let (bank, _) = bank::load(&BankSource::Embedded).unwrap();
        let vignette = &bank.vignette("V2").unwrap().item;
        let rubric = &bank.rubric_for("V2").unwrap().item;
        let scorer = Scorer::new(rubric, vignette, "nb");
        let mut rng = ChaCha8Rng::seed_from_u64(9);
        let style = Style {
            nynorsk: false,
            lists: false,
        };
        let vocabularies = Vocabularies::default();
        let mean = |rng: &mut ChaCha8Rng, theta: f64| {
            (0..40)
                .map(|_| {
                    let answers = compose(rng, theta, style, "nb", vignette, rubric, &vocabularies);
                    scorer.score(&answers).overall
                })
                .sum::<f64>()
                / 40.0
        };
        let (low, middle, high) = (
            mean(&mut rng, -1.5),
            mean(&mut rng, 0.0),
            mean(&mut rng, 1.5),
        );
        assert!(
            low + 10.0 < middle && middle + 10.0 < high,
            "{low} {middle} {high}"
        );
    }

    #[test]
    fn intended_levels_follow_competence() {
        let (bank, _) = bank::load(&BankSource::Embedded).unwrap();
        let criterion = &bank.rubric_for("V1").unwrap().item.criteria[0];
        let mut rng = ChaCha8Rng::seed_from_u64(2);
        let mean = |rng: &mut ChaCha8Rng, theta: f64| {
            (0..2000)
                .map(|_| f64::from(intended_level(rng, theta, criterion)))
                .sum::<f64>()
                / 2000.0
        };
        let (low, high) = (mean(&mut rng, -2.0), mean(&mut rng, 2.0));
        assert!(low < 0.3 && high > 1.6, "{low} {high}");
    }

    #[test]
    fn long_answers_are_cut_at_a_sentence() {
        let sentences = ["Aaaa.".to_string(), "Bbbb.".to_string()];
        assert_eq!(join(&sentences, false, 11), "Aaaa. Bbbb.");
        assert_eq!(join(&sentences, false, 10), "Aaaa.");
        assert_eq!(join(&sentences, true, 20), "- Aaaa.\n- Bbbb.");
        assert_eq!(join(&sentences, false, 3), "Aaa");
    }
}
