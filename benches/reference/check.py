#!/usr/bin/env python3
"""Checks that `score.py` scores exactly as the Rust engine does.

For each export file, runs `vignette score --responses FILE --format json`
(dimension scores, criterion levels and evidence) and `--format csv`
(criterion levels), scores the same file with `score.py`, and reports:

* units whose dimension scores are all identical (floats compared exactly),
* criterion levels that agree,
* whether the Python criterion CSV is byte-identical to the Rust one,
* the first differing units, with the Rust evidence of the criteria that differ.

Files: `--responses FILE` (any number), `--fixtures` (the hand-scored
answers of `tests/fixtures/scoring/*.jsonl`, turned into one export file),
`--validation` (the answers of the blind validation sets,
`tests/fixtures/validation*/answers.jsonl`, likewise) and `--perturb FILE` (a copy of FILE whose text answers get Unicode noise:
capitals, diacritics, ligatures, typographic quotes, odd whitespace,
combining and spacing accents, clause marks and negations).
Exit status 1 when agreement on dimension scores is below `--min-agreement`.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import random
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import score

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


def fixtures_as_export(folder: Path, out: Path, pattern: str = "*.jsonl") -> Path:
    """Writes the answers of `folder`'s files matching `pattern` (one case
    per line: id, vignette, language, answers) as one export file, one
    session per file."""
    with out.open("w", encoding="utf-8") as f:
        for path in sorted(folder.glob(pattern)):
            for line in path.read_text(encoding="utf-8").splitlines():
                if not line.strip():
                    continue
                case = json.loads(line)
                for prompt, value in case["answers"].items():
                    row = {
                        "session": f"fixture-{path.parent.name}-{path.stem}",
                        "group": case["id"],
                        "vignette": case["vignette"],
                        "prompt": prompt,
                        "value": value,
                        "revision": 1,
                        "language": case["language"],
                    }
                    f.write(json.dumps(row, ensure_ascii=False) + "\n")
    return out


#: Replacements that keep a text's meaning but exercise folding.
_SWAPS = {
    "e": ["é", "è", "ê", "E", "e\u0301"],
    "a": ["á", "à", "A", "a\u030a"],
    "o": ["ö", "ó", "O"],
    "i": ["í", "I", "\u0130"],
    "u": ["ü", "ú", "U"],
    "æ": ["Æ"],
    "ø": ["Ø"],
    "å": ["Å", "\u212b"],
    "'": ["\u2019", "\u2018", "`", "\u00b4"],
    " ": ["  ", "\t", "\u00a0", "\u3000", " \n ", "\u2009", " \u0301 ", "\n", " \r\n", "\u2028"],
    "f": ["F"],
    "s": ["S", "\u017f"],
    "k": ["K", "\u212a"],
}
#: Insertions between words.
_INSERTS = [
    ", ",
    " - ",
    " — ",
    "; ",
    " (",
    ") ",
    " men ",
    " but ",
    " then ",
    " og så ",
    " ikke ",
    " ikke bare ",
    " not ",
    " not only ",
    " don't ",
    " ikkje ",
    " no ",
    " \u00a8 ",
    "\u00a8\u00a8",
    " \x1c ",
    "_",
    " ﬁ ",
    " \u03a3 ",
    " ẞ ",
    " ½ ",
    " \u2460 ",
    " \u24b6 ",
    "\n",
    "\nVi ",
    " \n\n1 ",
    "\n- ",
    "\nIkke ",
    "\u00a8\n",
    "\n\u0301",
    "\n\u00a8 ",
    "\u2029We ",
]


def perturbed(text: str, rng: random.Random) -> str:
    """`text` with random case, diacritic, whitespace and punctuation noise."""
    out = []
    for c in text:
        swaps = _SWAPS.get(c)
        out.append(rng.choice(swaps) if swaps and rng.random() < 0.08 else c)
        if c == " " and rng.random() < 0.04:
            out.append(rng.choice(_INSERTS))
    if rng.random() < 0.2:
        out.append(rng.choice(["  ", " \u00a8", "!", " ikke", " not"]))
    if rng.random() < 0.2:
        out.insert(0, rng.choice(["  ", "\u0301", "\u00a8 ", "- ", "IKKE ", "\n\nVi ", "\u0301\nA "]))
    return "".join(out)


def perturb_file(source: Path, out: Path, seed: int = 7) -> Path:
    """A copy of an export whose text answers are `perturbed`."""
    rng = random.Random(seed)
    with source.open(encoding="utf-8") as f, out.open("w", encoding="utf-8") as w:
        for line in f:
            row = json.loads(line)
            if isinstance(row["value"], str) and row.get("kind", "text") == "text":
                row["value"] = perturbed(row["value"], rng)
            w.write(json.dumps(row, ensure_ascii=False) + "\n")
    return out


@dataclass
class Agreement:
    """How far the Python scores agree with the Rust ones on one file."""

    units: int = 0
    units_equal: int = 0
    criteria: int = 0
    criteria_equal: int = 0
    csv_identical: bool = False

    def line(self, name: str) -> str:
        """A one-line summary."""
        return (
            f"{name}: dimension scores identical on {self.units_equal}/{self.units} units "
            f"({100 * self.units_equal / max(self.units, 1):.3f} %), criterion levels "
            f"{self.criteria_equal}/{self.criteria}; criterion CSV byte-identical: {self.csv_identical}"
        )


def run_rust(binary: Path, path: Path, fmt: str) -> str:
    """`vignette score --responses PATH --format FMT`, its standard output."""
    done = subprocess.run(
        [str(binary), "score", "--responses", str(path), "--format", fmt],
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout


def compare(binary: Path, path: Path, show: int) -> Agreement:
    """Scores `path` on both sides and compares; prints up to `show` differing units."""
    rust_units: list[dict[str, Any]] = json.loads(run_rust(binary, path, "json"))
    rust_csv = run_rust(binary, path, "csv")
    scores, levels = io.StringIO(), io.StringIO()
    score.score_file(path, ROOT, scores, levels)
    python_dims: dict[tuple[str, str], dict[str, float]] = {}
    for row in csvrows(scores.getvalue())[1:]:
        session, group, vignette, dimension, value = row
        python_dims.setdefault((f"{session}/{group}", vignette), {})[dimension] = float(value)
    python_levels: dict[tuple[str, str], dict[str, int]] = {}
    for row in csvrows(levels.getvalue())[1:]:
        python_levels.setdefault((row[0], row[1]), {})[row[2]] = int(row[4])
    result = Agreement(csv_identical=levels.getvalue() == rust_csv)
    shown = 0
    for unit in rust_units:
        key = (unit["group"], unit["vignette"])
        card = unit["card"]
        rust_dims = {d: s["score"] for d, s in card["dimensions"].items()}
        rust_levels = {c["id"]: c["level"] for c in card["criteria"]}
        mine_levels = python_levels.get(key, {})
        result.units += 1
        result.units_equal += python_dims.get(key) == rust_dims
        result.criteria += len(rust_levels)
        result.criteria_equal += sum(mine_levels.get(c) == level for c, level in rust_levels.items())
        if python_dims.get(key) != rust_dims and shown < show:
            shown += 1
            print(f"  differs: {key}: rust {rust_dims} python {python_dims.get(key)}")
            for c in card["criteria"]:
                if mine_levels.get(c["id"]) != c["level"]:
                    print(
                        f"    {c['id']}: rust {c['level']} python {mine_levels.get(c['id'])}; rust evidence "
                        f"{c['evidence']} lowered {c['lowered_by']} flags {c['flags']} negated {c['negated']}"
                    )
    extra = set(python_dims) - {(u["group"], u["vignette"]) for u in rust_units}
    if extra:
        print(f"  units only Python scored: {len(extra)}")
    return result


def csvrows(text: str) -> list[list[str]]:
    """Rows of CSV text."""
    return list(csv.reader(io.StringIO(text)))


def main(argv: list[str] | None = None) -> int:
    """Command line; see the module docstring."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--responses", type=Path, action="append", default=[], help="export file to compare")
    parser.add_argument("--fixtures", action="store_true", help="also compare tests/fixtures/scoring/*.jsonl")
    parser.add_argument(
        "--validation", action="store_true", help="also compare tests/fixtures/validation*/answers.jsonl"
    )
    parser.add_argument("--perturb", type=Path, action="append", default=[], help="compare a noisy copy of FILE")
    parser.add_argument("--vignette", type=Path, default=ROOT / "target/release/vignette", help="the Rust binary")
    parser.add_argument("--show", type=int, default=5, help="differing units to print per file")
    parser.add_argument("--min-agreement", type=float, default=99.9, help="percent of units required")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        files = list(args.responses)
        if args.fixtures:
            files.append(fixtures_as_export(ROOT / "tests/fixtures/scoring", Path(tmp) / "fixtures.jsonl"))
        if args.validation:
            blind = Path(tmp) / "validation-sets.jsonl"
            files.append(fixtures_as_export(ROOT / "tests/fixtures", blind, "validation*/answers.jsonl"))
        for source in args.perturb:
            files.append(perturb_file(source, Path(tmp) / f"perturbed-{source.stem}.jsonl"))
        if not files:
            parser.error("give --responses FILE, --fixtures, --validation or --perturb FILE")
        ok = True
        for path in files:
            agreement = compare(args.vignette, path, args.show)
            print(agreement.line(path.name))
            ok &= 100 * agreement.units_equal >= args.min_agreement * agreement.units
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
