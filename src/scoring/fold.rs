//! Answer text prepared for phrase matching: folded to a normal form while
//! remembering where each character came from, and read for negation.
//!
//! Not for deciding levels: this module only normalises and looks around matches.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Text in normal form: lower case, compatibility-decomposed, diacritics
/// folded (ä → a, é → e) except æ, ø and å, whitespace collapsed to one space,
/// or to one line break where a new line starts a new sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Folded {
    pub text: String,
    /// For every byte offset of `text` that starts a character: the index of
    /// the original character it came from.
    starts: Vec<(usize, usize)>,
    original_chars: usize,
}

impl Folded {
    /// Folds `original`.
    pub fn new(original: &str) -> Folded {
        let mut text = String::with_capacity(original.len());
        let mut starts = Vec::with_capacity(original.len());
        let original_chars = fold(original, &mut text, Runs::Ascii, |byte, index| {
            starts.push((byte, index))
        });
        Folded {
            text,
            starts,
            original_chars,
        }
    }

    /// The original character range `[start, end)` of the folded byte range.
    pub fn original_span(&self, start: usize, end: usize) -> (usize, usize) {
        let first = self.original_index(start).unwrap_or(0);
        let last = if end == 0 {
            first
        } else {
            // The character that holds the last byte of the range.
            let i = self.starts.partition_point(|&(byte, _)| byte < end);
            self.starts
                .get(i.saturating_sub(1))
                .map_or(first, |&(_, o)| o + 1)
        };
        (first, last.max(first).min(self.original_chars))
    }

    fn original_index(&self, byte: usize) -> Option<usize> {
        let i = self.starts.partition_point(|&(b, _)| b < byte);
        self.starts.get(i).map(|&(_, o)| o)
    }
}

/// Folds `original` into `text` (cleared first) without remembering where
/// characters came from: for matching alone, reusing one buffer.
pub fn fold_into(original: &str, text: &mut String) {
    text.clear();
    fold(original, text, Runs::WithNorwegianLetters, |_, _| {});
}

/// What a plain run (copied as it is, but for case) may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Runs {
    /// ASCII only: each byte is one character, as marking needs.
    Ascii,
    /// ASCII and the lower-case æ, ø and å, which fold to themselves:
    /// Norwegian text runs on past them (for matching alone, unmarked).
    WithNorwegianLetters,
}

/// Appends the normal form of `original` to the empty `text`, calling
/// `mark(byte, index)` for each character appended (its byte offset in
/// `text`, the index of the original character); returns the number of
/// original characters. Marks and count need [`Runs::Ascii`]: with
/// Norwegian letters in a run its bytes are counted as characters.
fn fold(
    original: &str,
    text: &mut String,
    runs: Runs,
    mut mark: impl FnMut(usize, usize),
) -> usize {
    let mut index = 0;
    let mut rest = original;
    while !rest.is_empty() {
        // Most text is ASCII that folds to itself in lower case: copy it in runs.
        let run = plain_run(
            rest.as_bytes(),
            text.is_empty() || text.ends_with([' ', '\n']),
            runs,
        );
        if run > 0 {
            let at = text.len();
            text.push_str(&rest[..run]);
            text[at..].make_ascii_lowercase();
            (0..run).for_each(|k| mark(at + k, index + k));
            index += run;
            rest = &rest[run..];
            continue;
        }
        let Some(c) = rest.chars().next() else { break };
        if c.is_whitespace() {
            let run = rest
                .find(|c: char| !c.is_whitespace())
                .unwrap_or(rest.len());
            let (spaces, after) = rest.split_at(run);
            if ends_a_line(spaces, after) {
                break_line(text, index, &mut mark);
            } else {
                collapse_space(text, index, &mut mark);
            }
            index += spaces.chars().count();
            rest = after;
            continue;
        }
        match c {
            '`' => put(text, index, '\'', &mut mark),
            // Common in Norwegian: spare them the Unicode tables.
            'æ' | 'Æ' => put(text, index, 'æ', &mut mark),
            'ø' | 'Ø' => put(text, index, 'ø', &mut mark),
            'å' | 'Å' => put(text, index, 'å', &mut mark),
            _ => fold_other(c, index, text, &mut mark),
        }
        index += 1;
        rest = &rest[c.len_utf8()..];
    }
    index
}

/// The length of the run of ASCII at the start of `bytes` that is its own
/// normal form but for case: no backquote, no whitespace other than single
/// spaces after something (`after_space`: the text so far is empty or ends
/// with a space).
///
/// Eight bytes at a time while none of them needs a closer look (this scan
/// was nine tenths of folding), then byte by byte.
fn plain_run(bytes: &[u8], mut after_space: bool, runs: Runs) -> usize {
    let mut i = 0;
    loop {
        while let Some(word) = bytes.get(i..i + 8) {
            let word = u64::from_le_bytes(word.try_into().unwrap_or_default());
            if needs_a_look(word, after_space) {
                break;
            }
            after_space = word >> 56 == u64::from(b' ');
            i += 8;
        }
        // Byte by byte through the word that needed a look, then on.
        let look = (i + 8).min(bytes.len());
        while i < look {
            match plain_bytes(&bytes[i..], after_space, runs) {
                Some((n, space)) => (i, after_space) = (i + n, space),
                None => return i,
            }
        }
        if i >= bytes.len() {
            return bytes.len();
        }
    }
}

