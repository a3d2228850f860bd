import { Rng, rngFor } from '../prng.ts';
import { HOUR_MS, localClock } from './local-bins.ts';

/**
 * Offline evaluation of send-time rules on logged sends whose hour was chosen with a known
 * probability (plan.ts): inverse-propensity weighting. For a rule π that picks one slot per
 * recipient, each logged send whose slot is the one π would have picked stands for 1/p sends:
 *   IPS   V(π) = (1/N) Σ 1[a_i = π(x_i)] · y_i / p_i          (unbiased)
 *   SNIPS V(π) = Σ w_i y_i / Σ w_i,  w_i = 1[a_i = π(x_i)] / p_i (self-normalised: a little biased, less variance)
 * y is a human click within 24 h of delivery. Because every slot has probability ≥ ε/H, any rule
 * can be evaluated, with no assumption about how people would have reacted.
 *
 * Rules compared:
 * - Tailor: the slot the model scored best when the send was planned (recorded on the row);
 * - the best single fixed local hour, chosen fairly by two-fold cross-fitting: recipients are split
 *   in two halves by a hash of their id, the hour is chosen on one half (highest IPS value) and
 *   evaluated on the other, and the other way round, so no hour is judged on the data that chose it;
 * - the campaign's own hour: the slot it would have sent at without optimisation (its start).
 * The interval is a percentile bootstrap over recipients (all of a recipient's sends move together),
 * with a fixed seed.
 */
export interface LoggedSend {
  profileId: string;
  slot: number;
  best: number;
  hours: number;
  start: number;
  propensity: number;
  /** The recipient's zone (valid), for the local hour of each slot. */
  zone: string;
  /** The slot the campaign would have used without optimisation. */
  ownSlot: number;
  clicked: boolean;
}

export interface PolicyValue { ips: number; snips: number; matched: number }
export interface Lift {
  /** Relative lift V(Tailor) / V(other) − 1, by IPS and SNIPS. */
  ips: number;
  snips: number;
  /** 95 % percentile bootstrap intervals of the relative lift. */
  ci95: [number, number];
  ci95Snips: [number, number];
  /** Difference in click rate per recipient, V(Tailor) − V(other) (IPS), with its interval. */
  difference: number;
  differenceCi95: [number, number];
}

export interface Evaluation {
  sends: number;
  recipients: number;
  explored: number;
  clicks: number;
  tailor: PolicyValue;
  fixedHour: PolicyValue & { hours: [number, number] };
  campaignHour: PolicyValue;
  vsFixedHour: Lift | null;
  vsCampaignHour: Lift | null;
  bootstrap: { reps: number; seed: number };
}

/** Local hour of each slot of a send's window, memoised per (window, zone). */
class SlotHours {
  private readonly memo = new Map<string, Uint8Array>();

  of(s: LoggedSend): Uint8Array {
    const key = `${s.start}|${s.hours}|${s.zone}`;
    let h = this.memo.get(key);
    if (!h) {
      h = new Uint8Array(s.hours);
      for (let i = 0; i < s.hours; i++) h[i] = localClock(s.start + i * HOUR_MS, s.zone).hour;
      this.memo.set(key, h);
    }
    return h;
  }
}

/** FNV-1a: a recipient's fold, stable across runs. */
function fold(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return (h >>> 0) & 1;
}

/** Sums of one rule over a set of sends: Σ w y, Σ w, and the number of sends. */
interface Sums { wy: number; w: number; n: number; matched: number }
const zero = (): Sums => ({ wy: 0, w: 0, n: 0, matched: 0 });
const add = (s: Sums, send: LoggedSend, target: number) => {
  s.n++;
  if (target !== send.slot) return;
  const w = 1 / send.propensity;
  s.w += w;
  s.matched++;
  if (send.clicked) s.wy += w;
};
const value = (s: Sums): PolicyValue => ({ ips: s.n ? s.wy / s.n : NaN, snips: s.w ? s.wy / s.w : NaN, matched: s.matched });

export interface EvaluateOptions { reps?: number; seed?: number }

