//! One Aho-Corasick automaton per rubric and language over every phrase of
//! the rubric (evidence, counter-phrases, red flags), with word boundaries,
//! word stems and negation checked around each match.

use std::collections::hash_map::Entry;

use daachorse::DoubleArrayAhoCorasick;

use crate::bank::{Rubric, Terms};

use super::Mention;
use super::fold::{Folded, Negation, PhraseKind, Reading, fold_term, on_word_boundaries};

/// What a phrase is evidence of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// Criterion index, phrase rule index.
    Phrase(usize, usize),
    /// Criterion index, counter-phrase rule index.
    Negative(usize, usize),
    /// Red flag index.
    Flag(usize),
    /// Criterion index, phrase rule index: a term the rule's phrases need
    /// in their clause (its `with`); never evidence on its own.
    With(usize, usize),
    /// Criterion index, phrase rule index: a term that keeps the rule's
    /// phrases from counting in its clause (its `without`); never evidence.
    Without(usize, usize),
    /// Criterion index, phrase rule index, element index: one element of
    /// the rule's conjunction (its `elements`).
    Element(usize, usize, usize),
    /// A phrase the stance of a clause is read from (index into the
    /// language's stance phrases); never evidence.
    Stance(usize),
}

impl Target {
    /// The criterion a target is evidence about; `None` for a red flag.
    pub fn criterion(self) -> Option<usize> {
        match self {
            Target::Phrase(c, _)
            | Target::Negative(c, _)
            | Target::With(c, _)
            | Target::Without(c, _)
            | Target::Element(c, _, _) => Some(c),
            Target::Flag(_) | Target::Stance(_) => None,
        }
    }
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
    automaton: Option<Automaton>,
    /// Per automaton pattern, in the automaton's order.
    patterns: Vec<Pattern>,
    /// Per automaton pattern, what the search needs of it at every match:
    /// kept apart from `patterns` so that it stays in the caches.
    roles: Vec<Role>,
    negation: Negation,
    /// Per criterion, per phrase rule: whether its terms count only beside
    /// a `with` term or only away from a `without` term.
    bindings: Vec<Vec<Binding>>,
    /// Whether any phrase rule has a `with` or a `without`.
    any_binding: bool,
    /// Folded names of the case's people: a clause they open is theirs, not the group's.
    actors: Vec<String>,
    /// The kind of each stance phrase (`Target::Stance` indexes it).
    stance: Vec<PhraseKind>,
}

/// One folded phrase and what it is evidence of.
#[derive(Debug, Clone)]
struct Pattern {
    folded: String,
    /// Whether it is a word stem (matches the rest of a word).
    stem: bool,
    /// The term as a score card shows it: folded, with `*` for a stem.
    term: String,
    targets: Vec<Target>,
}

/// A double-array Aho-Corasick automaton over a matcher's patterns (the
/// pattern's index is its value). A transition is one array lookup, and the
/// automaton is about a quarter smaller than a contiguous NFA of the same
/// patterns (80–180 KB for the shipped rubrics): scoring an export's levels
/// took 13–15 % less time with it (docs/performance.md).
#[derive(Clone)]
struct Automaton(DoubleArrayAhoCorasick<u32>);

impl std::fmt::Debug for Automaton {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Automaton({} states)", self.0.num_states())
    }
}

/// How a phrase rule's terms depend on the rest of their clause.
#[derive(Debug, Clone, Copy, Default)]
struct Binding {
    /// They count only beside one of the rule's `with` terms.
    bound: bool,
    /// That `with` term must come first in the clause.
    with_first: bool,
    /// They do not count beside one of the rule's `without` terms.
    excluded: bool,
}

/// What a pattern's targets make of it where it is found.
#[derive(Debug, Clone, Copy)]
struct Role {
    /// Whether it is a word stem.
    stem: bool,
    /// Whether it says how a clause is meant (a `Target::Stance`).
    stance: bool,
    /// Whether it has a target other than a stance: it is kept where found.
    kept: bool,
    /// Whether it is evidence, a counter-phrase or a red flag: its own
    /// stance is read (a `with` or `without` term's is not).
    read: bool,
    /// The next pattern with the same folded text (a word and its stem,
    /// "styrer" and "styrer*"): the automaton holds each text once.
    alike: Option<usize>,
}