/// [`plain_run`] as defined: byte by byte.
#[cfg(test)]
fn plain_run_bytewise(bytes: &[u8], mut after_space: bool, runs: Runs) -> usize {
    let mut i = 0;
    while i < bytes.len() {
        match plain_bytes(&bytes[i..], after_space, runs) {
            Some((n, space)) => (i, after_space) = (i + n, space),
            None => return i,
        }
    }
    i
}

/// Whether the character at the start of `bytes` goes on a plain run: its
/// length in bytes and whether it is a space, or `None` where the run ends.
fn plain_bytes(bytes: &[u8], after_space: bool, runs: Runs) -> Option<(usize, bool)> {
    match *bytes {
        [b' ', ..] if after_space => None,
        [b' ', ..] => Some((1, true)),
        [b'`' | b'\t'..=b'\r', ..] => None,
        // æ, ø and å in UTF-8.
        [0xc3, 0xa5 | 0xa6 | 0xb8, ..] if runs == Runs::WithNorwegianLetters => Some((2, false)),
        [0x80..=0xff, ..] => None,
        [_, ..] => Some((1, false)),
        [] => None,
    }
}

/// Each byte of a word repeated eight times.
const fn repeated(byte: u8) -> u64 {
    u64::from_le_bytes([byte; 8])
}

/// The high bit of every byte of `word` that is zero, and no other bit.
fn zero_bytes(word: u64) -> u64 {
    let low7 = repeated(0x7f);
    !(((word & low7) + low7) | word | low7)
}

/// Whether one of the eight bytes (little-endian) may end a plain run: a
/// byte outside ASCII, a backquote, a control character, or a space after a
/// space (or first, after one). Controls other than whitespace are let
/// through by the byte loop; flagging them here only costs time.
fn needs_a_look(word: u64, after_space: bool) -> bool {
    let high = repeated(0x80);
    let outside_ascii = word & high;
    let backquote = zero_bytes(word ^ repeated(b'`'));
    // For bytes below 0x80, adding 0x60 sets the high bit unless the byte is below 0x20.
    let control = !((word & repeated(0x7f)) + repeated(0x60)) & !word & high;
    let spaces = zero_bytes(word ^ repeated(b' '));
    let double_space = spaces & ((spaces << 8) | (u64::from(after_space) << 7));
    outside_ascii | backquote | control | double_space != 0
}

/// Appends `c`, marking where it came from.
fn put(text: &mut String, index: usize, c: char, mark: &mut impl FnMut(usize, usize)) {
    mark(text.len(), index);
    text.push(c);
}

/// Appends one space for a run of whitespace, none at the start or after
/// a space or a line break.
fn collapse_space(text: &mut String, index: usize, mark: &mut impl FnMut(usize, usize)) {
    if !text.is_empty() && !text.ends_with([' ', '\n']) {
        put(text, index, ' ', mark);
    }
}

/// Appends one line break for a run of whitespace that ends a line, none at
/// the start or after another; a space just before it (copied with the text
/// before the run) becomes the line break.
fn break_line(text: &mut String, index: usize, mark: &mut impl FnMut(usize, usize)) {
    if text.ends_with(' ') {
        text.pop();
        text.push('\n');
    } else if !text.is_empty() && !text.ends_with('\n') {
        put(text, index, '\n', mark);
    }
}

/// Whether the whitespace run `spaces`, followed by `after`, ends a line: it
/// holds a line break, and the next line does not start in lower case. A
/// line that goes on in lower case continues its sentence (a transcribed
/// answer may break its lines anywhere, "vi vil ikke⏎vente" included); one
/// that starts a new sentence, a number or a bullet starts a new clause.
fn ends_a_line(spaces: &str, after: &str) -> bool {
    spaces.contains(is_line_break) && after.chars().next().is_some_and(|c| !c.is_lowercase())
}

/// A line break: line feed, vertical tab, form feed, carriage return, next
/// line, line separator or paragraph separator.
fn is_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\u{b}' | '\u{c}' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}'
    )
}

/// Appends a character outside ASCII: lower case, quotes as `'`, æ, ø and å
/// kept, other letters decomposed without their marks.
fn fold_other(c: char, index: usize, text: &mut String, mark: &mut impl FnMut(usize, usize)) {
    for lower in c.to_lowercase() {
        match lower {
            'æ' | 'ø' | 'å' => put(text, index, lower, mark),
            '\u{2019}' | '\u{2018}' | '`' | '´' => put(text, index, '\'', mark),
            _ => {
                for d in std::iter::once(lower)
                    .nfkd()
                    .filter(|d| !is_combining_mark(*d))
                {
                    put(text, index, d, mark);
                }
            }
        }
    }
}

