import { describe, expect, it } from 'vitest';
import { DAY_MS } from './catalog.ts';
import { monetaryKey, orderRevenue, quintileScores, rfmCustomer, rfmWindow, scoreRfm, summarizeRfm } from './rfm.ts';

const AS_OF = Date.UTC(2011, 11, 10);

describe('quintileScores: equal values score equally, 1 + ⌊5 · below / n⌋', () => {
  it('handles heavy ties by hand (frequency, higher is better)', () => {
    // n = 10. below: 1 → 0, 2 → 4, 3 → 6, 5 → 7, 8 → 8, 13 → 9.
    // Scores: 1+⌊0/10⌋=1, 1+⌊20/10⌋=3, 1+⌊30/10⌋=4, 1+⌊35/10⌋=4, 1+⌊40/10⌋=5, 1+⌊45/10⌋=5. Score 2 is unused.
    expect([...quintileScores([1, 1, 1, 1, 2, 2, 3, 5, 8, 13], 'higher')]).toEqual([1, 1, 1, 1, 3, 3, 4, 4, 5, 5]);
  });

  it('scores recency days the other way round (lower is better)', () => {
    // n = 8. Strictly worse (more days) than: 365 → 0, 200 → 1, 30 → 2, 10 → 5, 0 → 6.
    // Scores: 1, 1+⌊5/8⌋=1, 1+⌊10/8⌋=2, 1+⌊25/8⌋=4, 1+⌊30/8⌋=4. The tie at the top leaves 5 unused.
    expect([...quintileScores([0, 0, 10, 30, 30, 30, 200, 365], 'lower')]).toEqual([4, 4, 4, 2, 2, 2, 1, 1]);
  });

  it('gives equal fifths without ties, 1 to everyone when all tie, and 1 to a lone customer', () => {
    const hundred = Array.from({ length: 100 }, (_, i) => (i * 37) % 100);
    const counts = [0, 0, 0, 0, 0, 0];
    for (const s of quintileScores(hundred, 'higher')) counts[s]!++;
    expect(counts).toEqual([0, 20, 20, 20, 20, 20]);
    expect([...quintileScores([5, 4, 3, 2, 1], 'higher')]).toEqual([5, 4, 3, 2, 1]);
    expect([...quintileScores([7, 7, 7], 'higher')]).toEqual([1, 1, 1]);
    expect([...quintileScores([42], 'lower')]).toEqual([1]);
    expect([...quintileScores([], 'higher')]).toEqual([]);
    // 0 and −0 are one value: both have one customer (1 day) below them → 1 + ⌊5/3⌋ = 2.
    expect([...quintileScores([0, -0, 1], 'lower')]).toEqual([2, 2, 1]);
  });

  it('does not depend on input order, and a better value never scores lower', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let round = 0; round < 20; round++) {
      const n = 1 + Math.floor(rand() * 300);
      const values = Array.from({ length: n }, () => Math.floor(rand() * 12));
      const scores = quintileScores(values, 'higher');
      const order = values.map((_, i) => i).sort(() => rand() - 0.5);
      const shuffled = quintileScores(order.map((i) => values[i]!), 'higher');
      expect(order.filter((from, to) => shuffled[to] !== scores[from])).toEqual([]);
      let violations = 0;
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
        if (values[i]! > values[j]! && scores[i]! < scores[j]!) violations++;
        if (values[i] === values[j] && scores[i] !== scores[j]) violations++;
      }
      expect(violations).toBe(0);
      expect(Math.min(...scores)).toBe(1);
      expect(Math.max(...scores)).toBeLessThanOrEqual(5);
    }
  });

  it('refuses non-finite values', () => {
    expect(() => quintileScores([1, Number.NaN], 'higher')).toThrow(RangeError);
  });
});