impl Role {
    fn of(pattern: &Pattern) -> Role {
        let targets = &pattern.targets;
        let stance = |t: &Target| matches!(t, Target::Stance(_));
        Role {
            alike: None,
            stem: pattern.stem,
            stance: targets.iter().any(stance),
            kept: !targets.iter().all(stance),
            read: targets.iter().any(|t| {
                !matches!(
                    t,
                    Target::With(..) | Target::Without(..) | Target::Stance(_)
                )
            }),
        }
    }
}

/// Buffers a matcher reuses from one text to the next, so that reading an
/// answer allocates nothing once they have grown (one per thread).
#[derive(Debug, Default)]
pub struct MatchBuffers {
    reading: Reading,
    /// Evidence phrases found, as (pattern, start, end), before negation.
    matched: Vec<(usize, usize, usize)>,
    /// Every phrase found with its negation, for rules bound by `with`.
    all: Vec<Found>,
}

/// A phrase found in folded text: its pattern, where (bytes of the folded
/// text, a stem extended to the end of its word), and whether it is negated.
#[derive(Debug, Clone, Copy)]
struct Found {
    pattern: usize,
    start: usize,
    end: usize,
    negated: bool,
}

/// A phrase found and where: the folded text, its reading, the phrase, and
/// every phrase found in the text.
type Place<'a> = (&'a str, &'a Reading, &'a Found, &'a [Found]);

/// Room for the stance phrases of a language (a test holds their count below it).
const MAX_STANCE_PHRASES: usize = 128;

/// Language codes whose phrases apply to a language: bokmål and nynorsk
/// answers are matched against both lists, since groups mix the two forms.
fn variants(language: &str) -> Vec<&str> {
    match language {
        "nb" | "nn" => vec!["nb", "nn"],
        other => vec![other],
    }
}

impl Matcher {
    /// Compiles every phrase of `rubric` for `language`.
    pub fn new(rubric: &Rubric, language: &str) -> Matcher {
        let mut patterns: Vec<Pattern> = Vec::new();
        // (folded phrase, stem) → index in `patterns`.
        let mut seen: foldhash::HashMap<(String, bool), usize> = Default::default();
        let mut add = |terms: &Terms, target: Target| {
            for code in variants(language) {
                for term in terms.get(code).into_iter().flatten() {
                    let (folded, stem) = fold_term(term);
                    if folded.is_empty() {
                        continue;
                    }
                    match seen.entry((folded, stem)) {
                        Entry::Occupied(at) => {
                            let targets = &mut patterns[*at.get()].targets;
                            if !targets.contains(&target) {
                                targets.push(target);
                            }
                        }
                        Entry::Vacant(at) => {
                            let (folded, stem) = at.key().clone();
                            at.insert(patterns.len());
                            patterns.push(Pattern {
                                term: if stem {
                                    format!("{folded}*")
                                } else {
                                    folded.clone()
                                },
                                folded,
                                stem,
                                targets: vec![target],
                            });
                        }
                    }
                }
            }
        };
        let mut bindings = Vec::new();
        for (c, criterion) in rubric.criteria.iter().enumerate() {
            let mut of_criterion = Vec::new();
            for (r, rule) in criterion.evidence.phrases.iter().enumerate() {
                add(&rule.terms, Target::Phrase(c, r));
                if let Some(with) = &rule.with {
                    add(with, Target::With(c, r));
                }
                if let Some(without) = &rule.without {
                    add(without, Target::Without(c, r));
                }
                of_criterion.push(Binding {
                    bound: rule.with.is_some(),
                    with_first: rule.with.is_some() && rule.with_first,
                    excluded: rule.without.is_some(),
                });
                for (e, element) in rule.elements.iter().flat_map(|el| el.of.iter().enumerate()) {
                    add(element, Target::Element(c, r, e));
                }
            }
            bindings.push(of_criterion);
            for (r, rule) in criterion.evidence.negative.iter().enumerate() {
                add(&rule.terms, Target::Negative(c, r));
            }
        }
        for (f, flag) in rubric.red_flags.iter().enumerate() {
            if let Some(terms) = &flag.terms {
                add(terms, Target::Flag(f));
            }
        }
        // The stance phrases ride in the same automaton: one pass per answer
        // finds what is evidence and what says how it is meant. They are
        // folded already, and their spaces count.
        let negation = Negation::for_language(language);
        let mut stance = Vec::new();
        // (A test holds the count within MAX_STANCE_PHRASES.)
        for (i, (phrase, kind)) in negation.stance_phrases().into_iter().enumerate() {
            stance.push(kind);
            let target = Target::Stance(i);
            match seen.entry((phrase.to_string(), false)) {
                Entry::Occupied(at) => patterns[*at.get()].targets.push(target),
                Entry::Vacant(at) => {
                    at.insert(patterns.len());
                    patterns.push(Pattern {
                        term: phrase.to_string(),
                        folded: phrase.to_string(),
                        stem: false,
                        targets: vec![target],
                    });
                }
            }
        }
        let mut roles: Vec<Role> = patterns.iter().map(Role::of).collect();
        // Each folded text once, with its first pattern; the others follow
        // it through `alike`, in order.
        let mut last_alike: foldhash::HashMap<&str, usize> = Default::default();
        let mut texts = Vec::new();
        for (i, p) in patterns.iter().enumerate() {
            match last_alike.insert(&p.folded, i) {
                Some(before) => roles[before].alike = Some(i),
                None => texts.push((&p.folded, i as u32)),
            }
        }
        // Phrases are short, few and now distinct; building cannot fail for them.
        let automaton = DoubleArrayAhoCorasick::with_values(texts)
            .ok()
            .map(Automaton);
        Matcher {
            automaton,
            roles,
            patterns,
            negation,
            any_binding: bindings.iter().flatten().any(|b| b.bound || b.excluded),
            bindings,
            actors: Vec::new(),
            stance,
        }
    }

