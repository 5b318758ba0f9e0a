"""Reference values for the cluster-robust comparison in `src/stats/cluster.rs`.

    python3 -m venv --system-site-packages /tmp/ref && /tmp/ref/bin/pip install numpy scipy
    /tmp/ref/bin/python tests/reference/cluster_reference.py tests/fixtures/cluster/two_offerings.csv a b

The difference between the group means of offerings A and B (the OLS slope
of score on an indicator of A, with an intercept), its CR2 cluster-robust
standard error with sites as clusters (Bell & McCaffrey 2002; Pustejovsky &
Tipton 2018, working model Φ = I) and the Bell–McCaffrey (Satterthwaite)
degrees of freedom, written from the general matrix formulas with numpy:

- H = X (X'X)⁻¹ X', e = y − Xβ;
- A_g = (I − H_gg)^(−1/2) from the eigendecomposition of the symmetric H_gg block;
- V = M (Σ_g X_g' A_g e_g e_g' A_g X_g) M with M = (X'X)⁻¹, SE = √(c'Vc), c = (0, 1);
- u_g = (I − H)[:, g] A_g X_g M c, Ω = Σ_g u_g u_g', df = tr(Ω)² / tr(Ω²);
- t = β₁/SE, p two-sided from Student's t with df (scipy), interval β₁ ± t₀.₉₇₅(df)·SE.

Prints JSON; the test records the numbers with this script's name.
"""

import csv
import json
import sys

import numpy as np
from scipy import stats


def inverse_sqrt(matrix):
    values, vectors = np.linalg.eigh(matrix)
    return vectors @ np.diag(values ** -0.5) @ vectors.T


def cr2(path, a, b):
    rows = [r for r in csv.DictReader(open(path)) if r["offering"] in (a, b)]
    y = [float(r["score"]) for r in rows]
    in_a = [r["offering"] == a for r in rows]
    return cr2_arrays(y, in_a, [r["site"] for r in rows])


def cr2_arrays(values, in_a, site):
    """The CR2 test of mean(A) − mean(B) for values, whether each is in A, and its cluster."""
    y = np.asarray(values, dtype=float)
    x = np.column_stack([np.ones(len(y)), [1.0 if v else 0.0 for v in in_a]])
    sites = sorted(set(site))
    members = [np.array([i for i, s in enumerate(site) if s == c]) for c in sites]
    m = np.linalg.inv(x.T @ x)
    beta = m @ x.T @ y
    e = y - x @ beta
    h = x @ m @ x.T
    c = np.array([0.0, 1.0])
    meat = np.zeros((2, 2))
    us = []
    for g in members:
        a_g = inverse_sqrt(np.eye(len(g)) - h[np.ix_(g, g)])
        score = x[g].T @ a_g @ e[g]
        meat += np.outer(score, score)
        us.append((np.eye(len(y)) - h)[:, g] @ a_g @ x[g] @ m @ c)
    v = m @ meat @ m
    se = float(np.sqrt(c @ v @ c))
    gram = np.array([[u @ w for w in us] for u in us])
    df = float(np.trace(gram) ** 2 / np.sum(gram ** 2))
    diff = float(beta[1])
    t = diff / se
    half = stats.t.ppf(0.975, df) * se
    return {
        "diff": diff,
        "se": se,
        "df": df,
        "t": t,
        "p": float(2 * stats.t.sf(abs(t), df)),
        "ci": [diff - half, diff + half],
        "clusters": len(sites),
    }


if __name__ == "__main__":
    print(json.dumps(cr2(sys.argv[1], sys.argv[2], sys.argv[3]), indent=2))
