#!/usr/bin/python3
"""Reference values for the CLV models (src/core/ml/clv/), independent of Tailor.

Uses scipy's special functions (gammaln, hyp2f1, log-sum-exp) to evaluate, on a fixed grid:
- ln Gamma and 2F1 over the argument range the models use;
- BG/NBD (Fader, Hardie & Lee 2005) per-customer log-likelihood, P(alive), conditional expected
  purchases in (T, T+t] and E[X(t)], at the published CDNOW parameters;
- Pareto/NBD (Fader & Hardie 2005 note, 2F1 form) per-customer log-likelihood and P(alive);
- Gamma-Gamma (Fader & Hardie 2013) per-customer log-density of zbar and conditional mean.
The formulas are written out here from the papers, on purpose separately from the TypeScript.
Writes test/fixtures/clv-reference.json, which test/clv/reference.test.ts compares with.

Run from the repository root (Debian's python3-scipy; nothing from pip):

    /usr/bin/python3 bench/reference/clv_reference.py
"""
import json
import numpy as np
import scipy
from scipy.special import gammaln, hyp2f1, betaln

BG = dict(r=0.243, alpha=4.414, a=0.793, b=2.426)
PN = dict(r=0.553, alpha=10.578, s=0.606, beta=11.669)
GG = dict(p=6.25, q=3.74, gamma=15.44)

# Customers (x, t_x, T): repeat and non-repeat, recent and lapsed, light and heavy.
CUSTOMERS = [(0, 0.0, 38.86), (0, 0.0, 5.0), (1, 1.71, 38.86), (2, 30.43, 38.86), (3, 10.0, 32.0),
             (7, 36.0, 38.0), (15, 37.5, 38.86), (40, 35.0, 38.0), (5, 2.0, 30.0), (1, 30.0, 31.0)]
HORIZONS = [1.0, 10.0, 39.0, 52.0, 104.0]


def bg_ll(x, tx, T, r, alpha, a, b):
    head = gammaln(r + x) - gammaln(r) + r * np.log(alpha) + betaln(a, b + x) - betaln(a, b)
    t1 = -(r + x) * np.log(alpha + T)
    if x == 0:
        return head + t1
    t2 = np.log(a) - np.log(b + x - 1) - (r + x) * np.log(alpha + tx)
    return head + np.logaddexp(t1, t2)


def bg_palive(x, tx, T, r, alpha, a, b):
    if x == 0:
        return 1.0
    return 1.0 / (1.0 + a / (b + x - 1) * ((alpha + T) / (alpha + tx)) ** (r + x))


def bg_cond(t, x, tx, T, r, alpha, a, b):
    z = t / (alpha + T + t)
    f = hyp2f1(r + x, b + x, a + b + x - 1, z)
    return (a + b + x - 1) / (a - 1) * (1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * f) * bg_palive(x, tx, T, r, alpha, a, b)


def bg_uncond(t, r, alpha, a, b):
    return (a + b - 1) / (a - 1) * (1 - (alpha / (alpha + t)) ** r * hyp2f1(r, b, a + b - 1, t / (alpha + t)))


def pn_parts(x, tx, T, r, alpha, s, beta):
    rsx = r + s + x
    if alpha >= beta:
        F = lambda y: hyp2f1(rsx, s + 1, rsx + 1, (alpha - beta) / (alpha + y)) / (alpha + y) ** rsx
    else:
        F = lambda y: hyp2f1(rsx, r + x, rsx + 1, (beta - alpha) / (beta + y)) / (beta + y) ** rsx
    A0 = F(tx) - F(T)
    first = 1.0 / ((alpha + T) ** (r + x) * (beta + T) ** s)
    return first, s / rsx * A0


def pn_ll(x, tx, T, r, alpha, s, beta):
    first, second = pn_parts(x, tx, T, r, alpha, s, beta)
    return gammaln(r + x) - gammaln(r) + r * np.log(alpha) + s * np.log(beta) + np.log(first + second)


def pn_palive(x, tx, T, r, alpha, s, beta):
    first, second = pn_parts(x, tx, T, r, alpha, s, beta)
    return first / (first + second)


def gg_ll(x, z, p, q, gamma):
    px = p * x
    return (gammaln(px + q) - gammaln(px) - gammaln(q) + q * np.log(gamma) + (px - 1) * np.log(z)
            + px * np.log(x) - (px + q) * np.log(gamma + x * z))


def main():
    lngamma = [[x, float(gammaln(x))] for x in [0.01, 0.243, 0.5, 1.0, 2.426, 7.5, 14.99, 15.0, 42.243, 200.0, 1234.5]]
    h = []
    for (a, b, c) in [(0.243, 2.426, 2.219), (2.243, 4.426, 4.219), (15.243, 17.426, 17.219), (1.159, 1.606, 2.159), (40.5, 41.4, 41.2)]:
        for z in [0.01, 0.3, 0.6, 0.9, 0.97]:
            h.append([a, b, c, z, float(hyp2f1(a, b, c, z))])
    bg = [dict(x=x, tx=tx, T=T, ll=float(bg_ll(x, tx, T, **BG)), pAlive=float(bg_palive(x, tx, T, **BG)),
               expected={str(t): float(bg_cond(t, x, tx, T, **BG)) for t in HORIZONS}) for (x, tx, T) in CUSTOMERS]
    pn = [dict(x=x, tx=tx, T=T, ll=float(pn_ll(x, tx, T, **PN)), pAlive=float(pn_palive(x, tx, T, **PN))) for (x, tx, T) in CUSTOMERS]
    gg = [dict(x=x, zbar=z, ll=float(gg_ll(x, z, **GG)), expected=float(GG['p'] * (GG['gamma'] + x * z) / (GG['p'] * x + GG['q'] - 1)))
          for (x, z) in [(1, 11.77), (2, 22.35), (5, 40.0), (20, 15.0), (3, 200.0)]]
    out = dict(
        source='bench/reference/clv_reference.py (scipy %s, numpy %s), independent of Tailor' % (scipy.__version__, np.__version__),
        command='/usr/bin/python3 bench/reference/clv_reference.py',
        bgnbdParams=BG, paretoParams=PN, gammaGammaParams=GG,
        lnGamma=lngamma, hyp2f1=h,
        bgnbd=bg, bgnbdUnconditional={str(t): float(bg_uncond(t, **BG)) for t in HORIZONS},
        pareto=pn, gammaGamma=gg,
    )
    with open('test/fixtures/clv-reference.json', 'w') as f:
        json.dump(out, f, indent=1)
        f.write('\n')


if __name__ == '__main__':
    main()
