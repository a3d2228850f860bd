import { describe, expect, it } from 'vitest';
import { armOf, armsOf, groupOf } from './design.ts';
import { chiSquareSf } from './distributions.ts';
import { parseExperimentSpec } from '../schemas/experiment.ts';

const ids = Array.from({ length: 100_000 }, (_, i) => `user-${i}`);

/** Pearson's χ² goodness-of-fit p-value of observed counts against expected shares. */
function goodnessOfFit(observed: number[], shares: number[]): number {
  const n = observed.reduce((s, x) => s + x, 0);
  const stat = observed.reduce((s, o, i) => s + (o - n * shares[i]!) ** 2 / (n * shares[i]!), 0);
  return chiSquareSf(stat, observed.length - 1);
}

// The uniformity tests are at α = 0.001: with fixed ids and salts they either pass or fail on
// every run, and a correct hash fails one in a thousand choices of salt.
const ALPHA = 0.001;

describe('assignment', () => {
  const spec = parseExperimentSpec({
    name: 'subject test', vary: 'subject', holdout: 0.1, testFraction: 0.3,
    variants: [{ key: 'A', weight: 2 }, { key: 'B', weight: 1 }, { key: 'C', weight: 1 }],
  });
  const arms = armsOf(spec);

  it('is stable: the same salt and id always give the same group and arm', () => {
    const first = ids.slice(0, 1000).map((id) => [groupOf(spec, 'salt-1', id), armOf(arms, 'salt-1', id).key]);
    const again = ids.slice(0, 1000).map((id) => [groupOf(spec, 'salt-1', id), armOf(arms, 'salt-1', id).key]);
    expect(again).toEqual(first);
  });

  // Guards that both hashes use the salt. Under two independent salts a profile lands in the same
  // group with probability Σ share² (0.1² + 0.27² + 0.63² = 0.4798) and in the same arm with
  // Σ weight² (0.5² + 0.25² + 0.25² = 0.375). A hash that ignored the salt would agree 100% of the
  // time; the old combined check (< 600 of 1,000 agreeing on both) let an arm hash that ignores the
  // salt through, at ≈ 480. Each rate is checked on its own with a two-sided z-test at α = 0.001.
  it('another salt reshuffles groups and arms independently, at their chance rates of agreement', () => {
    const n = 20_000;
    const sample = ids.slice(0, n);
    const zOf = (hits: number, p: number) => (hits - n * p) / Math.sqrt(n * p * (1 - p));
    const Z = 3.29; // two-sided α = 0.001
    let sameGroup = 0;
    let sameArm = 0;
    let sameBoth = 0;
    for (const id of sample) {
      const g = groupOf(spec, 'salt-1', id) === groupOf(spec, 'salt-2', id);
      const a = armOf(arms, 'salt-1', id).key === armOf(arms, 'salt-2', id).key;
      if (g) sameGroup++;
      if (a) sameArm++;
      if (g && a) sameBoth++;
    }
    const pGroup = 0.1 ** 2 + 0.27 ** 2 + 0.63 ** 2;
    const pArm = 0.5 ** 2 + 0.25 ** 2 + 0.25 ** 2;
    expect(Math.abs(zOf(sameGroup, pGroup)), `group agreement ${sameGroup} of ${n}`).toBeLessThan(Z);
    expect(Math.abs(zOf(sameArm, pArm)), `arm agreement ${sameArm} of ${n}`).toBeLessThan(Z);
    expect(Math.abs(zOf(sameBoth, pGroup * pArm)), `joint agreement ${sameBoth} of ${n}`).toBeLessThan(Z);
  });

  it(`splits holdout / test / rest in the configured shares (χ² goodness of fit, α = ${ALPHA})`, () => {
    const counts = { holdout: 0, test: 0, rest: 0 };
    for (const id of ids) counts[groupOf(spec, 'salt-1', id)]++;
    const shares = [0.1, 0.9 * 0.3, 0.9 * 0.7];
    expect(goodnessOfFit([counts.holdout, counts.test, counts.rest], shares)).toBeGreaterThan(ALPHA);
  });

  it(`splits arms by weight (χ² goodness of fit, α = ${ALPHA}), and a skewed split is detected`, () => {
    const counts = new Map(arms.map((a) => [a.key, 0]));
    for (const id of ids) counts.set(armOf(arms, 'salt-1', id).key, counts.get(armOf(arms, 'salt-1', id).key)! + 1);
    const observed = [...counts.values()];
    expect(goodnessOfFit(observed, [0.5, 0.25, 0.25])).toBeGreaterThan(ALPHA);
    // The same counts are far from an equal three-way split: the check has power.
    expect(goodnessOfFit(observed, [1 / 3, 1 / 3, 1 / 3])).toBeLessThan(ALPHA);
  });

  it('is independent of the group: arms stay balanced inside the test group', () => {
    const inTest = ids.filter((id) => groupOf(spec, 'salt-1', id) === 'test');
    const counts = new Map(arms.map((a) => [a.key, 0]));
    for (const id of inTest) counts.set(armOf(arms, 'salt-1', id).key, counts.get(armOf(arms, 'salt-1', id).key)! + 1);
    expect(goodnessOfFit([...counts.values()], [0.5, 0.25, 0.25])).toBeGreaterThan(ALPHA);
  });

  it('builds full-factorial cells with multiplied weights, the first levels being the control', () => {
    const mv = armsOf(parseExperimentSpec({
      name: 'mv',
      factors: [
        { name: 'subject', vary: 'subject', levels: [{ key: 's1', content: { subject: 'Hi' } }, { key: 's2', content: { subject: 'Hello' } }] },
        { name: 'cta', vary: 'content_block', levels: [{ key: 'c1', weight: 3 }, { key: 'c2' }, { key: 'c3' }] },
      ],
    }));
    expect(mv.map((a) => a.key)).toEqual(['s1.c1', 's1.c2', 's1.c3', 's2.c1', 's2.c2', 's2.c3']);
    expect(mv.map((a) => a.weight)).toEqual([3, 1, 1, 3, 1, 1]);
    expect(mv[3]).toMatchObject({ levels: { subject: 's2', cta: 'c1' }, content: { subject: 'Hello', content_block: null } });
  });
});
