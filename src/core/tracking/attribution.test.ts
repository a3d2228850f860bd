import { describe, expect, it } from 'vitest';
import { attributeOrder } from './attribution.ts';
import type { AttributionWindows, TouchCandidate } from './report-ports.ts';

const H = 3_600_000;
const D = 24 * H;
const T = Date.parse('2026-03-10T12:00:00Z');
const none = new Map<string, AttributionWindows>();

const touch = (kind: 'click' | 'open', campaignId: string, ago: number, human = true, emailId = `${campaignId}-msg`): TouchCandidate =>
  ({ profileId: 'p1', kind, at: T - ago, human, campaignId, step: 0, arm: null, emailId });

describe('last-touch attribution', () => {
  it('prefers a human click within 5 days over a later human open', () => {
    const a = attributeOrder(T, [touch('click', 'c1', 4 * D), touch('open', 'c2', 2 * H)], none);
    expect(a).toEqual({ campaign_id: 'c1', step: 0, arm: null, touch: 'click', touched_at: '2026-03-06T12:00:00.000Z', email_id: 'c1-msg' });
  });

  it('never credits a bot click or a machine open', () => {
    expect(attributeOrder(T, [touch('click', 'c1', H, false), touch('open', 'c2', H, false)], none)).toBeNull();
    // The bot click is skipped, the human open an hour earlier wins.
    expect(attributeOrder(T, [touch('click', 'c1', H, false), touch('open', 'c2', 3 * H)], none)?.campaign_id).toBe('c2');
  });

  it('falls back to an open within 1 day when the only click is older than 5 days', () => {
    const a = attributeOrder(T, [touch('click', 'c1', 6 * D), touch('open', 'c2', 20 * H)], none);
    expect(a?.campaign_id).toBe('c2');
    expect(a?.touch).toBe('open');
    expect(attributeOrder(T, [touch('click', 'c1', 6 * D), touch('open', 'c2', 25 * H)], none)).toBeNull();
  });

  it('includes a touch exactly at the window edge, and none after the order', () => {
    expect(attributeOrder(T, [touch('click', 'c1', 5 * D)], none)?.campaign_id).toBe('c1');
    expect(attributeOrder(T, [touch('click', 'c1', 5 * D + 1)], none)).toBeNull();
    expect(attributeOrder(T, [touch('click', 'c1', -1)], none)).toBeNull();
  });

  it('uses each campaign its own windows', () => {
    const windows = new Map([['c1', { clickDays: 7, openDays: 0 }], ['c2', { clickDays: 1, openDays: 3 }]]);
    // c1 lets a 6-day-old click count; c2's 2-day-old click is outside its 1 day.
    expect(attributeOrder(T, [touch('click', 'c1', 6 * D), touch('click', 'c2', 2 * D)], windows)?.campaign_id).toBe('c1');
    // No click qualifies: c2's 2-day-old open is within its 3 days; c1's 1-hour-old open is outside its 0.
    expect(attributeOrder(T, [touch('click', 'c2', 2 * D), touch('open', 'c1', H), touch('open', 'c2', 2 * D)], windows)?.touch).toBe('open');
    expect(attributeOrder(T, [touch('open', 'c1', H), touch('open', 'c2', 2 * D)], windows)?.campaign_id).toBe('c2');
  });

  it('takes the last of several human clicks, whatever order they are read in', () => {
    const list = [touch('click', 'c1', 3 * D), touch('click', 'c2', D), touch('click', 'c3', 2 * D)];
    expect(attributeOrder(T, list, none)?.campaign_id).toBe('c2');
    expect(attributeOrder(T, [...list].reverse(), none)?.campaign_id).toBe('c2');
  });
});
