import { plan } from '../../src/core/experiments/power.ts';
import { alwaysValidP, rateLikelihoodRatio } from '../../src/core/experiments/sequential.ts';
import { rngFor, type Rng } from '../../src/core/prng.ts';

/**
 * How long the always-valid test runs when the true effect is the planned one: seeded simulations
 * of two-arm rate tests looked at every `nFixed / looksPerPlan` recipients per arm, stopped at the
 * first look whose always-valid p is below α, or at `cap` × the fixed-horizon n. Shared by
 * stopping-time.test.ts (which asserts on it) and bench/experiments.bench.ts (which prints it).
 */
export interface StoppingInput {
  baseline: number;
  /** The planned absolute effect, which is also the true one here. */
  mde: number;
  tau: number;
  alpha?: number;
  power?: number;
  tests?: number;
  looksPerPlan?: number;
  cap?: number;
  seed?: number;
}

export interface Stopping {
  /** The fixed-horizon n per arm (power.ts). */
  fixedPerArm: number;
  /** Mean recipients per arm at the stop, counting a test that never stopped at the cap. */
  meanPerArm: number;
  medianPerArm: number;
  /** Share of tests stopped by the cap, and share stopped at or before the fixed-horizon n. */
  stopped: number;
  byFixed: number;
}

function successes(rng: Rng, n: number, p: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) if (rng.next() < p) s++;
  return s;
}

export function simulateStopping(i: StoppingInput): Stopping {
  const alpha = i.alpha ?? 0.05;
  const tests = i.tests ?? 1000;
  const fixedPerArm = plan({ baseline: i.baseline, mde: i.mde, alpha, power: i.power ?? 0.8, arms: 2, holdout: 0 }).nPerArm;
  const step = Math.max(1, Math.ceil(fixedPerArm / (i.looksPerPlan ?? 50)));
  const cap = Math.ceil((i.cap ?? 6) * fixedPerArm);
  const stops: number[] = [];
  let stopped = 0;
  let byFixed = 0;
  for (let t = 0; t < tests; t++) {
    const rng = rngFor(i.seed ?? 1, 'stopping', t);
    const a = { successes: 0, n: 0 };
    const b = { successes: 0, n: 0 };
    let p = 1;
    let at = cap;
    while (a.n < cap) {
      a.successes += successes(rng, step, i.baseline);
      b.successes += successes(rng, step, i.baseline + i.mde);
      a.n += step;
      b.n += step;
      p = alwaysValidP(p, rateLikelihoodRatio(a, b, i.tau));
      if (p < alpha) { at = a.n; stopped++; break; }
    }
    if (at <= fixedPerArm) byFixed++;
    stops.push(at);
  }
  stops.sort((x, y) => x - y);
  return {
    fixedPerArm,
    meanPerArm: stops.reduce((s, x) => s + x, 0) / tests,
    medianPerArm: stops[Math.floor(tests / 2)]!,
    stopped: stopped / tests,
    byFixed: byFixed / tests,
  };
}
