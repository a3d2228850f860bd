import { describe, expect, it } from 'vitest';
import { parseCampaignSpec, type CampaignSpecInput } from '../schemas/campaign.ts';
import { decideSend, MARKETING_PURPOSE, topicPurpose, type DecideInput } from './decide-send.ts';
import type { CampaignKind, RecipientFacts, Suppression } from './ports.ts';
import type { SendPolicy } from './send-window.ts';

// Europe/Berlin is UTC+1 in January: 12:00Z is 13:00 local, 22:00Z is 23:00 local.
const t = (iso: string): number => Date.parse(iso);
const NOON = t('2026-01-10T12:00:00Z');
const NONE: SendPolicy = { quietHours: undefined, caps: [] };

function campaign(kind: CampaignKind, over: Partial<CampaignSpecInput> = {}): DecideInput['campaign'] {
  const base: CampaignSpecInput = kind === 'triggered'
    ? { name: 'welcome', kind: 'triggered', trigger: { event: 'Signed Up' }, template: 'welcome' }
    : { name: 'sale', template: 'sale', audience: { segments: ['vip', 'loyal'], exclude: ['churned'] } };
  return { kind, spec: parseCampaignSpec({ ...base, ...over }) };
}

function facts(over: Partial<RecipientFacts> = {}): RecipientFacts {
  return {
    profileId: 'p1', exists: true, email: 'Ann@Example.COM', zone: 'Europe/Berlin', traits: {},
    consents: new Map([[MARKETING_PURPOSE, true]]), segments: new Set(['vip']), ...over,
  };
}

const bounced: Suppression = { kind: 'address', value: 'ann@example.com', reason: 'hard_bounce', source: 'smtp', detail: null, createdAt: 0 };

function input(over: Partial<DecideInput> = {}): DecideInput {
  return {
    campaign: campaign('broadcast'), facts: facts(), suppression: undefined, recent: { all: [], campaign: [] },
    policy: { global: NONE, campaign: NONE }, defaultZone: 'UTC', exited: false, now: NOON, ...over,
  };
}

const reason = (d: ReturnType<typeof decideSend>) => (d.action === 'suppress' ? d.reason : d.action);

describe('decideSend: send', () => {
  it('sends to the normalised address when every check passes', () => {
    expect(decideSend(input())).toEqual({ action: 'send', email: 'Ann@example.com' });
  });

  it('sends to a member of any audience segment', () => {
    expect(decideSend(input({ facts: facts({ segments: new Set(['loyal']) }) })).action).toBe('send');
  });
});

describe('decideSend: each suppress reason', () => {
  const cases: [string, Partial<DecideInput>, string][] = [
    ['no facts at all', { facts: undefined }, 'profile_gone'],
    ['an erased profile', { facts: facts({ exists: false }) }, 'profile_gone'],
    ['no email', { facts: facts({ email: null }) }, 'no_email'],
    ['an invalid email', { facts: facts({ email: 'not-an-address' }) }, 'no_email'],
    ['a valid but undeliverable email (an address literal)', { facts: facts({ email: 'ann@[192.0.2.1]' }) }, 'undeliverable_email'],
    ['a suppressed address', { suppression: bounced }, 'suppressed_address'],
    ['withdrawn marketing consent', { facts: facts({ consents: new Map([[MARKETING_PURPOSE, false]]) }) }, 'unsubscribed'],
    ['no marketing consent recorded', { facts: facts({ consents: new Map() }) }, 'no_consent'],
    ['unsubscribed from the topic', { campaign: campaign('broadcast', { topic: 'news' }), facts: facts({ consents: new Map([[MARKETING_PURPOSE, true], [topicPurpose('news'), false]]) }) }, 'unsubscribed_topic'],
    ['in an excluded segment', { facts: facts({ segments: new Set(['vip', 'churned']) }) }, 'excluded'],
    ['no longer in the audience', { facts: facts({ segments: new Set(['other']) }) }, 'left_audience'],
    ['the exit condition holds', { exited: true }, 'exit_condition'],
  ];
  for (const [name, over, expected] of cases) {
    it(`suppresses for ${name}: ${expected}`, () => {
      const d = decideSend(input(over));
      expect(d.action).toBe('suppress');
      expect(reason(d)).toBe(expected);
      if (d.action === 'suppress') expect(d.detail.length).toBeGreaterThan(0);
    });
  }

  it('names the email problem and the suppression in the detail', () => {
    const d = decideSend(input({ facts: facts({ email: 'not-an-address' }) }));
    expect(d).toMatchObject({ action: 'suppress', detail: expect.stringMatching(/^email: /) });
    expect(decideSend(input({ suppression: bounced }))).toMatchObject({ detail: expect.stringContaining('ann@example.com is suppressed: hard_bounce (smtp)') });
  });

  it('sends when the topic consent is granted or absent (only an explicit opt-out stops it)', () => {
    expect(decideSend(input({ campaign: campaign('broadcast', { topic: 'news' }) })).action).toBe('send');
  });
});

