import { describe, expect, it } from 'vitest';
import { DAY_MS, type FeatureRow } from '../features/catalog.ts';
import { emptyFeatureRow } from '../features/empty-row.ts';
import { compareCodePoints } from '../features/code-point-order.ts';
import { compareValue } from './compare.ts';
import { daysSinceCrossing, evaluate, explain } from './evaluate.ts';
import type { ProfileData } from './profile-data.ts';

const NOW = Date.UTC(2026, 0, 10);
const H = 3_600_000;
const data = (over: Partial<ProfileData> = {}): ProfileData => ({
  profileId: 'p', traits: {}, features: null, events: [], segments: new Set(), consents: new Set(), ...over,
});

describe('comparisons', () => {
  it('are typed: a numeric string is not a number, booleans only equal booleans', () => {
    expect(compareValue('5', 'eq', 5)).toBe(false);
    expect(compareValue(5, 'eq', 5)).toBe(true);
    expect(compareValue(true, 'eq', 1)).toBe(false);
    expect(compareValue('10', 'gt', '9')).toBe(false);
    expect(compareValue(10, 'gt', 9)).toBe(true);
    expect(compareValue(undefined, 'neq', 'x')).toBe(true);
    expect(compareValue(null, 'nin', ['x'])).toBe(true);
    expect(compareValue(['a', 1], 'contains', 1)).toBe(true);
    expect(compareValue('abc', 'between', ['abc', 'abd'])).toBe(true);
    expect(compareValue(3, 'between', ['1', '5'])).toBe(false);
  });

  it('order strings by code point, as SQLite and PostgreSQL (COLLATE "C") do', () => {
    expect(compareCodePoints('Z', 'a')).toBe(-1);
    expect(compareCodePoints('\u{1F600}', '\uFF01')).toBe(1);
    expect('\u{1F600}' < '\uFF01').toBe(true);
  });
});

describe('events', () => {
  const cart = (t: number) => ({ name: 'cart', timestamp: t, properties: { sku: 'A' } });
  const buy = (t: number) => ({ name: 'buy', timestamp: t, properties: {} });
  const rule = { event: 'cart', within: '24h', notFollowedBy: { event: 'buy', within: '2h' } };

  it('not followed by: "so far", and only a follow-up inside the window counts', () => {
    expect(evaluate(rule, data({ events: [cart(NOW - H)] }), NOW).value).toBe(true);
    expect(evaluate(rule, data({ events: [cart(NOW - H), buy(NOW - H / 2)] }), NOW).value).toBe(false);
    expect(evaluate(rule, data({ events: [cart(NOW - 5 * H), buy(NOW - H)] }), NOW).value).toBe(true);
    // A purchase at the same instant as the cart does not follow it.
    expect(evaluate(rule, data({ events: [cart(NOW - H), buy(NOW - H)] }), NOW).value).toBe(true);
  });

  it('reports when the answer changes with time alone: the cart leaving the window, a future event arriving', () => {
    expect(evaluate(rule, data({ events: [cart(NOW - H)] }), NOW).nextChangeAt).toBe(NOW - H + 24 * H);
    expect(evaluate(rule, data({ events: [cart(NOW - H), buy(NOW + H)] }), NOW).nextChangeAt).toBe(NOW + H);
    expect(evaluate({ event: 'cart' }, data({ events: [cart(NOW - H)] }), NOW).nextChangeAt).toBe(null);
  });

  it('counts with where filters, and count eq 0 holds with no events', () => {
    const evs = [cart(NOW - H), cart(NOW - 2 * H), { name: 'cart', timestamp: NOW - H, properties: { sku: 'B' } }];
    expect(evaluate({ event: 'cart', where: [{ property: 'sku', op: 'eq', value: 'A' }], count: { eq: 2 } }, data({ events: evs }), NOW).value).toBe(true);
    expect(evaluate({ event: 'cart', count: { eq: 0 } }, data(), NOW).value).toBe(true);
    expect(evaluate({ event: 'cart', within: '90m', count: { gte: 3 } }, data({ events: evs }), NOW).value).toBe(false);
  });
});

describe('features', () => {
  const row = (over: Partial<FeatureRow>): FeatureRow => ({ ...emptyFeatureRow('p', NOW), ...over });

  it('counts whole days since, and finds the instant a threshold is crossed', () => {
    const t = NOW - 10 * DAY_MS - H;
    const d = data({ features: row({ lastOrderAt: t, frequency: 1, monetary: 50 }) });
    expect(evaluate({ feature: 'recency_days', op: 'eq', value: 10 }, d, NOW).value).toBe(true);
    const r = evaluate({ feature: 'recency_days', op: 'gt', value: 30 }, d, NOW);
    expect(r).toEqual({ value: false, nextChangeAt: t + 31 * DAY_MS });
    expect(daysSinceCrossing(t, NOW, 'between', [12, 14])).toBe(t + 12 * DAY_MS);
    expect(daysSinceCrossing(t, t + 12 * DAY_MS, 'between', [12, 14])).toBe(t + 15 * DAY_MS);
    expect(daysSinceCrossing(t, NOW, 'lt', 5)).toBe(null);
    expect(evaluate({ feature: 'aov', op: 'eq', value: 50 }, d, NOW).value).toBe(true);
    expect(evaluate({ feature: 'recency_days', op: 'exists' }, data(), NOW).value).toBe(false);
    expect(evaluate({ feature: 'frequency', op: 'eq', value: 0 }, data(), NOW).value).toBe(true);
  });

  it('compares time features with ISO dates', () => {
    const d = data({ features: row({ lastOrderAt: Date.UTC(2026, 0, 5) }) });
    expect(evaluate({ feature: 'last_order_at', op: 'gt', value: '2026-01-04' }, d, NOW).value).toBe(true);
    expect(evaluate({ feature: 'last_order_at', op: 'between', value: ['2026-01-01', '2026-01-04T23:59:59Z'] }, d, NOW).value).toBe(false);
  });
});

describe('explain', () => {
  it('shows every node, whether it passed and what it saw', () => {
    const e = explain({ all: [{ trait: 'country', op: 'eq', value: 'DE' }, { not: { consent: 'marketing' } }] },
      data({ traits: { country: 'FR' } }), NOW);
    expect(e).toEqual({
      rule: 'all of', passed: false, children: [
        { rule: 'trait country eq "DE"', passed: false, saw: 'FR' },
        { rule: 'not', passed: true, children: [{ rule: 'consent to "marketing"', passed: false, saw: false }] },
      ],
    });
  });
});
