#!/usr/bin/env python3
"""Reference values for keel-monitoring's statistics, computed with numpy and scipy.

Writes one JSON file (the path is the only argument) with generated inputs and the values that
numpy/scipy give for them; ReferenceStatsTest (JUnit) compares Keel's Java statistics with every
value. The data sets are drawn with a fixed seed and plant the edge cases: ties, repeated quantile
edges (so PSI gets empty bins), NULLs and NaN excluded and counted, a category unseen in the
baseline, unequal sizes, tiny samples, a 1-element sample, identical samples, and samples large
enough (max(n1, n2) > 10000) for the asymptotic KS branch.

The calls here are the definitions docs/monitoring.md states; nothing is copied from the Java code.
"""
import json
import math
import sys
import warnings

import numpy as np
import scipy
from scipy import stats
from scipy.spatial import distance

SEED = 20261207
PROBS = [0.0, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 1.0]


def ks(b, c):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        r = stats.ks_2samp(b, c, alternative="two-sided", method="auto")
    fell_back = any("Switching to method=asymp" in str(w.message) for w in caught)
    method = "EXACT" if max(len(b), len(c)) <= 10000 and not fell_back else "ASYMPTOTIC"
    return {"statistic": float(r.statistic), "pvalue": float(r.pvalue), "method": method}


def psi(b, c):
    edges = np.quantile(b, np.arange(1, 10) / 10)  # numpy's default (linear) method

    def shares(x):
        # right-closed bins: e[i-1] < x <= e[i]; the outer ones open-ended
        counts = np.bincount(np.searchsorted(edges, x, side="left"), minlength=10)
        s = counts / len(x)
        s[s == 0] = 1e-4  # no renormalisation
        return s

    bs, cs = shares(b), shares(c)
    return {
        "psi": float(np.sum((cs - bs) * np.log(cs / bs))),
        "edges": edges.tolist(),
        "baseline_shares": bs.tolist(),
        "current_shares": cs.tolist(),
    }


def numeric_profile(x_with_nulls):
    """x_with_nulls: a list of floats and None (NULL)."""
    nulls = sum(v is None for v in x_with_nulls)
    x = np.array([v for v in x_with_nulls if v is not None], dtype=float)
    nan = int(np.isnan(x).sum())
    y = x[~np.isnan(x)]
    out = {"count": len(x), "num_nulls": nulls, "num_nan": nan}
    if len(y) == 0:
        out.update(avg=None, stddev=None, min=None, max=None, quantiles=None, num_zeros=0, distinct_count=0)
        return out
    out.update(
        avg=float(np.mean(y)),
        stddev=float(np.std(y, ddof=1)) if len(y) >= 2 else None,
        min=float(np.min(y)),
        max=float(np.max(y)),
        quantiles=np.quantile(y, PROBS).tolist(),
        num_zeros=int(np.sum(y == 0)),
        distinct_count=int(len(np.unique(y))),
    )
    return out


def numeric_case(name, b_raw, c_raw):
    """b_raw/c_raw: lists with None (NULL) and NaN; drift statistics see only the other values."""
    def clean(raw):
        x = np.array([v for v in raw if v is not None], dtype=float)
        return x, x[~np.isnan(x)]

    b_nonnull, b = clean(b_raw)
    c_nonnull, c = clean(c_raw)
    return {
        "name": name,
        "baseline": b_nonnull.tolist(),  # NaN kept: the Java sample drops and counts them
        "current": c_nonnull.tolist(),
        "baseline_nulls": sum(v is None for v in b_raw),
        "ks": ks(b, c),
        "wasserstein": float(stats.wasserstein_distance(b, c)),
        "psi": psi(b, c),
        "baseline_profile": numeric_profile(b_raw),
    }


