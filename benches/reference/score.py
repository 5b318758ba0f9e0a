#!/usr/bin/env python3
"""Python reference of `vignette score --responses FILE.jsonl`.

Reads a session export in JSON lines (what `vignette session export --format
jsonl` writes), keeps the latest revision of every answer per unit (session,
group, vignette), and scores every unit with the bank's rubric for its
vignette exactly as the Rust engine does (`src/scoring/`): text folded to a
normal form, every rubric phrase found with one Aho-Corasick automaton per
rubric and language, word boundaries, word stems, negation read in the
clause, option/rank/Likert evidence, counter-phrases, red flags, criterion
levels and dimension scores 0-100.

It is the Python side of the speed comparison in `benches/reference/`: a
straightforward, competent implementation that uses the usual fast
libraries (orjson to parse, pyahocorasick to search) and all cores through
`multiprocessing`, as the Rust side uses all cores through rayon.

Output: CSV `session,group,vignette,dimension,score` sorted by unit and
dimension; with `--levels FILE` also the criterion levels in the columns of
`vignette score --responses FILE.jsonl --format csv`.
"""

from __future__ import annotations

import argparse
import bisect
import copy
import csv
import hashlib
import io
import json
import multiprocessing
import os
import re
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import ahocorasick
import orjson

# ---------------------------------------------------------------------------
# Text: folding and negation (src/scoring/text.rs).