/// Folds a rubric term the same way; a trailing `*` (word stem) is dropped.
pub fn fold_term(term: &str) -> (String, bool) {
    let stem = term.trim_end().ends_with('*');
    let folded = Folded::new(term.trim().trim_end_matches('*')).text;
    (folded.trim().to_string(), stem)
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '\''
}

/// Whether `text[start..end]` starts at a word boundary, and ends at one unless it is a stem.
pub fn on_word_boundaries(text: &str, start: usize, end: usize, stem: bool) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    !before.is_some_and(is_word_char) && (stem || !after.is_some_and(is_word_char))
}

/// How a language denies an action it names: its negating words (and
/// whether a negation may also follow what it negates, "foreldrene ringer vi
/// ikke"), the phrases that defer an action or hope it away ("vente med",
/// "håper å unngå"), and the conditions that make it hypothetical ("hvis
/// det fortsetter").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Negation {
    words: &'static [&'static str],
    after_too: bool,
    markers: &'static [&'static str],
    conditions: &'static [&'static str],
    third_parties: &'static [&'static str],
    first_person: &'static [&'static str],
}

impl Negation {
    /// The rules for a language code; unknown languages get the English ones.
    pub fn for_language(language: &str) -> Negation {
        match language {
            "nb" | "nn" | "no" => Negation {
                words: &[
                    "ikke",
                    "ikkje",
                    "aldri",
                    "ingen",
                    "inga",
                    "ingenting",
                    "uten",
                    "utan",
                    "verken",
                    "hverken",
                ],
                after_too: true,
                markers: NORWEGIAN_MARKERS,
                conditions: NORWEGIAN_CONDITIONS,
                third_parties: &["faren", "far", "moren", "mora", "mor", "eleven", "barnet"],
                first_person: &["vi", "jeg", "eg", "me", "oss", "meg"],
            },
            _ => Negation {
                words: &[
                    "not", "never", "no", "without", "nor", "neither", "cannot", "nobody",
                    "nothing",
                ],
                after_too: false,
                markers: ENGLISH_MARKERS,
                conditions: ENGLISH_CONDITIONS,
                third_parties: &["father", "mother", "dad", "mum", "mom", "pupil", "child"],
                first_person: &["we", "i", "us", "me"],
            },
        }
    }

    fn negates(&self, word: &str) -> bool {
        self.words.contains(&word) || (!self.after_too && word.ends_with("n't"))
    }

    /// Whether the match at `text[start..end]` is denied rather than done:
    /// a negating word (unless followed by "bare"/"only") or a deferring or
    /// hoping phrase earlier in its clause, not separated from it by "og",
    /// "and", "eller" or "or"; where the language allows, a negating word
    /// among the two words after it; or a condition in its clause, or in a
    /// clause that opens its sentence just before it ("Hvis det fortsetter,
    /// varsler vi rektor").
    pub fn is_negated(
        &self,
        text: &str,
        start: usize,
        end: usize,
        actors: &[String],
        reading: &Reading,
    ) -> bool {
        let from = reading.clause_start(start);
        if self.someone_else(&text[from..start], actors)
            && !self.after_a_named_person(&text[..from], actors)
        {
            return true;
        }
        let markers = || within(&reading.markers, from, start);
        let scope = reading
            .coordinators
            .iter()
            .filter(|&&(s, e)| s >= from && e <= start)
            .filter(|&&(s, _)| !markers().any(|(ms, me)| ms <= s + 1 && s + 1 < me))
            .map(|&(_, e)| e)
            .max()
            .unwrap_or(from);
        self.negated_words(text, scope, start, reading)
            || markers().any(|(_, marker_end)| marker_end > scope)
            || (self.after_too
                && first_words_in_clause(&text[end..reading.clause_end(text, end)])
                    .any(|w| self.negates(w)))
            || self.conditional(text, from, end, reading)
    }

    /// Where `text`'s deferring phrases, conditions, coordinators, negators
    /// and clause boundaries are: what [`Negation::is_negated`] reads around
    /// every match, for a text read alone (the matcher gathers the same in
    /// its own pass over a rubric's phrases).
    #[cfg(test)]
    fn read(&self, text: &str) -> Reading {
        let phrases = self.stance_phrases();
        let automaton =
            daachorse::DoubleArrayAhoCorasick::<u32>::new(phrases.iter().map(|(p, _)| p))
                .expect("the stance phrases compile");
        let mut reading = Reading::default();
        let mut last_end = vec![0; phrases.len()];
        for found in automaton.find_overlapping_iter(text) {
            let p = found.value() as usize;
            reading.note(
                text,
                phrases[p].1,
                (found.start(), found.end()),
                &mut last_end[p],
            );
        }
        reading.finish();
        reading
    }