def categorical_case(name, base, cur):
    cats = sorted(set(base) | set(cur))
    b = np.array([base.get(k, 0) for k in cats], dtype=float)
    c = np.array([cur.get(k, 0) for k in cats], dtype=float)
    table = np.array([b, c])
    res = stats.chi2_contingency(table, correction=False)
    p, q = b / b.sum(), c / c.sum()
    return {
        "name": name,
        "baseline": base,
        "current": cur,
        "chi2": {"statistic": float(res.statistic), "pvalue": float(res.pvalue), "dof": int(res.dof)},
        "js_distance": float(distance.jensenshannon(b, c, base=2)),
        "tv_distance": float(0.5 * np.sum(np.abs(p - q))),
        "l_infinity_distance": float(np.max(np.abs(p - q))),
    }


def string_case(name, values_with_nulls, k):
    vals = [v for v in values_with_nulls if v is not None]
    lengths = [len(v) for v in vals]  # code points
    counts = {}
    for v in vals:
        counts[v] = counts.get(v, 0) + 1
    top = sorted(counts.items(), key=lambda e: (-e[1], e[0]))[:k]
    return {
        "name": name,
        "values": vals,
        "num_nulls": sum(v is None for v in values_with_nulls),
        "k": k,
        "count": len(vals),
        "min_length": min(lengths) if vals else 0,
        "max_length": max(lengths) if vals else 0,
        "avg_length": float(np.mean(lengths)) if vals else None,
        "distinct_count": len(counts),
        "frequent_items": [[v, n] for v, n in top],
    }


