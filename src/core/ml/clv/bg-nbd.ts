/**
 * The BG/NBD model of repeat purchasing (beta-geometric dropout after each purchase, NBD purchase
 * rates): log-likelihood, maximum-likelihood fit of r, α, a, b, P(alive), conditional and
 * unconditional expected purchases.
 *
 * Reference: Fader, Hardie & Lee (2005), "Counting Your Customers the Easy Way: An Alternative to the
 * Pareto/NBD Model", Marketing Science 24(2): equations (6) likelihood, (7) E[X(t)], (10)
 * conditional expectation; P(alive) from Fader, Hardie & Lee (2008), "Computing P(alive) Using the
 * BG/NBD Model". Reproduces the published CDNOW fit (r=0.243, α=4.414, a=0.793, b=2.426, LL −9582.4).
 * Our own implementation: written from the paper's formulas on typed arrays, with no numeric
 * library (none in the project) and so that the CLI and the store share one code path.
 */
import { nelderMead } from './optimize.ts';
import { compress, logAddExp, lomaxMedian, type CompressedData, type FitInfo, type PurchaseModel, type RepeatData } from './model.ts';
import { hyp2f1, lnGamma } from './special.ts';

export type BgNbdParams = { r: number; alpha: number; a: number; b: number };

/** Σ over customers of ln L(r, α, a, b | x, t_x, T). */
export function bgNbdLogLikelihood(p: BgNbdParams, d: RepeatData): number {
  return logLikelihoodCompressed(p, compress(d));
}

function logLikelihoodCompressed(p: BgNbdParams, d: CompressedData): number {
  const { r, alpha, a, b } = p;
  // Per distinct x: ln Γ(r+x) − ln Γ(r) + r ln α + ln B(a, b+x) − ln B(a, b), and ln(a/(b+x−1)).
  const k = d.xValues.length;
  const head = new Float64Array(k);
  const dropLog = new Float64Array(k);
  const base = -lnGamma(r) + r * Math.log(alpha) - lnGamma(b) + lnGamma(a + b);
  for (let j = 0; j < k; j++) {
    const x = d.xValues[j]!;
    head[j] = base + lnGamma(r + x) + lnGamma(b + x) - lnGamma(a + b + x);
    dropLog[j] = x > 0 ? Math.log(a) - Math.log(b + x - 1) : -Infinity;
  }
  let ll = 0;
  for (let i = 0; i < d.x.length; i++) {
    const j = d.xIndex[i]!;
    const rx = r + d.x[i]!;
    // L = e^head [(α+T)^-(r+x) + δ(x>0) a/(b+x−1) (α+t_x)^-(r+x)]
    ll += d.weight[i]! * (head[j]! + logAddExp(-rx * Math.log(alpha + d.T[i]!), dropLog[j]! - rx * Math.log(alpha + d.tx[i]!)));
  }
  return ll;
}

export interface BgNbdFit extends PurchaseModel { readonly params: BgNbdParams; readonly fit: FitInfo }

/** Maximum likelihood on log-parameters (Nelder–Mead with restarts, see optimize.ts). */
export function fitBgNbd(d: RepeatData, start: BgNbdParams = { r: 1, alpha: 1, a: 1, b: 1 }): BgNbdFit {
  if (d.x.length === 0) throw new RangeError('BG/NBD needs at least one customer');
  const c = compress(d);
  const objective = (v: Float64Array) =>
    -logLikelihoodCompressed({ r: Math.exp(v[0]!), alpha: Math.exp(v[1]!), a: Math.exp(v[2]!), b: Math.exp(v[3]!) }, c);
  const res = nelderMead(objective, [Math.log(start.r), Math.log(start.alpha), Math.log(start.a), Math.log(start.b)]);
  const params = { r: Math.exp(res.x[0]!), alpha: Math.exp(res.x[1]!), a: Math.exp(res.x[2]!), b: Math.exp(res.x[3]!) };
  return bgNbdModel(params, -res.fx, d.x.length, { evaluations: res.evaluations, converged: res.converged });
}

/** a = 1 makes (a+b+x−1)/(a−1) singular (the limit exists); a tiny nudge keeps the closed form usable. */
const nudge = (a: number): number => (Math.abs(a - 1) < 1e-7 ? 1 + 1e-7 : a);

export function bgNbdModel(params: BgNbdParams, logLikelihood: number, n: number, fit: FitInfo = { evaluations: 0, converged: true }): BgNbdFit {
  const { r, alpha, b } = params;
  const a = nudge(params.a);
  const pAlive = (x: number, tx: number, T: number): number => {
    if (x === 0) return 1;
    const l = Math.log(a) - Math.log(b + x - 1) + (r + x) * (Math.log(alpha + T) - Math.log(alpha + tx));
    return 1 / (1 + Math.exp(l));
  };
  return {
    name: 'bgnbd',
    params,
    logLikelihood,
    n,
    fit,
    pAlive,
    conditionalExpected(t, x, tx, T) {
      if (t <= 0) return 0;
      const z = t / (alpha + T + t);
      const f = hyp2f1(r + x, b + x, a + b + x - 1, z);
      const bracket = 1 - Math.exp((r + x) * Math.log1p(-z)) * f;
      return (((a + b + x - 1) / (a - 1)) * bracket) * pAlive(x, tx, T);
    },
    unconditionalExpected(t) {
      if (t <= 0) return 0;
      const z = t / (alpha + t);
      return ((a + b - 1) / (a - 1)) * (1 - Math.exp(r * Math.log1p(-z)) * hyp2f1(r, b, a + b - 1, z));
    },
    medianWaitGivenAlive: (x, T) => lomaxMedian(r + x, alpha + T),
  };
}
