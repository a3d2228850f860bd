#!/usr/bin/env python3
"""
Reference values for send-time optimisation's prior fit (src/core/sto/dirichlet-fit.ts).

Dev-only: run with Debian's python3-scipy (`apt-get install -y python3-scipy`), never at runtime.
It draws a fixed synthetic data set (numpy seed 20261207) of per-profile counts over 48 bins from a
Dirichlet-multinomial with a known mean and precision, then finds the precision alpha that
maximises the Dirichlet-multinomial marginal likelihood with the mean held fixed, by
scipy.optimize.minimize_scalar on log(alpha) (an independent method from the code's Minka
fixed-point iteration). The counts, the mean and the optimum go to
test/fixtures/sto-dirichlet-reference.json.

  /usr/bin/python3 bench/sto-reference.py
"""
import json
import os

import numpy as np
import scipy
from scipy.optimize import minimize_scalar
from scipy.special import gammaln

BINS = 48


def log_marginal(alpha, counts, mean):
    n = counts.sum(axis=1)
    a = alpha * mean
    return float(np.sum(gammaln(alpha) - gammaln(n + alpha)) + np.sum(gammaln(counts + a) - gammaln(a)))


def fit(counts, mean):
    r = minimize_scalar(lambda x: -log_marginal(np.exp(x), counts, mean), bounds=(-10, 12), method='bounded',
                        options={'xatol': 1e-10})
    return float(np.exp(r.x)), -float(r.fun)


def case(rng, name, profiles, true_alpha, mean, n_lo, n_hi):
    counts = []
    for _ in range(profiles):
        p = rng.dirichlet(true_alpha * mean)
        n = int(rng.integers(n_lo, n_hi + 1))
        counts.append(rng.multinomial(n, p))
    counts = np.array(counts, dtype=float)
    alpha, ll = fit(counts, mean)
    return {
        'name': name, 'trueAlpha': true_alpha, 'mean': mean.tolist(), 'counts': counts.astype(int).tolist(),
        'alpha': alpha, 'logMarginal': ll,
        'logMarginalAt': [{'alpha': x, 'value': log_marginal(x, counts, mean)} for x in (1.0, 10.0, 100.0)],
    }


def main():
    rng = np.random.default_rng(20261207)
    hours = np.arange(BINS) % 24
    # Evenings and mornings peak: a smooth, strictly positive mean over the 48 bins.
    peaked = 1.0 + 2.0 * np.exp(-((hours - 20) ** 2) / 8.0) + 1.5 * np.exp(-((hours - 8) ** 2) / 4.0)
    peaked[24:] *= 0.4
    peaked /= peaked.sum()
    uniform = np.full(BINS, 1.0 / BINS)
    out = {
        'source': f'scipy {scipy.__version__}, numpy {np.__version__}: bench/sto-reference.py '
                  '(minimize_scalar of the Dirichlet-multinomial log marginal likelihood, mean fixed)',
        'bins': BINS,
        'cases': [
            case(rng, 'sparse habits (2-12 events, alpha 8)', 300, 8.0, peaked, 2, 12),
            case(rng, 'rich habits (20-60 events, alpha 40)', 200, 40.0, peaked, 20, 60),
            case(rng, 'uniform mean, strong prior (alpha 200)', 150, 200.0, uniform, 5, 30),
        ],
    }
    path = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures', 'sto-dirichlet-reference.json')
    with open(path, 'w') as f:
        json.dump(out, f)
        f.write('\n')
    for c in out['cases']:
        print(f"{c['name']}: alpha {c['alpha']:.6f} (true {c['trueAlpha']}), log marginal {c['logMarginal']:.6f}")


if __name__ == '__main__':
    main()
