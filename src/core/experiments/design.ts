import { hash } from 'node:crypto';
import type { ExperimentSpec } from '../schemas/experiment.ts';

/**
 * The arms an experiment sends, and which one each profile gets.
 *
 * Assignment is a pure function of (salt, profile id): re-running it, on any machine, gives the
 * same answer, and changing one profile's data never moves another. Two independent hashes are
 * used: one places the profile in the holdout, the test group or the remainder (which later gets
 * the winner), the other picks its arm by weight, so arms stay balanced within the test group.
 */
export interface Arm {
  key: string;
  weight: number;
  /** What this arm sends, merged over the factors for a multivariate cell. */
  content: Record<string, unknown>;
  /** For a multivariate cell: factor name → level key. */
  levels: Record<string, string>;
}

export const HOLDOUT = 'holdout';

export function armsOf(spec: ExperimentSpec): Arm[] {
  if (spec.variants) {
    return spec.variants.map((v) => ({ key: v.key, weight: v.weight, content: { [spec.vary!]: v.content[spec.vary!] ?? null, ...v.content }, levels: {} }));
  }
  let cells: Arm[] = [{ key: '', weight: 1, content: {}, levels: {} }];
  for (const f of spec.factors!) {
    cells = cells.flatMap((c) => f.levels.map((l) => ({
      key: c.key ? `${c.key}.${l.key}` : l.key,
      weight: c.weight * l.weight,
      content: { ...c.content, [f.vary]: l.content[f.vary] ?? null },
      levels: { ...c.levels, [f.name]: l.key },
    })));
  }
  return cells;
}

/** A float in [0, 1) from SHA-256 of the salt, a purpose and the profile id (53 bits). */
export function unitHash(salt: string, purpose: string, profileId: string): number {
  const h = hash('sha256', `${salt}\u0000${purpose}\u0000${profileId}`, 'buffer');
  return (h.readUIntBE(0, 6) * 32 + (h[6]! >>> 3)) / 2 ** 53;
}

export type Group = 'holdout' | 'test' | 'rest';

export function groupOf(spec: Pick<ExperimentSpec, 'holdout' | 'testFraction'>, salt: string, profileId: string): Group {
  const u = unitHash(salt, 'group', profileId);
  if (u < spec.holdout) return 'holdout';
  return (u - spec.holdout) / (1 - spec.holdout) < spec.testFraction ? 'test' : 'rest';
}

/** The arm by weight: the profile's hash falls in one arm's share of the cumulative weights. */
export function armOf(arms: readonly Arm[], salt: string, profileId: string): Arm {
  const total = arms.reduce((s, a) => s + a.weight, 0);
  let u = unitHash(salt, 'arm', profileId) * total;
  for (const a of arms) {
    if (u < a.weight) return a;
    u -= a.weight;
  }
  return arms[arms.length - 1]!;
}
