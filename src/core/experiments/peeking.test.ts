import { describe, expect, it } from 'vitest';
import { holm } from './holm.ts';
import { twoProportionZTest } from './proportions.ts';
import { mixingScale } from './mixing-scale.ts';
import { alwaysValidP, DEFAULT_TAU, rateLikelihoodRatio } from './sequential.ts';
import { rngFor, type Rng } from '../prng.ts';
import { parseExperimentSpec } from '../schemas/experiment.ts';

/**
 * A/A simulations: every arm has the same true rate, so any winner called is a false positive.
 * Each test is looked at after every batch of recipients, as an impatient marketer would. The
 * always-valid p-value (what the sequential rule decides on) must keep the share of tests that
 * ever call a winner at or below α; the same looks with a fixed-horizon z-test must not (which is
 * why that rule is only used at the planned time).
 */
const ALPHA = 0.05;
const TESTS = 2000;
const LOOKS = 20;
const PER_LOOK = 250; // recipients per arm between looks: 5,000 per arm at the last look
const RATE = 0.1;

function successes(rng: Rng, n: number, p: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) if (rng.next() < p) s++;
  return s;
}

/** Share of A/A tests with `arms` arms in which any look calls a variant different from the control. */
function simulate(
  arms: number, seed: number, variantRate = RATE, tests = TESTS,
  { rate = RATE, tau = DEFAULT_TAU, perLook = PER_LOOK, looks = LOOKS } = {},
): { sequential: number; naive: number } {
  let sequentialCalls = 0;
  let naiveCalls = 0;
  for (let t = 0; t < tests; t++) {
    const rng = rngFor(seed, 'aa', t);
    const counts = Array.from({ length: arms }, () => ({ successes: 0, n: 0 }));
    const avp = new Array<number>(arms - 1).fill(1);
    let sequentialCalled = false;
    let naiveCalled = false;
    for (let look = 0; look < looks; look++) {
      for (const [i, c] of counts.entries()) {
        c.successes += successes(rng, perLook, i === 0 ? rate : variantRate);
        c.n += perLook;
      }
      const [control, ...variants] = counts;
      variants.forEach((v, i) => { avp[i] = alwaysValidP(avp[i]!, rateLikelihoodRatio(control!, v, tau)); });
      if (holm(avp).some((p) => p < ALPHA)) sequentialCalled = true;
      if (holm(variants.map((v) => twoProportionZTest(control!, v).p)).some((p) => p < ALPHA)) naiveCalled = true;
    }
    if (sequentialCalled) sequentialCalls++;
    if (naiveCalled) naiveCalls++;
  }
  return { sequential: sequentialCalls / tests, naive: naiveCalls / tests };
}

describe(`peeking: ${TESTS} A/A tests, ${LOOKS} looks each`, () => {
  it('A/B: the always-valid p-value calls winners in at most α of tests; peeking at a z-test does not', () => {
    const r = simulate(2, 1);
    console.log(`A/A, 2 arms: sequential ${r.sequential}, peeking z-test ${r.naive}`);
    expect(r.sequential).toBeLessThanOrEqual(ALPHA);
    // Peeking at a fixed-horizon test 20 times inflates its false-positive rate well above α
    // (about 0.2 at 20 looks), so the simulation is sensitive enough to catch a broken rule.
    expect(r.naive).toBeGreaterThan(2 * ALPHA);
  });

  it('A/B/C/D with Holm across the three comparisons stays at or below α as well', () => {
    const r = simulate(4, 2);
    console.log(`A/A, 4 arms: sequential ${r.sequential}, peeking z-test ${r.naive}`);
    expect(r.sequential).toBeLessThanOrEqual(ALPHA);
    expect(r.naive).toBeGreaterThan(2 * ALPHA);
  });

  it('still finds a real difference: 10% against 12% is called in most tests by the last look', () => {
    // A rule that never calls anything would pass the A/A checks; this one shows the test has power.
    const r = simulate(2, 3, 0.12, 500);
    console.log(`10% vs 12%, 2 arms: sequential power ${r.sequential}`);
    expect(r.sequential).toBeGreaterThan(0.5);
  });

  // τ now comes from the experiment's plan (mixing-scale.ts): the planned effect's Cohen's h, up to
  // 0.57 for a large planned lift, against 0.05 before. Ville's inequality holds for every τ, but
  // the rate version uses a normal approximation, so the wide mixtures are checked where that
  // approximation is weakest: small samples at a low rate, looked at every few recipients, for
  // three times the planned sample size.
  for (const [baseline, mde] of [[0.1, 0.02], [0.065, 0.065], [0.065, 0.2]] as const) {
    it(`with τ from a plan for ${baseline} → ${+(baseline + mde).toFixed(3)}, A/A tests still call winners in at most α`, () => {
      const spec = parseExperimentSpec({ name: 'aa', vary: 'subject', variants: [{ key: 'A' }, { key: 'B' }], plan: { baseline, mde } });
      const { tau, plannedPerArm } = mixingScale(spec);
      const perLook = Math.max(1, Math.ceil(plannedPerArm! / 20));
      const r = simulate(2, 4, baseline, plannedPerArm! > 1000 ? 1000 : TESTS, { rate: baseline, tau, perLook, looks: 60 });
      console.log(`A/A at ${baseline}, τ ${tau.toFixed(4)}, every ${perLook} per arm to ${60 * perLook}: sequential ${r.sequential}, peeking z-test ${r.naive}`);
      expect(tau).toBeGreaterThan(DEFAULT_TAU);
      expect(r.sequential).toBeLessThanOrEqual(ALPHA);
      expect(r.naive).toBeGreaterThan(2 * ALPHA);
    });
  }
});
