#!/usr/bin/python3
"""Reference values for Tailor's experiment statistics (src/core/experiments), from scipy and
statsmodels. Dev-only: run with Debian's python3 (apt-get install python3-scipy python3-statsmodels):

    /usr/bin/python3 bench/reference/experiment_stats_reference.py > test/fixtures/experiment-stats-reference.json

The inputs are fixed here; the test (src/core/experiments/reference.test.ts) feeds the same inputs to
Tailor and requires every value to agree to a relative 1e-6.
"""
import json
import re
import sys

import numpy as np
import scipy
import statsmodels
from scipy import integrate, stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import (confint_proportions_2indep, proportion_confint,
                                          proportion_effectsize, proportions_ztest)

ALPHA = 0.05
# (control successes, control n, variant successes, variant n)
PAIRS = [(430, 10000, 512, 10000), (12, 250, 19, 260), (5000, 100000, 5150, 100000),
         (1, 40, 0, 38), (87, 1000, 87, 1000), (2203, 20050, 2410, 19870), (3, 9, 8, 11)]
WILSON = [(0, 10), (1, 10), (10, 10), (512, 10000), (7, 1500), (999, 1000), (123456, 1000000)]
CHI2 = [[(430, 10000), (512, 10000)], [(430, 10000), (512, 10000), (470, 9800)],
        [(12, 250), (19, 260), (25, 240), (16, 255)], [(2203, 20050), (2410, 19870), (2301, 20011)]]
# (mean, sd, n) control, variant
WELCH = [((2.10, 11.5, 10000), (2.45, 12.9, 10000)), ((0.5, 4.0, 300), (1.2, 9.5, 280)),
         ((15.0, 3.0, 20), (17.5, 6.0, 25)), ((3.31, 20.2, 50000), (3.29, 19.7, 49000))]
HOLM = [[0.01, 0.04, 0.03], [0.2, 0.001, 0.04, 0.049], [0.5], [0.012, 0.012, 0.3, 1.0, 0.0001]]
# (baseline, absolute mde, power, alpha)
POWER_RATES = [(0.2, 0.02, 0.8, 0.05), (0.05, 0.005, 0.9, 0.05), (0.5, 0.1, 0.8, 0.01), (0.02, 0.004, 0.8, 0.025)]
# (mde, sd, power, alpha)
POWER_MEANS = [(0.5, 12.0, 0.8, 0.05), (1.0, 3.0, 0.9, 0.01)]
PRIOR = (1.0, 1.0)
PBEST = [[(430, 10000), (512, 10000)], [(12, 250), (19, 260), (25, 240)], [(87, 1000), (87, 1000)],
         [(2203, 20050), (2410, 19870), (2301, 20011), (2390, 19990)]]


def welch_reference(c, v):
    (m1, s1, n1), (m2, s2, n2) = c, v
    t, p = stats.ttest_ind_from_stats(m2, s2, n2, m1, s1, n1, equal_var=False)
    va, vb = s1 ** 2 / n1, s2 ** 2 / n2
    dof = (va + vb) ** 2 / (va ** 2 / (n1 - 1) + vb ** 2 / (n2 - 1))
    q = stats.t.ppf(1 - ALPHA / 2, dof)
    diff = m2 - m1
    se = np.sqrt(va + vb)
    return {'t': t, 'p': p, 'dof': dof, 'ci': [diff - q * se, diff + q * se]}


def revenue_sample(seed, n, rate, scale):
    rng = np.random.default_rng(seed)
    buys = rng.random(n) < rate
    return np.where(buys, np.round(rng.lognormal(np.log(scale), 0.8, n), 2), 0.0)


def p_best(arms):
    posts = [stats.beta(PRIOR[0] + s, PRIOR[1] + n - s) for s, n in arms]
    out = []
    for i, post in enumerate(posts):
        lo, hi = post.ppf(1e-15), post.isf(1e-15)
        def f(x, i=i, post=post):
            return post.pdf(x) * np.prod([q.cdf(x) for j, q in enumerate(posts) if j != i])
        points = sorted({min(max(q.mean(), lo), hi) for q in posts})
        out.append(integrate.quad(f, lo, hi, points=points, limit=1000, epsabs=1e-13, epsrel=1e-12)[0])
    return out


