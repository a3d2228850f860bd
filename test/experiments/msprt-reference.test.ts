import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mixingScale } from '../../src/core/experiments/mixing-scale.ts';
import { analyzeCounts } from '../../src/core/experiments/service.ts';
import { likelihoodRatio, meanEvidence, perArmForDecision, rateEvidence } from '../../src/core/experiments/sequential.ts';
import type { Moments } from '../../src/core/experiments/means.ts';
import { parseExperimentSpec } from '../../src/core/schemas/experiment.ts';

// Reference values from scipy / statsmodels (bench/reference/msprt_reference.py; the fixture names
// its source): the mixture likelihood ratio integrated numerically from its definition, brentq on
// it for the decision estimate, proportion_effectsize and NormalIndPower for the plan.
const ref = JSON.parse(readFileSync(new URL('./msprt-reference.json', import.meta.url), 'utf8'));

function close(actual: number, expected: number, rel = 1e-6): void {
  const tol = rel * Math.abs(expected) + 1e-9;
  if (!(Math.abs(actual - expected) <= tol)) expect.fail(`${actual} differs from the reference ${expected} by more than ${tol}`);
}
const moments = (mean: number, sd: number, n: number): Moments => ({ n, sum: mean * n, sumSquares: sd * sd * (n - 1) + mean * mean * n });
const spec = (extra: object) => parseExperimentSpec({ name: 't', vary: 'subject', metric: 'click', variants: [{ key: 'A' }, { key: 'B' }], ...extra });

describe('the always-valid test against scipy/statsmodels', () => {
  it('names its source', () => expect(ref.source).toMatch(/^scipy [\d.]+, statsmodels/));

  it('the closed-form mixture ratio equals the numerical integral over N(0, τ²σ²), for rates and means', () => {
    for (const c of ref.rates) {
      const [xa, na, xb, nb, tau] = c.in;
      const e = rateEvidence({ successes: xa, n: na }, { successes: xb, n: nb });
      close(Math.log(likelihoodRatio(e, tau)), c.logRatio);
    }
    for (const c of ref.means) {
      const [[ma, sa, na], [mb, sb, nb], tau] = c.in;
      close(Math.log(likelihoodRatio(meanEvidence(moments(ma, sa, na), moments(mb, sb, nb)), tau)), c.logRatio);
    }
  });

  it('τ from a plan is its Cohen h (proportion_effectsize), and the plan n per arm is NormalIndPower rounded up', () => {
    for (const c of ref.plans) {
      const [baseline, mde, power, arms] = c.in;
      const variants = Array.from({ length: arms }, (_, i) => ({ key: `v${i}` }));
      const m = mixingScale(spec({ variants, plan: { baseline, mde, power } }));
      expect(m.basis).toBe('plan');
      close(m.tau, c.tau);
      expect(m.plannedPerArm).toBe(c.nPerArm);
    }
  });

  it('the recipients per arm at which a difference that holds reaches the boundary equal brentq on the integral', () => {
    for (const c of ref.decisions) {
      const [xa, na, xb, nb, tau, k] = c.in;
      close(perArmForDecision(rateEvidence({ successes: xa, n: na }, { successes: xb, n: nb }), tau, k / ref.alpha)!, c.perArm);
    }
  });

  it("the issue's example: 6.5% against 33.9% on about 110 per arm is significant once τ comes from a plan of that size", () => {
    const [xa, na, xb, nb] = ref.issue.in;
    const arms = [{ key: 'A', recipients: na, clicks: xa }, { key: 'B', recipients: nb, clicks: xb }];
    const before = analyzeCounts({ metric: 'click', arms }).arms[1]!.vsControl!.click!;
    close(before.p, ref.issue.fixedP);
    close(before.pSequential, ref.issue.default.p);
    expect(before.significant).toBe(false);
    for (const plan of ref.issue.plans) {
      const r = analyzeCounts({ metric: 'click', arms, plan: { baseline: plan.in[0], mde: plan.in[1] } });
      close(r.mixture.tau, plan.tau);
      close(r.arms[1]!.vsControl!.click!.pSequential, plan.p);
      expect(r.arms[1]!.vsControl!.click!.significant).toBe(true);
      expect(r.recommendation).toMatchObject({ action: 'send', winner: 'B' });
    }
  });
});
