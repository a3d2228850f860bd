import { describe, expect, it } from 'vitest';
import { Rng } from '../prng.ts';
import { evaluateSends, interval, type LoggedSend } from './evaluate.ts';
import { chooseSlot } from './plan.ts';

const start = Date.parse('2026-06-01T00:00:00Z');
const ZONES = ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Tokyo'];
const offsetH: Record<string, number> = { UTC: 0, 'Europe/Berlin': 2, 'America/New_York': -4, 'Asia/Tokyo': 9 };

/**
 * Synthetic campaigns logged the way plan.ts logs them (ε-greedy over a 24 h window). Each person
 * has a planted local hour; `clickAt(local distance)` is the chance of a click when the mail lands
 * that many hours from it. Tailor's "best" is the planted hour for `accuracy` of people, else a
 * random one (a model is never perfect).
 */
function simulate(opts: { people: number; clickAt: (d: number) => number; accuracy: number; seed: number }): LoggedSend[] {
  const rng = new Rng([opts.seed, 2, 3, 4]);
  const out: LoggedSend[] = [];
  for (let i = 0; i < opts.people; i++) {
    const zone = rng.pick(ZONES);
    // 40 % of people read at 19:00 local, the rest at any hour: a fixed hour can do well, not best.
    const planted = rng.chance(0.4) ? 19 : rng.int(0, 23);
    const toSlot = (local: number) => (((local - offsetH[zone]!) % 24) + 24) % 24;
    const best = toSlot(rng.chance(opts.accuracy) ? planted : rng.int(0, 23));
    const c = chooseSlot({ start, hours: 24, explore: 0.1, seed: `sim${opts.seed}` }, `p${i}`, best);
    const local = (c.slot + offsetH[zone]! + 24) % 24;
    const d = Math.min(Math.abs(local - planted), 24 - Math.abs(local - planted));
    out.push({ ...c, zone, ownSlot: 0, clicked: rng.chance(opts.clickAt(d)) });
  }
  return out;
}

describe('IPS evaluation of send times', () => {
  it('finds a positive lift with an interval above zero when people have planted hours', () => {
    const sends = simulate({ people: 40_000, accuracy: 0.7, seed: 1, clickAt: (d) => (d === 0 ? 0.3 : d === 1 ? 0.15 : 0.02) });
    const e = evaluateSends(sends, { reps: 400 });
    // By hand: Tailor ≈ 0.7·0.3 + 0.3·(random hour ≈ 0.035) ≈ 0.22; 19:00 fixed ≈ 0.4·0.3 + 0.6·0.035 ≈ 0.14,
    // 18:00 ≈ 0.4·0.15 + 0.6·0.035 ≈ 0.08 (IPS on ~170 exploration sends per hour and half is noisy).
    expect(e.tailor.ips).toBeGreaterThan(0.18);
    expect(e.tailor.ips).toBeLessThan(0.26);
    // Each half's pick is a noisy maximum: the popular hour or its neighbour (half as good there).
    for (const h of e.fixedHour.hours) expect([18, 19, 20]).toContain(h);
    expect(e.fixedHour.ips).toBeGreaterThan(0.04);
    expect(e.fixedHour.ips).toBeLessThan(0.19);
    expect(e.vsFixedHour!.ips).toBeGreaterThan(0.05);
    expect(e.vsFixedHour!.ci95[0]).toBeGreaterThan(0);
    expect(e.vsFixedHour!.ci95Snips[0]).toBeGreaterThan(0);
    // The campaign's own hour (00:00 UTC) is worse still.
    expect(e.vsCampaignHour!.ci95[0]).toBeGreaterThan(e.vsFixedHour!.ci95[0]);
  });

  it('finds no lift (the interval contains zero) when nobody has a habit', () => {
    const sends = simulate({ people: 40_000, accuracy: 0.7, seed: 2, clickAt: () => 0.08 });
    const e = evaluateSends(sends, { reps: 400 });
    expect(e.vsFixedHour!.ci95[0]).toBeLessThan(0);
    expect(e.vsFixedHour!.ci95[1]).toBeGreaterThan(0);
    expect(e.vsCampaignHour!.ci95[0]).toBeLessThan(0);
    expect(e.vsCampaignHour!.ci95[1]).toBeGreaterThan(0);
  });

  it('weights by hand: one matched click at propensity 0.25 among two sends is worth 2 clicks per send', () => {
    const s = (profileId: string, slot: number, propensity: number, clicked: boolean): LoggedSend =>
      ({ profileId, slot, best: 3, hours: 24, start, propensity, zone: 'UTC', ownSlot: 0, clicked });
    const e = evaluateSends([s('a', 3, 0.25, true), s('b', 5, 0.5, false)], { reps: 10 });
    expect(e.tailor.ips).toBeCloseTo((1 / 0.25) / 2, 12);
    expect(e.tailor.snips).toBeCloseTo(1, 12);
  });

  it('interval: the 2.5th and 97.5th percentiles', () => {
    expect(interval(Array.from({ length: 41 }, (_, i) => i))).toEqual([1, 39]);
  });
});
