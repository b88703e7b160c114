#!/usr/bin/env python3
"""pandas baseline for `bench/run.sh training-set`: the same point-in-time join with
pandas.merge_asof over the files TrainingSetBench generates.

Per lookup: sort the feature table by (event_time, _ingested_at) so that among equal event times
the latest ingestion is the last row (merge_asof 'backward' takes the last row at or before the
spine time), merge by entity key with direction='backward' and tolerance = lookback (inclusive)
for the windowed lookup, then restore spine order. The input is CSV with epoch microseconds
because Debian's pandas has no Parquet engine (no pyarrow package); the CSV load is timed
separately and not part of the join figure. Needs python3-pandas.

Prints the timings and a line `RESULT rows=... sum_user_f1=... sum_merchant_f1=... join_median_s=... load_s=...`.
"""
import argparse
import os
import statistics
import time

import pandas as pd

TABLES = [("user_feats", "user_id", "user"), ("item_feats", "item_id", "item"),
          ("merchant_feats", "merchant_id", "merchant")]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data-dir", required=True)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--lookback-days", type=int, default=3)
    a = ap.parse_args()

    t0 = time.perf_counter()
    spine = pd.read_csv(os.path.join(a.data_dir, "spine.csv"))
    spine["event_time"] = pd.to_datetime(spine["event_time"], unit="us", utc=True)
    feats = {}
    for table, key, prefix in TABLES:
        f = pd.read_csv(os.path.join(a.data_dir, table + ".csv"))
        f["event_time"] = pd.to_datetime(f["event_time"], unit="us", utc=True)
        f["_ingested_at"] = pd.to_datetime(f["_ingested_at"], unit="us", utc=True)
        feats[table] = f
    load = time.perf_counter() - t0
    print(f"pandas {pd.__version__}: CSV load {load:.1f} s "
          f"({len(spine):,} spine rows, {sum(len(f) for f in feats.values()):,} feature rows)")

    times = []
    out = None
    for rep in range(-1, a.reps):
        t0 = time.perf_counter()
        out = join(spine, feats, pd.Timedelta(days=a.lookback_days))
        s = time.perf_counter() - t0
        print(f"pandas {'warm-up' if rep < 0 else 'measured'} run {rep + 1}: {s:.3f} s")
        if rep >= 0:
            times.append(s)
    med = statistics.median(times)
    print(f"RESULT rows={len(out)} sum_user_f1={out['user_f1'].sum():.6f} "
          f"sum_merchant_f1={out['merchant_f1'].sum():.6f} join_median_s={med:.3f} load_s={load:.1f}")


def join(spine, feats, lookback):
    left = spine.sort_values("event_time", kind="mergesort")
    for i, (table, key, prefix) in enumerate(TABLES):
        right = feats[table].sort_values(["event_time", "_ingested_at"], kind="mergesort")
        right = right.rename(columns={"entity_id": key, "event_time": "_ft",
                                      "f1": prefix + "_f1", "f2": prefix + "_f2", "f3": prefix + "_f3"})
        right = right.drop(columns=["_ingested_at"])
        left = pd.merge_asof(left, right, left_on="event_time", right_on="_ft", by=key,
                             direction="backward",
                             tolerance=lookback if i == 2 else None).drop(columns=["_ft"])
    return left.sort_values("row_id", kind="mergesort").reset_index(drop=True)


if __name__ == "__main__":
    main()
