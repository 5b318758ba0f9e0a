//! The words simulated groups write around the rubric's phrases: carrier
//! sentences, negations, doubtful views and filler, in bokmål, nynorsk and
//! English; word stems completed into whole words; and typing errors.
//!
//! Not for choosing what a group says (see `answers`): only how it is worded.

use rand::RngExt;
use rand_chacha::ChaCha8Rng;

use crate::bank::{Rubric, Terms};

/// The written form of an answer: the session's language, and for bokmål
/// sessions whether the group writes nynorsk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Form {
    Bokmal,
    Nynorsk,
    English,
}

impl Form {
    /// The form a group writes in a session of `language`.
    pub(super) fn of(language: &str, nynorsk: bool) -> Form {
        match (language, nynorsk) {
            ("en", _) => Form::English,
            (_, true) => Form::Nynorsk,
            _ => Form::Bokmal,
        }
    }

    /// The rubric terms this form writes: nynorsk falls back to bokmål
    /// where a rule has no nynorsk variant.
    pub(super) fn terms(self, terms: &Terms) -> &[String] {
        let get = |code: &str| terms.get(code).map_or(&[][..], Vec::as_slice);
        match self {
            Form::Bokmal => get("nb"),
            Form::English => get("en"),
            Form::Nynorsk if get("nn").is_empty() => get("nb"),
            Form::Nynorsk => get("nn"),
        }
    }

    /// The language of the rubric's descriptors this form reads like.
    fn descriptor_language(self) -> &'static str {
        match self {
            Form::English => "en",
            Form::Bokmal | Form::Nynorsk => "nb",
        }
    }

    fn lexicon(self) -> &'static Lexicon {
        match self {
            Form::Bokmal => &BOKMAL,
            Form::Nynorsk => &NYNORSK,
            Form::English => &ENGLISH,
        }
    }
}

/// Sentence templates (`{}` is the phrase) and filler sentences of one form.
struct Lexicon {
    /// Sentences that state what the group would do.
    stated: &'static [&'static str],
    /// Sentences that say the group would not do it (yet).
    negated: &'static [&'static str],
    /// Sentences that give a doubtful view as the group's own.
    doubtful: &'static [&'static str],
    /// Sentences with no evidence in them.
    filler: &'static [&'static str],
}

const BOKMAL: Lexicon = Lexicon {
    stated: &[
        "Viktig for oss: {}.",
        "Det vi gjør: {}.",
        "Gruppa er enig om dette: {}.",
        "Første punkt: {}.",
        "Konkret: {}.",
        "{}.",
        "Vi legger vekt på dette: {}.",
    ],
    negated: &[
        "Ikke {} ennå, mener vi.",
        "Foreløpig ikke {}.",
        "Vi ser ikke behov for {} nå.",
    ],
    doubtful: &[
        "Vår vurdering: {}.",
        "Ærlig talt: {}.",
        "Noen av oss mener: {}.",
        "{}.",
    ],
    filler: &[
        "Vi diskuterte dette lenge i gruppa.",
        "Det er en vanskelig situasjon.",
        "Vi var litt uenige om dette.",
        "Det kommer an på hva som skjer videre.",
        "Vi har hatt lignende ting før.",
        "Vanskelig å svare på kort tid.",
    ],
};

const NYNORSK: Lexicon = Lexicon {
    stated: &[
        "Viktig for oss: {}.",
        "Det vi gjer: {}.",
        "Gruppa er samd om dette: {}.",
        "Første punkt: {}.",
        "Konkret: {}.",
        "{}.",
        "Vi legg vekt på dette: {}.",
    ],
    negated: &[
        "Ikkje {} enno, meiner vi.",
        "Førebels ikkje {}.",
        "Vi ser ikkje behov for {} no.",
    ],
    doubtful: &[
        "Vår vurdering: {}.",
        "Ærleg talt: {}.",
        "Nokre av oss meiner: {}.",
        "{}.",
    ],
    filler: &[
        "Vi diskuterte dette lenge i gruppa.",
        "Det er ein vanskeleg situasjon.",
        "Vi var litt usamde om dette.",
        "Det kjem an på kva som skjer vidare.",
        "Vi har hatt liknande ting før.",
        "Vanskeleg å svare på kort tid.",
    ],
};