    /// The matcher with the names of the case's people (folded): a clause
    /// one of them opens is that person's, not the group's.
    pub fn with_actors(mut self, actors: Vec<String>) -> Matcher {
        self.actors = actors;
        self
    }

    /// Every phrase in `answer`, overlapping matches included.
    pub fn find(&self, prompt: &str, answer: &str) -> Vec<Hit> {
        let folded = Folded::new(answer);
        let mut hits = Vec::new();
        self.scan(
            &folded.text,
            &mut MatchBuffers::default(),
            |found, target| {
                let pattern = &self.patterns[found.pattern];
                let (from, to) = folded.original_span(found.start, found.end);
                hits.push(Hit {
                    target,
                    prompt: prompt.to_string(),
                    start: from,
                    end: to,
                    text: answer.chars().skip(from).take(to - from).collect(),
                    term: pattern.term.clone(),
                    negated: found.negated,
                });
            },
        );
        hits
    }

    /// What every phrase in folded text (see [`fold_into`](super::fold::fold_into))
    /// is evidence of, and whether it is negated, in the order [`Matcher::find`] gives them.
    pub fn targets(
        &self,
        folded: &str,
        buffers: &mut MatchBuffers,
        mut each: impl FnMut(Target, bool),
    ) {
        self.scan(folded, buffers, |found, target| each(target, found.negated));
    }

    /// Every phrase on word boundaries in folded text, with each of its
    /// targets; a bound phrase only where its clause has one of its `with`
    /// terms, an excluded one only where its clause has none of its
    /// `without` terms, and `with` and `without` terms never.
    fn scan(&self, text: &str, buffers: &mut MatchBuffers, mut each: impl FnMut(&Found, Target)) {
        let MatchBuffers {
            reading,
            matched,
            all,
        } = buffers;
        if !self.any_binding {
            self.find_all(text, reading, matched, |found| {
                for &target in &self.patterns[found.pattern].targets {
                    if !matches!(target, Target::Stance(_)) {
                        each(&found, target);
                    }
                }
            });
            return;
        }
        all.clear();
        self.find_all(text, reading, matched, |found| all.push(found));
        for found in all.iter() {
            for &target in &self.patterns[found.pattern].targets {
                let keep = match target {
                    Target::With(..) | Target::Without(..) | Target::Stance(_) => false,
                    Target::Phrase(c, r) => {
                        let place = (text, &*reading, found, all.as_slice());
                        let binding = self.bindings[c][r];
                        (!binding.bound || self.with_in_clause(place, (c, r), binding.with_first))
                            && !(binding.excluded
                                && self
                                    .in_clause(place, usize::MAX, |t| t == Target::Without(c, r)))
                    }
                    _ => true,
                };
                if keep {
                    each(found, target);
                }
            }
        }
    }

