import { describe, expect, it } from 'vitest';
import { decideWinner } from '../../src/core/experiments/decide.ts';
import { mixingScale } from '../../src/core/experiments/mixing-scale.ts';
import { experimentResults } from '../../src/core/experiments/results.ts';
import { analyzeCounts, fromCounts } from '../../src/core/experiments/service.ts';
import { DEFAULT_TAU } from '../../src/core/experiments/sequential.ts';
import { parseExperimentSpec } from '../../src/core/schemas/experiment.ts';

// The issue's example: about 110 recipients per arm, 6.5% against 33.9% clicks.
const ISSUE = [{ key: 'A', recipients: 108, clicks: 7 }, { key: 'B', recipients: 115, clicks: 39 }];
const spec = (extra: object = {}) => parseExperimentSpec({ name: 't', vary: 'subject', metric: 'click', variants: [{ key: 'A' }, { key: 'B' }], ...extra });

describe('the mixing scale τ', () => {
  it('comes from the plan, an explicit tau wins, and without either it is the documented default', () => {
    const plan = { baseline: 0.05, mde: 0.2, relative: true };
    expect(mixingScale(spec()).basis).toBe('default');
    expect(mixingScale(spec()).tau).toBe(DEFAULT_TAU);
    // Cohen's h of 5% → 6%: 2·asin√0.06 − 2·asin√0.05 (statsmodels proportion_effectsize, 0.04390731).
    expect(mixingScale(spec({ plan })).tau).toBeCloseTo(0.0439073, 6);
    expect(mixingScale(spec({ plan })).basis).toBe('plan');
    expect(mixingScale(spec({ plan, tau: 0.3 }))).toMatchObject({ tau: 0.3, basis: 'spec' });
    // The plan is about the primary metric: the others keep the default.
    const m = mixingScale(spec({ plan }));
    expect(m.byMetric.click).toBe(m.tau);
    expect([m.byMetric.open, m.byMetric.conversion, m.byMetric.revenue, m.unplanned]).toEqual([DEFAULT_TAU, DEFAULT_TAU, DEFAULT_TAU, DEFAULT_TAU]);
    // A revenue plan is a difference of means: τ = mde / sd.
    expect(mixingScale(spec({ metric: 'revenue', plan: { baseline: 2, mde: 0.5, sd: 10 } })).tau).toBeCloseTo(0.05, 12);
  });

  it('a plan is checked against the metric it is about', () => {
    expect(() => spec({ metric: 'revenue', plan: { baseline: 2, mde: 0.5 } })).toThrow(/plan\.sd: a revenue plan needs sd/);
    expect(() => spec({ plan: { baseline: 0.05, mde: 0.01, sd: 1 } })).toThrow(/plan\.sd: .*sd is for a revenue plan/);
    expect(() => spec({ plan: { baseline: 1.5, mde: 0.01 } })).toThrow(/plan\.baseline/);
    expect(() => spec({ plan: { baseline: 0.5, mde: 0.6 } })).toThrow(/plan\.mde: baseline \+ mde = 1\.1/);
    expect(() => spec({ plan: { baseline: 0.5, mde: 0.1, extra: 1 } })).toThrow();
  });

  it('results say which τ was used, and a stored spec without tau keeps no default of its own', () => {
    expect(spec().tau).toBeUndefined();
    const r = analyzeCounts({ metric: 'click', arms: ISSUE, plan: { baseline: 0.065, mde: 0.065 } });
    expect(r.mixture).toMatchObject({ basis: 'plan', plannedPerArm: 319 });
    expect(analyzeCounts({ metric: 'click', arms: ISSUE, tau: 0.2 }).mixture).toEqual({ tau: 0.2, basis: 'spec', plannedPerArm: null });
  });
});

