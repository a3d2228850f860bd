import { describe, expect, it } from 'vitest';
import { CLICK_EVENT, DAY_MS, ENGAGEMENT_WINDOW_MS, hourOfWeek, OPEN_EVENT, ORDER_EVENT, ORDERS_WINDOW_MS } from './catalog.ts';
import { compareCodePoints } from './code-point-order.ts';
import { emptyFeatureRow } from './empty-row.ts';
import { orderCategoryLines, orderRevenue, type FeatureEvent } from './feature-event.ts';
import { featuresFromEvents } from './features-from-events.ts';
import { foldEvents } from './fold-events.ts';
import { topCategory } from './top-category.ts';
import { windowedValues } from './windowed-values.ts';

const T0 = Date.UTC(2026, 5, 1, 12); // a Monday
let n = 0;
const ev = (name: string | null, timestamp: number, properties: Record<string, unknown> = {}, type = 'track'): FeatureEvent =>
  ({ profileId: 'p', messageId: `m${++n}`, type, name, timestamp, properties });
const order = (timestamp: number, properties: Record<string, unknown>) => ev(ORDER_EVENT, timestamp, properties);

describe('order values', () => {
  it('takes revenue, else total, else 0, and only finite numbers', () => {
    expect(orderRevenue({ revenue: 12.5, total: 99 })).toBe(12.5);
    expect(orderRevenue({ revenue: '12.5', total: 99 })).toBe(99);
    expect(orderRevenue({ revenue: Infinity, total: NaN })).toBe(0);
    expect(orderRevenue({})).toBe(0);
  });

  it('counts product lines by category, quantity 1 when absent or not a number', () => {
    expect(orderCategoryLines({ products: [
      { category: 'tops', quantity: 3 }, { category: 'tops' }, { category: 'jeans', quantity: '2' },
      { category: '' }, { quantity: 4 }, null, 'tops', [{ category: 'x' }],
    ] })).toEqual([['tops', 3], ['tops', 1], ['jeans', 1]]);
    expect(orderCategoryLines({ products: { category: 'tops' } })).toEqual([]);
  });
});

describe('foldEvents', () => {
  it('adds orders, revenue, first and last times, categories and send hours', () => {
    const events = [
      order(T0, { revenue: 10, products: [{ category: 'tops', quantity: 2 }] }),
      order(T0 + DAY_MS, { total: 5, products: [{ category: 'jeans', quantity: 3 }] }),
      ev(OPEN_EVENT, T0 + 2 * DAY_MS),
      ev(CLICK_EVENT, T0 + 3 * DAY_MS),
      ev('Home', T0 - DAY_MS, {}, 'page'),
    ];
    const row = foldEvents(emptyFeatureRow('p', T0), events, T0 + 10 * DAY_MS);
    expect(row).toMatchObject({
      frequency: 2, monetary: 15, firstOrderAt: T0, lastOrderAt: T0 + DAY_MS, firstEventAt: T0 - DAY_MS, lastEventAt: T0 + 3 * DAY_MS,
      lastOpenAt: T0 + 2 * DAY_MS, lastClickAt: T0 + 3 * DAY_MS, categoryCounts: { tops: 2, jeans: 3 }, topCategory: 'jeans',
    });
    expect(row.hourHistogram.reduce((a, b) => a + b)).toBe(2);
    expect(row.hourHistogram[hourOfWeek(T0 + 2 * DAY_MS)]).toBe(1);
    expect(hourOfWeek(T0)).toBe(12);
  });

  it('gives the same row whatever the order and split of the events (late events included)', () => {
    const events = Array.from({ length: 40 }, (_, i) => i % 3 === 0
      ? order(T0 + ((i * 7919) % 40) * 3_600_000, { revenue: i + 0.25, products: [{ category: `c${i % 4}` }] })
      : ev(i % 3 === 1 ? OPEN_EVENT : 'Viewed', T0 + ((i * 104729) % 40) * 3_600_000));
    const asOf = T0 + 100 * DAY_MS;
    const once = foldEvents(emptyFeatureRow('p', asOf), events, asOf);
    const reversed = [...events].reverse();
    const twice = foldEvents(foldEvents(emptyFeatureRow('p', asOf), reversed.slice(0, 17), asOf), reversed.slice(17), asOf);
    expect(twice).toEqual(once);
  });

  it('leaves out events after asOf, and counts only track events as orders, opens and clicks', () => {
    const row = foldEvents(emptyFeatureRow('p', T0), [
      order(T0 + 1, { revenue: 100 }),
      ev(ORDER_EVENT, T0 - 5, { revenue: 50 }, 'page'),
      ev(OPEN_EVENT, T0 - 4, {}, 'screen'),
    ], T0);
    expect(row).toMatchObject({ frequency: 0, monetary: 0, lastOpenAt: null, firstEventAt: T0 - 5, lastEventAt: T0 - 4 });
    expect(row.hourHistogram.every((x) => x === 0)).toBe(true);
  });

  it('does not change the row it is given', () => {
    const row = emptyFeatureRow('p', T0);
    foldEvents(row, [order(T0, { revenue: 1, products: [{ category: 'a' }] }), ev(OPEN_EVENT, T0)], T0);
    expect(row).toEqual(emptyFeatureRow('p', T0));
  });

  it('counts a category named like an Object.prototype member', () => {
    const row = foldEvents(emptyFeatureRow('p', T0), [order(T0, { products: [{ category: '__proto__', quantity: 2 }, { category: 'toString' }] })], T0);
    expect(Object.entries(row.categoryCounts)).toEqual([['__proto__', 2], ['toString', 1]]);
    expect(row.topCategory).toBe('__proto__');
  });
});

