"""Reference values for `tests/it/agreement.rs`, computed with scikit-learn and krippendorff.

    python3 -m venv /tmp/ref && /tmp/ref/bin/pip install krippendorff scikit-learn numpy
    /tmp/ref/bin/python tests/reference/agreement_reference.py tests/fixtures/agreement/*.csv

For every fixture and criterion it prints n_units, n_raters, percent agreement
(share of units with 2+ ratings on which all levels are equal), Cohen's kappa
(unweighted, linear, quadratic; only where exactly two raters rated every
unit) and Krippendorff's alpha (nominal, ordinal, interval) with the default
value domain. None where a statistic is undefined: sklearn returns NaN,
krippendorff raises ValueError or returns NaN.
"""

import csv
import json
import math
import sys
import warnings
from importlib.metadata import version

import krippendorff
import numpy as np
from sklearn.metrics import cohen_kappa_score

warnings.simplefilter("ignore")


def defined(x):
    x = float(x)
    return None if math.isnan(x) else x


def kappa(ratings, units, raters, weights):
    if len(raters) != 2 or any(len(ratings[u]) != 2 for u in units):
        return None
    y1 = [ratings[u][raters[0]] for u in units]
    y2 = [ratings[u][raters[1]] for u in units]
    return defined(cohen_kappa_score(y1, y2, weights=weights))


def alpha(ratings, units, raters, level):
    data = [[ratings[u].get(r, np.nan) for u in units] for r in raters]
    try:
        with np.errstate(all="ignore"):
            return defined(krippendorff.alpha(reliability_data=np.array(data, dtype=float),
                                              level_of_measurement=level))
    except ValueError:
        return None


def criterion_stats(ratings):
    units = sorted(ratings)
    raters = sorted({r for u in units for r in ratings[u]})
    rated = [u for u in units if len(ratings[u]) >= 2]
    same = [u for u in rated if len(set(ratings[u].values())) == 1]
    return {
        "n_units": len(units),
        "n_raters": len(raters),
        "percent_agreement": len(same) / len(rated) if rated else None,
        "kappa": kappa(ratings, units, raters, None),
        "kappa_linear": kappa(ratings, units, raters, "linear"),
        "kappa_quadratic": kappa(ratings, units, raters, "quadratic"),
        "alpha_nominal": alpha(ratings, units, raters, "nominal"),
        "alpha_ordinal": alpha(ratings, units, raters, "ordinal"),
        "alpha_interval": alpha(ratings, units, raters, "interval"),
    }


def file_stats(path):
    criteria = {}
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            unit_ratings = criteria.setdefault(row["criterion"], {}).setdefault(row["unit"], {})
            unit_ratings[row["rater"]] = int(row["level"])
    return {c: criterion_stats(criteria[c]) for c in sorted(criteria)}


if __name__ == "__main__":
    print(f"# krippendorff {version('krippendorff')}, scikit-learn {version('scikit-learn')}, "
          f"numpy {version('numpy')}")
    for path in sys.argv[1:]:
        print(f"## {path}")
        print(json.dumps(file_stats(path), indent=1))
