#!/usr/bin/env python3
"""Python reference of `vignette compare` on a scores CSV: offerings side by side.

Reads `group,site,offering,phase,role,dimension,score` and, per offering ×
dimension cell: n, mean, sd, median, the t 95 % interval of the mean and the
bootstrap percentile 95 % interval of the mean (B resamples of the cell's
groups); per pair of offerings and dimension: the difference of means,
Welch's t with its df and two-sided p (Holm-adjusted within the dimension),
and Hedges' g with an approximate 95 % interval. Prints JSON shaped like
the Rust `Comparison` (`src/compare/mod.rs`).

The bootstrap is vectorised with numpy and chunked (about `--chunk`
resampled values at a time); cells are resampled in parallel processes, each
with its own stream spawned from `numpy.random.default_rng`'s SeedSequence
of `--seed`, so results do not depend on the number of processes. The
random streams differ from the Rust engine's, so bootstrap bounds agree with
it only up to Monte Carlo error.

`--method draws` (the default) draws one index per group and resample.
`--method counts` draws, per resample, how often each distinct score is
drawn (`Generator.multinomial` over the distinct scores and their shares):
the same distribution of the resample mean, the method the Rust engine uses
when a cell has few distinct scores. It shows how much of the engine's
lead comes from the method rather than the language.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import multiprocessing
import os
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import special

COLUMNS = ["group", "site", "offering", "phase", "role", "dimension", "score"]


def read_scores(path: Path, phase: str | None = None) -> pd.DataFrame:
    """The scores CSV, only `phase` when given."""
    frame = pd.read_csv(path, dtype={c: "string" for c in COLUMNS[:-1]} | {"score": "float64"})
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"{path}: missing column(s) {', '.join(missing)}")
    return frame if phase is None else frame[frame["phase"] == phase]


def t_quantile(p: float, df: float) -> float:
    """The `p` quantile of Student's t with `df` degrees of freedom."""
    return float(special.stdtrit(df, p))


def bootstrap_interval(task: tuple[np.ndarray, int, np.random.SeedSequence, int, str]) -> list[float]:
    """Percentile 95 % interval of the mean of `values` from `boot` resamples.

    `draws`: resamples `chunk // n` at a time (at least one), indices drawn
    as int32, values gathered, row means taken. `counts`: the counts of the
    distinct values in each resample drawn from a multinomial, the mean
    being counts · values / n.
    """
    values, boot, seed, chunk, method = task
    n = len(values)
    rng = np.random.default_rng(seed)
    if method == "counts":
        distinct, multiplicity = np.unique(values, return_counts=True)
        means = rng.multinomial(n, multiplicity / n, size=boot) @ distinct / n
    else:
        means = np.empty(boot)
        rows = max(1, chunk // n)
        for start in range(0, boot, rows):
            stop = min(boot, start + rows)
            index = rng.integers(0, n, size=(stop - start, n), dtype=np.int32)
            means[start:stop] = values[index].mean(axis=1)
    low, high = np.quantile(means, [0.025, 0.975])
    return [float(low), float(high)]


def holm(p: list[float]) -> list[float]:
    """Holm-adjusted p values, in the order given."""
    order = sorted(range(len(p)), key=p.__getitem__)
    adjusted = [0.0] * len(p)
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (len(p) - rank) * p[i]))
        adjusted[i] = running
    return adjusted


