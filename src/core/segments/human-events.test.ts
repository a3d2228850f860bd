import { describe, expect, it } from 'vitest';
import { evaluate } from './evaluate.ts';
import { countsForRule, humanOnly } from './human-events.ts';
import type { ProfileData } from './profile-data.ts';

const NOW = Date.UTC(2026, 11, 7, 12);
const DAY = 86_400_000;
const data = (events: ProfileData['events']): ProfileData => ({ profileId: 'p', traits: {}, features: null, events, segments: new Set(), consents: new Set() });

describe('human events in segment rules', () => {
  it('filters the tracking events only, and not when the rule asks about the flags itself', () => {
    expect(humanOnly('Email Opened', undefined)).toBe(true);
    expect(humanOnly('Email Link Clicked', [{ property: 'url', op: 'exists' }])).toBe(true);
    expect(humanOnly('Email Clicked', undefined)).toBe(true);
    expect(humanOnly('Chat Message', undefined)).toBe(false);
    expect(humanOnly('Email Opened', [{ property: 'machine_open', op: 'eq', value: true }])).toBe(false);
    expect(humanOnly('Email Link Clicked', [{ property: 'bot', op: 'neq', value: true }])).toBe(false);
  });

  it('only JSON true is a flag: false, "true" and 1 are not', () => {
    expect(countsForRule('Email Opened', undefined, { machine_open: true })).toBe(false);
    expect(countsForRule('Email Opened', undefined, { bot: true })).toBe(false);
    for (const v of [false, 'true', 1, null]) expect(countsForRule('Email Opened', undefined, { machine_open: v }), String(v)).toBe(true);
    expect(countsForRule('Chat Message', undefined, { bot: true })).toBe(true);
  });

  it('a click by a scanner does not count as the follow-up of notFollowedBy; a person\'s does', () => {
    const rule = { event: 'Email Opened', within: '7d', notFollowedBy: { event: 'Email Link Clicked', within: '1d' } };
    const opened = { name: 'Email Opened', timestamp: NOW - 2 * DAY, properties: {} };
    const click = (bot: boolean) => ({ name: 'Email Link Clicked', timestamp: NOW - 2 * DAY + 60_000, properties: { bot } });
    // Opened and not (humanly) followed by a click: in the segment.
    expect(evaluate(rule, data([opened, click(true)]), NOW).value).toBe(true);
    expect(evaluate(rule, data([opened, click(false)]), NOW).value).toBe(false);
  });
});
