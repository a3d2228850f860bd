import { describe, expect, it } from 'vitest';
import { mixingScale } from '../../src/core/experiments/mixing-scale.ts';
import { DEFAULT_TAU } from '../../src/core/experiments/sequential.ts';
import { parseExperimentSpec } from '../../src/core/schemas/experiment.ts';
import { simulateStopping } from './stopping-simulation.ts';

/**
 * "Not much slower than its fixed-horizon plan": when the true effect is the planned minimum
 * detectable effect, the always-valid test, looked at 50 times per planned sample size, stops on
 * average at a modest multiple of the fixed-horizon n. With the old fixed τ = 0.05 a test planned
 * for a large lift ran about twice as long as its plan; with τ from the plan it runs about 1.2×.
 * (bench/experiments.bench.ts prints the full table.)
 */
const tauFor = (baseline: number, mde: number) =>
  mixingScale(parseExperimentSpec({ name: 's', vary: 'subject', variants: [{ key: 'A' }, { key: 'B' }], plan: { baseline, mde } })).tau;

describe('expected stopping time at the planned effect', () => {
  for (const [baseline, mde] of [[0.065, 0.065], [0.2, 0.1]] as const) {
    it(`a plan for ${baseline} → ${+(baseline + mde).toFixed(3)}: τ from the plan stops near the fixed-horizon n, the old default takes about twice as long`, () => {
      const before = simulateStopping({ baseline, mde, tau: DEFAULT_TAU, tests: 400, seed: 11 });
      const after = simulateStopping({ baseline, mde, tau: tauFor(baseline, mde), tests: 400, seed: 11 });
      const ratio = (s: typeof after) => s.meanPerArm / s.fixedPerArm;
      console.log(`${baseline} → ${+(baseline + mde).toFixed(3)}, fixed n ${after.fixedPerArm}: mean stop ${ratio(before).toFixed(2)}× before, ${ratio(after).toFixed(2)}× after`);
      expect(after.stopped).toBe(1);
      expect(ratio(after)).toBeLessThan(1.35);
      expect(ratio(before)).toBeGreaterThan(1.7);
      // About half of the tests are decided by the planned n, as a fixed-horizon test at 80% power
      // would be significant in 80% of them at that n.
      expect(after.byFixed).toBeGreaterThan(0.35);
    });
  }

  it('for a typical small lift (10% → 12%) the plan τ is close to the default, and both stop within 1.3× of the plan', () => {
    const after = simulateStopping({ baseline: 0.1, mde: 0.02, tau: tauFor(0.1, 0.02), tests: 200, seed: 12 });
    expect(after.meanPerArm / after.fixedPerArm).toBeLessThan(1.3);
  });
});
