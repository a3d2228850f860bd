#!/usr/bin/python3
"""scikit-learn on the same holdout split as `tailor predict train --csv … --export-split FILE`.

Dev-only reference (Debian's python3-sklearn; never a runtime dependency). Reads the data file and
the ids of the holdout rows Tailor wrote, trains the same kind of model on the other rows with the
same preprocessing policy (median imputation plus a missing indicator, standard scaling, one-hot
categories with a missing level), and prints the holdout ROC-AUC as JSON, so that Tailor's
`metrics.holdout.rocAuc` can be compared on identical rows.

usage: csv_model_reference.py --csv FILE --target COL --id-column COL --split FILE --algo logistic|forest|gbt [--trees N]
"""
import argparse, json, time
import numpy as np
import pandas as pd
import sklearn
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import GradientBoostingClassifier, RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
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
    ap.add_argument('--algo', default='gbt')
    ap.add_argument('--trees', type=int, default=100)
    a = ap.parse_args()
    df = pd.read_csv(a.csv, dtype={a.id_column: str})
    label = df[a.target].astype(str).str.strip().str.lower()
    keep = label.isin(POSITIVE | NEGATIVE)
    df, y = df[keep], label[keep].isin(POSITIVE).astype(int).to_numpy()
    test_ids = set(pd.read_csv(a.split, dtype=str).iloc[:, 0])
    is_test = df[a.id_column].isin(test_ids).to_numpy()
    X = df.drop(columns=[a.target, a.id_column])
    numeric = [c for c in X.columns if pd.api.types.is_numeric_dtype(X[c])]
    categorical = [c for c in X.columns if c not in numeric]
    X[categorical] = X[categorical].fillna('(missing)').astype(str)
    pre = ColumnTransformer([
        ('num', make_pipeline(SimpleImputer(strategy='median', add_indicator=True), StandardScaler()), numeric),
        ('cat', OneHotEncoder(handle_unknown='ignore'), categorical),
    ])
    model = {
        'logistic': LogisticRegression(C=1.0, max_iter=1000),
        'forest': RandomForestClassifier(n_estimators=a.trees, random_state=0, n_jobs=1),
        'gbt': GradientBoostingClassifier(n_estimators=a.trees, learning_rate=0.1, max_depth=3, random_state=0),
    }[a.algo]
    pipe = make_pipeline(pre, model)
    t0 = time.perf_counter()
    pipe.fit(X[~is_test], y[~is_test])
    ms = (time.perf_counter() - t0) * 1000
    p = pipe.predict_proba(X[is_test])[:, 1]
    print(json.dumps({'sklearn': sklearn.__version__, 'algo': a.algo, 'train': int((~is_test).sum()), 'test': int(is_test.sum()),
                      'rocAuc': roc_auc_score(y[is_test], p), 'trainMs': ms}))

if __name__ == '__main__':
    main()