def main():
    ref = {'source': f'scipy {scipy.__version__}, statsmodels {statsmodels.__version__}, numpy {np.__version__}: '
                     'bench/reference/experiment_stats_reference.py', 'alpha': ALPHA}
    ref['wilson'] = [{'in': [x, n], 'ci': list(proportion_confint(x, n, alpha=ALPHA, method='wilson'))} for x, n in WILSON]
    pairs = []
    for xa, na, xb, nb in PAIRS:
        z, p = proportions_ztest([xb, xa], [nb, na])
        row = {'in': [xa, na, xb, nb], 'z': z, 'p': p,
               'diffCi': list(confint_proportions_2indep(xb, nb, xa, na, compare='diff', method='wald', alpha=ALPHA))}
        if xa > 0 and xb > 0:
            lo, hi = confint_proportions_2indep(xb, nb, xa, na, compare='ratio', method='log', alpha=ALPHA)
            row['liftCi'] = [lo - 1, hi - 1]
        pairs.append(row)
    ref['pairs'] = pairs
    ref['chi2'] = []
    for arms in CHI2:
        table = np.array([[s, n - s] for s, n in arms])
        stat, p, dof, _ = stats.chi2_contingency(table, correction=False)
        ref['chi2'].append({'in': arms, 'statistic': stat, 'p': p, 'dof': dof})
    ref['welch'] = [{'in': [c, v], **welch_reference(c, v)} for c, v in WELCH]
    # Welch on raw per-recipient revenue (mostly zeros), and the delta-method lift of the means.
    a, b = revenue_sample(1, 3000, 0.04, 60.0), revenue_sample(2, 3100, 0.05, 60.0)
    t, p = stats.ttest_ind(b, a, equal_var=False)
    ma, mb = a.mean(), b.mean()
    se_log = np.sqrt(a.var(ddof=1) / (len(a) * ma ** 2) + b.var(ddof=1) / (len(b) * mb ** 2))
    z = stats.norm.ppf(1 - ALPHA / 2)
    ref['welchRaw'] = {'a': a.tolist(), 'b': b.tolist(), 't': t, 'p': p,
                       'lift': mb / ma - 1, 'liftCi': [mb / ma * np.exp(-z * se_log) - 1, mb / ma * np.exp(z * se_log) - 1]}
    ref['holm'] = [{'in': ps, 'adjusted': multipletests(ps, alpha=ALPHA, method='holm')[1].tolist()} for ps in HOLM]
    ref['powerRates'] = []
    for base, mde, power, alpha in POWER_RATES:
        es = proportion_effectsize(base + mde, base)
        n = NormalIndPower().solve_power(effect_size=es, alpha=alpha, power=power, ratio=1, alternative='two-sided')
        ref['powerRates'].append({'in': [base, mde, power, alpha], 'effectSize': es, 'nPerArm': n,
                                  'powerAt1000': NormalIndPower().power(es, 1000, alpha, ratio=1, alternative='two-sided')})
    ref['powerMeans'] = []
    for mde, sd, power, alpha in POWER_MEANS:
        n = NormalIndPower().solve_power(effect_size=mde / sd, alpha=alpha, power=power, ratio=1, alternative='two-sided')
        ref['powerMeans'].append({'in': [mde, sd, power, alpha], 'nPerArm': n})
    ref['pBest'] = [{'in': arms, 'prior': list(PRIOR), 'pBest': p_best(arms)} for arms in PBEST]
    text = json.dumps(ref, indent=1, default=float)
    # Arrays of numbers on one line each: the raw revenue samples would otherwise take 6,000 lines.
    text = re.sub(r'\[[-+\d.eE,\s]*\]', lambda m: re.sub(r'\s+', '', m.group(0)).replace(',', ', '), text)
    sys.stdout.write(text + '\n')


if __name__ == '__main__':
    main()
