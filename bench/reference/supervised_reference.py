#!/usr/bin/python3
"""Reference numbers from scikit-learn for Tailor's supervised models and metrics
(src/core/ml/supervised, src/core/ml/metrics), independent of Tailor.

Run from the repository root with Debian's python (python3-sklearn, numpy; nothing from pip):

    /usr/bin/python3 bench/reference/supervised_reference.py            # writes the fixture
    /usr/bin/python3 bench/reference/supervised_reference.py --forest-bench FILE   # timing mode

Fixture mode writes test/fixtures/supervised-reference.json with:
- the data (generated here with fixed seeds, rounded to 6 decimals; sklearn is fitted on the
  rounded data so both sides see identical numbers) and a fixed 80/20 split;
- LogisticRegression(C=1) coefficients (fitted to tol 1e-10 so they are the optimum, not an early
  stop), Ridge(alpha=1) coefficients, and the test scores of RandomForest* / GradientBoosting*;
- metric values computed by sklearn on given predictions (one continuous case and one with many
  ties, values on calibration-bin edges and scores equal to the thresholds) for 1e-12 comparisons.

--forest-bench FILE reads a float64 little-endian file [n, d, nTrain, x (n*d row-major), y (n)]
written by bench/lib/forest-bench.ts, fits RandomForestClassifier(n_estimators=T, n_jobs=1,
random_state=0) on the first nTrain rows (T from the environment variable TREES, default 100) and
prints {"trainMs": …, "auc": …} for the remaining rows.
"""

import json
import os
import sys
import time

import numpy as np
import sklearn
from sklearn.calibration import calibration_curve
from sklearn.datasets import make_classification, make_friedman1
from sklearn.ensemble import (GradientBoostingClassifier, GradientBoostingRegressor, RandomForestClassifier,
                              RandomForestRegressor)
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import (accuracy_score, average_precision_score, brier_score_loss, confusion_matrix, f1_score,
                             log_loss, mean_absolute_error, mean_squared_error, precision_score, r2_score,
                             recall_score, roc_auc_score)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "test", "fixtures", "supervised-reference.json")


def forest_bench(path):
    raw = np.fromfile(path, dtype="<f8")
    n, d, n_train = int(raw[0]), int(raw[1]), int(raw[2])
    x = raw[3:3 + n * d].reshape(n, d)
    y = raw[3 + n * d:3 + n * d + n].astype(int)
    trees = int(os.environ.get("TREES", "100"))
    t0 = time.perf_counter()
    model = RandomForestClassifier(n_estimators=trees, n_jobs=1, random_state=0).fit(x[:n_train], y[:n_train])
    train_ms = (time.perf_counter() - t0) * 1000
    auc = roc_auc_score(y[n_train:], model.predict_proba(x[n_train:])[:, 1])
    print(json.dumps({"trainMs": train_ms, "auc": auc, "sklearn": sklearn.__version__}))


def split(n, seed):
    perm = np.random.RandomState(seed).permutation(n)
    cut = int(round(n * 0.8))
    return np.sort(perm[:cut]), np.sort(perm[cut:])


def metric_case(y, p):
    y = np.asarray(y, dtype=int)
    p = np.asarray(p, dtype=float)
    prob_true, prob_pred = calibration_curve(y, p, n_bins=10, strategy="uniform")
    confusions = []
    for t in (0.5, 0.3):
        labels = (p >= t).astype(int)
        tn, fp, fn, tp = confusion_matrix(y, labels, labels=[0, 1]).ravel()
        confusions.append({"threshold": t, "tp": int(tp), "fp": int(fp), "tn": int(tn), "fn": int(fn),
                           "precision": precision_score(y, labels, zero_division=0),
                           "recall": recall_score(y, labels, zero_division=0),
                           "f1": f1_score(y, labels, zero_division=0), "accuracy": accuracy_score(y, labels)})
    return {"y": y.tolist(), "p": p.tolist(), "rocAuc": roc_auc_score(y, p), "averagePrecision": average_precision_score(y, p),
            "logLoss": log_loss(y, p), "brier": brier_score_loss(y, p),
            "calibration": {"bins": 10, "observedRate": prob_true.tolist(), "meanPredicted": prob_pred.tolist()},
            "confusion": confusions}


