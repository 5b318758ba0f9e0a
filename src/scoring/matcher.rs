//! One Aho-Corasick automaton per rubric and language over every phrase of
//! the rubric (evidence, counter-phrases, red flags), with word boundaries,
//! word stems and negation checked around each match.

use aho_corasick::{AhoCorasick, AhoCorasickKind};

use crate::bank::{Rubric, Terms};

use super::Mention;
use super::text::{Folded, Negation, fold_term, on_word_boundaries};

/// What a phrase is evidence of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// Criterion index, phrase rule index.
    Phrase(usize, usize),
    /// Criterion index, counter-phrase rule index.
    Negative(usize, usize),
    /// Red flag index.
    Flag(usize),
}

/// A phrase found in an answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub target: Target,
    pub prompt: String,
    /// Character offsets in the original answer.
    pub start: usize,
    pub end: usize,
    /// The answer's own words at that place.
    pub text: String,
    /// The rubric term that matched.
    pub term: String,
    pub negated: bool,
}

impl Hit {
    /// The hit as a mention in a score card.
    pub fn mention(&self) -> Mention {
        Mention {
            prompt: self.prompt.clone(),
            start: self.start,
            end: self.end,
            text: self.text.clone(),
            term: self.term.clone(),
        }
    }
}

/// The compiled phrases of a rubric for one language.
#[derive(Debug, Clone)]
pub struct Matcher {
    automaton: Option<AhoCorasick>,
    /// Per automaton pattern: the term as written, whether it is a stem, and its targets.
    patterns: Vec<(String, bool, Vec<Target>)>,
    negation: Negation,
}

/// Language codes whose phrases also apply to a language (nynorsk variants of bokmål).
fn variants(language: &str) -> Vec<&str> {
    match language {
        "nb" => vec!["nb", "nn"],
        other => vec![other],
    }
}

impl Matcher {
    /// Compiles every phrase of `rubric` for `language`.
    pub fn new(rubric: &Rubric, language: &str) -> Matcher {
        let mut patterns: Vec<(String, bool, Vec<Target>)> = Vec::new();
        let mut add = |terms: &Terms, target: Target| {
            for code in variants(language) {
                for term in terms.get(code).into_iter().flatten() {
                    let (folded, stem) = fold_term(term);
                    if folded.is_empty() {
                        continue;
                    }
                    match patterns
                        .iter_mut()
                        .find(|(p, s, _)| *p == folded && *s == stem)
                    {
                        Some((_, _, targets)) if !targets.contains(&target) => targets.push(target),
                        Some(_) => {}
                        None => patterns.push((folded, stem, vec![target])),
                    }
                }
            }
        };
        for (c, criterion) in rubric.criteria.iter().enumerate() {
            for (r, rule) in criterion.evidence.phrases.iter().enumerate() {
                add(&rule.terms, Target::Phrase(c, r));
            }
            for (r, rule) in criterion.evidence.negative.iter().enumerate() {
                add(&rule.terms, Target::Negative(c, r));
            }
        }
        for (f, flag) in rubric.red_flags.iter().enumerate() {
            if let Some(terms) = &flag.terms {
                add(terms, Target::Flag(f));
            }
        }
        // Phrases are short and few; building cannot fail for them.
        // A DFA: slower to build than the default NFA, several times faster to search.
        let automaton = AhoCorasick::builder()
            .kind(Some(AhoCorasickKind::DFA))
            .build(patterns.iter().map(|(p, _, _)| p))
            .ok();
        Matcher {
            automaton,
            patterns,
            negation: Negation::for_language(language),
        }
    }

    /// Every phrase in `answer`, overlapping matches included.
    pub fn find(&self, prompt: &str, answer: &str) -> Vec<Hit> {
        let Some(automaton) = &self.automaton else {
            return Vec::new();
        };
        let folded = Folded::new(answer);
        let text = folded.text.as_str();
        let mut hits = Vec::new();
        for found in automaton.find_overlapping_iter(text) {
            let (term, stem, targets) = &self.patterns[found.pattern().as_usize()];
            let (start, mut end) = (found.start(), found.end());
            if !on_word_boundaries(text, start, end, *stem) {
                continue;
            }
            if *stem {
                // A stem covers the rest of its word.
                end += text[end..]
                    .find(|c: char| !c.is_alphanumeric())
                    .unwrap_or(text.len() - end);
            }
            let negated = self.negation.is_negated(text, start, end);
            let (from, to) = folded.original_span(start, end);
            let original: String = answer.chars().skip(from).take(to - from).collect();
            for target in targets {
                hits.push(Hit {
                    target: *target,
                    prompt: prompt.to_string(),
                    start: from,
                    end: to,
                    text: original.clone(),
                    term: if *stem {
                        format!("{term}*")
                    } else {
                        term.clone()
                    },
                    negated,
                });
            }
        }
        hits
    }
}
