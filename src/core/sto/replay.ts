import { profileDistribution, type StoModel } from './model.ts';

/**
 * The replay estimate, for comparison only, and BIASED: it scores how often people's later human
 * opens fell within an hour of the hour the model (fitted on their earlier ones) predicts, against
 * the same for the best fixed hour. This is how published send-time "lifts" are usually computed
 * (a replay of historical opens), and it flatters: an open happens when a mail was sent, so it
 * measures agreement with past send times and habits, not what sending at another hour would have
 * caused. The IPS estimate (evaluate.ts) is the one to trust.
 */
export interface ReplayProfile { group: string; train: ArrayLike<number>; heldOut: readonly number[] }
export interface Replay { profiles: number; heldOutEvents: number; tailorHitRate: number; fixedHitRate: number; fixedHours: [number, number]; lift: number; biased: true }

const near = (a: number, b: number) => {
  const d = Math.abs(a - b);
  return Math.min(d, 24 - d) <= 1;
};

/** Best hour of each day type (weekday: bins 0-23, weekend: 24-47) of a distribution. */
function bestHours(p: ArrayLike<number>): [number, number] {
  const out: [number, number] = [0, 0];
  for (const t of [0, 1] as const) {
    let best = 0;
    for (let h = 1; h < 24; h++) if (p[24 * t + h]! > p[24 * t + best]!) best = h;
    out[t] = best;
  }
  return out;
}

export function replayHeldOut(model: StoModel, profiles: Iterable<ReplayProfile>): Replay {
  const fixed = bestHours(model.global);
  let n = 0;
  let people = 0;
  let tailorHits = 0;
  let fixedHits = 0;
  for (const p of profiles) {
    if (!p.heldOut.length) continue;
    people++;
    const mine = bestHours(profileDistribution(model, p.train, p.group));
    for (const bin of p.heldOut) {
      const t = bin < 24 ? 0 : 1;
      const h = bin % 24;
      n++;
      if (near(h, mine[t])) tailorHits++;
      if (near(h, fixed[t])) fixedHits++;
    }
  }
  const tailorHitRate = n ? tailorHits / n : NaN;
  const fixedHitRate = n ? fixedHits / n : NaN;
  return { profiles: people, heldOutEvents: n, tailorHitRate, fixedHitRate, fixedHours: fixed, lift: tailorHitRate / fixedHitRate - 1, biased: true };
}
