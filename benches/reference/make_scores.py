#!/usr/bin/env python3
"""Writes a scores CSV for the comparison benchmark, from a fixed seed.

Columns `group,site,offering,phase,role,dimension,score` (what `vignette
compare --scores` and `compare.py` read): GROUPS groups, each at one phase,
spread over 500 sites and three offerings, with a score on each of the three
dimensions. Scores lie on the grid that mean criterion levels produce
(multiples of 2.5 from 0 to 100), with offering and dimension effects.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

OFFERINGS = ("laeringsmiljoprosjektet", "samlingsbasert", "nettbasert")
PHASES = ("baseline", "midpoint", "endpoint")
ROLES = ("teacher", "assistant", "leader", "mixed")
DIMENSIONS = ("prevention", "detection", "handling")
#: Mean score per offering (rows) and dimension (columns).
MEANS = np.array([[58.0, 52.0, 61.0], [55.0, 50.0, 57.0], [51.0, 47.0, 54.0]])
SITES = 500


def make_scores(groups: int, seed: int = 2026) -> pd.DataFrame:
    """`groups` groups × the three dimensions, one row each."""
    rng = np.random.default_rng(seed)
    offering = rng.integers(0, len(OFFERINGS), groups)
    site = rng.integers(1, SITES + 1, groups)
    phase = rng.integers(0, len(PHASES), groups)
    role = rng.choice(len(ROLES), groups, p=[0.55, 0.25, 0.1, 0.1])
    # A group's own level shifts all three dimensions together.
    level = rng.normal(0.0, 10.0, groups)
    frames = []
    for d, dimension in enumerate(DIMENSIONS):
        raw = MEANS[offering, d] + level + rng.normal(0.0, 14.0, groups)
        frames.append(
            pd.DataFrame(
                {
                    "group": [f"g{i:06d}" for i in range(groups)],
                    "site": [f"site-{s:03d}" for s in site],
                    "offering": np.asarray(OFFERINGS)[offering],
                    "phase": np.asarray(PHASES)[phase],
                    "role": np.asarray(ROLES)[role],
                    "dimension": dimension,
                    "score": np.clip(np.round(raw / 2.5) * 2.5, 0.0, 100.0),
                }
            )
        )
    return pd.concat(frames).sort_values(["group", "dimension"], kind="stable").reset_index(drop=True)


def main(argv: list[str] | None = None) -> int:
    """Command line: `make_scores.py GROUPS OUT.csv [--seed S]`."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("groups", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    make_scores(args.groups, args.seed).to_csv(args.out, index=False)
    print(f"wrote {args.groups} groups × {len(DIMENSIONS)} dimensions to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