describe('decideSend: order of checks', () => {
  it('reports the first failing check when several fail', () => {
    const everything = facts({ email: null, consents: new Map(), segments: new Set(['churned']) });
    expect(reason(decideSend(input({ facts: { ...everything, exists: false }, suppression: bounced, exited: true })))).toBe('profile_gone');
    expect(reason(decideSend(input({ facts: everything, suppression: bounced, exited: true })))).toBe('no_email');
    expect(reason(decideSend(input({ facts: facts({ consents: new Map(), segments: new Set(['churned']) }), suppression: bounced })))).toBe('suppressed_address');
    const optedOut = new Map([[MARKETING_PURPOSE, false], [topicPurpose('news'), false]]);
    expect(reason(decideSend(input({ campaign: campaign('broadcast', { topic: 'news' }), facts: facts({ consents: optedOut, segments: new Set(['churned']) }) })))).toBe('unsubscribed');
    const topicOut = new Map([[MARKETING_PURPOSE, true], [topicPurpose('news'), false]]);
    expect(reason(decideSend(input({ campaign: campaign('broadcast', { topic: 'news' }), facts: facts({ consents: topicOut, segments: new Set(['churned']) }) })))).toBe('unsubscribed_topic');
    // Excluded wins over left-audience, and both over the exit condition.
    expect(reason(decideSend(input({ facts: facts({ segments: new Set(['churned']) }), exited: true })))).toBe('excluded');
    expect(reason(decideSend(input({ facts: facts({ segments: new Set() }), exited: true })))).toBe('left_audience');
  });

  it('suppresses before it defers: a recipient who will never get it is not deferred', () => {
    const quiet: SendPolicy = { quietHours: { start: '00:00', end: '23:59' }, caps: [] };
    expect(reason(decideSend(input({ facts: facts({ consents: new Map() }), policy: { global: quiet, campaign: quiet } })))).toBe('no_consent');
  });

  it('does not check the audience of a triggered campaign', () => {
    expect(decideSend(input({ campaign: campaign('triggered'), facts: facts({ segments: new Set() }) })).action).toBe('send');
    expect(reason(decideSend(input({ campaign: campaign('triggered'), exited: true })))).toBe('exit_condition');
  });
});

describe('decideSend: transactional mail', () => {
  const tx = campaign('transactional');
  const full: SendPolicy = { quietHours: { start: '00:00', end: '23:59' }, caps: [{ max: 1, per: 'day' }] };

  it('skips consent, audience, exit, caps and quiet hours', () => {
    const d = decideSend(input({
      campaign: tx, facts: facts({ consents: new Map([[MARKETING_PURPOSE, false]]), segments: new Set(['churned']) }), exited: true,
      recent: { all: [NOON - 1000], campaign: [NOON - 1000] }, policy: { global: full, campaign: full },
    }));
    expect(d).toEqual({ action: 'send', email: 'Ann@example.com' });
  });

  it('still stops at a missing, invalid or suppressed address', () => {
    expect(reason(decideSend(input({ campaign: tx, facts: facts({ email: null }) })))).toBe('no_email');
    expect(reason(decideSend(input({ campaign: tx, facts: undefined })))).toBe('profile_gone');
    expect(reason(decideSend(input({ campaign: tx, suppression: bounced })))).toBe('suppressed_address');
  });
});