    /// Every phrase the stance of a clause is read from, with its kind:
    /// deferring phrases, conditions, coordinators, negating words (and
    /// English "n't"), and the words that end a clause.
    pub fn stance_phrases(&self) -> Vec<(&'static str, PhraseKind)> {
        let contraction: &[&'static str] = if self.after_too { &[] } else { &["n't"] };
        self.markers
            .iter()
            .map(|m| (*m, PhraseKind::Marker))
            .chain(self.conditions.iter().map(|c| (*c, PhraseKind::Condition)))
            .chain(COORDINATORS.iter().map(|c| (*c, PhraseKind::Coordinator)))
            .chain(self.words.iter().map(|w| (*w, PhraseKind::Negator)))
            .chain(contraction.iter().map(|c| (*c, PhraseKind::Contraction)))
            .chain(CLAUSE_WORDS.iter().map(|w| (*w, PhraseKind::ClauseWord)))
            .chain(CLAUSE_MARKS.iter().map(|m| (*m, PhraseKind::ClauseMark)))
            .collect()
    }

    /// Whether the clause so far (`before`) has someone else as its actor:
    /// it opens with another person (a name of `actors`, or a third party
    /// such as "faren" or "the pupil") and has no "vi", "jeg" or "we".
    fn someone_else(&self, before: &str, actors: &[String]) -> bool {
        let Some(first) = words(before).next() else {
            return false;
        };
        self.names_someone(first, actors) && !words(before).any(|w| self.first_person.contains(&w))
    }

    /// Whether `word` names another person: one of `actors`, or a third party.
    fn names_someone(&self, word: &str, actors: &[String]) -> bool {
        self.third_parties.contains(&word) || actors.iter().any(|a| a == word)
    }

    /// Whether the text before a clause (`head`) ends with a person named
    /// and a comma: the clause goes on a list of people ("vi snakker med
    /// Sigurd, Frida og Ludvig"), it does not open with one of them.
    fn after_a_named_person(&self, head: &str, actors: &[String]) -> bool {
        head.strip_suffix(',')
            .and_then(|before| words(before).last())
            .is_some_and(|last| self.names_someone(last, actors))
    }

    /// Whether a negating word in `text[scope..start]` negates what follows
    /// it: not followed there by "bare" or "only".
    fn negated_words(&self, text: &str, scope: usize, start: usize, reading: &Reading) -> bool {
        within(&reading.negators, scope, start).any(|(_, end)| {
            !words(&text[end..start])
                .next()
                .is_some_and(|next| NOT_NEGATING_AFTER.contains(&next))
        })
    }

    /// Whether a condition holds the clause `text[from..]` of the match that
    /// ends at `end`: in the clause, or in a clause that opens the sentence
    /// just before it.
    fn conditional(&self, text: &str, from: usize, end: usize, reading: &Reading) -> bool {
        if within(&reading.conditions, from, reading.clause_end(text, end))
            .next()
            .is_some()
        {
            return true;
        }
        let Some(comma) = text[..from].strip_suffix(',').map(str::len) else {
            return false;
        };
        let opens = reading.clause_start(comma);
        let sentence_start = text[..opens].trim_end_matches(' ');
        (sentence_start.is_empty() || sentence_start.ends_with(is_sentence_mark))
            && within(&reading.conditions, opens, comma).next().is_some()
    }
}

/// Where a text's deferring phrases and conditions (on word boundaries) and
/// its coordinators are, as (start, end) byte ranges of the folded text.
#[derive(Debug, Default)]
pub struct Reading {
    markers: Vec<(usize, usize)>,
    conditions: Vec<(usize, usize)>,
    coordinators: Vec<(usize, usize)>,
    /// Negating words (whole words, and English words ending in "n't").
    negators: Vec<(usize, usize)>,
    /// Where clauses begin: 0, after every clause mark, after every clause
    /// word; sorted.
    clause_starts: Vec<usize>,
    /// Where every clause mark is (its first byte); sorted.
    clause_marks: Vec<usize>,
}

impl Reading {
    /// Forgets what was read, keeping the room.
    pub fn clear(&mut self) {
        self.markers.clear();
        self.conditions.clear();
        self.coordinators.clear();
        self.negators.clear();
        self.clause_starts.clear();
        self.clause_marks.clear();
    }

