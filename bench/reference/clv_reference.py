#!/usr/bin/python3
"""Reference values for the CLV models (src/core/ml/clv/), independent of Tailor.

Uses scipy's special functions (gammaln, hyp2f1, log-sum-exp) to evaluate, on a fixed grid:
- ln Gamma and 2F1 over the argument range the models use;
- BG/NBD (Fader, Hardie & Lee 2005) per-customer log-likelihood, P(alive), conditional expected
  purchases in (T, T+t] and E[X(t)], at the published CDNOW parameters;
- Pareto/NBD (Fader & Hardie 2005 note, 2F1 form) per-customer log-likelihood and P(alive);
- Pareto/NBD conditional expected purchases in (T, T+t] and E[X(t)] (Schmittlein, Morrison &
  Colombo 1987; Fader & Hardie 2005, "A note on deriving the Pareto/NBD model and related
  expressions", eqs. for E[Y(t) | x, t_x, T] and E[X(t)]);
- Gamma-Gamma (Fader & Hardie 2013) per-customer log-density of zbar and conditional mean;
- discounted CLV as lifetimes' customer_lifetime_value (lifetimes/utils.py) defines it:
  CLV = sum_{i=1..time} m * (E[Y(i*f)] - E[Y((i-1)*f)]) / (1 + d)^i, with f the model time units
  per period and d the per-period discount rate, here for both purchase models.
The formulas are written out here from the papers, on purpose separately from the TypeScript.
Writes test/fixtures/clv-reference.json, which src/core/ml/clv/reference.test.ts compares with.

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


def pn_cond(t, x, tx, T, r, alpha, s, beta):
    # E[Y(t) | x, t_x, T] = (r+x)(beta+T) / ((alpha+T)(s-1)) * [1 - ((beta+T)/(beta+T+t))^(s-1)] * P(alive)
    return ((r + x) * (beta + T) / ((alpha + T) * (s - 1)) * (1 - ((beta + T) / (beta + T + t)) ** (s - 1))
            * pn_palive(x, tx, T, r, alpha, s, beta))


def pn_uncond(t, r, alpha, s, beta):
    # E[X(t)] = r beta / (alpha (s-1)) * [1 - (beta/(beta+t))^(s-1)]
    return r * beta / (alpha * (s - 1)) * (1 - (beta / (beta + t)) ** (s - 1))


def lifetimes_clv(predict, x, tx, T, m, time, discount_rate, factor=1.0):
    """lifetimes.utils._customer_lifetime_value, for one customer: `predict(t)` is the model's
    conditional expected number of purchases in (T, T+t]; periods are `factor` time units long."""
    clv = 0.0
    for step in range(1, time + 1):
        i = step * factor
        expected = predict(i, x, tx, T) - predict(i - factor, x, tx, T)
        clv += m * expected / (1 + discount_rate) ** (i / factor)
    return clv


# CLV cases: (x, t_x, T, order value), weeks; horizons in weeks, annual discount rates; the weekly
# rate is (1 + annual)^(7/365.25) - 1, the per-period rate lifetimes' discount_rate takes.
CLV_CUSTOMERS = [(0, 0.0, 38.86, 30.0), (2, 30.43, 38.86, 30.0), (10, 38.0, 38.86, 30.0), (1, 5.0, 38.86, 47.5), (25, 36.0, 38.0, 12.0)]
CLV_CASES = [(52, 0.0), (52, 0.1), (104, 0.15), (13, 0.1)]


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
    pn = [dict(x=x, tx=tx, T=T, ll=float(pn_ll(x, tx, T, **PN)), pAlive=float(pn_palive(x, tx, T, **PN)),
               expected={str(t): float(pn_cond(t, x, tx, T, **PN)) for t in HORIZONS}) for (x, tx, T) in CUSTOMERS]
    bgp = lambda t, x, tx, T: 0.0 if t <= 0 else bg_cond(t, x, tx, T, **BG)
    pnp = lambda t, x, tx, T: 0.0 if t <= 0 else pn_cond(t, x, tx, T, **PN)
    clv = []
    for (horizon, annual) in CLV_CASES:
        weekly = (1 + annual) ** (7 / 365.25) - 1
        for (x, tx, T, m) in CLV_CUSTOMERS:
            clv.append(dict(horizon=horizon, annualDiscountRate=annual, unit='week', x=x, tx=tx, T=T, orderValue=m,
                            bgnbd=float(lifetimes_clv(bgp, x, tx, T, m, horizon, weekly)),
                            pareto=float(lifetimes_clv(pnp, x, tx, T, m, horizon, weekly))))
    gg = [dict(x=x, zbar=z, ll=float(gg_ll(x, z, **GG)), expected=float(GG['p'] * (GG['gamma'] + x * z) / (GG['p'] * x + GG['q'] - 1)))
          for (x, z) in [(1, 11.77), (2, 22.35), (5, 40.0), (20, 15.0), (3, 200.0)]]
    out = dict(
        source='bench/reference/clv_reference.py (scipy %s, numpy %s), independent of Tailor' % (scipy.__version__, np.__version__),
        command='/usr/bin/python3 bench/reference/clv_reference.py',
        bgnbdParams=BG, paretoParams=PN, gammaGammaParams=GG,
        lnGamma=lngamma, hyp2f1=h,
        bgnbd=bg, bgnbdUnconditional={str(t): float(bg_uncond(t, **BG)) for t in HORIZONS},
        pareto=pn, paretoUnconditional={str(t): float(pn_uncond(t, **PN)) for t in HORIZONS}, gammaGamma=gg,
        clvSource='lifetimes.utils.customer_lifetime_value (sum over periods of m * (E[Y(i)] - E[Y(i-1)]) / (1+d)^i), '
                  're-implemented in bench/reference/clv_reference.py over the formulas above',
        clv=clv,
    )
    with open('test/fixtures/clv-reference.json', 'w') as f:
        json.dump(out, f, indent=1)
        f.write('\n')


if __name__ == '__main__':
    main()