describe('decideSend: defer', () => {
  it('defers in quiet hours until they end in the recipient zone', () => {
    // 22:00Z is 23:00 in Berlin; the night ends at 08:00 local = 07:00Z.
    const night: SendPolicy = { quietHours: { start: '21:00', end: '08:00' }, caps: [] };
    const d = decideSend(input({ now: t('2026-01-10T22:00:00Z'), policy: { global: night, campaign: night } }));
    expect(d).toEqual({ action: 'defer', until: t('2026-01-11T07:00:00Z'), reason: 'quiet_hours', detail: 'quiet hours until 2026-01-11T07:00:00.000Z' });
  });

  it('uses the default zone when the profile has none', () => {
    // New York (UTC-5): 22:00Z is 17:00, outside a 21:00-08:00 night.
    const night: SendPolicy = { quietHours: { start: '21:00', end: '08:00' }, caps: [] };
    const d = decideSend(input({ facts: facts({ zone: undefined }), defaultZone: 'America/New_York', now: t('2026-01-10T22:00:00Z'), policy: { global: night, campaign: night } }));
    expect(d.action).toBe('send');
  });

  it('defers for a global cap, counting all marketing mail', () => {
    // Sent at 09:00 Berlin today (08:00Z); the next day starts at 00:00 local = 23:00Z.
    const d = decideSend(input({ recent: { all: [t('2026-01-10T08:00:00Z')], campaign: [] }, policy: { global: { quietHours: undefined, caps: [{ max: 1, per: 'day' }] }, campaign: NONE } }));
    expect(d).toEqual({ action: 'defer', until: t('2026-01-10T23:00:00Z'), reason: 'frequency_cap', detail: 'cap 1/day until 2026-01-10T23:00:00.000Z' });
  });

  it('counts only the campaign sends for a campaign cap', () => {
    const cap: SendPolicy = { quietHours: undefined, caps: [{ max: 1, per: 'rolling', windowMs: 48 * 3_600_000 }] };
    const other = t('2026-01-10T08:00:00Z');
    expect(decideSend(input({ recent: { all: [other], campaign: [] }, policy: { global: NONE, campaign: cap } })).action).toBe('send');
    const d = decideSend(input({ recent: { all: [other], campaign: [other] }, policy: { global: NONE, campaign: cap } }));
    expect(d).toMatchObject({ action: 'defer', until: other + 48 * 3_600_000, reason: 'frequency_cap', detail: expect.stringMatching(/^cap 1\/48h until/) });
  });

  it('names the cap as the reason when a cap and quiet hours both hold, and lists both', () => {
    // A full day moves to 00:00 local (23:00Z), which is quiet until 08:00 local (07:00Z on the 11th).
    const night = { start: '21:00', end: '08:00' };
    const d = decideSend(input({
      recent: { all: [t('2026-01-10T08:00:00Z')], campaign: [] },
      policy: { global: { quietHours: night, caps: [{ max: 1, per: 'day' }] }, campaign: { quietHours: night, caps: [] } },
    }));
    expect(d).toEqual({ action: 'defer', until: t('2026-01-11T07:00:00Z'), reason: 'frequency_cap', detail: 'cap 1/day, quiet hours until 2026-01-11T07:00:00.000Z' });
  });

  it('satisfies the global and the campaign rules together', () => {
    // Two sends today (06:00Z from this campaign, 10:00Z from another): global 2 per 24 h, campaign 1 per 30 h.
    const d = decideSend(input({
      recent: { all: [t('2026-01-10T10:00:00Z'), t('2026-01-10T06:00:00Z')], campaign: [t('2026-01-10T06:00:00Z')] },
      policy: {
        global: { quietHours: undefined, caps: [{ max: 2, per: 'rolling', windowMs: 24 * 3_600_000 }] },
        campaign: { quietHours: undefined, caps: [{ max: 1, per: 'rolling', windowMs: 30 * 3_600_000 }] },
      },
    }));
    // Global alone: the 2nd most recent (06:00Z) + 24 h = 06:00Z on the 11th; the campaign cap then: 06:00Z + 30 h = 12:00Z on the 11th.
    expect(d).toMatchObject({ action: 'defer', until: t('2026-01-11T12:00:00Z'), reason: 'frequency_cap', detail: 'cap 2/24h, cap 1/30h until 2026-01-11T12:00:00.000Z' });
  });
});