    /// Notes a stance phrase of `kind` found at `start..end` of `text`.
    /// `last_end` is where this phrase's last occurrence taken ended: a
    /// phrase's occurrences are taken left to right without overlap, as
    /// `str::match_indices` takes them (clause words, which `rfind` sees
    /// wherever they are, all).
    pub fn note(
        &mut self,
        text: &str,
        kind: PhraseKind,
        (start, end): (usize, usize),
        last_end: &mut usize,
    ) {
        match kind {
            PhraseKind::ClauseWord => {
                self.clause_starts.push(end);
                return;
            }
            PhraseKind::ClauseMark => {
                self.clause_marks.push(start);
                self.clause_starts.push(end);
                return;
            }
            _ => {}
        }
        if start < *last_end {
            return;
        }
        *last_end = end;
        let bounded = on_word_boundaries(text, start, end, false);
        match kind {
            PhraseKind::Marker if bounded => self.markers.push((start, end)),
            PhraseKind::Condition if bounded => self.conditions.push((start, end)),
            PhraseKind::Coordinator => self.coordinators.push((start, end)),
            PhraseKind::Negator if bounded => self.negators.push((start, end)),
            PhraseKind::Contraction if !text[end..].starts_with(is_word_char) => {
                // The whole word that ends in "n't".
                let from = text[..start]
                    .char_indices()
                    .rev()
                    .find(|&(_, c)| !is_word_char(c))
                    .map_or(0, |(i, c)| i + c.len_utf8());
                self.negators.push((from, end));
            }
            _ => {}
        }
    }

    /// Completes the reading once every phrase is noted (the clause marks
    /// and clause words among them): everything in order.
    pub fn finish(&mut self) {
        self.clause_starts.push(0);
        self.clause_starts.sort_unstable();
        self.clause_marks.sort_unstable();
        self.negators.sort_unstable();
    }

    /// Where the clause that ends at `start` begins (as [`clause_start`]).
    fn clause_start(&self, start: usize) -> usize {
        let i = self.clause_starts.partition_point(|&b| b <= start);
        self.clause_starts[..i].last().copied().unwrap_or(0)
    }

    /// The clause around `text[start..end]` of the text read: from where it
    /// begins to the next clause mark (as [`clause_around`]).
    pub fn clause_around(&self, text: &str, start: usize, end: usize) -> (usize, usize) {
        (self.clause_start(start), self.clause_end(text, end))
    }

    /// Where the clause that goes on at `end` ends: at the first clause mark
    /// from `end` on, or at the end of the text read.
    fn clause_end(&self, text: &str, end: usize) -> usize {
        let i = self.clause_marks.partition_point(|&m| m < end);
        self.clause_marks.get(i).copied().unwrap_or(text.len())
    }
}

/// The ranges of `found` that lie within `from..to`.
fn within(
    found: &[(usize, usize)],
    from: usize,
    to: usize,
) -> impl Iterator<Item = (usize, usize)> + '_ {
    found
        .iter()
        .copied()
        .filter(move |&(s, e)| s >= from && e <= to)
}

/// What a stance phrase is (see [`Negation::stance_phrases`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhraseKind {
    Marker,
    Condition,
    Coordinator,
    Negator,
    /// English "n't": the word it ends negates.
    Contraction,
    /// A spaced word that ends a clause (" men ").
    ClauseWord,
    /// Punctuation that ends a clause, or a kept line break.
    ClauseMark,
}

/// Phrases that defer an action, hope it away or hedge it ("kanskje"), folded.
const NORWEGIAN_MARKERS: &[&str] = &[
    "vente med",
    "venter med",
    "vent med",
    "venta med",
    "ventar med",
    "vente litt med",
    "venter litt med",
    "vente og se",
    "venter og ser",
    "ventar og ser",
    "se det an",
    "ser det an",
    "sjå det an",
    "avvente",
    "avventer",
    "utsette",
    "utsetter",
    "utset",
    "håper å unngå",
    "håper vi slipper",
    "håper at vi slipper",
    "håper å slippe",
    "håpar å unngå",
    "håpar vi slepp",
    "håpar å sleppe",
    "slippe å",
    "slipper å",
    "sleppe å",
    "slepp å",
    "unngå å",
    "unngår å",
    "kanskje",
    "eventuelt",
    "muligens",
    "kan hende",
    "kunne",
];

/// The English phrases that defer an action, hope it away or hedge it.
const ENGLISH_MARKERS: &[&str] = &[
    "wait with",
    "wait before",
    "wait until",
    "wait and see",
    "hold off",
    "put off",
    "postpone",
    "hope to avoid",
    "hope we don't",
    "hope we won't",
    "avoid having to",
    "maybe",
    "perhaps",
    "possibly",
    "might",
    "could",
];

/// Conditions that make an action hypothetical, folded.
const NORWEGIAN_CONDITIONS: &[&str] = &[
    "hvis det fortsetter",
    "om det fortsetter",
    "dersom det fortsetter",
    "hvis det skjer igjen",
    "om det skjer igjen",
    "dersom det skjer igjen",
    "hvis det gjentar seg",
    "om det gjentar seg",
    "hvis det blir verre",
    "om det blir verre",
    "viss det held fram",
    "om det held fram",
    "dersom det held fram",
    "viss det skjer igjen",
    "viss det gjentek seg",
    "viss det blir verre",
    "hvis",
    "dersom",
    "viss",
    "for tidlig",
    "ikke nødvendig",
    "ikkje naudsynt",
    "unødvendig",
    "unaudsynt",
];