export function evaluateSends(sends: readonly LoggedSend[], opts: EvaluateOptions = {}): Evaluation {
  const reps = opts.reps ?? 1000;
  const seed = opts.seed ?? 20261207;
  const hours = new SlotHours();
  const slotHours = sends.map((s) => hours.of(s));
  const folds = sends.map((s) => fold(s.profileId));
  // Choose the fixed hour on each half. A send matches the rule "hour h" only when its slot is the
  // window's first slot at local hour h: one hour per send at most.
  const perHour = [0, 1].map(() => Array.from({ length: 24 }, zero));
  for (let i = 0; i < sends.length; i++) {
    const s = sends[i]!;
    const h = slotHours[i]!;
    const sums = perHour[folds[i]!]!;
    for (let hour = 0; hour < 24; hour++) sums[hour]!.n++;
    const mine = h[s.slot]!;
    if (h.indexOf(mine) === s.slot) {
      sums[mine]!.n--;
      add(sums[mine]!, s, s.slot);
    }
  }
  const rate = (x: Sums) => (x.n ? x.wy / x.n : -1);
  const pick = (sums: Sums[]) => sums.reduce((b, x, hour) => (rate(x) > rate(sums[b]!) ? hour : b), 0);
  // Sends in fold f are judged with the hour chosen on the other fold.
  const chosen: [number, number] = [pick(perHour[1]!), pick(perHour[0]!)];

  // Per recipient: the sums of each rule, so a bootstrap replicate costs one pass over recipients.
  const byProfile = new Map<string, [Sums, Sums, Sums]>();
  let clicks = 0;
  let explored = 0;
  for (let i = 0; i < sends.length; i++) {
    const s = sends[i]!;
    let r = byProfile.get(s.profileId);
    if (!r) byProfile.set(s.profileId, (r = [zero(), zero(), zero()]));
    add(r[0], s, s.best);
    add(r[1], s, slotHours[i]!.indexOf(chosen[folds[i]!]!));
    add(r[2], s, s.ownSlot);
    if (s.clicked) clicks++;
    if (s.slot !== s.best) explored++;
  }
  // Per recipient and rule, in typed arrays: a replicate is one tight pass (3 rules × 3 sums).
  const people = [...byProfile.values()];
  const P = people.length;
  const cols = [0, 1, 2].map((k) => ({
    wy: Float64Array.from(people, (p) => p[k]!.wy), w: Float64Array.from(people, (p) => p[k]!.w),
    n: Float64Array.from(people, (p) => p[k]!.n), matched: Float64Array.from(people, (p) => p[k]!.matched),
  }));
  const whole = (k: number): Sums => {
    const c = cols[k]!;
    const t = zero();
    for (let i = 0; i < P; i++) {
      t.wy += c.wy[i]!; t.w += c.w[i]!; t.n += c.n[i]!; t.matched += c.matched[i]!;
    }
    return t;
  };
  const tailor = value(whole(0));
  const fixed = value(whole(1));
  const own = value(whole(2));

  // Bootstrap: the same resamples for both comparisons.
  const rng: Rng = rngFor(seed, 'sto-evaluate');
  const samples: [number, number, number][][] = [[], []]; // [ips lift, snips lift, difference] per comparison
  // Interleaved per recipient: wy, w, n for Tailor, the fixed hour, the campaign's hour.
  const flat = new Float64Array(9 * P);
  for (let i = 0; i < P; i++) for (let k = 0; k < 3; k++) {
    flat[9 * i + 3 * k] = cols[k]!.wy[i]!; flat[9 * i + 3 * k + 1] = cols[k]!.w[i]!; flat[9 * i + 3 * k + 2] = cols[k]!.n[i]!;
  }
  for (let b = 0; b < reps && P; b++) {
    let twy = 0, tw = 0, tn = 0, fwy = 0, fw = 0, fn = 0, owy = 0, ow = 0, on = 0;
    for (let j = 0; j < P; j++) {
      const o = 9 * Math.floor(rng.next() * P);
      twy += flat[o]!; tw += flat[o + 1]!; tn += flat[o + 2]!;
      fwy += flat[o + 3]!; fw += flat[o + 4]!; fn += flat[o + 5]!;
      owy += flat[o + 6]!; ow += flat[o + 7]!; on += flat[o + 8]!;
    }
    const t = twy / tn;
    samples[0]!.push([t / (fwy / fn) - 1, (twy / tw) / (fwy / fw) - 1, t - fwy / fn]);
    samples[1]!.push([t / (owy / on) - 1, (twy / tw) / (owy / ow) - 1, t - owy / on]);
  }
  const lift = (other: PolicyValue, k: number): Lift | null => {
    if (!P || !(other.ips > 0)) return null;
    const col = (j: number) => samples[k]!.map((x) => x[j]!).filter(Number.isFinite);
    return {
      ips: tailor.ips / other.ips - 1,
      snips: tailor.snips / other.snips - 1,
      ci95: interval(col(0)),
      ci95Snips: interval(col(1)),
      difference: tailor.ips - other.ips,
      differenceCi95: interval(col(2)),
    };
  };
  return {
    sends: sends.length, recipients: P, explored, clicks,
    tailor, fixedHour: { ...fixed, hours: chosen }, campaignHour: own,
    vsFixedHour: lift(fixed, 0), vsCampaignHour: lift(own, 1),
    bootstrap: { reps, seed },
  };
}

/** The 2.5 % and 97.5 % percentiles (linear interpolation between order statistics). */
export function interval(xs: number[]): [number, number] {
  if (!xs.length) return [NaN, NaN];
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => {
    const i = p * (s.length - 1);
    const lo = Math.floor(i);
    return s[lo]! + (s[Math.min(lo + 1, s.length - 1)]! - s[lo]!) * (i - lo);
  };
  return [q(0.025), q(0.975)];
}