describe('scoreRfm', () => {
  const window = rfmWindow(AS_OF, 365);

  it('computes recency in whole days, ranks monetary at 1e-6 and names the segment', () => {
    const s = scoreRfm({
      profileIds: ['a', 'b', 'c', 'd', 'e'],
      lastOrderAt: [AS_OF - 1, AS_OF - DAY_MS, AS_OF - 10 * DAY_MS - 5, AS_OF - 100 * DAY_MS, AS_OF - 364 * DAY_MS],
      orders: [9, 5, 3, 2, 1],
      revenue: [500, 0.1 + 0.2, 0.3, 40, -5],
    }, window);
    expect([...s.recencyDays]).toEqual([0, 1, 10, 100, 364]);
    expect([...s.r]).toEqual([5, 4, 3, 2, 1]);
    expect([...s.f]).toEqual([5, 4, 3, 2, 1]);
    // 0.1 + 0.2 and 0.3 tie: both have one customer (e, −5) below them → 1 + ⌊5/5⌋ = 2.
    expect([...s.m]).toEqual([5, 2, 2, 4, 1]);
    expect(rfmCustomer(s, 0)).toEqual({ profileId: 'a', recencyDays: 0, frequency: 9, monetary: 500, r: 5, f: 5, m: 5, score: 555, segment: 'Champions' });
    expect(rfmCustomer(s, 1)).toMatchObject({ score: 442, segment: 'Potential Loyalists', monetary: 0.3 });
    expect(rfmCustomer(s, 4)).toMatchObject({ score: 111, segment: 'Lost' });
  });

  it('refuses a customer whose last order is outside the window', () => {
    const agg = (t: number) => ({ profileIds: ['x'], lastOrderAt: [t], orders: [1], revenue: [1] });
    expect(() => scoreRfm(agg(AS_OF + 1), window)).toThrow(/outside the window/);
    expect(() => scoreRfm(agg(AS_OF - 365 * DAY_MS), window)).toThrow(/outside the window/);
    expect(scoreRfm(agg(AS_OF - 365 * DAY_MS + 1), window).recencyDays[0]).toBe(364);
  });

  it('summarises counts and means per segment and in total', () => {
    const s = scoreRfm({ profileIds: ['a', 'b'], lastOrderAt: [AS_OF, AS_OF - 3 * DAY_MS], orders: [4, 1], revenue: [10, 2] }, window);
    const sum = summarizeRfm(s);
    expect(sum).toMatchObject({ asOf: '2011-12-10T00:00:00.000Z', windowStart: '2010-12-10T00:00:00.000Z', windowDays: 365 });
    expect(sum.totals).toEqual({ customers: 2, meanRecencyDays: 1.5, meanFrequency: 2.5, meanMonetary: 6 });
    // a: below 1 of 2 on every measure → 1 + ⌊5/2⌋ = 3, 333 Need Attention; b: 111 Lost.
    expect(sum.segments.find((g) => g.segment === 'Need Attention')).toEqual({ segment: 'Need Attention', customers: 1, meanRecencyDays: 0, meanFrequency: 4, meanMonetary: 10 });
    expect(sum.segments.find((g) => g.segment === 'Lost')!.customers).toBe(1);
    expect(sum.segments.find((g) => g.segment === 'Champions')).toEqual({ segment: 'Champions', customers: 0, meanRecencyDays: null, meanFrequency: null, meanMonetary: null });
    expect(sum.segments).toHaveLength(11);
  });
});

describe('RFM helpers', () => {
  it('takes revenue, else total, else 0', () => {
    expect(orderRevenue({ revenue: 12.5, total: 99 })).toBe(12.5);
    expect(orderRevenue({ revenue: '12.5', total: 99 })).toBe(99);
    expect(orderRevenue({ revenue: Number.POSITIVE_INFINITY, total: 3 })).toBe(3);
    expect(orderRevenue({ total: null })).toBe(0);
    expect(orderRevenue(null)).toBe(0);
  });

  it('rounds monetary to 1e-6 and checks the window', () => {
    expect(monetaryKey(0.1 + 0.2)).toBe(0.3);
    expect(monetaryKey(22.200000000000003)).toBe(22.2);
    expect(() => rfmWindow(AS_OF, 0)).toThrow(RangeError);
    expect(() => rfmWindow(AS_OF, 1.5)).toThrow(RangeError);
    expect(rfmWindow(AS_OF)).toEqual({ asOf: AS_OF, from: AS_OF - 365 * DAY_MS, days: 365 });
  });
});
