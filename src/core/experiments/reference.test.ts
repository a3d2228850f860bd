import { describe, expect, it } from 'vitest';
import { holm } from './holm.ts';
import { meanLift, welchTest, type Moments } from './means.ts';
import { cohensH, nPerArmFor, twoSidedPower } from './power.ts';
import { probabilityBestRates } from './probability-best.ts';
import { chiSquareAcross, rateDifference, rateLift, twoProportionZTest, wilsonInterval } from './proportions.ts';
import { readFixture } from '../../../test/helpers/fixtures.ts';

// Reference values from scipy 1.10 / statsmodels 0.13 (bench/reference/experiment_stats_reference.py;
// the fixture names its source). Agreement is required to a relative 1e-6.
const ref = readFixture('experiment-stats-reference.json');
const alpha: number = ref.alpha;

function close(actual: number, expected: number): void {
  const tol = 1e-6 * Math.abs(expected) + 1e-12;
  if (!(Math.abs(actual - expected) <= tol)) expect.fail(`${actual} differs from the reference ${expected} by more than ${tol}`);
}
const closeAll = (actual: readonly number[], expected: readonly number[]) => {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((a, i) => close(a, expected[i]!));
};

const moments = (mean: number, sd: number, n: number): Moments => ({ n, sum: mean * n, sumSquares: sd * sd * (n - 1) + mean * mean * n });
const momentsOf = (xs: number[]): Moments => ({ n: xs.length, sum: xs.reduce((s, x) => s + x, 0), sumSquares: xs.reduce((s, x) => s + x * x, 0) });

describe('experiment statistics against scipy/statsmodels', () => {
  it('names its source', () => expect(ref.source).toMatch(/^scipy [\d.]+, statsmodels/));

  it('Wilson intervals equal proportion_confint(method="wilson")', () => {
    for (const c of ref.wilson) closeAll(wilsonInterval({ successes: c.in[0], n: c.in[1] }, alpha), c.ci);
  });

  it('two-proportion z-tests, difference and ratio intervals equal statsmodels', () => {
    for (const c of ref.pairs) {
      const [xa, na, xb, nb] = c.in;
      const a = { successes: xa, n: na };
      const b = { successes: xb, n: nb };
      const z = twoProportionZTest(a, b);
      close(z.z, c.z);
      close(z.p, c.p);
      closeAll(rateDifference(a, b, alpha).ci, c.diffCi);
      const lift = rateLift(a, b, alpha);
      if (c.liftCi) closeAll(lift!.ci, c.liftCi);
      else expect(lift).toBeNull();
    }
  });

  it('χ² across arms equals chi2_contingency(correction=False)', () => {
    for (const c of ref.chi2) {
      const r = chiSquareAcross(c.in.map(([successes, n]: number[]) => ({ successes, n })));
      close(r.statistic, c.statistic);
      close(r.p, c.p);
      expect(r.dof).toBe(c.dof);
    }
  });

  it("Welch's t-test from summary statistics equals ttest_ind_from_stats(equal_var=False)", () => {
    for (const c of ref.welch) {
      const [[ma, sa, na], [mb, sb, nb]] = c.in;
      const w = welchTest(moments(ma, sa, na), moments(mb, sb, nb), alpha);
      close(w.t, c.t);
      close(w.p, c.p);
      close(w.dof, c.dof);
      closeAll(w.ci, c.ci);
    }
  });

  it("Welch's t-test and the lift of means on raw revenue equal ttest_ind and the delta method", () => {
    const r = ref.welchRaw;
    const a = momentsOf(r.a);
    const b = momentsOf(r.b);
    const w = welchTest(a, b, alpha);
    close(w.t, r.t);
    close(w.p, r.p);
    const lift = meanLift(a, b, alpha)!;
    close(lift.lift, r.lift);
    closeAll(lift.ci, r.liftCi);
  });

  it('Holm adjustment equals multipletests(method="holm")', () => {
    for (const c of ref.holm) closeAll(holm(c.in), c.adjusted);
  });

  it('sample sizes and power equal NormalIndPower', () => {
    for (const c of ref.powerRates) {
      const [baseline, mde, power, a] = c.in;
      const h = cohensH(baseline, baseline + mde);
      close(h, c.effectSize);
      close(nPerArmFor(h, a, power), c.nPerArm);
      close(twoSidedPower(h, 1000, a), c.powerAt1000);
    }
    for (const c of ref.powerMeans) {
      const [mde, sd, power, a] = c.in;
      close(nPerArmFor(mde / sd, a, power), c.nPerArm);
    }
  });

  it('P(best) under a Beta prior equals numerical integration with scipy.integrate.quad', () => {
    for (const c of ref.pBest) {
      const p = probabilityBestRates(c.in.map(([successes, n]: number[]) => ({ successes, n })), { alpha: c.prior[0], beta: c.prior[1] });
      closeAll(p, c.pBest);
    }
  });
});
