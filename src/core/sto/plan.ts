import { rngFor } from '../prng.ts';
import { daysInBin, HOUR_MS, localBin } from './local-bins.ts';

/**
 * Choosing each recipient's hour in a campaign's window: the hour their smoothed distribution
 * scores best (ε-greedy), or, for a share ε of them, an hour drawn uniformly from the window. The
 * exploration sends are what lets `tailor sto evaluate` estimate, without bias, what any other rule
 * would have earned; every choice records its probability (the propensity) for that:
 *   P(slot a) = (1 − ε)·1[a = best] + ε / H.
 * The coin and the draw are seeded by (campaign, occurrence, profile), so resolving the same page
 * twice chooses the same hours.
 */
export interface WindowSpec {
  /** The window's first instant (the occurrence's start); slot s starts at start + s hours. */
  start: number;
  /** Slots in the window (its length in hours, 1-168). */
  hours: number;
  /** Share sent at a uniformly random slot, 0-1. */
  explore: number;
  /** Seeds the exploration draws (campaign id and occurrence). */
  seed: string;
}

export interface SendTimeChoice {
  profileId: string;
  dueAt: number;
  /** The slot chosen, the slot the model scored best, and the probability the chosen one had. */
  slot: number;
  best: number;
  hours: number;
  start: number;
  propensity: number;
  explored: boolean;
}

/**
 * The model bin of every slot of a window in one zone (memoised: a million recipients live in a
 * few hundred zones, and the window is the same for all of them).
 */
export class WindowBins {
  private readonly byZone = new Map<string, Uint8Array>();

  constructor(private readonly w: Pick<WindowSpec, 'start' | 'hours'>) {}

  of(zone: string): Uint8Array {
    let b = this.byZone.get(zone);
    if (!b) {
      b = new Uint8Array(this.w.hours);
      for (let s = 0; s < this.w.hours; s++) b[s] = localBin(this.w.start + s * HOUR_MS, zone);
      this.byZone.set(zone, b);
    }
    return b;
  }
}

/** The best slot for a distribution over bins: highest probability per day of the bin; ties to the earliest. */
export function bestSlot(dist: ArrayLike<number>, slotBins: Uint8Array): number {
  let best = 0;
  let score = -1;
  for (let s = 0; s < slotBins.length; s++) {
    const b = slotBins[s]!;
    const v = dist[b]! / daysInBin(b);
    if (v > score) {
      score = v;
      best = s;
    }
  }
  return best;
}

/** One recipient's choice, given the slot the model scores best. */
export function chooseSlot(w: WindowSpec, profileId: string, best: number): SendTimeChoice {
  const rng = rngFor(0, w.seed, profileId);
  const explored = rng.next() < w.explore;
  const slot = explored ? Math.min(w.hours - 1, Math.floor(rng.next() * w.hours)) : best;
  const propensity = (1 - w.explore) * (slot === best ? 1 : 0) + w.explore / w.hours;
  return { profileId, dueAt: w.start + slot * HOUR_MS, slot, best, hours: w.hours, start: w.start, propensity, explored };
}