    /// Whether the clause of `found` also holds a `with` term of rule `rule`.
    fn with_in_clause(&self, place: Place<'_>, rule: (usize, usize), with_first: bool) -> bool {
        let before = if with_first {
            place.2.start
        } else {
            usize::MAX
        };
        self.in_clause(place, before, |t| t == Target::With(rule.0, rule.1))
    }

    /// Whether the clause of `found`, up to `before` at most, holds a phrase
    /// with a target `wanted` accepts.
    fn in_clause(
        &self,
        (text, reading, found, all): Place<'_>,
        before: usize,
        wanted: impl Fn(Target) -> bool,
    ) -> bool {
        let (from, to) = reading.clause_around(text, found.start, found.end);
        let to = to.min(before);
        all.iter().any(|other| {
            other.start >= from
                && other.end <= to
                && self.patterns[other.pattern]
                    .targets
                    .iter()
                    .any(|&t| wanted(t))
        })
    }

    /// Every phrase on word boundaries in folded text, with whether its
    /// clause denies it (read from the stance phrases found in the same pass).
    fn find_all(
        &self,
        text: &str,
        reading: &mut Reading,
        found: &mut Vec<(usize, usize, usize)>,
        mut each: impl FnMut(Found),
    ) {
        let Some(automaton) = &self.automaton else {
            return;
        };
        reading.clear();
        found.clear();
        let mut last_end = [0; MAX_STANCE_PHRASES];
        for m in automaton.0.find_overlapping_iter(text) {
            let mut alike = Some(m.value() as usize);
            while let Some(pattern) = alike {
                let (start, mut end) = (m.start(), m.end());
                let role = self.roles[pattern];
                alike = role.alike;
                if role.stance {
                    for &target in &self.patterns[pattern].targets {
                        if let Target::Stance(i) = target {
                            reading.note(text, self.stance[i], (start, end), &mut last_end[i]);
                        }
                    }
                }
                if !role.kept || !on_word_boundaries(text, start, end, role.stem) {
                    continue;
                }
                if role.stem {
                    // A stem covers the rest of its word.
                    end += text[end..]
                        .find(|c: char| !c.is_alphanumeric())
                        .unwrap_or(text.len() - end);
                }
                found.push((pattern, start, end));
            }
        }
        if found.is_empty() {
            return;
        }
        reading.finish();
        for &(pattern, start, end) in found.iter() {
            each(Found {
                pattern,
                start,
                end,
                // A `with` or `without` term is never evidence itself: its stance is not read.
                negated: self.roles[pattern].read
                    && self
                        .negation
                        .is_negated(text, start, end, &self.actors, reading),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A word and its stem fold to the same text: the automaton holds it
    /// once, and both count, each as itself.
    #[test]
    fn a_word_and_its_stem_are_both_found() {
        let (bank, _) = crate::bank::load(&crate::bank::BankSource::Embedded).unwrap();
        let mut rubric = bank.rubric_for("V1").unwrap().item.clone();
        let mut add = |criterion: usize, term: &str| {
            let rule = &mut rubric.criteria[criterion].evidence.phrases[0];
            rule.terms.entry("nb".into()).or_default().push(term.into());
        };
        add(0, "Zyxstyrer");
        add(1, "zyxstyrer*");
        let hits = Matcher::new(&rubric, "nb").find("s1_do", "Vi zyxstyrer. Zyxstyrerne?");
        let found = |target: Target| -> Vec<&str> {
            hits.iter()
                .filter(|h| h.target == target)
                .map(|h| h.text.as_str())
                .collect()
        };
        assert_eq!(found(Target::Phrase(0, 0)), ["zyxstyrer"]);
        assert_eq!(found(Target::Phrase(1, 0)), ["zyxstyrer", "Zyxstyrerne"]);
    }

    #[test]
    fn every_languages_stance_phrases_fit() {
        for language in ["nb", "nn", "en", "de"] {
            let count = Negation::for_language(language).stance_phrases().len();
            assert!(count <= MAX_STANCE_PHRASES, "{language}: {count}");
        }
    }
}
