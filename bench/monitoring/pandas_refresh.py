#!/usr/bin/env python3
"""The pandas + scipy baseline of `bench/run.sh monitoring`.

Computes what a Keel monitor refresh computes for a time-series monitor with 1-day windows and a
baseline (docs/monitoring.md): per window and per column the profile (count, NULLs, mean, sample
stddev, min, max, quantiles, zeros, NaN, distinct; string lengths and top-10 items), and per window
the drift against the previous day and against the baseline (numeric: KS, Wasserstein, PSI with
baseline deciles; categorical: chi-squared, Jensen-Shannon, TV, L-infinity). Reads the CSV copies
of the benchmark's Parquet files (Debian's pandas has no Parquet reader). Prints timings and
checksums on a `RESULT` line.

    /usr/bin/python3 bench/monitoring/pandas_refresh.py --data-dir=DIR --days=30
"""
import argparse
import os
import time

import numpy as np
import pandas as pd
from scipy import stats
from scipy.spatial.distance import jensenshannon

PROBS = [0.0, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 1.0]


def numeric_profile(x):
    y = x[~np.isnan(x)]
    out = {"count": len(x), "num_nan": int(np.isnan(x).sum())}
    if len(y):
        out.update(avg=np.mean(y), min=y.min(), max=y.max(), quantiles=np.quantile(y, PROBS),
                   num_zeros=int((y == 0).sum()), distinct=len(np.unique(y)))
        out["stddev"] = np.std(y, ddof=1) if len(y) > 1 else np.nan
    return out


def string_profile(s):
    lengths = s.str.len()
    vc = s.value_counts()
    items = sorted(vc.items(), key=lambda e: (-e[1], e[0]))[:10]
    return {"count": len(s), "min_length": lengths.min(), "max_length": lengths.max(),
            "avg_length": lengths.mean(), "distinct": len(vc), "items": items}, vc


def psi(b, c):
    edges = np.quantile(b, np.arange(1, 10) / 10)

    def shares(x):
        s = np.bincount(np.searchsorted(edges, x, side="left"), minlength=10) / len(x)
        s[s == 0] = 1e-4
        return s

    sb, sc = shares(b), shares(c)
    return float(np.sum((sc - sb) * np.log(sc / sb)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data-dir", required=True)
    ap.add_argument("--days", type=int, default=30)
    a = ap.parse_args()
    t0 = time.perf_counter()
    header = pd.read_csv(os.path.join(a.data_dir, "baseline.csv"), nrows=0).columns
    num = [c for c in header if c.startswith("n")]
    cat = [c for c in header if c.startswith("c")]
    dtypes = {**{c: "float64" for c in num}, **{c: "object" for c in cat}}
    # round_trip: pandas' default float parser is off by an ulp on ~15% of these values
    df = pd.read_csv(os.path.join(a.data_dir, "input.csv"), dtype=dtypes,
                     float_precision="round_trip")
    base = pd.read_csv(os.path.join(a.data_dir, "baseline.csv"), dtype=dtypes,
                       float_precision="round_trip")
    df["ts"] = pd.to_datetime(df["ts"], unit="us", utc=True)
    load_s = time.perf_counter() - t0

    t1 = time.perf_counter()
    c1 = time.process_time()
    df["__w"] = df["ts"].dt.floor("D")
    groups = {w: g for w, g in df.groupby("__w")}
    windows = sorted(groups)

    def column_data(g):
        prof = {}
        samples = {}
        for c in num:
            v = g[c].dropna().to_numpy()
            prof[c] = numeric_profile(v)
            prof[c]["num_nulls"] = len(g) - len(v)
            samples[c] = np.sort(v[~np.isnan(v)])
        counts = {}
        for c in cat:
            s = g[c].dropna()
            p, vc = string_profile(s)
            p["num_nulls"] = len(g) - len(s)
            prof[c] = p
            counts[c] = vc
        return prof, samples, counts

    data = {w: column_data(groups[w]) for w in windows}
    bdata = column_data(base)
    sums = dict(sum_ks=0.0, sum_wasserstein=0.0, sum_psi=0.0, sum_js=0.0, sum_chi2=0.0)
    one_day = pd.Timedelta(days=1)
    for w in windows:
        cmps = []
        if w - one_day in data:
            cmps.append(data[w - one_day])
        cmps.append(bdata)
        _, cur_s, cur_c = data[w]
        for _, cmp_s, cmp_c in cmps:
            for c in num:
                b, x = cmp_s[c], cur_s[c]
                if len(b) and len(x):
                    sums["sum_ks"] += stats.ks_2samp(b, x).statistic
                    sums["sum_wasserstein"] += stats.wasserstein_distance(b, x)
                    sums["sum_psi"] += psi(b, x)
            for c in cat:
                cats = sorted(set(cmp_c[c].index) | set(cur_c[c].index))
                bc = cmp_c[c].reindex(cats, fill_value=0).to_numpy()
                cc = cur_c[c].reindex(cats, fill_value=0).to_numpy()
                if bc.sum() and cc.sum():
                    if len(cats) > 1:
                        sums["sum_chi2"] += stats.chi2_contingency([bc, cc], correction=False)[0]
                    sums["sum_js"] += jensenshannon(bc, cc, base=2)
                    p, q = bc / bc.sum(), cc / cc.sum()
                    _tv = 0.5 * np.abs(p - q).sum()
                    _linf = np.abs(p - q).max()
    stats_s = time.perf_counter() - t1
    stats_cpu_s = time.process_time() - c1
    print(f"pandas+scipy: load {load_s:.2f} s, statistics {stats_s:.2f} s ({stats_cpu_s:.2f} s CPU), {len(df):,} rows, "
          f"{len(windows)} windows")
    print("RESULT " + " ".join([f"load_s={load_s:.4f}", f"stats_s={stats_s:.4f}",
                                f"stats_cpu_s={stats_cpu_s:.4f}"]
                               + [f"{k}={v!r}" for k, v in sums.items()]))


if __name__ == "__main__":
    main()