/// The English conditions that make an action hypothetical.
const ENGLISH_CONDITIONS: &[&str] = &[
    "if it continues",
    "if it goes on",
    "if it happens again",
    "if it gets worse",
    "if this continues",
    "if this happens again",
    "if it keeps happening",
    "if",
    "unless",
    "too early",
    "not necessary",
    "unnecessary",
];

/// Words after a negator that undo it ("ikke bare" = "not only").
const NOT_NEGATING_AFTER: &[&str] = &["bare", "berre", "kun", "only", "just", "merely"];

/// Words with a space on either side that end a clause.
const CLAUSE_WORDS: &[&str] = &[
    " men ",
    " but ",
    " og så ",
    " and then ",
    " deretter ",
    " then ",
];

/// Words with a space on either side that join two actions: what denies the
/// first does not reach the second.
const COORDINATORS: &[&str] = &[" og ", " and ", " eller ", " or "];

/// Punctuation that ends a clause, and the line break that folding keeps
/// where a new line starts a new sentence (see `ends_a_line`), as stance
/// phrases: a clause begins after each and ends before the next.
const CLAUSE_MARKS: &[&str] = &[".", ",", ";", ":", "!", "?", "(", ")", "-", "–", "—", "\n"];

/// Whether `c` is one of the [`CLAUSE_MARKS`] (what the tests' definitions
/// of a clause read; the matcher finds the marks in its own pass).
#[cfg(test)]
fn is_clause_mark(c: char) -> bool {
    matches!(
        c,
        '.' | ',' | ';' | ':' | '!' | '?' | '(' | ')' | '-' | '–' | '—' | '\n'
    )
}

/// Punctuation that ends a sentence, and a kept line break.
fn is_sentence_mark(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | ';' | '\n')
}

/// The words of `text`.
fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !is_word_char(c))
        .filter(|w| !w.is_empty())
}

/// Where the clause that ends at `start` begins: after the last clause
/// mark, or after the last clause word after it.
#[cfg(test)]
fn clause_start(text: &str, start: usize) -> usize {
    let before = &text[..start];
    let marked = before
        .char_indices()
        .rev()
        .find(|&(_, c)| is_clause_mark(c))
        .map_or(0, |(i, c)| i + c.len_utf8());
    CLAUSE_WORDS
        .iter()
        .filter_map(|w| before[marked..].rfind(w).map(|i| marked + i + w.len()))
        .max()
        .unwrap_or(marked)
}

/// The clause around `text[start..end]`: from [`clause_start`] to the next
/// clause mark.
#[cfg(test)]
fn clause_around(text: &str, start: usize, end: usize) -> (usize, usize) {
    let to = text[end..]
        .find(is_clause_mark)
        .map_or(text.len(), |i| end + i);
    (clause_start(text, start), to)
}

