#!/usr/bin/env python3
"""Reference values for keel-monitoring's model-quality metrics, computed with scikit-learn.

Writes one JSON file (the path is the only argument) with generated rows and, per group, the
values scikit-learn gives; QualityMetricsReferenceTest (JUnit) loads the rows into DuckDB, runs
dev.keel.monitoring.quality.QualityMetrics and compares every value. Fixed seed; planted cases:
a class never predicted, a predicted class never in the labels, perfect predictions in one group,
missing labels and predictions, a group with no label at all, tied probabilities (ROC-AUC),
probabilities of exactly 0 and 1 (log loss clipping), a group with one class only (ROC-AUC
undefined), y = 0 rows (left out of MAPE), a constant-label group (R^2 = 1 when perfect, 0
otherwise), a one-row group (R^2 undefined), NaN and infinite values (left out).

The calls here are the definitions docs/monitoring.md states; nothing is copied from the Java code.
Needs numpy and scikit-learn (Debian: python3-sklearn).
"""
import json
import math
import sys
from collections import Counter

import numpy as np
import sklearn
from sklearn import metrics

SEED = 20261207


def clean(v):
    """JSON-safe floats (NaN/inf as strings the Java side parses)."""
    if v is None:
        return None
    if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
        return repr(v)
    return v


def classification_expected(y, p):
    """y, p: lists of str labels/predictions with None for missing."""
    pairs = [(a, b) for a, b in zip(y, p) if a is not None and b is not None]
    out = {"num_labeled": len(pairs)}
    if not pairs:
        return out
    yt = [a for a, _ in pairs]
    yp = [b for _, b in pairs]
    labels = sorted(set(yt) | set(yp))
    pr, rc, f1, _ = metrics.precision_recall_fscore_support(
        yt, yp, labels=labels, zero_division=0
    )
    out["accuracy_score"] = float(metrics.accuracy_score(yt, yp))
    for name, per, fn in (
        ("precision", pr, metrics.precision_score),
        ("recall", rc, metrics.recall_score),
        ("f1_score", f1, metrics.f1_score),
    ):
        out[name] = {
            "one_vs_all": {c: float(v) for c, v in zip(labels, per)},
            "macro": float(fn(yt, yp, labels=labels, average="macro", zero_division=0)),
            "weighted": float(fn(yt, yp, labels=labels, average="weighted", zero_division=0)),
        }
    cm = metrics.confusion_matrix(yt, yp, labels=labels)  # rows = label, columns = prediction
    out["confusion_matrix"] = [
        {"prediction": labels[j], "label": labels[i], "count": int(cm[i, j])}
        for i in range(len(labels))
        for j in range(len(labels))
        if cm[i, j] > 0
    ]
    return out


def probability_expected(y, p, s, neg, pos):
    """Log loss and ROC-AUC of P(pos) on rows with label, prediction and probability."""
    rows = [
        (a, c)
        for a, b, c in zip(y, p, s)
        if a is not None and b is not None and c is not None and not math.isnan(c)
    ]
    out = {}
    if not rows:
        return out
    yt = [a for a, _ in rows]
    sc = np.array([c for _, c in rows], dtype=float)
    out["log_loss"] = float(metrics.log_loss(yt, sc, labels=[neg, pos]))
    yb = np.array([a == pos for a in yt])
    if yb.any() and (~yb).any():
        out["roc_auc_score"] = float(metrics.roc_auc_score(yb, sc))
    return out


def regression_expected(y, p):
    rows = [
        (a, b)
        for a, b in zip(y, p)
        if a is not None and b is not None and math.isfinite(a) and math.isfinite(b)
    ]
    out = {"num_labeled": len(rows)}
    if not rows:
        return out
    yt = np.array([a for a, _ in rows])
    yp = np.array([b for _, b in rows])
    mse = metrics.mean_squared_error(yt, yp)
    out["mean_squared_error"] = float(mse)
    out["root_mean_squared_error"] = float(np.sqrt(mse))
    out["mean_absolute_error"] = float(metrics.mean_absolute_error(yt, yp))
    nz = yt != 0
    if nz.any():
        out["mean_absolute_percentage_error"] = float(
            metrics.mean_absolute_percentage_error(yt[nz], yp[nz])
        )
    if len(rows) >= 2:
        out["r2_score"] = float(metrics.r2_score(yt, yp))
    return out


def group_rows(rows, keys):
    groups = {}
    for r in rows:
        groups.setdefault(tuple(r[k] for k in keys), []).append(r)
    return groups


