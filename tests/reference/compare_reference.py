"""Reference values for `tests/it/compare.rs`, computed with scipy, numpy and statsmodels.

    python3 -m venv --system-site-packages /tmp/ref && /tmp/ref/bin/pip install scipy numpy statsmodels pandas
    /tmp/ref/bin/python tests/reference/compare_reference.py tests/fixtures/compare/scores.csv

Prints JSON with, at phase `endpoint`:
- `groups`: per offering and dimension n, mean, sd (ddof=1), median and the
  95 % t interval mean ± t.ppf(0.975, n − 1)·sd/√n;
- `pairwise`: per dimension and pair of offerings (sorted names, a before b)
  Welch's t, df, p and 95 % interval of the difference from
  `scipy.stats.ttest_ind(a, b, equal_var=False)` (`confidence_interval()`),
  Hedges' g and its 95 % interval by hand (numpy; Borenstein et al. 2009),
  Holm-adjusted p from `statsmodels.stats.multitest.multipletests(method="holm")`;
- `change`: baseline → endpoint per offering and dimension, groups paired by
  id: `scipy.stats.ttest_rel(endpoint, baseline)` with its
  `confidence_interval()`, d_z = mean/sd of the
  changes; `change_pairwise` as `pairwise` on the changes;
- `cr2` in every `pairwise` and `change_pairwise` row: the same difference
  tested with sites as clusters (CR2 standard error, Bell–McCaffrey df; see
  `cluster_reference.py`), with Holm over its p within the dimension, and
  Hedges' g's interval on the same variance: the CR2 interval of the
  difference × J / s_pooled;
- `icc`: ICC(1) per dimension with sites as clusters, from the mean squares
  of `statsmodels` `anova_lm(ols("score ~ C(site)"))` and n0 = (N − Σn²/N)/(k − 1),
  and the design effect 1 + (N/k − 1)·ICC.
"""

import itertools
import json
import sys
from importlib.metadata import version

import numpy as np
import pandas as pd

from cluster_reference import cr2_arrays
from scipy import stats
from statsmodels.formula.api import ols
from statsmodels.stats.anova import anova_lm
from statsmodels.stats.multitest import multipletests

Z = 1.959963984540054
DIMENSIONS = ["prevention", "detection", "handling"]


def describe(x):
    x = np.asarray(x, dtype=float)
    n = len(x)
    mean, sd = x.mean(), x.std(ddof=1)
    half = stats.t.ppf(0.975, n - 1) * sd / np.sqrt(n)
    return {"n": n, "mean": mean, "sd": sd, "median": float(np.median(x)),
            "ci95_t": [mean - half, mean + half]}


def hedges(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    na, nb = len(a), len(b)
    pooled = np.sqrt(((na - 1) * a.var(ddof=1) + (nb - 1) * b.var(ddof=1)) / (na + nb - 2))
    d = (a.mean() - b.mean()) / pooled
    j = 1 - 3 / (4 * (na + nb) - 9)
    se = j * np.sqrt((na + nb) / (na * nb) + d * d / (2 * (na + nb)))
    return j * d, [j * d - Z * se, j * d + Z * se]


def g_scale(a, b):
    """J / s_pooled: the factor from a difference of means to Hedges' g."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    na, nb = len(a), len(b)
    pooled = np.sqrt(((na - 1) * a.var(ddof=1) + (nb - 1) * b.var(ddof=1)) / (na + nb - 2))
    return (1 - 3 / (4 * (na + nb) - 9)) / pooled


def pairs(samples, dimension, sites):
    rows = []
    for (a, xa), (b, xb) in itertools.combinations(sorted(samples.items()), 2):
        welch = stats.ttest_ind(xa, xb, equal_var=False)
        g, ci = hedges(xa, xb)
        rows.append({"a": a, "b": b, "dimension": dimension, "n_a": len(xa), "n_b": len(xb),
                     "diff": np.mean(xa) - np.mean(xb),
                     "diff_ci95": list(welch.confidence_interval(0.95)),
                     "hedges_g": g, "hedges_g_ci95": ci,
                     "welch_t": welch.statistic, "welch_df": welch.df, "p": welch.pvalue,
                     "cr2": cr2_arrays(xa + xb, [True] * len(xa) + [False] * len(xb),
                                       sites[a] + sites[b])})
        cr2 = rows[-1]["cr2"]
        cr2["hedges_g_ci95"] = [bound * g_scale(xa, xb) for bound in cr2["ci"]]
    holm = multipletests([r["p"] for r in rows], method="holm")[1]
    cr2_holm = multipletests([r["cr2"]["p"] for r in rows], method="holm")[1]
    for r, p, q in zip(rows, holm, cr2_holm):
        r["p_holm"] = p
        r["cr2"]["p_holm"] = q
    return rows


def icc(frame):
    model = anova_lm(ols("score ~ C(site)", data=frame).fit())
    msb, msw = model["mean_sq"].iloc[0], model["mean_sq"].iloc[1]
    sizes = frame.groupby("site").size().to_numpy(dtype=float)
    n, k = sizes.sum(), len(sizes)
    n0 = (n - (sizes ** 2).sum() / n) / (k - 1)
    raw = (msb - msw) / (msb + (n0 - 1) * msw)
    value = max(raw, 0.0)
    return {"clusters": k, "mean_cluster_size": n / k, "raw": raw, "icc": value,
            "design_effect": 1 + (n / k - 1) * value}


def main(path):
    scores = pd.read_csv(path)
    end = scores[scores.phase == "endpoint"]
    out = {"versions": {"python": sys.version.split()[0], "scipy": version("scipy"),
                        "numpy": version("numpy"), "statsmodels": version("statsmodels"),
                        "pandas": version("pandas")},
           "groups": [], "pairwise": [], "change": [], "change_pairwise": [], "icc": []}
    for dim in DIMENSIONS:
        here = end[end.dimension == dim]
        samples = {o: list(g.score) for o, g in here.groupby("offering")}
        sites = {o: list(g.site) for o, g in here.groupby("offering")}
        for offering in sorted(samples):
            out["groups"].append({"offering": offering, "dimension": dim,
                                  **describe(samples[offering])})
        out["pairwise"] += pairs(samples, dim, sites)
        out["icc"].append({"dimension": dim, **icc(here)})
        changes, change_sites = {}, {}
        for offering, g in scores[scores.dimension == dim].groupby("offering"):
            a = g[g.phase == "baseline"].set_index("group").score
            b = g[g.phase == "endpoint"].set_index("group").score
            both = sorted(set(a.index) & set(b.index))
            x, y = a[both].to_numpy(), b[both].to_numpy()
            test = stats.ttest_rel(y, x)
            diff = y - x
            changes[offering] = list(diff)
            change_sites[offering] = list(g[g.phase == "baseline"].set_index("group").site[both])
            out["change"].append({"offering": offering, "dimension": dim, "n_pairs": len(both),
                                  "unpaired": len(set(a.index) ^ set(b.index)),
                                  "mean_change": diff.mean(),
                                  "ci95": list(test.confidence_interval(0.95)),
                                  "dz": diff.mean() / diff.std(ddof=1),
                                  "paired_t": test.statistic, "p": test.pvalue})
        out["change_pairwise"] += pairs(changes, dim, change_sites)
    print(json.dumps(out, indent=1, default=float))


if __name__ == "__main__":
    main(sys.argv[1])