/// The first two words (fewer if it has fewer) of `rest`, the rest of a clause.
fn first_words_in_clause(rest: &str) -> impl Iterator<Item = &str> {
    words(rest).take(2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_diacritics_and_whitespace_but_keeps_norwegian_letters() {
        let folded = Folded::new("  Vi  VARSLER\tRektor – Ærlig, Ørsta, Åse, Ängel, café, ﬁne’s");
        assert_eq!(
            folded.text,
            "vi varsler rektor – ærlig, ørsta, åse, angel, cafe, fine's"
        );
    }

    #[test]
    fn collapses_every_kind_of_whitespace_and_folds_backquotes() {
        let folded = Folded::new(" \u{a0} A  b\t\tC \n d ` E `` f\u{a0}\u{b}g ");
        assert_eq!(folded.text, "a b c d ' e '' f g ");
        assert_eq!(folded.original_span(0, 1), (3, 4));
    }

    #[test]
    fn a_line_that_starts_a_new_sentence_keeps_its_line_break() {
        let folded =
            Folded::new("Vi gjør ikke noe nå \r\n\n Vi ringer rektor\nog foreldrene\n- Lea\n");
        assert_eq!(
            folded.text,
            "vi gjør ikke noe nå\nvi ringer rektor og foreldrene\n- lea "
        );
        let start = folded.text.find("\nvi").unwrap();
        assert_eq!(folded.original_span(start, start + 1), (19, 20));
        assert_eq!(Folded::new("\n\nVi").text, "vi");
    }

    #[test]
    fn maps_folded_ranges_back_to_the_original_characters() {
        let original = "Vi  ringer FORELDRENE";
        let folded = Folded::new(original);
        let start = folded.text.find("foreldrene").unwrap();
        let (from, to) = folded.original_span(start, start + "foreldrene".len());
        let chars: String = original.chars().skip(from).take(to - from).collect();
        assert_eq!(chars, "FORELDRENE");
        // A decomposed character maps back to the one it came from.
        let original = "ﬁrst café";
        let folded = Folded::new(original);
        let start = folded.text.find("cafe").unwrap();
        assert_eq!(folded.original_span(start, start + 4), (5, 9));
    }

    #[test]
    fn terms_fold_like_answers_and_mark_stems() {
        assert_eq!(fold_term("Varsl*"), ("varsl".to_string(), true));
        assert_eq!(
            fold_term(" snakke  med  eleven "),
            ("snakke med eleven".to_string(), false)
        );
    }

    #[test]
    fn word_boundaries() {
        let text = "vi varsler rektoren";
        let at = text.find("rektor").unwrap();
        assert!(!on_word_boundaries(text, at, at + 6, false));
        assert!(on_word_boundaries(text, at, at + 6, true));
        let at = text.find("varsl").unwrap();
        assert!(on_word_boundaries(text, at, at + 5, true));
        assert!(!on_word_boundaries(text, at + 1, at + 5, true));
    }

    fn negated(text: &str, phrase: &str, norwegian: bool) -> bool {
        let text = Folded::new(text).text;
        let start = text.find(phrase).unwrap();
        let negation = Negation::for_language(if norwegian { "nb" } else { "en" });
        let reading = negation.read(&text);
        negation.is_negated(
            &text,
            start,
            start + phrase.len(),
            &["berit".to_string()],
            &reading,
        )
    }

    proptest::proptest! {
        /// Reading eight bytes at a time ends a plain run where reading byte
        /// by byte does, whatever the mix of spaces, controls, backquotes
        /// and letters outside ASCII.
        #[test]
        fn plain_runs_end_where_the_byte_by_byte_definition_ends_them(
            text in "( ?[a-zA-Z0-9.,!]{1,9} ?|[`\t\n\r\u{1}\u{1f}\u{7f}éøåæÆ’]| {2}){0,12}",
            after_space: bool,
        ) {
            for runs in [Runs::Ascii, Runs::WithNorwegianLetters] {
                proptest::prop_assert_eq!(
                    plain_run(text.as_bytes(), after_space, runs),
                    plain_run_bytewise(text.as_bytes(), after_space, runs)
                );
            }
        }

        /// Folding for matching alone, with æ, ø and å inside plain runs,
        /// gives the text that folding with marks gives.
        #[test]
        fn folding_for_matching_gives_the_marked_fold(
            text in "( ?[a-zA-Z0-9.,!]{1,9} ?|[`\t\n\r\u{1}æøåÆØÅéüß’]| {2}){0,16}",
        ) {
            let mut folded = String::new();
            fold_into(&text, &mut folded);
            proptest::prop_assert_eq!(folded, Folded::new(&text).text);
        }

        /// The clause read around a match is the one its definition gives
        /// (cut the text at clause marks and spaced clause words).
        #[test]
        fn the_clause_is_read_as_defined(
            before in proptest::collection::vec(WORDS, 0..12),
            after in proptest::collection::vec(WORDS, 0..6),
        ) {
            let (before, after) = (before.concat(), after.concat());
            let text = format!("{before}vi ringer{after}");
            let (start, end) = (before.len(), before.len() + "vi ringer".len());
            proptest::prop_assert_eq!(clause_tail(&text[..start]), &text[clause_start(&text, start)..start]);
            let reading = Negation::for_language("nb").read(&text);
            proptest::prop_assert_eq!(
                reading.clause_around(&text, start, end),
                clause_around(&text, start, end)
            );
            let defined: Vec<&str> = words(clause_head(&text[end..])).take(2).collect();
            let (_, clause_end) = reading.clause_around(&text, start, end);
            let read: Vec<&str> = first_words_in_clause(&text[end..clause_end]).collect();
            proptest::prop_assert_eq!(defined, read);
        }
    }

    /// Pieces of answers around a match: words, negations, clause marks and words.
    const WORDS: &str = "( |  |ikke|not|bare|only|men|but|og så|og|så|and then|and|deretter|then|\\.|, |-|—|'|\"|n't|vi|we|å|ærlig|ﬁne|x)";

    /// The part of `before` after its last clause mark or spaced clause word.
    fn clause_tail(before: &str) -> &str {
        let marked = before
            .char_indices()
            .rfind(|(_, c)| is_clause_mark(*c))
            .map_or(0, |(i, c)| i + c.len_utf8());
        let tail = &before[marked..];
        let cut = tail
            .match_indices(' ')
            .flat_map(|(i, _)| {
                CLAUSE_WORDS
                    .iter()
                    .filter(move |word| tail[i..].starts_with(**word))
                    .map(move |word| i + word.len())
            })
            .max()
            .unwrap_or(0);
        &tail[cut..]
    }

    /// The part of `after` before its first clause mark.
    fn clause_head(after: &str) -> &str {
        &after[..after.find(is_clause_mark).unwrap_or(after.len())]
    }

    #[test]
    fn negation_is_read_in_the_clause() {
        assert!(negated(
            "Vi ville ikke kontaktet foreldrene",
            "kontaktet foreldrene",
            true
        ));
        assert!(negated(
            "We would not call the parents",
            "call the parents",
            false
        ));
        assert!(negated(
            "We wouldn’t call the parents",
            "call the parents",
            false
        ));
        assert!(negated(
            "Vi ville ikkje ringt foreldra",
            "ringt foreldra",
            true
        ));
        assert!(negated(
            "Foreldrene ringer vi ikke",
            "foreldrene ringer",
            true
        ));
        assert!(!negated(
            "Vi ringer foreldrene, ikke rektor",
            "ringer foreldrene",
            true
        ));
        assert!(!negated(
            "Ikke vent. Vi ringer foreldrene",
            "ringer foreldrene",
            true
        ));
        assert!(!negated(
            "Vi skal ikke bare snakke med eleven",
            "snakke med eleven",
            true
        ));
        assert!(!negated(
            "Ingen tvil, men vi varsler rektor",
            "varsler rektor",
            true
        ));
        assert!(!negated("We call the parents", "call the parents", false));
        // "og så" ends a clause; "og" ends what a negation reaches.
        assert!(!negated(
            "Vi venter ikke og så ringer vi foreldrene",
            "ringer vi foreldrene",
            true
        ));
        assert!(!negated(
            "Vi venter ikke og ringer foreldrene",
            "ringer foreldrene",
            true
        ));
        assert!(!negated(
            "We would not wait and call the parents",
            "call the parents",
            false
        ));
        // The whole clause before the match, not a window of words.
        assert!(negated(
            "Vi må ikke anta at det er problemer hjemme",
            "problemer hjemme",
            true
        ));
        // A line break is no clause mark: transcriptions break lines anywhere.
        assert!(negated("Vi vil ikke\nvente", "vente", true));
        assert!(!negated("Vi vil ikke.\nVi varsler", "varsler", true));
        // A new line that starts a new sentence starts a new clause.
        assert!(!negated(
            "Vi vil ikke vente\nVi varsler rektor",
            "varsler",
            true
        ));
        assert!(!negated(
            "Vi gjør ingenting nå\n\n1 varsle rektor",
            "varsle",
            true
        ));
        assert!(!negated("Varsle rektor\nIkke vente", "varsle rektor", true));
        assert!(!negated(
            "We won't wait\nWe tell the principal",
            "tell",
            false
        ));
        // Nynorsk "no" means "now", not "no".
        assert!(!negated("Vi varslar rektor no", "varslar rektor", true));
        assert!(negated(
            "No one calls the parents",
            "calls the parents",
            false
        ));
    }

    #[test]
    fn deferred_and_hoped_away_actions_are_denied() {
        for (text, phrase) in [
            ("Vi venter med å kontakte skoleeier", "kontakte skoleeier"),
            ("Vi venter og ser om to uker", "om to uker"),
            (
                "vi håper å unngå at han går til statsforvalteren",
                "statsforvalteren",
            ),
            ("Vi håpar vi slepp å varsle eigaren", "varsle eigaren"),
            (
                "Vi ser det an før vi ringer foreldrene",
                "ringer foreldrene",
            ),
        ] {
            assert!(negated(text, phrase, true), "{text}");
        }
        for (text, phrase) in [
            (
                "We would wait with calling the parents",
                "calling the parents",
            ),
            (
                "We hope to avoid a report to the county governor",
                "county governor",
            ),
        ] {
            assert!(negated(text, phrase, false), "{text}");
        }
        // Only what the deferral reaches: not past "og", not in another clause.
        assert!(!negated(
            "Vi venter med å ringe foreldrene og varsler rektor",
            "varsler rektor",
            true
        ));
        assert!(!negated(
            "Vi venter ikke, vi varsler rektor",
            "varsler rektor",
            true
        ));
    }

    #[test]
    fn conditional_actions_are_denied() {
        assert!(negated(
            "Vi varsler rektor hvis det fortsetter",
            "varsler rektor",
            true
        ));
        assert!(negated(
            "Hvis det skjer igjen, varsler vi rektor",
            "varsler vi rektor",
            true
        ));
        assert!(negated(
            "We tell the principal if it happens again",
            "tell the principal",
            false
        ));
        // A condition in another sentence or a later clause holds nothing here.
        assert!(!negated(
            "Vi varsler rektor i dag. Hvis det skjer igjen, ringer vi",
            "varsler rektor",
            true
        ));
        assert!(!negated(
            "Vi varsler rektor i dag, og hvis det skjer igjen, ringer vi foreldrene",
            "varsler rektor",
            true
        ));
    }

    #[test]
    fn nynorsk_now_is_not_no() {
        assert!(!negated("Eg varslar styraren no", "varslar styraren", true));
    }

    #[test]
    fn the_clause_marks_the_automaton_finds_are_the_ones_a_clause_ends_at() {
        let marks: Vec<char> = CLAUSE_MARKS
            .iter()
            .map(|m| {
                let mut chars = m.chars();
                let c = chars.next().unwrap();
                assert!(chars.next().is_none(), "{m:?} is one character");
                c
            })
            .collect();
        for c in (0..=0x2100u32).filter_map(char::from_u32) {
            assert_eq!(is_clause_mark(c), marks.contains(&c), "{c:?}");
        }
    }
}