def multiclass(rng):
    rows = []
    # A: labels a/b/c, predictions a/b/d: "c" is never predicted, "d" is never a label.
    for _ in range(400):
        y = str(rng.choice(["a", "b", "c"], p=[0.5, 0.3, 0.2]))
        pred = y if rng.random() < 0.6 else str(rng.choice(["a", "b", "d"]))
        if pred == "c":
            pred = "a"
        rows.append({"g": "A", "y": y, "p": pred})
    for r in rows[:37]:
        r["y"] = None  # missing labels
    rows[40]["p"] = None  # a missing prediction
    # B: perfect predictions.
    for _ in range(150):
        y = str(rng.choice(["a", "b", "c"]))
        rows.append({"g": "B", "y": y, "p": y})
    # C: nothing labelled yet.
    for _ in range(20):
        rows.append({"g": "C", "y": None, "p": str(rng.choice(["a", "b"]))})
    expected = {}
    for (g,), rs in group_rows(rows, ["g"]).items():
        expected[g] = classification_expected([r["y"] for r in rs], [r["p"] for r in rs])
    return {"rows": rows, "groups": ["g"], "expected": expected}


def binary(rng):
    rows = []
    for g in ["A", "B", "C", "D"]:
        for _ in range(300 if g != "D" else 50):
            w = int(rng.integers(0, 3))
            y = int(rng.random() < 0.35)
            if g == "D":
                y = 0  # one class only: ROC-AUC undefined
            score = float(np.clip(rng.normal(0.35 + 0.3 * y, 0.2), 0.0, 1.0))
            if g == "A":
                score = round(score, 1)  # many ties
            pred = int(score >= 0.5)
            if g == "B":
                pred = y  # perfect labels (scores still imperfect)
            rows.append({"g": g, "w": w, "y": y, "p": pred, "s": score})
    rows[3]["s"] = 1.0
    rows[3]["y"] = 0  # confidently wrong: clipped by eps
    rows[5]["s"] = 0.0
    rows[5]["y"] = 1
    rows[7]["s"] = None  # no probability
    rows[9]["y"] = None  # no label
    rows[11]["s"] = float("nan")  # NaN probability: left out
    expected = {}
    for key, rs in group_rows(rows, ["g", "w"]).items():
        y = [None if r["y"] is None else str(r["y"]) for r in rs]
        p = [str(r["p"]) for r in rs]
        e = classification_expected(y, p)
        e.update(probability_expected(y, p, [r["s"] for r in rs], "0", "1"))
        expected[json.dumps(list(key))] = e
    out_rows = [dict(r, s=clean(r["s"])) for r in rows]
    return {"rows": out_rows, "groups": ["g", "w"], "positive": "1", "expected": expected}


def regression(rng):
    rows = []
    for _ in range(500):
        y = float(rng.normal(10, 4))
        if rng.random() < 0.05:
            y = 0.0  # left out of MAPE
        rows.append({"g": "A", "y": y, "p": y + float(rng.normal(0, 1.5))})
    for r in rows[:30]:
        r["y"] = None
    rows[31]["p"] = float("nan")
    rows[32]["p"] = float("inf")
    for _ in range(10):
        rows.append({"g": "B", "y": 3.0, "p": 3.0})  # constant and perfect: R^2 = 1
    for _ in range(10):
        rows.append({"g": "C", "y": 3.0, "p": float(rng.normal(3, 1))})  # constant: R^2 = 0
    rows.append({"g": "D", "y": 2.0, "p": 2.5})  # one row: R^2 undefined
    for _ in range(5):
        rows.append({"g": "E", "y": 0.0, "p": 1.0})  # only zeros: MAPE undefined
    rows.append({"g": "F", "y": None, "p": 1.0})
    expected = {}
    for (g,), rs in group_rows(rows, ["g"]).items():
        expected[g] = regression_expected([r["y"] for r in rs], [r["p"] for r in rs])
    out_rows = [dict(r, p=clean(r["p"])) for r in rows]
    return {"rows": out_rows, "groups": ["g"], "expected": expected}


def main():
    rng = np.random.default_rng(SEED)
    out = {
        "sklearn": sklearn.__version__,
        "numpy": np.__version__,
        "multiclass": multiclass(rng),
        "binary": binary(rng),
        "regression": regression(rng),
    }
    with open(sys.argv[1], "w") as f:
        json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
