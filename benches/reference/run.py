#!/usr/bin/env python3
"""Rust against the Python reference, side by side on the same files.

1. Builds the Rust engine in release (`cargo build --release`).
2. Generates the export file with the scoring benchmark's generator
   (`VIGNETTE_BENCH_FILE=… VIGNETTE_BENCH_LINES=N cargo bench --bench
   scoring`, with a filter that runs no benchmark) and a scores CSV with
   `make_scores.py`, unless they exist.
3. Times, `--repeat` times each, as whole processes (start-up, reading,
   writing included), with peak resident memory:
   * `vignette score --responses FILE --format csv` against
     `score.py FILE --levels … --output …` (same criterion CSV, plus the
     dimension scores); the two criterion CSVs are compared byte for byte;
   * `vignette compare …` (when the binary has that command) against
     `compare.py SCORES --boot B`.
4. Prints median wall-clock times and Rust's speed-up (Python ÷ Rust).
"""

from __future__ import annotations

import argparse
import os
import platform
import shlex
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
PYTHON = sys.executable
#: The packages of requirements.txt.
LIBRARIES = ("numpy", "pandas", "scipy", "orjson", "pyahocorasick")


@dataclass(frozen=True)
class Run:
    """One timed process: wall-clock seconds, CPU seconds (user + system) and peak RSS in MiB."""

    wall: float
    cpu: float
    peak_mib: float


def timed(command: list[str], stdout: Path | None = None) -> Run:
    """Runs `command` (standard output to `stdout` or discarded) and measures it."""
    with open(stdout or os.devnull, "wb") as out:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, cwd=ROOT)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"failed ({process.returncode}): {shlex.join(command)}")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def repeated(name: str, command: list[str], repeat: int, stdout: Path | None = None) -> float:
    """Times `command` `repeat` times, prints each run, returns the median wall-clock time."""
    print(f"  {name}: {shlex.join(command)}", flush=True)
    runs = [timed(command, stdout) for _ in range(repeat)]
    for run in runs:
        print(f"    {run.wall:8.2f} s wall  {run.cpu:8.2f} s CPU  peak RSS {run.peak_mib:7.0f} MiB", flush=True)
    return statistics.median(run.wall for run in runs)


def export_file(work: Path, lines: int) -> Path:
    """The benchmark's generated export of `lines` answer lines (made once)."""
    path = work / f"export-{lines}.jsonl"
    if not path.exists():
        env = os.environ | {"VIGNETTE_BENCH_FILE": str(path), "VIGNETTE_BENCH_LINES": str(lines)}
        # The filter matches no benchmark: the file is generated and kept, nothing is timed.
        subprocess.run(
            ["cargo", "bench", "--bench", "scoring", "--", "--test", "generate-only"], cwd=ROOT, env=env, check=True
        )
    return path


def scores_file(work: Path, groups: int) -> Path:
    """A generated scores CSV of `groups` groups (made once)."""
    path = work / f"scores-{groups}.csv"
    if not path.exists():
        subprocess.run([PYTHON, str(HERE / "make_scores.py"), str(groups), str(path)], check=True)
    return path


def has_compare(binary: Path) -> bool:
    """Whether the Rust binary has a `compare` command."""
    done = subprocess.run([str(binary), "compare", "--help"], capture_output=True)
    return done.returncode == 0


def versions() -> str:
    """Python, the libraries the reference uses, the Rust compiler and the cores."""
    libraries = ", ".join(f"{name} {metadata.version(name)}" for name in LIBRARIES)
    rustc = subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.strip()
    return f"Python {platform.python_version()}, {libraries}; {rustc}; {os.cpu_count()} cores"


def main(argv: list[str] | None = None) -> int:
    """Command line; see the module docstring."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=1_000_000, help="answer lines in the export file")
    parser.add_argument("--groups", type=int, default=100_000, help="groups in the scores CSV")
    parser.add_argument("--boot", type=int, default=10_000, help="bootstrap resamples")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each side (the median counts)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/vignette-reference"), help="files and outputs")
    parser.add_argument("--skip", choices=["score", "compare"], action="append", default=[], help="leave a part out")
    parser.add_argument(
        "--rust-compare",
        default="compare --scores {scores} --boot {boot} --seed {seed} --format json --group-level",
        help="arguments of the Rust compare run ({scores}, {boot}, {seed} filled in)",
    )
    parser.add_argument("--no-build", action="store_true", help="use target/release/vignette as it is")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    if not args.no_build:
        subprocess.run(["cargo", "build", "--release"], cwd=ROOT, check=True)
    binary = ROOT / "target/release/vignette"
    print(versions())
    if "score" not in args.skip:
        export = export_file(args.work, args.lines)
        print(f"score: {args.lines} lines, {export.stat().st_size / 2**20:.1f} MiB ({export})")
        rust_csv, python_csv = args.work / "rust-levels.csv", args.work / "python-levels.csv"
        rust = repeated(
            "rust", [str(binary), "score", "--responses", str(export), "--format", "csv"], args.repeat, rust_csv
        )
        python = repeated(
            "python",
            [
                PYTHON,
                str(HERE / "score.py"),
                str(export),
                "--levels",
                str(python_csv),
                "--output",
                str(args.work / "python-scores.csv"),
            ],
            args.repeat,
        )
        same = rust_csv.read_bytes() == python_csv.read_bytes()
        print(f"  criterion CSVs identical: {same}")
        print(f"  score: rust {rust:.2f} s, python {python:.2f} s: rust is {python / rust:.1f}× faster")
    if "compare" not in args.skip:
        scores = scores_file(args.work, args.groups)
        print(f"compare: {args.groups} groups × 3 dimensions, {args.boot} resamples ({scores})")
        python_command = [
            PYTHON,
            str(HERE / "compare.py"),
            str(scores),
            "--boot",
            str(args.boot),
            "--seed",
            str(args.seed),
        ]
        if has_compare(binary):
            rust_args = args.rust_compare.format(scores=scores, boot=args.boot, seed=args.seed)
            rust = repeated("rust", [str(binary), *shlex.split(rust_args)], args.repeat)
            python = repeated("python", python_command, args.repeat)
            counts = repeated("python --method counts", [*python_command, "--method", "counts"], args.repeat)
            print(f"  compare: rust {rust:.2f} s, python {python:.2f} s: rust is {python / rust:.1f}× faster")
            print(f"  compare, python by counts too: {counts:.2f} s: rust is {counts / rust:.1f}× faster")
        else:
            print("  this build has no `vignette compare`: timing the Python side only")
            python = repeated("python", python_command, args.repeat)
            print(f"  compare: python {python:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
