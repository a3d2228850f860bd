/**
 * The Pareto/NBD model (exponential lifetimes with Gamma-distributed dropout rates, NBD purchase
 * rates): log-likelihood, maximum-likelihood fit of r, α, s, β, P(alive) and the conditional
 * expectation.
 *
 * Reference: Schmittlein, Morrison & Colombo (1987); the likelihood in the 2F1 form of Fader &
 * Hardie (2005), "A Note on Deriving the Pareto/NBD Model and Related Expressions" (equations 19-22,
 * the α ≥ β and α < β cases), P(alive) (their eq. 18) and the conditional expectation (eq. 21 of the
 * same note). Published CDNOW fit: r=0.553, α=10.578, s=0.606, β=11.669, LL −9595.0.
 * Our own implementation, for the same reasons as bg-nbd.ts.
 */
import { nelderMead } from './optimize.ts';
import { compress, lomaxMedian, type CompressedData, type FitInfo, type PurchaseModel, type RepeatData } from './model.ts';
import { hyp2f1, lnGamma } from './special.ts';

export type ParetoNbdParams = { r: number; alpha: number; s: number; beta: number };

/**
 * ln of the three pieces of L / (Γ(r+x) α^r β^s / Γ(r)):
 * l1 = ln[(α+T)^-(r+x) (β+T)^-s], and s/(r+s+x) · A0 = e^{l2} − e^{l3}.
 */
function pieces(p: ParetoNbdParams, x: number, tx: number, T: number): { l1: number; l2: number; l3: number } {
  const { r, alpha, s, beta } = p;
  const l1 = -(r + x) * Math.log(alpha + T) - s * Math.log(beta + T);
  const rsx = r + s + x;
  const w = Math.log(s / (rsx));
  // The 2F1 argument is (max−min)/(max+t) ∈ [0, 1), whichever of α and β is larger.
  const [big, small, second] = alpha >= beta ? [alpha, beta, s + 1] : [beta, alpha, r + x];
  const at = (t: number) => Math.log(hyp2f1(rsx, second, rsx + 1, (big - small) / (big + t))) - rsx * Math.log(big + t);
  return { l1, l2: w + at(tx), l3: w + at(T) };
}

/** ln(e^{l1} + e^{l2} − e^{l3}); e^{l2} ≥ e^{l3} since the piece is an integral over (t_x, T]. */
function logBracket({ l1, l2, l3 }: { l1: number; l2: number; l3: number }): number {
  const m = Math.max(l1, l2);
  const v = Math.exp(l1 - m) + Math.exp(l2 - m) - Math.exp(l3 - m);
  return v > 0 ? m + Math.log(v) : l1;
}

export function paretoNbdLogLikelihood(p: ParetoNbdParams, d: RepeatData): number {
  return compressedLogLikelihood(p, compress(d));
}

function compressedLogLikelihood(p: ParetoNbdParams, d: CompressedData): number {
  const base = -lnGamma(p.r) + p.r * Math.log(p.alpha) + p.s * Math.log(p.beta);
  const head = d.xValues.map((x) => base + lnGamma(p.r + x));
  let ll = 0;
  for (let i = 0; i < d.x.length; i++) ll += d.weight[i]! * (head[d.xIndex[i]!]! + logBracket(pieces(p, d.x[i]!, d.tx[i]!, d.T[i]!)));
  return ll;
}

export interface ParetoNbdFit extends PurchaseModel { readonly params: ParetoNbdParams; readonly fit: FitInfo }

export function fitParetoNbd(d: RepeatData, start: ParetoNbdParams = { r: 1, alpha: 1, s: 1, beta: 1 }): ParetoNbdFit {
  if (d.x.length === 0) throw new RangeError('Pareto/NBD needs at least one customer');
  const c = compress(d);
  const objective = (v: Float64Array) => {
    try {
      return -compressedLogLikelihood({ r: Math.exp(v[0]!), alpha: Math.exp(v[1]!), s: Math.exp(v[2]!), beta: Math.exp(v[3]!) }, c);
    } catch (e) {
      // A trial point with α ≫ β (or β ≪ α) puts the 2F1 argument next to 1, where the series gives
      // up: such a point is far from the optimum, and the simplex moves away from it.
      if (e instanceof RangeError) return Infinity;
      throw e;
    }
  };
  const res = nelderMead(objective, [Math.log(start.r), Math.log(start.alpha), Math.log(start.s), Math.log(start.beta)]);
  const params = { r: Math.exp(res.x[0]!), alpha: Math.exp(res.x[1]!), s: Math.exp(res.x[2]!), beta: Math.exp(res.x[3]!) };
  return paretoNbdModel(params, -res.fx, d.x.length, { evaluations: res.evaluations, converged: res.converged });
}

export function paretoNbdModel(params: ParetoNbdParams, logLikelihood: number, n: number, fit: FitInfo = { evaluations: 0, converged: true }): ParetoNbdFit {
  const { r, alpha, beta } = params;
  // s = 1 makes the closed form's 1/(s−1) singular; nudge as bg-nbd.ts does for a = 1.
  const s = Math.abs(params.s - 1) < 1e-7 ? 1 + 1e-7 : params.s;
  const pAlive = (x: number, tx: number, T: number): number => {
    const pc = pieces({ r, alpha, s, beta }, x, tx, T);
    return Math.min(1, Math.exp(pc.l1 - logBracket(pc)));
  };
  return {
    name: 'pareto',
    params,
    logLikelihood,
    n,
    fit,
    pAlive,
    conditionalExpected(t, x, tx, T) {
      if (t <= 0) return 0;
      const factor = ((r + x) * (beta + T)) / ((alpha + T) * (s - 1));
      return factor * (1 - Math.exp((s - 1) * (Math.log(beta + T) - Math.log(beta + T + t)))) * pAlive(x, tx, T);
    },
    unconditionalExpected(t) {
      if (t <= 0) return 0;
      return ((r * beta) / (alpha * (s - 1))) * (1 - Math.exp((s - 1) * (Math.log(beta) - Math.log(beta + t))));
    },
    medianWaitGivenAlive: (x, T) => lomaxMedian(r + x, alpha + T),
  };
}

