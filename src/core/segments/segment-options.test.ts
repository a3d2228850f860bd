import { describe, expect, it } from 'vitest';
import { dependencyOrder, ruleDeps } from './dependencies.ts';
import { decide } from './membership.ts';
import { parseOptions, stayRule } from './options.ts';

const H = 3_600_000;

describe('anti-flapping', () => {
  it('swaps feature thresholds for their exit values while a member', () => {
    const rule = { all: [{ feature: 'monetary', op: 'gte' as const, value: 500 }, { trait: 'vip', op: 'eq' as const, value: true }] };
    expect(stayRule(rule, { exitThresholds: { monetary: 400 } })).toEqual({
      all: [{ feature: 'monetary', op: 'gte', value: 400 }, { trait: 'vip', op: 'eq', value: true }],
    });
    expect(stayRule(rule, {})).toBe(rule);
  });

  it('keeps a member until minDwell has passed, then follows the rule', () => {
    const o = { minDwell: '2h' };
    expect(decide(10 * H, { member: true, enteredAt: 9 * H }, { value: false, nextChangeAt: null }, o)).toEqual({ member: true, nextCheckAt: 11 * H });
    expect(decide(11 * H, { member: true, enteredAt: 9 * H }, { value: false, nextChangeAt: null }, o)).toEqual({ member: false, nextCheckAt: null });
    expect(decide(10 * H, { member: false, enteredAt: null }, { value: true, nextChangeAt: 12 * H }, o)).toEqual({ member: true, nextCheckAt: 12 * H });
  });

  it('rejects bad options with the path', () => {
    expect(() => parseOptions({ minDwell: '1 day' })).toThrow(/options.minDwell/);
    expect(() => parseOptions({ exitThresholds: { monetary: 'x' } })).toThrow(/options.exitThresholds.monetary/);
    expect(() => parseOptions({ other: 1 })).toThrow(/options/);
  });
});

describe('dependencies', () => {
  it('lists what a rule reads', () => {
    const d = ruleDeps({ any: [{ trait: 'address.city', op: 'exists' }, { event: 'A', notFollowedBy: { event: 'B', within: '1h' } }, { not: { segment: 's' } }, { consent: 'email' }, { feature: 'recency_days', op: 'gt', value: 3 }] });
    expect(d).toEqual({ traits: new Set(['address']), events: new Set(['A', 'B']), features: new Set(['recency_days']), segments: new Set(['s']), consents: new Set(['email']) });
  });

  it('orders nested segments first and names a cycle', () => {
    expect(dependencyOrder(new Map([['c', ['b']], ['b', ['a']], ['a', []]]))).toEqual(['a', 'b', 'c']);
    expect(() => dependencyOrder(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']]]))).toThrow('cycle: a → b → c → a');
  });
});
