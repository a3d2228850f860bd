#!/usr/bin/python3
"""A churn table shaped like IBM's Telco file, and scikit-learn's logistic AUC on it (issue 18, part 5).

Telco's TotalCharges holds a single space in the 11 rows of customers with tenure 0. A tool that
reads " " as a value sees a text column and one-hot encodes it; the right reading is a number with
11 missing cells. This script writes a synthetic table of our own with that shape (seeded, so it is
the same on every run) and the ROC-AUC of scikit-learn's LogisticRegression(C=1) trained on it with
Tailor's preprocessing policy (src/core/ml/feature-matrix.ts), so that the test
test/ml/blank-numeric-cells.test.ts can require Tailor's logistic model to reach the same AUC.

Policy mirrored here, column by column:
- a cell that is empty or only whitespace is missing; a column whose other cells all parse as
  numbers is numeric;
- numeric: log1p when every value is >= 0 and the (biased) sample skewness is above 1; the training
  median fills missing cells, followed by a 0/1 indicator column (not scaled) when any training
  cell was missing; then standard scaling (population sd) of the filled column;
- text: one-hot over the training levels.

Split: rows whose 0-based index is a multiple of 5 are the test rows, the rest train.

Run from the repository root with Debian's python (python3-sklearn, numpy, scipy; nothing from pip):

    /usr/bin/python3 bench/reference/blank_numeric_reference.py

writes test/fixtures/blank-numeric-churn.csv and test/fixtures/blank-numeric-reference.json.
"""

import csv
import io
import json
import os

import numpy as np
import scipy
import sklearn
from scipy.stats import skew
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CSV = os.path.join(ROOT, 'test', 'fixtures', 'blank-numeric-churn.csv')
OUT = os.path.join(ROOT, 'test', 'fixtures', 'blank-numeric-reference.json')
N = 600
FEATURES = ['tenure', 'monthly_charges', 'total_charges', 'contract']


def make_rows():
    rng = np.random.default_rng(20261207)
    rows = []
    for i in range(N):
        contract = rng.choice(['Month-to-month', 'One year', 'Two year'], p=[0.55, 0.25, 0.2])
        # About 2% new customers with tenure 0, whose total is a blank cell, as in Telco.
        tenure = 0 if rng.random() < 0.02 else int(rng.integers(1, 73))
        monthly = round(float(rng.uniform(18, 118)), 2)
        total = ' ' if tenure == 0 else f'{round(tenure * monthly * float(rng.uniform(0.9, 1.1)), 2):.2f}'
        z = 0.8 - 0.05 * tenure + 0.02 * (monthly - 65) - {'Month-to-month': 0, 'One year': 1.2, 'Two year': 2.2}[contract]
        churn = 'Yes' if rng.random() < 1 / (1 + np.exp(-z)) else 'No'
        rows.append({'customer_id': f'C{i + 1:04d}', 'tenure': str(tenure), 'monthly_charges': f'{monthly:.2f}',
                     'total_charges': total, 'contract': str(contract), 'churn': churn})
    return rows


def missing(v):
    return v.strip() == ''


def is_number(v):
    try:
        return np.isfinite(float(v))
    except ValueError:
        return False


def design(train, test):
    """The matrices for train and test rows, fitted on train only."""
    tr_cols, te_cols = [], []
    for name in FEATURES:
        present = [r[name] for r in train if not missing(r[name])]
        if present and all(is_number(v) for v in present):
            xs = np.array([float(v) for v in present])
            log = bool(np.all(xs >= 0) and len(xs) >= 3 and skew(xs) > 1)
            f = (lambda v: np.log1p(max(v, 0.0))) if log else (lambda v: v)

            def raw(rows):
                return [None if missing(r[name]) else float(r[name]) for r in rows]
            tr_raw, te_raw = raw(train), raw(test)
            med = float(np.median([f(v) for v in tr_raw if v is not None]))
            tr = np.array([med if v is None else f(v) for v in tr_raw])
            mean, sd = tr.mean(), tr.std()
            sd = sd if sd > 0 else 1.0
            te = np.array([med if v is None else f(v) for v in te_raw])
            tr_cols.append((tr - mean) / sd)
            te_cols.append((te - mean) / sd)
            if any(v is None for v in tr_raw):
                tr_cols.append(np.array([1.0 if v is None else 0.0 for v in tr_raw]))
                te_cols.append(np.array([1.0 if v is None else 0.0 for v in te_raw]))
        else:
            levels = sorted({'(missing)' if missing(r[name]) else r[name] for r in train})
            for lv in levels:
                for rows, cols in ((train, tr_cols), (test, te_cols)):
                    cols.append(np.array([1.0 if ('(missing)' if missing(r[name]) else r[name]) == lv else 0.0 for r in rows]))
    return np.column_stack(tr_cols), np.column_stack(te_cols)


def main():
    rows = make_rows()
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(rows[0].keys()), lineterminator='\n')
    w.writeheader()
    w.writerows(rows)
    with open(CSV, 'w', newline='') as fh:
        fh.write(buf.getvalue())
    test = [r for i, r in enumerate(rows) if i % 5 == 0]
    train = [r for i, r in enumerate(rows) if i % 5 != 0]
    xtr, xte = design(train, test)
    ytr = np.array([1 if r['churn'] == 'Yes' else 0 for r in train])
    yte = np.array([1 if r['churn'] == 'Yes' else 0 for r in test])
    model = LogisticRegression(C=1.0, tol=1e-10, max_iter=10000).fit(xtr, ytr)
    p = model.predict_proba(xte)[:, 1]
    out = {
        'source': 'bench/reference/blank_numeric_reference.py: scikit-learn LogisticRegression(C=1, tol=1e-10) '
                  'on test/fixtures/blank-numeric-churn.csv (synthetic, seeded), Tailor preprocessing policy mirrored',
        'versions': {'sklearn': sklearn.__version__, 'numpy': np.__version__, 'scipy': scipy.__version__},
        'split': 'test = rows with 0-based index % 5 == 0',
        'rows': N,
        'blankTotalCharges': sum(1 for r in rows if missing(r['total_charges'])),
        'features': int(xtr.shape[1]),
        'testRows': len(test),
        'testRocAuc': float(roc_auc_score(yte, p)),
        'testProbabilities': [round(float(v), 12) for v in p[:10]],
    }
    with open(OUT, 'w') as fh:
        json.dump(out, fh, indent=2)
        fh.write('\n')
    print(json.dumps({k: out[k] for k in ('blankTotalCharges', 'features', 'testRocAuc')}))


if __name__ == '__main__':
    main()