#: Rust's `char::is_whitespace` (the Unicode White_Space property).
WHITESPACE = (
    "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_WHITESPACE_RUN = re.compile(f"[{WHITESPACE}]+")
#: Rust's `is_line_break`.
LINE_BREAKS = "\n\x0b\x0c\r\x85\u2028\u2029"
_LINE_BREAK = re.compile(f"[{LINE_BREAKS}]")
#: A whitespace run holding a line break, followed by a character that is
#: not whitespace (`ends_a_line` then looks at that character's case).
_LINE_BREAK_RUN = re.compile(f"[{WHITESPACE}]*[{LINE_BREAKS}][{WHITESPACE}]*(?=[^{WHITESPACE}])")
_SPACE_RUN = re.compile(" {2,}")
#: A character that `str.lower` alone does not fold: beyond ASCII and æ, ø, å.
_NEEDS_TABLE = re.compile("[^\x00-\x7fæøåÆØÅ]")
#: A word: alphanumeric characters and apostrophes (`is_word_char`).
_WORD = re.compile(r"(?:[^\W_]|')+")

#: Words after a negator that undo it ("ikke bare" = "not only").
NOT_NEGATING_AFTER = frozenset(["bare", "berre", "kun", "only", "just", "merely"])
#: Clause boundaries beyond which a negation does not reach, as whole words.
CLAUSE_WORDS = (" men ", " but ", " og så ", " and then ", " deretter ", " then ")
#: Punctuation that ends a clause, and the line break `fold` keeps where a
#: new line starts a new sentence.
CLAUSE_MARKS = ".,;:!?()-–—\n"
_CLAUSE_MARK = re.compile(f"[{re.escape(CLAUSE_MARKS)}]")

NORWEGIAN_NEGATORS = frozenset(
    ["ikke", "ikkje", "aldri", "ingen", "inga", "ingenting", "uten", "utan", "verken", "hverken"]
)
ENGLISH_NEGATORS = frozenset(["not", "never", "no", "without", "nor", "neither", "cannot", "nobody", "nothing"])


def _fold_lowered(c: str) -> str:
    """Folds one lower-cased character: æ, ø, å kept, quotes made ASCII, else NFKD without marks."""
    if c in "æøå":
        return c
    if c in "\u2019\u2018`\u00b4":
        return "'"
    return "".join(d for d in unicodedata.normalize("NFKD", c) if not unicodedata.category(d).startswith("M"))


class _FoldTable(dict):
    """A `str.translate` table: code point → folded text, computed on first use.

    Remembers the characters that are not whitespace but fold to text with a
    space (spacing accents such as "¨"): around those, runs of spaces are not
    collapsed the way `str.translate` plus one regex would, so texts holding
    one are folded character by character instead.
    """

    def __init__(self) -> None:
        super().__init__()
        self.spacey: set[str] = set()

    def __missing__(self, code: int) -> str:
        c = chr(code)
        if c in WHITESPACE:
            folded = " "
        elif c.isascii():
            folded = "'" if c == "`" else c.lower()
        else:
            folded = "".join(_fold_lowered(lower) for lower in c.lower())
            if " " in folded:
                self.spacey.add(c)
        self[code] = folded
        return folded


_FOLD = _FoldTable()


def fold(text: str) -> str:
    """Text in normal form, as `Folded::new(text).text`.

    Lower case, compatibility-decomposed, diacritics dropped except æ, ø and
    å, typographic apostrophes made ASCII, whitespace collapsed to one space
    (none at the start), or to one line break where the next line does not
    start in lower case (`ends_a_line`).
    """
    if _LINE_BREAK.search(text) is None:
        return _fold_line(text)
    out = ""
    last = 0
    for run in _LINE_BREAK_RUN.finditer(text):
        if text[run.end()].islower():
            continue
        out += _fold_line(text[last : run.start()])
        if out.endswith(" "):
            out = out[:-1] + "\n"
        elif out and not out.endswith("\n"):
            out += "\n"
        last = run.end()
    return out + _fold_line(text[last:])


def _fold_line(text: str) -> str:
    """`fold` of a text in which no line break starts a new clause."""
    if text.isascii() or not _NEEDS_TABLE.search(text):
        folded = _WHITESPACE_RUN.sub(" ", text.lower().replace("`", "'"))
        return folded[1:] if folded.startswith(" ") else folded
    folded = text.translate(_FOLD)
    if _FOLD.spacey and not _FOLD.spacey.isdisjoint(text):
        return _fold_exactly(text)
    folded = _SPACE_RUN.sub(" ", folded)
    return folded[1:] if folded.startswith(" ") else folded


def _fold_exactly(text: str) -> str:
    """`fold` one character at a time, as the Rust loop does."""
    out: list[str] = []
    last = ""
    for c in text:
        if c in WHITESPACE:
            if out and last != " ":
                out.append(" ")
                last = " "
            continue
        piece = _FOLD[ord(c)]
        if piece:
            out.append(piece)
            last = piece[-1]
    return "".join(out)


def _rust_trim(text: str) -> str:
    """`str::trim`: strips Unicode White_Space."""
    return text.strip(WHITESPACE)


def fold_term(term: str) -> tuple[str, bool]:
    """A rubric term folded like answers; a trailing `*` (word stem) is dropped."""
    stem = term.rstrip(WHITESPACE).endswith("*")
    folded = fold(_rust_trim(term).rstrip("*"))
    return _rust_trim(folded), stem


def is_word_char(c: str) -> bool:
    """Alphanumeric or an apostrophe."""
    return c.isalnum() or c == "'"


#: Phrases that defer an action or hope it away (`NORWEGIAN_MARKERS`, `ENGLISH_MARKERS`).
NORWEGIAN_MARKERS = (
    "vente med", "venter med", "vent med", "venta med", "ventar med", "vente litt med",
    "venter litt med", "vente og se", "venter og ser", "ventar og ser", "se det an", "ser det an",
    "sjå det an", "avvente", "avventer", "utsette", "utsetter", "utset", "håper å unngå",
    "håper vi slipper", "håper at vi slipper", "håper å slippe", "håpar å unngå", "håpar vi slepp",
    "håpar å sleppe", "slippe å", "slipper å", "sleppe å", "slepp å", "unngå å", "unngår å",
    "kanskje", "eventuelt", "muligens", "kan hende", "kunne",
)
ENGLISH_MARKERS = (
    "wait with", "wait before", "wait until", "wait and see", "hold off", "put off", "postpone",
    "hope to avoid", "hope we don't", "hope we won't", "avoid having to", "maybe", "perhaps",
    "possibly", "might", "could",
)
#: Conditions and dismissals that make an action hypothetical.
NORWEGIAN_CONDITIONS = (
    "hvis det fortsetter", "om det fortsetter", "dersom det fortsetter", "hvis det skjer igjen",
    "om det skjer igjen", "dersom det skjer igjen", "hvis det gjentar seg", "om det gjentar seg",
    "hvis det blir verre", "om det blir verre", "viss det held fram", "om det held fram",
    "dersom det held fram", "viss det skjer igjen", "viss det gjentek seg", "viss det blir verre",
    "hvis", "dersom", "viss", "for tidlig", "ikke nødvendig", "ikkje naudsynt", "unødvendig",
    "unaudsynt",
)
ENGLISH_CONDITIONS = (
    "if it continues", "if it goes on", "if it happens again", "if it gets worse", "if this continues",
    "if this happens again", "if it keeps happening", "if", "unless", "too early", "not necessary",
    "unnecessary",
)
#: Words with a space on either side that join two actions.
COORDINATORS = (" og ", " and ", " eller ", " or ")
#: Punctuation that ends a sentence, and a kept line break.
SENTENCE_MARKS = ".!?;\n"


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def phrases_in(text: str, phrases: tuple[str, ...]) -> list[tuple[int, int]]:
    """The (start, end) of every phrase in `text` on word boundaries (non-overlapping per phrase)."""
    found = []
    for phrase in phrases:
        at = text.find(phrase)
        while at >= 0:
            end = at + len(phrase)
            if (at == 0 or not is_word_char(text[at - 1])) and (end == len(text) or not is_word_char(text[end])):
                found.append((at, end))
            at = text.find(phrase, end)
    return found


def coordinated_from(before: str, inside: list[tuple[int, int]]) -> int:
    """Where the last coordinated action of `before` starts (`coordinated_from`)."""
    best = 0
    for coordinator in COORDINATORS:
        at = before.find(coordinator)
        while at >= 0:
            word = at + 1
            if not any(s <= word < e for s, e in inside):
                best = max(best, at + len(coordinator))
            at = before.find(coordinator, at + len(coordinator))
    return best


@dataclass(frozen=True)
class Negation:
    """How a language denies an action: negators, deferring and hoping phrases, conditions, actors."""

    words: frozenset[str]
    after_too: bool
    markers: tuple[str, ...]
    conditions: tuple[str, ...]
    third_parties: frozenset[str]
    first_person: frozenset[str]

    @staticmethod
    def for_language(language: str) -> Negation:
        """The rules for a language code; unknown languages get the English ones."""
        if language in ("nb", "nn", "no"):
            return Negation(
                NORWEGIAN_NEGATORS,
                True,
                NORWEGIAN_MARKERS,
                NORWEGIAN_CONDITIONS,
                frozenset(["faren", "far", "moren", "mora", "mor", "eleven", "barnet"]),
                frozenset(["vi", "jeg", "eg", "me", "oss", "meg"]),
            )
        return Negation(
            ENGLISH_NEGATORS,
            False,
            ENGLISH_MARKERS,
            ENGLISH_CONDITIONS,
            frozenset(["father", "mother", "dad", "mum", "mom", "pupil", "child"]),
            frozenset(["we", "i", "us", "me"]),
        )

    def negates(self, word: str) -> bool:
        """Whether `word` negates."""
        return word in self.words or (not self.after_too and word.endswith("n't"))

    def is_negated(self, clauses: Clauses, start: int, end: int, actors: tuple[str, ...]) -> bool:
        """Whether the match at `start:end` of a folded text is denied (`Negation::is_negated`)."""
        text = clauses.text
        begin = clauses.start(start)
        before = text[begin:start]
        if self.someone_else(before, actors) and not self.after_a_named_person(text[:begin], actors):
            return True
        markers = phrases_in(before, self.markers)
        scope = coordinated_from(before, markers)
        if self.negated_words(before[scope:]) or any(e > scope for _, e in markers):
            return True
        if self.after_too and any(self.negates(w) for w in _words(clauses.head(end))[:2]):
            return True
        return self.conditional(clauses, begin, end)

    def someone_else(self, before: str, actors: tuple[str, ...]) -> bool:
        """Whether the clause so far opens with another person and has no first person."""
        words = _words(before)
        if not words:
            return False
        return self.names_someone(words[0], actors) and not any(w in self.first_person for w in words)

    def names_someone(self, word: str, actors: tuple[str, ...]) -> bool:
        """Whether `word` names another person: one of `actors`, or a third party."""
        return word in self.third_parties or word in actors

    def after_a_named_person(self, head: str, actors: tuple[str, ...]) -> bool:
        """Whether the text before a clause ends with a person named and a comma
        (`Negation::after_a_named_person`): the clause goes on a list of people."""
        if not head.endswith(","):
            return False
        words = _words(head[:-1])
        return bool(words) and self.names_someone(words[-1], actors)

    def negated_words(self, scope: str) -> bool:
        """Whether a negating word in `scope` negates what follows it."""
        words = _words(scope)
        return any(
            self.negates(w) and not (i + 1 < len(words) and words[i + 1] in NOT_NEGATING_AFTER)
            for i, w in enumerate(words)
        )

    def conditional(self, clauses: Clauses, begin: int, end: int) -> bool:
        """A condition in the clause, or in a clause that opens the sentence just before it."""
        text = clauses.text
        clause_end = end + len(clauses.head(end))
        if phrases_in(text[begin:clause_end], self.conditions):
            return True
        if begin == 0 or text[begin - 1] != ",":
            return False
        comma = begin - 1
        opens = clauses.start(comma)
        sentence = text[:opens].rstrip(" ")
        return (not sentence or sentence[-1] in SENTENCE_MARKS) and bool(
            phrases_in(text[opens:comma], self.conditions)
        )


class Clauses:
    """A folded text with the places of its clause marks, to read clauses around matches."""

    __slots__ = ("text", "marks")

    def __init__(self, text: str) -> None:
        self.text = text
        self.marks = [m.start() for m in _CLAUSE_MARK.finditer(text)]

    def start(self, start: int) -> int:
        """Where the clause that ends at `start` begins: after its last mark or clause word (`clause_start`)."""
        i = bisect.bisect_left(self.marks, start)
        marked = self.marks[i - 1] + 1 if i else 0
        cut = marked
        for word in CLAUSE_WORDS:
            found = self.text.rfind(word, marked, start)
            if found >= 0:
                cut = max(cut, found + len(word))
        return cut

    def head(self, end: int) -> str:
        """The part of `text[end:]` before its first clause mark."""
        i = bisect.bisect_left(self.marks, end)
        return self.text[end : self.marks[i]] if i < len(self.marks) else self.text[end:]


# ---------------------------------------------------------------------------
# The bank: rubrics and vignettes (src/bank/).


def _write_out(rubric: dict[str, Any], lexicon: dict[str, dict[str, list[str]]]) -> dict[str, Any] | None:
    """The rubric with every `@name` term replaced by the lexicon entry's terms; `None` without any."""
    resolved = copy.deepcopy(rubric)
    changed = False

    def terms_lists() -> Iterator[dict[str, list[str]]]:
        for criterion in resolved.get("criteria", []):
            evidence = criterion.get("evidence", {})
            for rule in evidence.get("phrases", []):
                for key in ("terms", "with", "without"):
                    if isinstance(rule.get(key), dict):
                        yield rule[key]
                yield from (rule.get("elements") or {}).get("of", [])
            for rule in evidence.get("negative", []):
                yield rule["terms"]
        for flag in resolved.get("red_flags", []):
            if isinstance(flag.get("terms"), dict):
                yield flag["terms"]

    for terms in terms_lists():
        for language, items in terms.items():
            if any(t.startswith("@") for t in items):
                changed = True
                terms[language] = [
                    x for t in items for x in (lexicon.get(t[1:], {}).get(language, []) if t.startswith("@") else [t])
                ]
    return resolved if changed else None


@dataclass(frozen=True)
class BankEntry:
    """A rubric or vignette as loaded: its parsed JSON and the SHA-256 of its text."""

    item: dict[str, Any]
    sha256: str


@dataclass(frozen=True)
class Bank:
    """The bank's vignettes (by id) and rubrics (in file order)."""

    vignettes: dict[str, BankEntry]
    rubrics: list[BankEntry]

    @staticmethod
    def load(root: Path) -> Bank:
        """Reads `root/vignettes/*.json`, `root/lexicons/*.json` and `root/rubrics/*.json`, sorted by file name.

        A rubric that names lexicon entries (`@name`) is written out as the
        Rust bank does (`src/bank/lexicon.rs`): each reference replaced in
        place by the entry's terms, the text pretty JSON with sorted keys.
        """

        def entries(folder: str) -> list[BankEntry]:
            out = []
            for path in sorted((root / folder).glob("*.json")):
                text = path.read_bytes().decode("utf-8")
                out.append(BankEntry(json.loads(text), hashlib.sha256(text.encode()).hexdigest()))
            return out

        vignettes: dict[str, BankEntry] = {}
        for entry in entries("vignettes"):
            vignettes.setdefault(entry.item["id"], entry)
        lexicon: dict[str, dict[str, list[str]]] = {}
        for entry in entries("lexicons"):
            for name, terms in entry.item["entries"].items():
                lexicon.setdefault(name, terms)
        rubrics = []
        for entry in entries("rubrics"):
            resolved = _write_out(entry.item, lexicon)
            if resolved is None:
                rubrics.append(entry)
            else:
                text = json.dumps(resolved, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
                rubrics.append(BankEntry(resolved, hashlib.sha256(text.encode()).hexdigest()))
        return Bank(vignettes, rubrics)

    def rubric_for(self, vignette: str) -> BankEntry | None:
        """The first rubric that scores `vignette`."""
        return next((r for r in self.rubrics if r.item["vignette"] == vignette), None)


# ---------------------------------------------------------------------------
# The scorer (src/scoring/mod.rs, src/scoring/matcher.rs).

#: Targets of a phrase: (PHRASE, criterion, rule), (NEGATIVE, criterion, rule), (FLAG, flag, 0) or
#: (WITH, criterion, rule): a term a bound phrase rule needs in its clause; or
#: (ELEMENT, criterion, (rule, element)): one element of a rule's conjunction.
PHRASE, NEGATIVE, FLAG, WITH, ELEMENT, WITHOUT = 0, 1, 2, 3, 4, 5
Target = tuple[int, int, int]


def _variants(language: str) -> tuple[str, ...]:
    """Language codes whose phrases apply to a language (nynorsk variants of bokmål)."""
    return ("nb", "nn") if language in ("nb", "nn") else (language,)


def _prompt_set(prompts: list[str] | None) -> frozenset[str] | None:
    """The prompts a rule looks in; `None` for all."""
    return None if prompts is None else frozenset(prompts)


def _allowed(prompts: frozenset[str] | None, prompt: str) -> bool:
    return prompts is None or prompt in prompts


def _chosen(answers: dict[str, Any], prompt: str, option: str) -> bool:
    """Whether `option` is the answer to a single prompt or among those of a multi prompt."""
    value = answers.get(prompt)
    if isinstance(value, str):
        return value == option
    return isinstance(value, list) and option in value


def _rank_position(answers: dict[str, Any], prompt: str, option: str) -> int | None:
    """The 1-based position of `option` in a ranking answer."""
    value = answers.get(prompt)
    if not isinstance(value, list):
        return None
    try:
        return value.index(option) + 1
    except ValueError:
        return None


@dataclass(frozen=True)
class CompiledCriterion:
    """One criterion's rules, ready to apply."""

    id: str
    dimension: str
    weight: float
    critical: bool
    levels: tuple[int, ...]
    max_level: int
    options: tuple[tuple[str, str, int], ...]
    ranks: tuple[tuple[str, str, int, int], ...]
    likert: tuple[tuple[str, int, int, int], ...]
    #: (level, prompts) per phrase rule.
    phrases: tuple[tuple[int, frozenset[str] | None], ...]
    #: Per phrase rule: how many of its elements its conjunction needs (None: no conjunction).
    at_least: tuple[int | None, ...]
    #: (lower, prompts) per counter-phrase rule.
    negative: tuple[tuple[int, frozenset[str] | None], ...]
    #: (from, to, others at least or None, others below or None) per profile rule.
    profile: tuple[tuple[int, int, float | None, float | None], ...]

    @staticmethod
    def of(criterion: dict[str, Any]) -> CompiledCriterion:
        """Compiles a rubric criterion."""
        evidence = criterion["evidence"]
        levels = tuple(sorted(level["level"] for level in criterion["levels"]))
        return CompiledCriterion(
            id=criterion["id"],
            dimension=criterion["dimension"],
            weight=float(criterion["weight"]),
            critical=bool(criterion.get("critical", False)),
            levels=levels,
            max_level=max(levels, default=0),
            options=tuple((r["prompt"], r["option"], r["level"]) for r in evidence.get("options", [])),
            ranks=tuple((r["prompt"], r["option"], r["top"], r["level"]) for r in evidence.get("ranks", [])),
            likert=tuple((r["prompt"], r["min"], r["max"], r["level"]) for r in evidence.get("likert", [])),
            phrases=tuple((r["level"], _prompt_set(r.get("prompts"))) for r in evidence.get("phrases", [])),
            at_least=tuple((r.get("elements") or {}).get("at_least") for r in evidence.get("phrases", [])),
            negative=tuple((r.get("lower", 1), _prompt_set(r.get("prompts"))) for r in evidence.get("negative", [])),
            profile=tuple(
                (r["from"], r["to"], r.get("others_at_least"), r.get("others_below"))
                for r in evidence.get("profile", [])
            ),
        )

    def choice_level(self, answers: dict[str, Any]) -> int:
        """The highest level earned by options chosen, ranks and Likert values; 0 without any."""
        earned = 0
        for prompt, option, level in self.options:
            if level > earned and _chosen(answers, prompt, option):
                earned = level
        for prompt, option, top, level in self.ranks:
            if level > earned:
                position = _rank_position(answers, prompt, option)
                if position is not None and position <= top:
                    earned = level
        for prompt, low, high, level in self.likert:
            value = answers.get(prompt)
            if level > earned and type(value) is int and low <= value <= high:
                earned = level
        return earned

    def defined_level(self, level: int) -> int:
        """The highest level of the criterion at or below `level`."""
        return max((x for x in self.levels if x <= level), default=0)

    def others(self, level: int, card: tuple[float, int]) -> float | None:
        """The rest of the card: the other criteria's levels over their maximum, averaged (the card less this one)."""
        total, count = card
        if self.max_level > 0:
            total, count = total - level / self.max_level, count - 1
        return total / count if count else None

    def profiled(self, level: int, others: float, held: bool) -> int:
        """The level the first profile rule that fits moves `level` to (a raise held by a red flag stays)."""
        for start, to, at_least, below in self.profile:
            if level == start and (at_least is None or others >= at_least) and (below is None or others < below):
                return level if to > start and held else to
        return level


@dataclass(frozen=True)
class CompiledFlag:
    """A red flag's rules: where its phrases count, the options that raise it, and its effects."""

    id: str
    prompts: frozenset[str] | None
    #: (prompt, option, top or None)
    options: tuple[tuple[str, str, int | None], ...]
    #: criterion id → (cap or None, lower or None) per effect, in order.
    effects: dict[str, tuple[tuple[int | None, int | None], ...]]

    def raised_by_options(self, answers: dict[str, Any]) -> bool:
        """Whether an option chosen (or ranked at `top` or better) raises the flag."""
        for prompt, option, top in self.options:
            if top is None:
                if _chosen(answers, prompt, option):
                    return True
            else:
                position = _rank_position(answers, prompt, option)
                if position is not None and position <= top:
                    return True
        return False


#: One way an automaton key matches: whether it is a stem, and its targets.
Pattern = tuple[bool, tuple[Target, ...]]


class Scorer:
    """A rubric compiled for answers in one language (`Scorer::new`)."""

    def __init__(self, rubric: dict[str, Any], vignette: dict[str, Any], language: str) -> None:
        self.text_prompts = frozenset(
            p["id"] for stage in vignette["stages"] for p in stage["prompts"] if p["kind"] == "text"
        )
        self.criteria = [CompiledCriterion.of(c) for c in rubric["criteria"]]
        flags = rubric.get("red_flags", [])
        # The Rust scorer applies the effects of the first flag with a raised flag's id.
        first_of_id = {}
        for flag in flags:
            first_of_id.setdefault(flag["id"], flag)
        self.flags = [
            CompiledFlag(
                id=flag["id"],
                prompts=_prompt_set(flag.get("prompts")),
                options=tuple((o["prompt"], o["option"], o.get("top")) for o in flag.get("options", [])),
                effects=_effects(first_of_id[flag["id"]]),
            )
            for flag in flags
        ]
        self.negation = Negation.for_language(language)
        self.automaton = self._compile(rubric, language)
        self.bound = frozenset(
            (c, r)
            for c, criterion in enumerate(rubric["criteria"])
            for r, rule in enumerate(criterion["evidence"].get("phrases", []))
            if rule.get("with") is not None
        )
        self.with_first = frozenset(
            (c, r)
            for c, criterion in enumerate(rubric["criteria"])
            for r, rule in enumerate(criterion["evidence"].get("phrases", []))
            if rule.get("with") is not None and rule.get("with_first", False)
        )
        self.excluded = frozenset(
            (c, r)
            for c, criterion in enumerate(rubric["criteria"])
            for r, rule in enumerate(criterion["evidence"].get("phrases", []))
            if rule.get("without") is not None
        )
        self.actors = _actors(vignette)

    @staticmethod
    def _compile(rubric: dict[str, Any], language: str) -> ahocorasick.Automaton | None:
        """One automaton over every phrase of the rubric; `None` when it has none.

        Each key is a folded term; its value lists the (stem, targets) it
        stands for, as the Rust matcher keeps one pattern per (term, stem).
        """
        patterns: dict[tuple[str, bool], list[Target]] = {}

        def add(terms: dict[str, list[str]] | None, target: Target) -> None:
            for code in _variants(language):
                for term in (terms or {}).get(code, []):
                    folded, stem = fold_term(term)
                    if not folded:
                        continue
                    targets = patterns.setdefault((folded, stem), [])
                    if target not in targets:
                        targets.append(target)

        for c, criterion in enumerate(rubric["criteria"]):
            evidence = criterion["evidence"]
            for r, rule in enumerate(evidence.get("phrases", [])):
                add(rule.get("terms"), (PHRASE, c, r))
                if rule.get("with") is not None:
                    add(rule["with"], (WITH, c, r))
                if rule.get("without") is not None:
                    add(rule["without"], (WITHOUT, c, r))
                for e, element in enumerate((rule.get("elements") or {}).get("of", [])):
                    add(element, (ELEMENT, c, (r, e)))
            for r, rule in enumerate(evidence.get("negative", [])):
                add(rule["terms"], (NEGATIVE, c, r))
        for f, flag in enumerate(rubric.get("red_flags", [])):
            add(flag.get("terms"), (FLAG, f, 0))
        if not patterns:
            return None
        keys: dict[str, list[Pattern]] = {}
        for (folded, stem), targets in patterns.items():
            keys.setdefault(folded, []).append((stem, tuple(targets)))
        automaton = ahocorasick.Automaton()
        for folded, ways in keys.items():
            automaton.add_word(folded, (len(folded), tuple(ways)))
        automaton.make_automaton()
        return automaton

    def hits(self, text: str) -> Iterator[tuple[Target, bool]]:
        """Every phrase target found in an answer, with whether it was denied (`Matcher::find`).

        A bound phrase counts only where its clause has one of its `with` terms, an excluded one
        only where its clause has none of its `without` terms; `with` and `without` terms never.
        """
        folded = fold(text)
        size = len(folded)
        negation = self.negation
        clauses = Clauses(folded)
        found = []
        for last, (length, ways) in self.automaton.iter(folded):
            start, end = last + 1 - length, last + 1
            if start > 0 and is_word_char(folded[start - 1]):
                continue
            ends_word = end == size or not is_word_char(folded[end])
            for stem, targets in ways:
                if not (stem or ends_word):
                    continue
                stop = end
                if stem:
                    # A stem covers the rest of its word.
                    while stop < size and folded[stop].isalnum():
                        stop += 1
                found.append((start, stop, targets, negation.is_negated(clauses, start, stop, self.actors)))
        for start, stop, targets, negated in found:
            for target in targets:
                kind, c, r = target
                if kind in (WITH, WITHOUT):
                    continue
                if kind == PHRASE and (c, r) in self.bound:
                    end = start if (c, r) in self.with_first else None
                    if not self._in_clause(clauses, found, start, stop, end, (WITH, c, r)):
                        continue
                if kind == PHRASE and (c, r) in self.excluded:
                    if self._in_clause(clauses, found, start, stop, None, (WITHOUT, c, r)):
                        continue
                yield target, negated

    @staticmethod
    def _in_clause(
        clauses: Clauses,
        found: list[tuple[int, int, tuple[Target, ...], bool]],
        start: int,
        stop: int,
        before: int | None,
        wanted: Target,
    ) -> bool:
        """Whether the clause of the match at `start..stop`, up to `before` at most, has a `wanted` phrase."""
        begin, end = clauses.start(start), stop + len(clauses.head(stop))
        if before is not None:
            end = min(end, before)
        return any(s >= begin and e <= end and wanted in others for s, e, others, _ in found)

    def score(self, answers: dict[str, Any]) -> tuple[list[int], dict[str, float]]:
        """Criterion levels (in rubric order) and dimension scores of one unit's latest answers."""
        n = len(self.criteria)
        earned = [c.choice_level(answers) for c in self.criteria]
        # Per criterion: how much each counter-phrase found lowers it.
        counters: list[list[int]] = [[] for _ in range(n)]
        flag_hit = [False] * len(self.flags)
        # (criterion, rule) → the elements of its conjunction found.
        elements: dict[tuple[int, int], set[int]] = {}
        if self.automaton is not None:
            for prompt, value in answers.items():
                if prompt not in self.text_prompts or not isinstance(value, str):
                    continue
                for (kind, i, rule), negated in self.hits(value):
                    if negated:
                        continue
                    if kind == PHRASE:
                        level, prompts = self.criteria[i].phrases[rule]
                        if level > earned[i] and _allowed(prompts, prompt):
                            earned[i] = level
                    elif kind == NEGATIVE:
                        lower, prompts = self.criteria[i].negative[rule]
                        if _allowed(prompts, prompt):
                            counters[i].append(lower)
                    elif kind == ELEMENT:
                        r, e = rule
                        if _allowed(self.criteria[i].phrases[r][1], prompt):
                            elements.setdefault((i, r), set()).add(e)
                    elif _allowed(self.flags[i].prompts, prompt):
                        flag_hit[i] = True
        for (i, r), found in elements.items():
            level = self.criteria[i].phrases[r][0]
            if len(found) >= self.criteria[i].at_least[r] and level > earned[i]:
                earned[i] = level
        raised = [f for f, hit in zip(self.flags, flag_hit, strict=True) if hit or f.raised_by_options(answers)]
        levels = []
        held = []
        for criterion, level, lowers in zip(self.criteria, earned, counters, strict=True):
            for lower in lowers:
                level = max(0, level - lower)
            effects = [e for flag in raised for e in flag.effects.get(criterion.id, ())]
            for cap, lower in effects:
                if cap is not None:
                    level = min(level, cap)
                if lower is not None:
                    level = max(0, level - lower)
            levels.append(criterion.defined_level(level))
            held.append(bool(effects))
        if any(c.profile for c in self.criteria):
            card = self.card(levels)
            levels = [
                c.profiled(level, others, hold)
                if c.profile and (others := c.others(level, card)) is not None
                else level
                for c, level, hold in zip(self.criteria, levels, held, strict=True)
            ]
        return levels, self.summarise(levels)

    def card(self, levels: list[int]) -> tuple[float, int]:
        """Every criterion's level over its maximum, summed in rubric order, and how many have a maximum."""
        total, count = 0.0, 0
        for criterion, level in zip(self.criteria, levels, strict=True):
            if criterion.max_level > 0:
                total += level / criterion.max_level
                count += 1
        return total, count

    def summarise(self, levels: list[int]) -> dict[str, float]:
        """Dimension scores: weighted levels over their maximum × 100, summed in rubric order."""
        sums: dict[str, list[float]] = {}
        for c, level in zip(self.criteria, levels, strict=True):
            if c.max_level > 0:
                entry = sums.setdefault(c.dimension, [0.0, 0.0])
                entry[0] += c.weight * level / c.max_level
                entry[1] += c.weight
        return {
            dimension: (100.0 * got / weight if weight else float("nan"))
            for dimension, (got, weight) in sorted(sums.items())
        }


def _actors(vignette: dict[str, Any]) -> tuple[str, ...]:
    """Names of other people its factor levels set (factors with `others`, default true).

    Each is one capitalised word, folded.
    """
    names = set()
    for factor in vignette.get("factors", []):
        if not factor.get("others", True):
            continue
        for level in factor["levels"]:
            for values in level["values"].values():
                for value in values.values():
                    if value[:1].isupper() and value.isalpha():
                        names.add(fold(value))
    names.update(fold(name) for name in vignette.get("other_people", []))
    return tuple(sorted(names))


def _effects(flag: dict[str, Any]) -> dict[str, tuple[tuple[int | None, int | None], ...]]:
    """A flag's effects by criterion id, in order."""
    effects: dict[str, list[tuple[int | None, int | None]]] = {}
    for effect in flag["effects"]:
        effects.setdefault(effect["criterion"], []).append((effect.get("cap"), effect.get("lower")))
    return {criterion: tuple(list_) for criterion, list_ in effects.items()}


# ---------------------------------------------------------------------------
# Reading the export (src/session/score.rs), in parallel chunks.

#: (session, group, vignette)
UnitKey = tuple[str, str, str]
#: The language of a unit's first line and, per prompt, (revision, value) of the latest revision.
Unit = tuple[str, dict[str, tuple[int, Any]]]

#: Bytes per chunk of lines parsed by one task.
CHUNK_BYTES = 8 << 20


class ExportError(Exception):
    """A line that is not an export line, or a vignette the bank lacks."""


def chunk_bounds(path: Path, chunk_bytes: int = CHUNK_BYTES) -> list[tuple[int, int]]:
    """Byte ranges of about `chunk_bytes` that end after a newline."""
    size = path.stat().st_size
    bounds = []
    with path.open("rb") as f:
        start = 0
        while start < size:
            f.seek(min(start + chunk_bytes, size))
            f.readline()
            end = min(f.tell(), size)
            bounds.append((start, end))
            start = end
    return bounds


def read_chunk(path: Path, start: int, end: int) -> tuple[dict[UnitKey, Unit], int]:
    """The units of the lines in bytes `start..end` of the file, and the number of lines.

    The first line of a unit sets its language; of equal revisions the first read counts.
    """
    with path.open("rb") as f:
        f.seek(start)
        data = f.read(end - start)
    units: dict[UnitKey, Unit] = {}
    lines = data.split(b"\n")
    if lines and not lines[-1]:
        lines.pop()
    for n, line in enumerate(lines):
        if not line.strip():
            continue
        try:
            row = orjson.loads(line)
            key = (row["session"], row["group"], row["vignette"])
            prompt, revision, value, language = row["prompt"], row["revision"], row["value"], row["language"]
        except (orjson.JSONDecodeError, KeyError, TypeError) as e:
            raise ExportError(f"byte {start}, line {n + 1} of the chunk: not an export line: {e!r}") from e
        unit = units.get(key)
        if unit is None:
            unit = units[key] = (language, {})
        seen = unit[1].get(prompt)
        if seen is None or seen[0] < revision:
            unit[1][prompt] = (revision, value)
    return units, len(lines)


def _read_chunk_task(task: tuple[Path, int, int]) -> tuple[dict[UnitKey, Unit], int]:
    return read_chunk(*task)


def merge_units(chunks: Iterable[dict[UnitKey, Unit]]) -> dict[UnitKey, Unit]:
    """Joins the units of chunks read in file order: later revisions replace earlier ones."""
    units: dict[UnitKey, Unit] = {}
    for chunk in chunks:
        for key, (language, answers) in chunk.items():
            seen = units.get(key)
            if seen is None:
                units[key] = (language, answers)
                continue
            known = seen[1]
            for prompt, (revision, value) in answers.items():
                before = known.get(prompt)
                if before is None or before[0] < revision:
                    known[prompt] = (revision, value)
    return units


# ---------------------------------------------------------------------------
# Scoring units in worker processes.

_BANK: Bank | None = None
_SCORERS: dict[tuple[str, str], tuple[Scorer, BankEntry]] = {}


def _init_worker(bank_root: Path) -> None:
    """Loads the bank once per worker process."""
    global _BANK
    _BANK = Bank.load(bank_root)
    _SCORERS.clear()


def _scorer(vignette: str, language: str) -> tuple[Scorer, BankEntry]:
    """The rubric of `vignette` compiled for `language`, once per process."""
    key = (vignette, language)
    found = _SCORERS.get(key)
    if found is None:
        assert _BANK is not None, "the worker has no bank"
        entry, rubric = _BANK.vignettes.get(vignette), _BANK.rubric_for(vignette)
        if entry is None or rubric is None:
            raise ExportError(f"the bank has no vignette and rubric `{vignette}`")
        found = _SCORERS[key] = (Scorer(rubric.item, entry.item, language), rubric)
    return found


@dataclass(frozen=True)
class ScoredUnit:
    """One unit's criterion levels and dimension scores."""

    key: UnitKey
    rubric_hash: str
    criteria: list[CompiledCriterion]
    levels: list[int]
    dimensions: dict[str, float]


def score_batch(batch: list[tuple[UnitKey, Unit]]) -> list[ScoredUnit]:
    """Scores a batch of units (in a worker, whose bank `_init_worker` loaded)."""
    out = []
    for key, (language, answers) in batch:
        scorer, rubric = _scorer(key[2], language)
        latest = {prompt: value for prompt, (_, value) in answers.items()}
        levels, dimensions = scorer.score(latest)
        out.append(ScoredUnit(key, rubric.sha256, scorer.criteria, levels, dimensions))
    return out


def _rendered_batch(batch: list[tuple[UnitKey, Unit]], with_levels: bool) -> tuple[str, str]:
    """A scored batch as CSV text: dimension rows, and criterion rows when asked."""
    scores, levels = io.StringIO(), io.StringIO()
    write_scores, write_levels = csv.writer(scores, lineterminator="\n"), csv.writer(levels, lineterminator="\n")
    for unit in score_batch(batch):
        session, group, vignette = unit.key
        write_scores.writerows((session, group, vignette, d, repr(s)) for d, s in unit.dimensions.items())
        if with_levels:
            write_levels.writerows(
                (
                    f"{session}/{group}",
                    vignette,
                    c.id,
                    c.dimension,
                    level,
                    c.max_level,
                    rust_float(c.weight),
                    "true" if c.critical else "false",
                    unit.rubric_hash,
                    1,
                    "auto",
                )
                for c, level in zip(unit.criteria, unit.levels, strict=True)
            )
    return scores.getvalue(), levels.getvalue()


def _rendered_batch_task(task: tuple[list[tuple[UnitKey, Unit]], bool]) -> tuple[str, str]:
    return _rendered_batch(*task)


def rust_float(x: float) -> str:
    """A float as Rust's `f64` Display writes it: shortest round trip, no exponent, no `.0`."""
    text = format(Decimal(repr(x)), "f")
    return text[:-2] if text.endswith(".0") else text


SCORES_HEADER = "session,group,vignette,dimension,score\n"
LEVELS_HEADER = "group,vignette,criterion,dimension,level,max_level,weight,critical,rubric_hash,version,method\n"


def score_file(
    path: Path,
    bank_root: Path,
    scores_out: io.TextIOBase,
    levels_out: io.TextIOBase | None = None,
    workers: int | None = None,
    batch_units: int = 2000,
) -> tuple[int, int]:
    """Scores an export file; writes the CSVs; returns (lines, units).

    Chunks of lines are parsed and batches of units scored in `workers`
    processes (all cores by default).
    """
    workers = workers or os.cpu_count() or 1
    tasks = [(path, start, end) for start, end in chunk_bounds(path)]
    with multiprocessing.Pool(workers, initializer=_init_worker, initargs=(bank_root,)) as pool:
        read = pool.map(_read_chunk_task, tasks, chunksize=1)
        lines = sum(n for _, n in read)
        units = sorted(merge_units(chunk for chunk, _ in read).items())
        del read
        batches = [(units[i : i + batch_units], levels_out is not None) for i in range(0, len(units), batch_units)]
        scores_out.write(SCORES_HEADER)
        if levels_out is not None:
            levels_out.write(LEVELS_HEADER)
        for scores, levels in pool.imap(_rendered_batch_task, batches):
            scores_out.write(scores)
            if levels_out is not None:
                levels_out.write(levels)
    return lines, len(units)


def main(argv: list[str] | None = None) -> int:
    """Command line: `score.py FILE.jsonl [--bank DIR] [--output FILE] [--levels FILE] [--workers N]`."""
    here = Path(__file__).resolve().parent
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("responses", type=Path, help="session export in JSON lines")
    parser.add_argument("--bank", type=Path, default=here.parents[1], help="bank root with rubrics/ and vignettes/")
    parser.add_argument("--output", type=Path, help="dimension scores CSV (default: stdout)")
    parser.add_argument("--levels", type=Path, help="also write criterion levels CSV (the Rust CLI's columns)")
    parser.add_argument("--workers", type=int, help="processes (default: all cores)")
    args = parser.parse_args(argv)
    with (
        open(args.output, "w", encoding="utf-8", newline="") if args.output else nullcontext(sys.stdout) as scores,
        open(args.levels, "w", encoding="utf-8", newline="") if args.levels else nullcontext() as levels,
    ):
        try:
            lines, units = score_file(args.responses, args.bank, scores, levels, args.workers)
        except ExportError as e:
            print(f"{args.responses}: {e}", file=sys.stderr)
            return 1
    print(f"scored {units} units from {lines} lines", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