def main(path):
    rng = np.random.default_rng(SEED)
    numeric = []

    def norm(n, loc=0.0, scale=1.0):
        return rng.normal(loc, scale, n).tolist()

    numeric.append(numeric_case("normal_shift_unequal_sizes", norm(500), norm(371, 0.3, 1.2)))
    numeric.append(numeric_case("equal_sizes_exact_square", norm(200), norm(200, 0.2)))
    numeric.append(numeric_case("same_distribution", norm(1000), norm(800)))
    ties_b = rng.integers(0, 5, 300).astype(float).tolist()  # heavy ties: repeated PSI edges
    ties_c = rng.integers(1, 7, 250).astype(float).tolist()
    numeric.append(numeric_case("integer_ties_repeated_edges", ties_b, ties_c))
    mostly_zero = [0.0] * 180 + rng.exponential(2.0, 20).tolist()  # edges 0.1..0.9 all 0
    numeric.append(numeric_case("mostly_zero_baseline", mostly_zero, rng.exponential(1.0, 90).tolist()))
    with_nulls_b = norm(120) + [None] * 17 + [float("nan")] * 5
    with_nulls_c = norm(95, 0.5) + [None] * 3 + [float("nan")] * 2
    rng.shuffle(with_nulls_b)
    rng.shuffle(with_nulls_c)
    numeric.append(numeric_case("nulls_and_nan_excluded", with_nulls_b, with_nulls_c))
    numeric.append(numeric_case("tiny_samples", [1.0, 2.0, 3.5], [2.5, 4.0]))
    numeric.append(numeric_case("one_element_baseline", [3.0], norm(7, 3.0)))
    numeric.append(numeric_case("one_element_each", [1.0], [2.0]))
    same = norm(60)
    numeric.append(numeric_case("identical_samples", same, list(same)))
    numeric.append(numeric_case("constant_samples", [2.0] * 10, [2.0] * 4 + [3.0]))
    numeric.append(numeric_case("disjoint_supports", norm(40), norm(30, 100.0)))
    numeric.append(numeric_case("gcd_sizes_exact", norm(600, 0.0), norm(450, 0.15)))
    numeric.append(numeric_case("large_exact_edge", norm(10000), norm(9000, 0.03)))
    numeric.append(numeric_case("asymptotic_close", norm(12000), norm(11000, 0.01)))
    numeric.append(numeric_case("asymptotic_drift", norm(15000), norm(10500, 0.05, 1.05)))
    numeric.append(numeric_case("asymptotic_strong_drift", norm(20001), norm(13000, 1.0)))
    numeric.append(numeric_case("asymptotic_small_current", norm(12000), norm(50, 0.4)))
    numeric.append(numeric_case("asymptotic_tiny_current", norm(11000), norm(3, 1.0)))
    rounded_b = np.round(rng.normal(10, 2, 14000), 1).tolist()  # many ties, asymptotic
    rounded_c = np.round(rng.normal(10.1, 2, 12000), 1).tolist()
    numeric.append(numeric_case("asymptotic_ties", rounded_b, rounded_c))

    # The finite-n Kolmogorov distribution across scipy's regimes (used by the asymptotic branch).
    kolmogorov = []
    for n in [1, 2, 3, 5, 10, 37, 100, 140, 141, 500, 5000, 80000, 120000]:
        for x in [0.3 / n, 0.7 / n, 1.0 / n, 0.001, 0.01, 0.03, 0.05, 0.1, 0.2, 0.3, 0.45, 0.5,
                  0.6, 0.9, 1 - 1.5 / n, 0.999]:
            if 0 < x < 1:
                kolmogorov.append({"n": n, "x": x, "sf": float(stats.kstwo.sf(x, n))})
    # Either side of scipy's switches between methods: n*x^2 = 0.754693, 2.2, 4, 18, 370;
    # n*x^1.5 = 1.4; n = 140/141 and 100000/100001.
    for n in [20, 140, 141, 1000, 100000, 100001]:
        for target in [0.754693, 2.2, 4.0, 18.0, 370.0]:
            for f in [0.999, 1.001]:
                x = math.sqrt(target * f / n)
                if 0 < x < 1:
                    kolmogorov.append({"n": n, "x": x, "sf": float(stats.kstwo.sf(x, n))})
        for f in [0.999, 1.001]:
            x = (1.4 * f / n) ** (2 / 3)
            kolmogorov.append({"n": n, "x": x, "sf": float(stats.kstwo.sf(x, n))})

    categorical = []
    cats = list("abcdefgh")
    b_counts = dict(zip(cats, rng.integers(5, 200, len(cats)).tolist()))
    c_counts = dict(zip(cats, rng.integers(5, 200, len(cats)).tolist()))
    categorical.append(categorical_case("eight_categories", b_counts, c_counts))
    c_new = dict(c_counts)
    c_new["new_category"] = 41
    categorical.append(categorical_case("new_category_in_current", b_counts, c_new))
    categorical.append(categorical_case("category_gone_in_current", {"x": 10, "y": 5, "z": 3}, {"x": 8, "y": 9}))
    categorical.append(categorical_case("two_categories_no_yates", {"yes": 30, "no": 70}, {"yes": 45, "no": 55}))
    categorical.append(categorical_case("identical_shares", {"a": 10, "b": 20}, {"a": 30, "b": 60}))
    categorical.append(categorical_case("one_category", {"only": 7}, {"only": 3}))
    categorical.append(categorical_case("large_counts", {"a": 1_000_000, "b": 2_500_000, "c": 7},
                                        {"a": 1_100_000, "b": 2_400_000, "c": 70, "d": 1}))

    strings = []
    words = ["alpha", "beta", "gamma", "delta", "eps", "zeta", "é", "日本", "🙂x", "", "beta"]
    vals = [words[i] for i in rng.integers(0, len(words), 400)] + [None] * 9
    strings.append(string_case("words_with_nulls_and_unicode", vals, 5))
    strings.append(string_case("ties_in_counts", ["b", "a", "c", "a", "b", "c", "d"], 3))
    strings.append(string_case("supplementary_vs_bmp_order", ["\ufb01", "\U0001F600", "\ufb01", "\U0001F600"], 2))
    strings.append(string_case("only_nulls", [None, None], 3))

    out = {
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "probabilities": PROBS,
        "numeric": numeric,
        "kolmogorov": kolmogorov,
        "categorical": categorical,
        "strings": strings,
    }
    with open(path, "w", encoding="utf-8") as f:
        json.dump(out, f, allow_nan=True)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: reference_stats.py OUTPUT.json")
    main(sys.argv[1])
