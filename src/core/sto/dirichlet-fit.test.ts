import { describe, expect, it } from 'vitest';
import { readFixture } from '../../../test/helpers/fixtures.ts';
import { digamma, fitPrecision, fitPrecisionOfRows, logMarginal, tally } from './dirichlet-fit.ts';

/** Counts, means and the optimum from scipy (bench/sto-reference.py; the fixture names its source). */
interface Case { name: string; mean: number[]; counts: number[][]; alpha: number; logMarginal: number; logMarginalAt: { alpha: number; value: number }[] }
const fixture = readFixture('sto-dirichlet-reference.json') as { source: string; cases: Case[] };

describe('Dirichlet precision fit against scipy', () => {
  it('names its source', () => expect(fixture.source).toMatch(/bench\/sto-reference\.py/));

  for (const c of fixture.cases) {
    it(`${c.name}: Minka's fixed point lands on scipy's optimum`, () => {
      const fit = fitPrecision(tally(c.counts.map((counts) => ({ counts, group: 0 })), [c.mean]));
      expect(fit.converged).toBe(true);
      // scipy's bounded search stops at xatol 1e-10 on log α; the likelihood is flat near the top.
      expect(Math.abs(fit.alpha - c.alpha) / c.alpha).toBeLessThan(1e-4);
      expect(logMarginal(fit.alpha, c.counts, c.mean)).toBeCloseTo(c.logMarginal, 4);
    });

    it(`${c.name}: the log marginal likelihood matches scipy's gammaln at fixed α`, () => {
      for (const p of c.logMarginalAt) expect(logMarginal(p.alpha, c.counts, c.mean)).toBeCloseTo(p.value, 6);
    });
  }

  it('profiles with no events carry no information', () => {
    const c = fixture.cases[0]!;
    const base = fitPrecision(tally(c.counts.map((counts) => ({ counts, group: 0 })), [c.mean])).alpha;
    const padded = [...c.counts, ...Array.from({ length: 50 }, () => c.mean.map(() => 0))];
    expect(fitPrecision(tally(padded.map((counts) => ({ counts, group: 0 })), [c.mean])).alpha).toBeCloseTo(base, 8);
  });
});

describe('the direct (ψ) form of the fit', () => {
  it('lands where the tallied form does, on the scipy cases', () => {
    for (const c of fixture.cases) {
      const direct = fitPrecisionOfRows(c.counts.map((counts) => ({ counts, mean: c.mean })));
      expect(Math.abs(direct.alpha - c.alpha) / c.alpha).toBeLessThan(1e-4);
    }
  });

  it('digamma: ψ(1) = −γ and ψ(x + 1) − ψ(x) = 1/x', () => {
    expect(digamma(1)).toBeCloseTo(-0.5772156649015329, 13);
    expect(digamma(1e-5 + 1) - digamma(1e-5)).toBeCloseTo(1e5, 6);
    expect(digamma(1000.5) - digamma(999.5)).toBeCloseTo(1 / 999.5, 14);
  });
});