describe('a large difference that is not yet a decision', () => {
  it('says why in words, with the fixed-horizon p, and when a decision is expected', () => {
    const r = analyzeCounts({ metric: 'click', arms: ISSUE });
    const c = r.arms[1]!.vsControl!.click!;
    expect(c.p).toBeLessThan(1e-6);
    expect(c.significant).toBe(false);
    expect(r.recommendation.action).toBe('keep-testing');
    const t = r.recommendation.text;
    expect(t).toMatch(/^No variant beats control A on click rate yet \(best: B at 33\.9% against 6\.48%/);
    expect(t).toContain('The difference is large, but 112 recipients per arm are not yet enough evidence for the always-valid test');
    expect(t).toContain('fixed-horizon p (4.2e-7), which holds only for a single look at a sample size fixed in advance');
    expect(t).toContain(`Without a planned effect it is tuned to a typical small lift (τ = ${DEFAULT_TAU} standard deviations)`);
    // 160.8 per arm by the reference (msprt-reference.json, decisions[0]); 160.8 − 111.5 = 49.3,
    // shown to two significant figures.
    expect(r.recommendation.morePerArm).toBe(49);
    expect(t).toContain('If the difference holds, a decision is expected after about 49 more recipients per arm (160 per arm in all).');
    expect(t).toMatch(/Keep testing: with always-valid p-values it is safe to look again at any time\.$/);
  });

  it('the estimate is what happens: the same rates at the expected size are significant, and well short of it are not', () => {
    const perArm = analyzeCounts({ metric: 'click', arms: ISSUE }).arms[1]!.vsControl!.click!.decisionPerArm!;
    const scaled = (f: number) => ISSUE.map((a) => ({ ...a, recipients: Math.round(a.recipients * f), clicks: Math.round(a.clicks * f) }));
    const at = (f: number) => analyzeCounts({ metric: 'click', arms: scaled(f) }).arms[1]!.vsControl!.click!.significant;
    const f = perArm / 111.5;
    expect(at(f * 1.03)).toBe(true);
    expect(at(f * 0.9)).toBe(false);
  });

  it('a small difference gets the estimate without the "large" explanation, and a trailing variant gets none', () => {
    const small = analyzeCounts({ metric: 'click', arms: [{ key: 'A', recipients: 2000, clicks: 100 }, { key: 'B', recipients: 2000, clicks: 110 }] });
    expect(small.recommendation.text).not.toContain('The difference is large');
    expect(small.recommendation.text).toMatch(/a decision is expected after about \d+ more recipients per arm \(\d+ per arm in all\); a smaller true difference would take longer\./);
    const behind = analyzeCounts({ metric: 'click', arms: [{ key: 'A', recipients: 2000, clicks: 110 }, { key: 'B', recipients: 2000, clicks: 100 }] });
    expect(behind.recommendation.morePerArm).toBeNull();
    expect(behind.recommendation.text).toContain('No variant is ahead of the control, so more recipients are not expected to produce a winner.');
  });

  it('with a plan the text names the planned sample size; the fixed rule keeps its own advice', () => {
    const r = analyzeCounts({ metric: 'click', arms: ISSUE, plan: { baseline: 0.065, mde: 0.15, relative: true } });
    expect(r.recommendation.text).toContain('The test is tuned to the effect it was planned for, which needs about 10720 recipients per arm.');
    const fixed = analyzeCounts({ metric: 'click', rule: 'fixed', arms: [{ key: 'A', recipients: 2000, clicks: 100 }, { key: 'B', recipients: 2000, clicks: 110 }] });
    expect(fixed.recommendation.text).toMatch(/With the fixed rule, decide only at the planned time\.$/);
    expect(fixed.arms[1]!.vsControl!.click!.decisionPerArm).toBeUndefined();
  });

  it('a fallback decision quotes the explanation, not the advice to keep testing', () => {
    const s = spec();
    const { results } = experimentResults(s, fromCounts(ISSUE.map((a) => ({ ...a, opens: 0, conversions: 0, revenue: 0 }))), { looks: 0, p: {} });
    const out = decideWinner(s, results, { now: 2, decideAt: 1 });
    expect('decided' in out && out.decided.basis).toBe('fallback');
    const reason = 'decided' in out ? out.decided.reason : '';
    expect(reason).toMatch(/^No significant winner: falling back to control A\. No variant beats control A/);
    expect(reason).toContain('a decision is expected after about 49 more recipients per arm');
    expect(reason).not.toContain('Keep testing');
  });
});
