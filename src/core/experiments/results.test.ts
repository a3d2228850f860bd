import { describe, expect, it } from 'vitest';
import { bootstrapMeanDifference } from './bootstrap.ts';
import { holm } from './holm.ts';
import { welchTest } from './means.ts';
import { twoProportionZTest } from './proportions.ts';
import { experimentResults } from './results.ts';
import { fromCounts } from './service.ts';
import { rngFor } from '../prng.ts';
import { parseExperimentSpec } from '../schemas/experiment.ts';

describe('experiment results', () => {
  it('multivariate: each factor pools its levels over the other factors and compares them with its first level (Holm within the factor)', () => {
    const spec = parseExperimentSpec({
      name: 'mv', metric: 'click',
      factors: [
        { name: 'subject', vary: 'subject', levels: [{ key: 's1' }, { key: 's2' }] },
        { name: 'cta', vary: 'content_block', levels: [{ key: 'c1' }, { key: 'c2' }, { key: 'c3' }] },
      ],
    });
    const clicks: Record<string, number> = { 's1.c1': 100, 's1.c2': 130, 's1.c3': 105, 's2.c1': 120, 's2.c2': 150, 's2.c3': 118 };
    const counts = Object.entries(clicks).map(([key, c]) => ({ key, recipients: 2000, clicks: c, opens: 0, conversions: 0, revenue: 0 }));
    const { results } = experimentResults(spec, fromCounts(counts), { looks: 0, p: {} });
    expect(results.arms.map((a) => a.key)).toEqual(Object.keys(clicks));
    const cta = results.factors!.find((f) => f.name === 'cta')!;
    const pooled = (k: string) => ({ successes: clicks[`s1.${k}`]! + clicks[`s2.${k}`]!, n: 4000 });
    expect(cta.levels.map((l) => [l.key, l.recipients, l.metrics.click!.count])).toEqual([['c1', 4000, 220], ['c2', 4000, 280], ['c3', 4000, 223]]);
    const raw = ['c2', 'c3'].map((k) => twoProportionZTest(pooled('c1'), pooled(k)).p);
    const adjusted = holm(raw);
    cta.levels.slice(1).forEach((l, i) => {
      expect(l.vsControl!.click!.p).toBe(raw[i]);
      expect(l.vsControl!.click!.pHolm).toBe(adjusted[i]);
    });
    const subject = results.factors!.find((f) => f.name === 'subject')!;
    expect(subject.levels[1]!.vsControl!.click!.p).toBe(twoProportionZTest({ successes: 335, n: 6000 }, { successes: 388, n: 6000 }).p);
    // χ² across the six cells, from Pearson's formula written out here (expected = n × pooled rate).
    const rate = 723 / 12000;
    const pearson = Object.values(clicks).reduce((s, c) => s + (c - 2000 * rate) ** 2 / (2000 * rate) + (c - 2000 * rate) ** 2 / (2000 * (1 - rate)), 0);
    expect(results.across.click!.dof).toBe(5);
    expect(results.across.click!.statistic).toBeCloseTo(pearson, 10);
  });

  it('every look is recorded: the always-valid p-value only goes down, and comparisons keep their own state', () => {
    const spec = parseExperimentSpec({ name: 'seq', vary: 'subject', metric: 'click', holdout: 0.1, variants: [{ key: 'A' }, { key: 'B' }] });
    let state = { looks: 0, p: {} as Record<string, number> };
    const seen: number[] = [];
    // B leads early, then the difference shrinks: a fixed-horizon p rises again; the always-valid one does not.
    for (const [a, b, n] of [[40, 75, 1000], [90, 120, 2000], [140, 160, 3000]] as const) {
      const r = experimentResults(spec, fromCounts([
        { key: 'A', recipients: n, clicks: a, opens: 0, conversions: 0, revenue: 0 },
        { key: 'B', recipients: n, clicks: b, opens: 0, conversions: 0, revenue: 0 },
        { key: 'holdout', recipients: n / 5, clicks: 0, opens: 0, conversions: 3, revenue: 0 },
      ]), state);
      state = r.state;
      seen.push(r.results.arms[1]!.vsControl!.click!.pSequential);
      expect(r.results.looks).toBe(state.looks);
    }
    expect(state.looks).toBe(3);
    expect(seen[1]).toBeLessThanOrEqual(seen[0]!);
    expect(seen[2]).toBe(seen[1]);
    expect(Object.keys(state.p).sort()).toEqual(expect.arrayContaining(['click:B', 'conversion:B', 'holdout:conversion:mailed']));
  });

  it('the bootstrap interval of revenue per recipient is reproducible and agrees with Welch on a large sample', () => {
    const rng = rngFor(7, 'revenue');
    const draw = (n: number, rate: number) => Array.from({ length: n }, () => (rng.next() < rate ? Math.round(20 + 80 * rng.next()) : 0));
    const a = draw(20000, 0.05);
    const b = draw(20000, 0.06);
    const first = bootstrapMeanDifference(a, b, 0.05, rngFor(1, 'boot'));
    expect(bootstrapMeanDifference(a, b, 0.05, rngFor(1, 'boot'))).toEqual(first);
    const m = (xs: number[]) => ({ n: xs.length, sum: xs.reduce((s, x) => s + x, 0), sumSquares: xs.reduce((s, x) => s + x * x, 0) });
    const w = welchTest(m(a), m(b), 0.05);
    // Percentile and t intervals of a mean of 20,000 values nearly coincide (the sampling
    // distribution is close to normal). The Monte Carlo error of 2,000 resamples at the 2.5% tails
    // is a few percent of the width (here 0.7% and 2.8%); a resample of the wrong size or from the
    // wrong values would move the interval by far more than the 5% allowed.
    const width = w.ci[1] - w.ci[0];
    expect(Math.abs(first[0] - w.ci[0])).toBeLessThan(0.05 * width);
    expect(Math.abs(first[1] - w.ci[1])).toBeLessThan(0.05 * width);
  });
});
