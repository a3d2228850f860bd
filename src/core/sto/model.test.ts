import { describe, expect, it } from 'vitest';
import { Rng } from '../prng.ts';
import { ModelFit, profileDistribution } from './model.ts';

/** Counts over 48 bins: `n` events, 30 % at the person's own bin (the group's ± 2), the rest anywhere. */
function habit(rng: Rng, bin: number, n: number): number[] {
  const c = new Array<number>(48).fill(0);
  const own = bin + rng.int(-2, 2);
  for (let i = 0; i < n; i++) {
    const b = rng.chance(0.3) ? own : rng.int(0, 47);
    c[(b + 48) % 48]!++;
  }
  return c;
}

describe('send-time model', () => {
  it('finds no spread between identical people (the fitted precision runs to its bound)', () => {
    const rng = new Rng([5, 6, 7, 8]);
    const fit = new ModelFit('none');
    for (let i = 0; i < 500; i++) {
      const c = new Array<number>(48).fill(0);
      for (let j = 0; j < 20; j++) c[rng.chance(0.5) ? 10 : 11]!++;
      fit.add({ group: 'all', counts: c });
    }
    // Not infinite: the half-event floor of the global prior is a small misfit of its own.
    expect(fit.finish(0).alphaProfile).toBeGreaterThan(200);
  });

  it('shrinks a sparse profile toward its group and leaves a rich one near its own counts', () => {
    const rng = new Rng([1, 2, 3, 4]);
    const fit = new ModelFit('cluster');
    // Group "a" reads at bin 8, group "b" at bin 20; each person's own hour varies a little.
    for (let i = 0; i < 400; i++) fit.add({ group: 'a', counts: habit(rng, 8, 30) });
    for (let i = 0; i < 400; i++) fit.add({ group: 'b', counts: habit(rng, 20, 30) });
    const m = fit.finish(0);
    expect(m.profiles).toBe(800);
    expect(m.alphaProfile).toBeGreaterThan(1);
    expect(m.alphaProfile).toBeLessThan(1000);
    const argmax = (p: number[]) => p.indexOf(Math.max(...p));
    expect(Math.abs(argmax(m.groups.a!) - 8)).toBeLessThanOrEqual(2);
    expect(Math.abs(argmax(m.groups.b!) - 20)).toBeLessThanOrEqual(2);
    // One open at bin 30 in group "a": the group's hour still wins.
    const one = new Array<number>(48).fill(0);
    one[30] = 1;
    expect(Math.abs(argmax(profileDistribution(m, one, 'a')) - 8)).toBeLessThanOrEqual(2);
    // Forty opens at bin 30: the person's own hour wins.
    one[30] = 20;
    expect(argmax(profileDistribution(m, one, 'a'))).toBe(30);
    // Unknown group, no history: the global distribution, which sums to 1.
    const g = profileDistribution(m, null, 'zzz');
    expect(g).toEqual(m.global);
    expect(g.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });
});