describe('topCategory', () => {
  it('is the argmax, ties to the smallest name in code-point order, null when empty', () => {
    expect(topCategory({})).toBeNull();
    expect(topCategory({ b: 2, a: 2, c: 1 })).toBe('a');
    // UTF-16 order would put the astral character (a surrogate pair, 0xD83D…) first.
    expect(topCategory({ '\u{1F600}': 1, '\uFFFD': 1 })).toBe('\uFFFD');
  });

  it('compareCodePoints agrees with UTF-8 byte order', () => {
    const words = ['', 'a', 'ab', 'b', 'Z', '\uFFFD', '\u{1F600}', '\u{1F600}a', 'é', '\uE000'];
    const bytes = [...words].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    expect([...words].sort(compareCodePoints)).toEqual(bytes);
  });
});

describe('windowedValues', () => {
  const asOf = T0;
  it('counts events in (asOf − W, asOf]: the lower bound out, the upper in', () => {
    const v = windowedValues([
      order(asOf - ORDERS_WINDOW_MS, { revenue: 1 }),
      order(asOf - ORDERS_WINDOW_MS + 1, { revenue: 2 }),
      order(asOf, { total: 4 }),
      ev(OPEN_EVENT, asOf - ENGAGEMENT_WINDOW_MS),
      ev(OPEN_EVENT, asOf - 1),
      ev(CLICK_EVENT, asOf - DAY_MS),
      ev(CLICK_EVENT, asOf - 40 * DAY_MS),
    ], asOf);
    expect(v).toEqual({
      orders90d: 2, revenue90d: 6, opens30d: 1, clicks30d: 1, windowsAsOf: asOf,
      // the order at asOf − 90d + 1 leaves first
      windowsExpireAt: asOf + 1,
    });
  });

  it('expires when the oldest event in any window leaves it, or when a future event comes due', () => {
    expect(windowedValues([ev(OPEN_EVENT, asOf - DAY_MS), order(asOf - 80 * DAY_MS, {})], asOf).windowsExpireAt)
      .toBe(asOf - 80 * DAY_MS + ORDERS_WINDOW_MS);
    expect(windowedValues([ev(OPEN_EVENT, asOf - 20 * DAY_MS), order(asOf - 5 * DAY_MS, {})], asOf).windowsExpireAt)
      .toBe(asOf - 20 * DAY_MS + ENGAGEMENT_WINDOW_MS);
    expect(windowedValues([ev('Viewed', asOf + 5), ev(OPEN_EVENT, asOf - DAY_MS)], asOf)).toMatchObject({ opens30d: 1, windowsExpireAt: asOf + 5 });
    expect(windowedValues([ev('Viewed', asOf - 1), order(asOf - 100 * DAY_MS, {})], asOf).windowsExpireAt).toBeNull();
  });

  it('a row is exact until it expires: recomputed just before, it has the same windows', () => {
    const events = [order(asOf - 60 * DAY_MS, { revenue: 3 }), ev(OPEN_EVENT, asOf - 10 * DAY_MS), ev(CLICK_EVENT, asOf + 7 * DAY_MS)];
    const now = featuresFromEvents('p', events, asOf);
    const expire = now.windowsExpireAt!;
    const { windowsAsOf: _a, windowsExpireAt: _b, ...before } = featuresFromEvents('p', events, expire - 1);
    const { windowsAsOf: _c, windowsExpireAt: _d, ...atNow } = now;
    expect(before).toEqual(atNow);
    expect(featuresFromEvents('p', events, expire)).not.toMatchObject({ lastClickAt: now.lastClickAt, opens30d: now.opens30d });
  });
});

describe('human engagement', () => {
  it('counts Email Link Clicked and the legacy Email Clicked as clicks, and no machine open or bot click', () => {
    const ev = (name: string, t: number, properties: Record<string, unknown> = {}): FeatureEvent =>
      ({ profileId: 'p', messageId: `${name}${t}`, type: 'track', name, timestamp: t, properties });
    const events = [
      ev('Email Link Clicked', T0 - 3 * DAY_MS), ev('Email Clicked', T0 - 4 * DAY_MS), ev('Email Link Clicked', T0 - 1000, { bot: true }),
      ev(OPEN_EVENT, T0 - 2 * DAY_MS), ev(OPEN_EVENT, T0 - DAY_MS, { machine_open: true }),
    ];
    const row = featuresFromEvents('p', events, T0);
    expect(row).toMatchObject({ opens30d: 1, clicks30d: 2, lastOpenAt: T0 - 2 * DAY_MS, lastClickAt: T0 - 3 * DAY_MS });
    expect(row.hourHistogram.reduce((a, b) => a + b)).toBe(3);
  });
});
