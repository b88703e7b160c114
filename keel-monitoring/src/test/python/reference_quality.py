#!/usr/bin/env python3
"""Reference values for keel-monitoring's model-quality metrics, computed with scikit-learn.

Writes one JSON file (the path is the only argument) with generated rows and, per group, the
values scikit-learn gives; QualityMetricsReferenceTest (JUnit) loads the rows into DuckDB, runs
dev.keel.monitoring.quality.QualityMetrics and compares every value. Fixed seed; planted cases:
a class never predicted, a predicted class never in the labels, perfect predictions in one group,
missing labels and predictions, a group with no label at all, tied probabilities (ROC-AUC),
probabilities of exactly 0 and 1 (log loss clipping), a group with one class only (ROC-AUC
undefined), y = 0 rows (left out of MAPE), a constant-label group (R^2 = 1 when perfect, 0
otherwise), a one-row group (R^2 undefined), NaN and infinite values (left out). Multiclass
probabilities (a map class -> probability per row): 2 to 5 classes per group, a class absent from a
group's labels, maps missing a class (probability 0), probabilities not summing to 1, tied scores,
probabilities of exactly 0 and 1, NULL maps and NaN values (rows left out), groups of one class
(log loss and/or ROC-AUC undefined); the binary rows again with a map {"0": 1 - s, "1": s}.

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


def multiclass_proba_expected(y, p, s):
    """Log loss and one-vs-rest ROC-AUC of per-row maps class -> probability (None: left out)."""
    rows = [
        (a, m)
        for a, b, m in zip(y, p, s)
        if a is not None
        and b is not None
        and m is not None
        and all(v is not None and math.isfinite(v) for v in m.values())
    ]
    out = {}
    if not rows:
        return out
    yt = [a for a, _ in rows]
    # The group's classes: its labels, predictions and map keys (on the counted rows), sorted.
    counted_p = [
        b
        for a, b, m in zip(y, p, s)
        if a is not None
        and b is not None
        and m is not None
        and all(v is not None and math.isfinite(v) for v in m.values())
    ]
    classes = sorted(set(yt) | set(counted_p) | {k for _, m in rows for k in m})
    P = np.array([[m.get(c, 0.0) for c in classes] for _, m in rows], dtype=float)
    if len(classes) >= 2:  # with one class sklearn raises: undefined
        out["log_loss"] = float(metrics.log_loss(yt, P, labels=classes))
    try:
        if len(classes) > 2:
            out["roc_auc_score"] = float(
                metrics.roc_auc_score(yt, P, multi_class="ovr", average="macro", labels=classes)
            )
        elif len(classes) == 2:
            # sklearn takes 2 columns as the binary case and refuses them; Keel's definition is the
            # same one-vs-rest mean, with the same checks.
            if not np.allclose(1, P.sum(axis=1)):
                raise ValueError("Target scores need to be probabilities")
            yt_a = np.array(yt)
            out["roc_auc_score"] = float(
                np.mean(
                    [metrics.roc_auc_score(yt_a == c, P[:, i]) for i, c in enumerate(classes)]
                )
            )
    except ValueError as e:  # undefined in sklearn: NULL; only these two reasons are expected
        msg = str(e)
        assert "Only one class present" in msg or "Target scores need to be probabilities" in msg, msg
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


def dirichlet_map(rng, classes, alpha=1.0):
    v = rng.dirichlet([alpha] * len(classes))
    return {c: float(x) for c, x in zip(classes, v)}


def argmax(m):
    return max(sorted(m), key=lambda c: m[c])


def multiclass_proba(rng):
    rows = []
    five = ["a", "b", "c", "d", "e"]
    # A: 5 classes, probabilities on a 0.1 grid (many tied scores); zero classes left out of the map.
    for _ in range(500):
        counts = rng.multinomial(10, rng.dirichlet([1.0] * 5))
        m = {c: k / 10 for c, k in zip(five, counts) if k > 0}
        y = str(rng.choice(five, p=np.array(counts) / 10)) if rng.random() < 0.7 else str(
            rng.choice(five)
        )
        rows.append({"g": "A", "y": y, "p": argmax(m), "s": m})
    # B: 4 classes in the maps, "d" never a label: log loss, but ROC-AUC undefined.
    for _ in range(300):
        m = dirichlet_map(rng, ["a", "b", "c", "d"])
        y = str(rng.choice(["a", "b", "c"]))
        rows.append({"g": "B", "y": y, "p": argmax(m), "s": m})
    # C: 3 classes, probabilities that do not sum to 1 (log loss renormalises; ROC-AUC undefined).
    for _ in range(300):
        m = dirichlet_map(rng, ["x", "y", "z"], 0.5)
        k = float(rng.uniform(0.5, 1.5))
        m = {c: v * k for c, v in m.items()}
        y = argmax(m) if rng.random() < 0.6 else str(rng.choice(["x", "y", "z"]))
        rows.append({"g": "C", "y": y, "p": argmax(m), "s": m})
    # D: one class only, in labels, predictions and maps: neither metric is defined.
    for _ in range(20):
        rows.append({"g": "D", "y": "a", "p": "a", "s": {"a": 1.0}})
    # E: labels of one class, maps of three: log loss, no ROC-AUC.
    for _ in range(40):
        m = dirichlet_map(rng, ["a", "b", "c"])
        rows.append({"g": "E", "y": "a", "p": argmax(m), "s": m})
    # F: 3 classes with confident hits and misses (0 and 1 clipped), ties, and rows left out.
    for i in range(200):
        y = str(rng.choice(["a", "b", "c"]))
        if i % 4 == 0:
            m = {y: 1.0}  # confidently right, the others missing (0)
        elif i % 4 == 1:
            other = "a" if y != "a" else "b"
            m = {other: 1.0, y: 0.0}  # confidently wrong: P(y) = 0 clipped to eps
        else:
            m = dirichlet_map(rng, ["a", "b", "c"])
            m = {c: round(v, 2) for c, v in m.items()}  # ties (and sums off by up to 0.01)
            m[y] = round(1.0 - sum(v for c, v in m.items() if c != y), 2) if m[y] > 0.02 else m[y]
        rows.append({"g": "F", "y": y, "p": argmax(m), "s": m})
    f = [r for r in rows if r["g"] == "F"]
    f[0]["s"] = None  # no probabilities: left out
    f[1]["s"] = dict(f[1]["s"], b=float("nan"))  # NaN probability: the row is left out
    f[2]["y"] = None  # no label
    f[3]["p"] = None  # no prediction
    # G: two classes only within a multiclass relation: the same one-vs-rest mean.
    for _ in range(100):
        m = dirichlet_map(rng, ["a", "b"])
        y = argmax(m) if rng.random() < 0.7 else str(rng.choice(["a", "b"]))
        rows.append({"g": "G", "y": y, "p": argmax(m), "s": m})
    expected = {}
    for (g,), rs in group_rows(rows, ["g"]).items():
        y = [r["y"] for r in rs]
        p = [r["p"] for r in rs]
        e = classification_expected(y, p)
        e.update(multiclass_proba_expected(y, p, [r["s"] for r in rs]))
        expected[g] = e
    out_rows = [
        dict(r, s=None if r["s"] is None else {k: clean(v) for k, v in r["s"].items()})
        for r in rows
    ]
    return {"rows": out_rows, "groups": ["g"], "expected": expected}


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
        "multiclass_proba": multiclass_proba(rng),
    }
    with open(sys.argv[1], "w") as f:
        json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
