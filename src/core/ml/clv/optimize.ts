/**
 * Minimiser for the customer-base likelihoods: Nelder–Mead on log-parameters, restarted from the
 * best point until a restart no longer improves it.
 *
 * Reference: Nelder & Mead (1965); the adaptive coefficients of Gao & Han (2012) for n dimensions;
 * restarts as recommended by Lagarias et al. (1998) against premature simplex collapse.
 * Why Nelder–Mead and not BFGS: the likelihoods have 3–4 parameters and cost microseconds per
 * customer, so a few thousand evaluations are cheap; NM needs no gradient (numerical gradients of a
 * sum over thousands of customers are noisy near the optimum) and does not break on the +∞ that an
 * overflowing region returns. Parameters are optimised as logs, so every point is positive and the
 * scale differences (α ≈ 4 vs r ≈ 0.2) do not distort the simplex.
 * Why our own: the project has no numeric dependency, and the routine is ~80 lines.
 */

export interface MinimizeOptions {
  /** Stop when the spread of f over the simplex is below this (absolute). */
  fTol?: number;
  /** …and every vertex is within this of the best (in log-parameter units). */
  xTol?: number;
  maxEvaluations?: number;
  /** Restarts from the best point, each with a fresh simplex; stops early when one brings no improvement. */
  maxRestarts?: number;
  /** Initial simplex edge (log units). */
  step?: number;
}

export interface MinimizeResult {
  x: Float64Array;
  fx: number;
  evaluations: number;
  restarts: number;
  converged: boolean;
}

/** NaN and ±∞ count as +∞: the simplex then simply moves away from the region. */
const safe = (v: number): number => (Number.isFinite(v) ? v : Infinity);

export function nelderMead(f: (x: Float64Array) => number, x0: ArrayLike<number>, opts: MinimizeOptions = {}): MinimizeResult {
  const fTol = opts.fTol ?? 1e-10;
  const xTol = opts.xTol ?? 1e-9;
  const maxEval = opts.maxEvaluations ?? 20_000;
  const maxRestarts = opts.maxRestarts ?? 5;
  let best: Float64Array = Float64Array.from(x0);
  let bestF = safe(f(best));
  let evaluations = 1;
  let converged = false;
  let restarts = 0;
  for (; restarts <= maxRestarts && evaluations < maxEval; restarts++) {
    const run = simplexRun(f, best, opts.step ?? (restarts === 0 ? 0.5 : 0.1), fTol, xTol, maxEval - evaluations);
    evaluations += run.evaluations;
    const improved = bestF - run.fx;
    if (run.fx <= bestF) {
      best = run.x;
      bestF = run.fx;
    }
    converged = run.converged;
    // A restart that found nothing better means the point is a genuine minimum, not a collapse.
    if (restarts > 0 && run.converged && improved <= fTol) break;
  }
  return { x: best, fx: bestF, evaluations, restarts, converged };
}

function simplexRun(f: (x: Float64Array) => number, start: Float64Array, step: number, fTol: number, xTol: number, budget: number) {
  const n = start.length;
  // Gao & Han's adaptive coefficients: plain NM (1, 2, 0.5, 0.5) stalls as n grows.
  const alpha = 1;
  const gamma = 1 + 2 / n;
  const rho = 0.75 - 1 / (2 * n);
  const sigma = 1 - 1 / n;
  const pts: Float64Array[] = [Float64Array.from(start)];
  for (let i = 0; i < n; i++) {
    const p = Float64Array.from(start);
    p[i] = p[i]! + step;
    pts.push(p);
  }
  let evaluations = 0;
  const ev = (x: Float64Array) => {
    evaluations++;
    return safe(f(x));
  };
  const fs = pts.map(ev);
  const order = Array.from({ length: n + 1 }, (_, i) => i);
  const centroid = new Float64Array(n);
  const trial = (from: Float64Array, coef: number) => {
    const p = new Float64Array(n);
    for (let j = 0; j < n; j++) p[j] = centroid[j]! + coef * (centroid[j]! - from[j]!);
    return p;
  };
  let converged = false;
  while (evaluations < budget) {
    order.sort((i, j) => fs[i]! - fs[j]!);
    const bi = order[0]!;
    const wi = order[n]!;
    const si = order[n - 1]!;
    let spreadX = 0;
    for (const k of order) for (let j = 0; j < n; j++) spreadX = Math.max(spreadX, Math.abs(pts[k]![j]! - pts[bi]![j]!));
    if (Math.abs(fs[wi]! - fs[bi]!) <= fTol && spreadX <= xTol) {
      converged = true;
      break;
    }
    centroid.fill(0);
    for (const k of order) if (k !== wi) for (let j = 0; j < n; j++) centroid[j] = centroid[j]! + pts[k]![j]! / n;
    const xr = trial(pts[wi]!, alpha);
    const fr = ev(xr);
    if (fr < fs[bi]!) {
      const xe = trial(pts[wi]!, alpha * gamma);
      const fe = ev(xe);
      if (fe < fr) [pts[wi], fs[wi]] = [xe, fe];
      else [pts[wi], fs[wi]] = [xr, fr];
    } else if (fr < fs[si]!) {
      [pts[wi], fs[wi]] = [xr, fr];
    } else {
      // Outside contraction when the reflection helped a little, inside otherwise.
      const outside = fr < fs[wi]!;
      const xc = trial(pts[wi]!, outside ? alpha * rho : -rho);
      const fc = ev(xc);
      if (fc < (outside ? fr : fs[wi]!)) {
        [pts[wi], fs[wi]] = [xc, fc];
      } else {
        const b = pts[bi]!;
        for (const k of order) {
          if (k === bi) continue;
          const p = pts[k]!;
          for (let j = 0; j < n; j++) p[j] = b[j]! + sigma * (p[j]! - b[j]!);
          fs[k] = ev(p);
        }
      }
    }
  }
  let b = 0;
  for (let k = 1; k <= n; k++) if (fs[k]! < fs[b]!) b = k;
  return { x: pts[b]!, fx: fs[b]!, evaluations, converged };
}
