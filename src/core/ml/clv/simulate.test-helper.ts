import { rngFor, type Rng } from '../../prng.ts';

/** Test-only samplers (Marsaglia & Tsang 2000 for Gamma), to simulate data from known parameters. */
function normal(rng: Rng): number {
  const u = 1 - rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
}

/** Gamma(shape, rate). */
export function gamma(rng: Rng, shape: number, rate: number): number {
  if (shape < 1) return gamma(rng, shape + 1, rate) * Math.pow(1 - rng.next(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const z = normal(rng);
    const v = Math.pow(1 + c * z, 3);
    if (v <= 0) continue;
    const u = 1 - rng.next();
    if (Math.log(u) < 0.5 * z * z + d - d * v + d * Math.log(v)) return (d * v) / rate;
  }
}

export const beta = (rng: Rng, a: number, b: number): number => {
  const x = gamma(rng, a, 1);
  return x / (x + gamma(rng, b, 1));
};

/** Customers from the BG/NBD story: Poisson purchases at λ, dropout with probability p after each purchase. */
export function simulateBgNbd(n: number, p: { r: number; alpha: number; a: number; b: number }, seed = 1) {
  const rng = rngFor(seed, 'bgnbd');
  const x = new Float64Array(n);
  const tx = new Float64Array(n);
  const T = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const lambda = gamma(rng, p.r, p.alpha);
    const drop = beta(rng, p.a, p.b);
    T[i] = rng.float(20, 40);
    let t = 0;
    for (;;) {
      t += -Math.log(1 - rng.next()) / lambda;
      if (t > T[i]!) break;
      x[i] = x[i]! + 1;
      tx[i] = t;
      if (rng.chance(drop)) break;
    }
  }
  return { x, tx, T };
}

/** Repeat customers' mean spend under Gamma-Gamma: ν ~ Gamma(q, γ), each value ~ Gamma(p, ν). */
export function simulateSpend(n: number, p: { p: number; q: number; gamma: number }, seed = 2) {
  const rng = rngFor(seed, 'spend');
  const x = new Float64Array(n);
  const zbar = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = rng.int(1, 8);
    const nu = gamma(rng, p.q, p.gamma);
    let s = 0;
    for (let k = 0; k < x[i]!; k++) s += gamma(rng, p.p, nu);
    zbar[i] = s / x[i]!;
  }
  return { x, zbar };
}
