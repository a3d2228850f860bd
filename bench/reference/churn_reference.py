#!/usr/bin/python3
"""scikit-learn's churn models, with their default settings, on a holdout split Tailor chose.

Dev-only reference (Debian's python3-sklearn; never a runtime dependency), for the churn goal of
issue 18 part 5 ("the best Tailor model >= scikit-learn's best ROC-AUC on a stratified 80/20 split")
and for choosing the forest's defaults by log-loss. Reads a data file with a yes/no label column and
the ids of the holdout rows, fits LogisticRegression, RandomForestClassifier (as given, and with
min_samples_leaf 5) and GradientBoostingClassifier on the other rows with the preprocessing of
csv_model_reference.py (median imputation plus indicator, standard scaling, one-hot categories;
cells that are empty or only whitespace are missing), and prints one JSON line per model:
{"model", "rocAuc", "logLoss", "brier", "trainMs"}.

usage: churn_reference.py --csv FILE --target COL --id-column COL --split FILE [--trees 100]
"""
import argparse
import json
import time

import numpy as np
import pandas as pd
import sklearn
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import GradientBoostingClassifier, RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, log_loss, roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

POSITIVE = {'1', 'true', 'yes', 'y', 'churned'}
NEGATIVE = {'0', 'false', 'no', 'n', 'active'}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--csv', required=True)
    ap.add_argument('--target', required=True)
    ap.add_argument('--id-column', required=True)
    ap.add_argument('--split', required=True)
    ap.add_argument('--trees', type=int, default=100)
    a = ap.parse_args()
    df = pd.read_csv(a.csv, dtype=str, keep_default_na=False)
    label = df[a.target].str.strip().str.lower()
    keep = label.isin(POSITIVE | NEGATIVE)
    df, y = df[keep], label[keep].isin(POSITIVE).astype(int).to_numpy()
    test_ids = set(pd.read_csv(a.split, dtype=str).iloc[:, 0])
    is_test = df[a.id_column].isin(test_ids).to_numpy()
    X = df.drop(columns=[a.target, a.id_column]).apply(lambda c: c.str.strip()).replace('', np.nan)
    numeric = []
    for c in X.columns:
        v = pd.to_numeric(X[c], errors='coerce')
        if v.notna().sum() == X[c].notna().sum():
            X[c] = v
            numeric.append(c)
    categorical = [c for c in X.columns if c not in numeric]
    X[categorical] = X[categorical].fillna('(missing)')
    pre = ColumnTransformer([
        ('num', make_pipeline(SimpleImputer(strategy='median', add_indicator=True), StandardScaler()), numeric),
        ('cat', OneHotEncoder(handle_unknown='ignore'), categorical),
    ])
    models = {
        'logistic': LogisticRegression(C=1.0, max_iter=1000),
        'forest': RandomForestClassifier(n_estimators=a.trees, random_state=0, n_jobs=1),
        'forest min_samples_leaf=5': RandomForestClassifier(n_estimators=a.trees, min_samples_leaf=5, random_state=0, n_jobs=1),
        'gbt': GradientBoostingClassifier(n_estimators=a.trees, learning_rate=0.1, max_depth=3, random_state=0),
    }
    for name, model in models.items():
        pipe = make_pipeline(pre, model)
        t0 = time.perf_counter()
        pipe.fit(X[~is_test], y[~is_test])
        ms = (time.perf_counter() - t0) * 1000
        p = pipe.predict_proba(X[is_test])[:, 1]
        print(json.dumps({'sklearn': sklearn.__version__, 'model': name, 'train': int((~is_test).sum()), 'test': int(is_test.sum()),
                          'rocAuc': roc_auc_score(y[is_test], p), 'logLoss': log_loss(y[is_test], p),
                          'brier': brier_score_loss(y[is_test], p), 'trainMs': ms}))


if __name__ == '__main__':
    main()