def main():
    # Classification: 5 informative, 2 redundant, 3 pure-noise columns in this order (shuffle=False).
    xc, yc = make_classification(n_samples=4000, n_features=10, n_informative=5, n_redundant=2, flip_y=0.05,
                                 shuffle=False, random_state=0)
    xc = np.round(xc, 6)
    tr, te = split(len(yc), 1)
    logit = LogisticRegression(C=1.0, tol=1e-10, max_iter=10000).fit(xc[tr], yc[tr])
    p_logit = logit.predict_proba(xc[te])[:, 1]
    rf = RandomForestClassifier(n_estimators=100, random_state=0).fit(xc[tr], yc[tr])
    p_rf = rf.predict_proba(xc[te])[:, 1]
    gb = GradientBoostingClassifier(n_estimators=100, learning_rate=0.1, max_depth=3, random_state=0).fit(xc[tr], yc[tr])
    p_gb = gb.predict_proba(xc[te])[:, 1]

    # Regression: Friedman #1 (5 informative of 10 features), noise sd 1.
    xr, yr = make_friedman1(n_samples=2000, n_features=10, noise=1.0, random_state=0)
    xr = np.round(xr, 6)
    yr = np.round(yr, 6)
    rtr, rte = split(len(yr), 2)
    ridge = Ridge(alpha=1.0).fit(xr[rtr], yr[rtr])
    p_ridge = ridge.predict(xr[rte])
    rfr = RandomForestRegressor(n_estimators=100, random_state=0).fit(xr[rtr], yr[rtr])
    gbr = GradientBoostingRegressor(n_estimators=100, learning_rate=0.1, max_depth=3, random_state=0).fit(xr[rtr], yr[rtr])

    # Metrics on given predictions: the logistic test probabilities (continuous), and a tied case:
    # RF probabilities rounded to 1 decimal (many ties, exact 0/1, values on bin edges and thresholds).
    tied = np.round(p_rf, 1)
    fixture = {
        "source": "bench/reference/supervised_reference.py",
        "versions": {"sklearn": sklearn.__version__, "numpy": np.__version__, "python": sys.version.split()[0]},
        "classification": {
            "x": xc.tolist(), "y": yc.tolist(), "train": tr.tolist(), "test": te.tolist(),
            "informative": [0, 1, 2, 3, 4], "noise": [7, 8, 9],
            "logistic": {"C": 1.0, "coefficients": logit.coef_[0].tolist(), "intercept": float(logit.intercept_[0]),
                         "testRocAuc": roc_auc_score(yc[te], p_logit)},
            "forest": {"params": "RandomForestClassifier(n_estimators=100, random_state=0)",
                       "testRocAuc": roc_auc_score(yc[te], p_rf), "testAveragePrecision": average_precision_score(yc[te], p_rf),
                       "testLogLoss": log_loss(yc[te], p_rf), "testBrier": brier_score_loss(yc[te], p_rf),
                       "importances": rf.feature_importances_.tolist()},
            "gbt": {"params": "GradientBoostingClassifier(n_estimators=100, learning_rate=0.1, max_depth=3, random_state=0)",
                    "testRocAuc": roc_auc_score(yc[te], p_gb)},
        },
        "regression": {
            "x": xr.tolist(), "y": yr.tolist(), "train": rtr.tolist(), "test": rte.tolist(),
            "ridge": {"alpha": 1.0, "coefficients": ridge.coef_.tolist(), "intercept": float(ridge.intercept_),
                      "testR2": r2_score(yr[rte], p_ridge), "testRmse": mean_squared_error(yr[rte], p_ridge) ** 0.5,
                      "testMae": mean_absolute_error(yr[rte], p_ridge), "testPredictions": p_ridge.tolist()},
            "forest": {"params": "RandomForestRegressor(n_estimators=100, random_state=0)", "testR2": r2_score(yr[rte], rfr.predict(xr[rte]))},
            "gbt": {"params": "GradientBoostingRegressor(n_estimators=100, learning_rate=0.1, max_depth=3, random_state=0)",
                    "testR2": r2_score(yr[rte], gbr.predict(xr[rte]))},
        },
        "metricCases": {"continuous": metric_case(yc[te], p_logit), "ties": metric_case(yc[te], tied)},
    }
    with open(OUT, "w") as f:
        json.dump(fixture, f, separators=(",", ":"))
    print(f"wrote {OUT} ({os.path.getsize(OUT)} bytes)")
    print(json.dumps({k: v for k, v in fixture["classification"].items() if k in ("logistic", "forest", "gbt")}, indent=1)[:1500])
    print(json.dumps({k: v.get("testR2") for k, v in fixture["regression"].items() if isinstance(v, dict)}))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--forest-bench":
        forest_bench(sys.argv[2])
    else:
        main()
