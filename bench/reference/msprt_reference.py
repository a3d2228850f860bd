#!/usr/bin/python3
"""Reference values for Tailor's always-valid test (src/core/experiments/sequential.ts and
mixing-scale.ts), computed independently of its closed form. Dev-only: run with Debian's python3
(apt-get install python3-scipy python3-statsmodels):

    /usr/bin/python3 bench/reference/msprt_reference.py > test/experiments/msprt-reference.json

- The mixture likelihood ratio is integrated numerically (scipy.integrate.quad) from its
  definition: the likelihood of the observed difference under a true difference theta, over its
  likelihood under no difference, averaged over theta ~ N(0, tau^2 sigma^2).
- The recipients per arm at which the ratio reaches a threshold, if the difference holds, come from
  scipy.optimize.brentq on that integral.
- The mixing scale derived from a plan is statsmodels' proportion_effectsize (Cohen's h), and the
  plan's n per arm NormalIndPower().solve_power, rounded up.
The test (src/core/experiments/msprt-reference.test.ts) requires agreement to a relative 1e-6.
"""
import json
import math

import numpy as np
import scipy
import statsmodels
from scipy import integrate, optimize, stats
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import proportion_effectsize, proportions_ztest

ALPHA = 0.05


def log_ratio_quad(diff, sigma2, na, nb, tau):
    """ln of the integral over theta of N(diff; theta, V) / N(diff; 0, V) * N(theta; 0, tau^2 sigma^2)."""
    v = sigma2 * (1 / na + 1 / nb)
    sd_v = math.sqrt(v)
    sd_t = tau * math.sqrt(sigma2)
    # The integrand peaks at the posterior mean of theta; integrate around it in its own scale,
    # with the log-likelihood ratio subtracted at the peak so that large ratios do not overflow.
    post_var = 1 / (1 / v + 1 / sd_t ** 2)
    centre = post_var * diff / v
    def log_f(theta):
        return stats.norm.logpdf(diff, theta, sd_v) - stats.norm.logpdf(diff, 0, sd_v) + stats.norm.logpdf(theta, 0, sd_t)
    peak = log_f(centre)
    width = math.sqrt(post_var)
    val, _ = integrate.quad(lambda t: math.exp(log_f(t) - peak), centre - 40 * width, centre + 40 * width,
                            points=[centre], epsabs=0, epsrel=1e-12, limit=400)
    return peak + math.log(val)


def rate_evidence(xa, na, xb, nb):
    p = (xa + xb) / (na + nb)
    return (xb / nb - xa / na, p * (1 - p), na, nb)


def mean_evidence(a, b):
    # (mean, sd, n) each; the pooled sample variance
    (ma, sa, na), (mb, sb, nb) = a, b
    return (mb - ma, ((na - 1) * sa ** 2 + (nb - 1) * sb ** 2) / (na + nb - 2), na, nb)


def per_arm_for_decision(e, tau, threshold):
    diff, sigma2, na, nb = e
    target = math.log(threshold)
    f = lambda s: log_ratio_quad(diff, sigma2, na * s, nb * s, tau) - target
    if f(1) >= 0:
        return (na + nb) / 2
    hi = 2.0
    while f(hi) < 0:
        hi *= 2
    s = optimize.brentq(f, hi / 2 if hi > 2 else 1.0, hi, xtol=1e-14, rtol=1e-13)
    return s * (na + nb) / 2


# The issue's example (about 110 per arm, 6.5% against 33.9%), and everyday cases.
RATE_CASES = [  # (control clicks, n, variant clicks, n, tau)
    (7, 108, 39, 115, 0.05), (430, 10000, 512, 10000, 0.05), (430, 10000, 512, 10000, 0.3),
    (12, 250, 19, 260, 0.02), (2203, 20050, 2410, 19870, 0.064), (87, 1000, 87, 1000, 0.05),
]
MEAN_CASES = [  # ((mean, sd, n) control, variant, tau)
    ((2.10, 11.5, 10000), (2.45, 12.9, 10000), 0.05), ((0.5, 4.0, 300), (1.2, 9.5, 280), 0.15),
]
# (baseline, absolute mde, power, arms) plans, with alpha = ALPHA split over arms - 1 comparisons
PLANS = [(0.065, 0.2, 0.8, 2), (0.065, 0.065, 0.8, 2), (0.05, 0.01, 0.8, 2), (0.1, 0.02, 0.9, 3), (0.3, 0.03, 0.8, 2)]
# (control clicks, n, variant clicks, n, tau, comparisons) for the decision estimate
DECISION_CASES = [(7, 108, 39, 115, 0.05, 1), (430, 10000, 512, 10000, 0.05, 1), (430, 10000, 480, 10000, 0.064, 1),
                  (12, 250, 19, 260, 0.05, 3), (100, 2000, 125, 2100, 0.1, 2)]

ref = {
    'source': f'scipy {scipy.__version__}, statsmodels {statsmodels.__version__}, numpy {np.__version__}: '
              'bench/reference/msprt_reference.py (quad over the normal mixture; brentq; proportion_effectsize, NormalIndPower)',
    'alpha': ALPHA,
    'rates': [], 'means': [], 'plans': [], 'decisions': [],
}
for xa, na, xb, nb, tau in RATE_CASES:
    ref['rates'].append({'in': [xa, na, xb, nb, tau], 'logRatio': log_ratio_quad(*rate_evidence(xa, na, xb, nb), tau)})
for a, b, tau in MEAN_CASES:
    ref['means'].append({'in': [list(a), list(b), tau], 'logRatio': log_ratio_quad(*mean_evidence(a, b), tau)})
for baseline, mde, power, arms in PLANS:
    h = proportion_effectsize(baseline + mde, baseline)
    n = NormalIndPower().solve_power(effect_size=h, alpha=ALPHA / (arms - 1), power=power, ratio=1, alternative='two-sided')
    ref['plans'].append({'in': [baseline, mde, power, arms], 'tau': abs(h), 'nPerArm': math.ceil(n)})
for xa, na, xb, nb, tau, k in DECISION_CASES:
    ref['decisions'].append({'in': [xa, na, xb, nb, tau, k], 'perArm': per_arm_for_decision(rate_evidence(xa, na, xb, nb), tau, k / ALPHA)})

# The issue: 7 of 108 (6.5%) against 39 of 115 (33.9%), always-valid p under the old fixed
# tau = 0.05 and under the tau of plans of about that size (6.5% -> 26.5%, and -> 13%).
ISSUE = (7, 108, 39, 115)
z, p_fixed = proportions_ztest([ISSUE[2], ISSUE[0]], [ISSUE[3], ISSUE[1]])
issue = {'in': list(ISSUE), 'fixedP': p_fixed, 'default': {'tau': 0.05}, 'plans': []}
issue['default']['p'] = min(1.0, math.exp(-log_ratio_quad(*rate_evidence(*ISSUE), 0.05)))
for baseline, mde in [(0.065, 0.2), (0.065, 0.065)]:
    tau = abs(proportion_effectsize(baseline + mde, baseline))
    issue['plans'].append({'in': [baseline, mde], 'tau': tau, 'p': min(1.0, math.exp(-log_ratio_quad(*rate_evidence(*ISSUE), tau)))})
ref['issue'] = issue

print(json.dumps(ref, indent=1))