def pairwise(a: str, b: str, dimension: str, x: np.ndarray, y: np.ndarray) -> dict[str, Any]:
    """Offering `a` against `b` on one dimension: difference, Welch's t, Hedges' g."""
    na, nb = len(x), len(y)
    ma, mb = float(x.mean()), float(y.mean())
    va = float(x.var(ddof=1)) if na > 1 else math.nan
    vb = float(y.var(ddof=1)) if nb > 1 else math.nan
    row: dict[str, Any] = {
        "a": a,
        "b": b,
        "dimension": dimension,
        "n_a": na,
        "n_b": nb,
        "diff": ma - mb,
        "hedges_g": None,
        "hedges_g_ci95": None,
        "welch_t": None,
        "welch_df": None,
        "p": None,
        "p_holm": None,
    }
    if na < 2 or nb < 2:
        return row
    se2 = va / na + vb / nb
    pooled = math.sqrt(((na - 1) * va + (nb - 1) * vb) / (na + nb - 2))
    if pooled > 0:
        g = (1 - 3 / (4 * (na + nb) - 9)) * (ma - mb) / pooled
        se_g = math.sqrt((na + nb) / (na * nb) + g * g / (2 * (na + nb)))
        row["hedges_g"], row["hedges_g_ci95"] = g, [g - 1.959963984540054 * se_g, g + 1.959963984540054 * se_g]
    if se2 > 0:
        t = (ma - mb) / math.sqrt(se2)
        df = se2**2 / ((va / na) ** 2 / (na - 1) + (vb / nb) ** 2 / (nb - 1))
        row["welch_t"], row["welch_df"] = t, df
        row["p"] = float(2 * special.stdtr(df, -abs(t)))
    return row


def compare(frame: pd.DataFrame, boot: int, seed: int, workers: int, chunk: int, method: str) -> dict[str, Any]:
    """The comparison of offerings on every dimension (the `Comparison` JSON)."""
    cells = {key: group["score"].to_numpy() for key, group in frame.groupby(["offering", "dimension"], sort=True)}
    stats = frame.groupby(["offering", "dimension"], sort=True)["score"].agg(["count", "mean", "std", "median"])
    seeds = np.random.SeedSequence(seed).spawn(len(cells))
    tasks = [
        (values, boot, s, chunk, method) for values, s in zip(cells.values(), seeds, strict=True) if len(values) > 1
    ]
    with multiprocessing.Pool(workers) as pool:
        intervals = iter(pool.map(bootstrap_interval, tasks, chunksize=1))
    groups = []
    warnings = []
    for offering, dimension in cells:
        n, mean, sd, median = stats.loc[(offering, dimension)]
        n = int(n)
        enough = n > 1
        half = t_quantile(0.975, n - 1) * sd / math.sqrt(n) if enough else math.nan
        groups.append(
            {
                "offering": offering,
                "dimension": dimension,
                "n": n,
                "mean": float(mean),
                "sd": float(sd) if enough else None,
                "median": float(median),
                "ci95_t": [mean - half, mean + half] if enough else None,
                "ci95_boot": next(intervals) if enough else None,
            }
        )
        if n < 10:
            warnings.append(f"{offering} has {n} group(s) on {dimension}")
    pairs = []
    offerings = sorted(frame["offering"].unique())
    for dimension in sorted(frame["dimension"].unique()):
        rows = [
            pairwise(a, b, dimension, cells.get((a, dimension), np.empty(0)), cells.get((b, dimension), np.empty(0)))
            for a, b in itertools.combinations(offerings, 2)
        ]
        tested = [r for r in rows if r["p"] is not None]
        for row, adjusted in zip(tested, holm([r["p"] for r in tested]), strict=True):
            row["p_holm"] = adjusted
        pairs.extend(rows)
    return {"by": ["offering"], "groups": groups, "pairwise": pairs, "warnings": warnings, "boot": boot, "seed": seed}


def main(argv: list[str] | None = None) -> int:
    """Command line: `compare.py SCORES.csv [--boot B] [--seed S] [--phase P] [--workers N] [--output FILE]`."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scores", type=Path, help="CSV group,site,offering,phase,role,dimension,score")
    parser.add_argument("--boot", type=int, default=10_000, help="bootstrap resamples")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--phase", help="only scores of this phase")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="processes (default: all cores)")
    parser.add_argument("--chunk", type=int, default=4_000_000, help="resampled values held at once per process")
    parser.add_argument(
        "--method", choices=["draws", "counts"], default="draws", help="how resamples are drawn (see above)"
    )
    parser.add_argument("--output", type=Path, help="JSON output (default: stdout)")
    args = parser.parse_args(argv)
    result = compare(read_scores(args.scores, args.phase), args.boot, args.seed, args.workers, args.chunk, args.method)
    text = json.dumps(result, indent=2, allow_nan=False)
    if args.output:
        args.output.write_text(text + "\n", encoding="utf-8")
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