const ENGLISH: Lexicon = Lexicon {
    stated: &[
        "Important for us: {}.",
        "What we would do: {}.",
        "The group agrees on this: {}.",
        "First point: {}.",
        "Concretely: {}.",
        "{}.",
        "We would focus on this: {}.",
    ],
    negated: &[
        "Not {} yet, we think.",
        "For now, no {}.",
        "We see no need for {} now.",
    ],
    doubtful: &[
        "Our view: {}.",
        "Honestly: {}.",
        "Some of us think: {}.",
        "{}.",
    ],
    filler: &[
        "We discussed this for a long time.",
        "It is a difficult situation.",
        "We did not fully agree on this.",
        "It depends on what comes next.",
        "We have had similar things before.",
        "Hard to answer in a short time.",
    ],
};

/// What a sentence does with its phrase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Tone {
    Stated,
    Negated,
    Doubtful,
}

/// One sentence of an answer before it is worded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Line {
    /// A phrase in a sentence of this tone.
    Phrase(Tone, String),
    /// A sentence with no evidence in it.
    Filler,
}

/// The lines of one answer worded as sentences, each starting with a
/// capital letter, no template used twice while the form has others.
pub(super) fn sentences(rng: &mut ChaCha8Rng, form: Form, lines: &[Line]) -> Vec<String> {
    let lexicon = form.lexicon();
    let mut used: Vec<&str> = Vec::new();
    lines
        .iter()
        .map(|line| {
            let (templates, phrase) = match line {
                Line::Phrase(Tone::Stated, phrase) => (lexicon.stated, phrase.as_str()),
                Line::Phrase(Tone::Negated, phrase) => (lexicon.negated, phrase.as_str()),
                Line::Phrase(Tone::Doubtful, phrase) => (lexicon.doubtful, phrase.as_str()),
                Line::Filler => (lexicon.filler, ""),
            };
            let fresh: Vec<&str> = templates
                .iter()
                .copied()
                .filter(|t| !used.contains(t))
                .collect();
            let pool = if fresh.is_empty() {
                templates
            } else {
                &fresh[..]
            };
            let template = pool[rng.random_range(0..pool.len())];
            used.push(template);
            capitalised(&template.replacen("{}", phrase, 1))
        })
        .collect()
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// Whole words a word stem (`foreldr*`) can be completed into: the words of
/// the rubric's titles and level descriptors in the form's language and of
/// its terms in that form, lower case.
#[derive(Debug, Clone)]
pub(super) struct Vocabulary {
    words: Vec<String>,
}

impl Vocabulary {
    pub(super) fn of(rubric: &Rubric, form: Form) -> Vocabulary {
        let language = form.descriptor_language();
        let mut texts: Vec<&str> = Vec::new();
        for criterion in &rubric.criteria {
            texts.extend(criterion.title.get(language).map(String::as_str));
            for level in &criterion.levels {
                texts.extend(level.descriptor.get(language).map(String::as_str));
            }
            for rule in &criterion.evidence.phrases {
                // A stem is not a word: only the words before it count.
                texts.extend(
                    form.terms(&rule.terms)
                        .iter()
                        .map(|t| match t.strip_suffix('*') {
                            Some(stem) => stem.rsplit_once(' ').map_or("", |(head, _)| head),
                            None => t.as_str(),
                        }),
                );
            }
        }
        let mut words: Vec<String> = texts
            .iter()
            .flat_map(|t| t.split(|c: char| !c.is_alphanumeric()))
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect();
        words.sort();
        words.dedup();
        Vocabulary { words }
    }

    /// The term as a group writes it: a stem's last word completed into a
    /// word that starts with it (or the stem alone when none is known).
    pub(super) fn complete(&self, rng: &mut ChaCha8Rng, term: &str) -> String {
        let Some(stem) = term.trim().strip_suffix('*') else {
            return term.trim().to_string();
        };
        let (head, last) = stem.rsplit_once(' ').unwrap_or(("", stem));
        let prefix = last.to_lowercase();
        let from = self.words.partition_point(|w| w.as_str() < prefix.as_str());
        let known: Vec<&String> = self.words[from..]
            .iter()
            .take_while(|w| w.starts_with(&prefix))
            .filter(|w| w.len() > prefix.len())
            .collect();
        let word = match known.as_slice() {
            [] => last.to_string(),
            words => words[rng.random_range(0..words.len())].clone(),
        };
        if head.is_empty() {
            word
        } else {
            format!("{head} {word}")
        }
    }
}

/// The text with two neighbouring letters swapped inside one longer word.
pub(super) fn with_typo(rng: &mut ChaCha8Rng, text: &str) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    let mut words: Vec<(usize, usize)> = Vec::new();
    let mut start = None;
    for (i, c) in chars.iter().chain(std::iter::once(&' ')).enumerate() {
        match (c.is_alphabetic(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                if i - s >= 4 {
                    words.push((s, i));
                }
                start = None;
            }
            _ => {}
        }
    }
    if let Some(&(s, e)) = words.get(rng.random_range(0..words.len().max(1))) {
        // Keep the first and last letter, as most typing errors do.
        let at = rng.random_range(s + 1..e - 2);
        chars.swap(at, at + 1);
    }
    chars.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bank::{self, BankSource};
    use crate::scoring::Matcher;
    use rand::SeedableRng;

    /// Every template and filler, for every form.
    fn all_words() -> Vec<(Form, &'static str)> {
        [Form::Bokmal, Form::Nynorsk, Form::English]
            .into_iter()
            .flat_map(|form| {
                let l = form.lexicon();
                [l.stated, l.negated, l.doubtful, l.filler]
                    .into_iter()
                    .flatten()
                    .map(move |t| (form, *t))
            })
            .collect()
    }

    #[test]
    fn the_words_around_phrases_are_no_evidence_in_any_shipped_rubric() {
        let (bank, _) = bank::load(&BankSource::Embedded).unwrap();
        for rubric in &bank.rubrics {
            let nb = Matcher::new(&rubric.item, "nb");
            let en = Matcher::new(&rubric.item, "en");
            for (form, template) in all_words() {
                let matcher = if form == Form::English { &en } else { &nb };
                let text = template.replace("{}", "xq");
                let hits = matcher.find("p", &text);
                assert!(hits.is_empty(), "{}: `{text}` has {hits:?}", rubric.item.id);
            }
        }
    }

    #[test]
    fn negated_sentences_negate_their_phrase() {
        let (bank, _) = bank::load(&BankSource::Embedded).unwrap();
        let rubric = &bank.rubric_for("V1").unwrap().item;
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        for (form, language, phrase) in [
            (Form::Bokmal, "nb", "varsle styreren"),
            (Form::Nynorsk, "nb", "varsle styraren"),
            (Form::English, "en", "tell the head"),
        ] {
            for _ in 0..20 {
                let lines = [Line::Phrase(Tone::Negated, phrase.to_string())];
                let text = sentences(&mut rng, form, &lines).remove(0);
                let hits = Matcher::new(rubric, language).find("p", &text);
                assert!(!hits.is_empty(), "{text}");
                assert!(hits.iter().all(|h| h.negated), "{text}");
            }
        }
    }

    #[test]
    fn stems_become_words_the_rubric_uses() {
        let (bank, _) = bank::load(&BankSource::Embedded).unwrap();
        let rubric = &bank.rubric_for("V1").unwrap().item;
        let vocabulary = Vocabulary::of(rubric, Form::Bokmal);
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let word = vocabulary.complete(&mut rng, "krenk*");
        assert!(word.starts_with("krenk") && word.len() > 5, "{word}");
        let phrase = vocabulary.complete(&mut rng, "varsle styrer*");
        assert!(phrase.starts_with("varsle styrer"), "{phrase}");
        assert_eq!(vocabulary.complete(&mut rng, "zzq*"), "zzq");
        assert_eq!(
            vocabulary.complete(&mut rng, "skriftlig plan"),
            "skriftlig plan"
        );
    }

    #[test]
    fn typos_swap_two_inner_letters_of_one_word() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let text = "Vi ringer foreldrene i dag.";
        let typed = with_typo(&mut rng, text);
        assert_ne!(typed, text);
        let mut a: Vec<char> = typed.chars().collect();
        let mut b: Vec<char> = text.chars().collect();
        a.sort_unstable();
        b.sort_unstable();
        assert_eq!(a, b, "same letters: {typed}");
        assert_eq!(with_typo(&mut rng, "Ja."), "Ja.", "no word to change");
    }
}
