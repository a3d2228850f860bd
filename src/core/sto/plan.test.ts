import { describe, expect, it } from 'vitest';
import { bestSlot, chooseSlot, WindowBins } from './plan.ts';

const start = Date.parse('2026-06-01T00:00:00Z'); // a Monday

describe('send-time choice', () => {
  it('picks the slot whose local bin scores best per day, in the recipient zone', () => {
    const dist = new Array<number>(48).fill(0.01);
    dist[9] = 0.2; // weekdays 09:00 local
    const bins = new WindowBins({ start, hours: 24 });
    // New York is UTC-4 in June: 09:00 local is 13:00 UTC, slot 13.
    expect(bestSlot(dist, bins.of('America/New_York'))).toBe(13);
    expect(bestSlot(dist, bins.of('Asia/Tokyo'))).toBe(0); // 09:00 JST = 00:00 UTC
  });

  it('weighs a weekend bin per day (two days feed it, five feed a weekday bin)', () => {
    // Saturday 2026-06-06: window from Friday 12:00 UTC over 48 h covers Friday evening and Saturday.
    const w = new WindowBins({ start: Date.parse('2026-06-05T12:00:00Z'), hours: 48 });
    const dist = new Array<number>(48).fill(0);
    dist[18] = 0.3; // weekday 18:00: 0.06 per day
    dist[24 + 10] = 0.15; // weekend 10:00: 0.075 per day, the better one
    expect(bestSlot(dist, w.of('UTC'))).toBe(22);
  });

  it('explores about ε of recipients uniformly, with the propensity each choice had', () => {
    const w = { start, hours: 24, explore: 0.2, seed: 'c1|' };
    const n = 20_000;
    let explored = 0;
    const slots = new Array<number>(24).fill(0);
    for (let i = 0; i < n; i++) {
      const c = chooseSlot(w, `p${i}`, 5);
      if (c.explored) explored++;
      slots[c.slot]!++;
      expect(c.dueAt).toBe(start + c.slot * 3_600_000);
      expect(c.propensity).toBeCloseTo(c.slot === 5 ? 0.8 + 0.2 / 24 : 0.2 / 24, 12);
    }
    // Binomial(20000, 0.2): sd 57; 5 sd either side.
    expect(Math.abs(explored - 0.2 * n)).toBeLessThan(5 * 57);
    // Every other slot gets ε/H of the sends: 166.7 expected, sd 12.8.
    for (let s = 0; s < 24; s++) if (s !== 5) expect(Math.abs(slots[s]! - n * 0.2 / 24)).toBeLessThan(5 * 12.8);
    // The same page resolved again chooses the same hours.
    expect(chooseSlot(w, 'p7', 5)).toEqual(chooseSlot(w, 'p7', 5));
  });
});
