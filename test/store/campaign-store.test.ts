import { afterEach, describe, expect, it } from 'vitest';
import type { CampaignRecord, NewSend } from '../../src/core/campaigns/ports.ts';
import { isTailorError } from '../../src/core/errors.ts';
import type { PiiCodec } from '../../src/core/pii-codec.ts';
import { CampaignSpecSchema } from '../../src/core/schemas/campaign.ts';
import { createCampaignStore } from '../../src/store/campaigns/campaign-store.ts';
import { createRecipientLookup } from '../../src/store/campaigns/recipient-lookup.ts';
import { createSendQueue } from '../../src/store/campaigns/send-queue.ts';
import { createSuppressionStore } from '../../src/store/campaigns/suppression-store.ts';
import { migrate } from '../../src/store/migrate.ts';
import { toJson, toTs } from '../../src/store/sql/codec.ts';
import { openDatabase, type Database } from '../../src/store/sql/database.ts';
import { dialects } from '../helpers/databases.ts';

const T0 = Date.UTC(2026, 2, 1, 9);

function campaign(id: string, over: Partial<CampaignRecord> = {}): CampaignRecord {
  const name = over.name ?? `campaign ${id}`;
  return {
    id, name, kind: 'broadcast', status: 'draft', spec: CampaignSpecSchema.parse({ name, audience: { segments: ['vip'] }, template: 't', topic: 'news' }),
    audienceCursor: null, audienceDone: false, occurrence: null, nextRunAt: null, pinned: {}, launchedAt: null, finishedAt: null,
    createdAt: T0, updatedAt: T0, ...over,
  };
}

const send = (campaignId: string, profileId: string, extra: Partial<NewSend> = {}): NewSend => ({
  campaignId, occurrence: '', step: 0, profileId, messageId: `${campaignId}.${profileId}`, dueAt: T0, arm: null, triggerAt: null, ...extra,
});

async function conflictOf(p: Promise<unknown>): Promise<{ code: string; field: string | undefined }> {
  try {
    await p;
  } catch (e) {
    if (isTailorError(e)) return { code: e.code, field: e.field };
    throw e;
  }
  throw new Error('expected a conflict');
}

describe.each(dialects)('campaign store on $name', ({ url }) => {
  let db: Database | undefined;
  afterEach(async () => {
    await db?.close();
    db = undefined;
  });

  async function open() {
    db = await openDatabase(await url());
    await migrate(db);
    return { db, campaigns: createCampaignStore(db), queue: createSendQueue(db), suppressions: createSuppressionStore(db) };
  }

  describe('campaigns', () => {
    it('stores a record and finds it by id or by name, the id first', async () => {
      const { campaigns } = await open();
      const full = campaign('c1', {
        status: 'sending', audienceCursor: 'p9', audienceDone: true, occurrence: '2026-03-01T09:00:00.000Z', nextRunAt: T0 + 1,
        pinned: { welcome: 3, footer: 1 }, launchedAt: T0 + 2, finishedAt: T0 + 3, updatedAt: T0 + 4,
      });
      await campaigns.insert(full);
      await campaigns.insert(campaign('c2', { name: 'c1' }));
      expect(await campaigns.find('c1')).toEqual(full);
      expect((await campaigns.find('campaign c1'))!.id).toBe('c1');
      expect((await campaigns.find('c2'))!.name).toBe('c1');
      expect(await campaigns.find('nope')).toBeNull();
      expect((await campaigns.list()).map((c) => c.id)).toEqual(['c2', 'c1']);
    });

    it('refuses a taken name, on insert and on update', async () => {
      const { campaigns } = await open();
      await campaigns.insert(campaign('c1'));
      await campaigns.insert(campaign('c2'));
      expect(await conflictOf(campaigns.insert(campaign('c3', { name: 'campaign c1' })))).toEqual({ code: 'conflict', field: 'name' });
      expect(await conflictOf(campaigns.update(campaign('c2', { name: 'campaign c1' })))).toEqual({ code: 'conflict', field: 'name' });
      await campaigns.update(campaign('c2', { name: 'renamed', status: 'paused', updatedAt: T0 + 9 }));
      expect(await campaigns.find('renamed')).toMatchObject({ id: 'c2', status: 'paused', updatedAt: T0 + 9, createdAt: T0 });
      expect((await campaigns.list()).map((c) => c.id)).toEqual(['c1', 'c2']);
    });

    it('lists due, resolving and sending campaigns', async () => {
      const { campaigns } = await open();
      await campaigns.insert(campaign('sched', { status: 'scheduled', nextRunAt: T0 }));
      await campaigns.insert(campaign('later', { status: 'scheduled', nextRunAt: T0 + 1 }));
      await campaigns.insert(campaign('recurring', { status: 'sending', nextRunAt: T0 - 5, audienceDone: true }));
      await campaigns.insert(campaign('paused', { status: 'paused', nextRunAt: T0 - 5 }));
      await campaigns.insert(campaign('resolving', { status: 'sending', audienceDone: false }));
      await campaigns.insert(campaign('draft', { audienceDone: false }));
      await campaigns.insert(campaign('tx', { status: 'sending', kind: 'transactional', audienceDone: true }));
      expect((await campaigns.due(T0)).map((c) => c.id)).toEqual(['recurring', 'sched']);
      expect((await campaigns.resolving()).map((c) => c.id)).toEqual(['resolving']);
      // Sending ones only, without the built-in transactional campaigns.
      expect((await campaigns.sending()).map((c) => c.id)).toEqual(['recurring', 'resolving']);
    });

    it('counts rows per state, reasons, pages of rows, and one recipient\'s rows', async () => {
      const { campaigns, queue } = await open();
      await campaigns.insert(campaign('c1', { status: 'sending' }));
      await campaigns.insert(campaign('c2', { status: 'sending' }));
      expect(await campaigns.counts('c1')).toEqual({ queued: 0, rendering: 0, sending: 0, sent: 0, deferred: 0, suppressed: 0, failed: 0, cancelled: 0 });
      await queue.enqueue([
        send('c1', 'a'), send('c1', 'b'), send('c1', 'a', { step: 1, messageId: 'c1.a.1' }),
        send('c1', 'x', { state: 'suppressed', reason: 'excluded' }), send('c1', 'y', { state: 'suppressed', reason: 'excluded' }),
        send('c1', 'z', { state: 'suppressed', reason: 'no_consent' }), send('c2', 'a'),
      ]);
      expect(await campaigns.counts('c1')).toEqual({ queued: 3, rendering: 0, sending: 0, sent: 0, deferred: 0, suppressed: 3, failed: 0, cancelled: 0 });
      expect(await campaigns.reasons('c1')).toEqual([
        { state: 'suppressed', reason: 'excluded', count: 2 }, { state: 'suppressed', reason: 'no_consent', count: 1 },
      ]);
      expect((await campaigns.sendsOf('c1', 'a')).map((r) => r.step)).toEqual([0, 1]);
      const all = await campaigns.sends('c1', { limit: 100 });
      expect(all).toHaveLength(6);
      const page1 = await campaigns.sends('c1', { limit: 2 });
      const page2 = await campaigns.sends('c1', { limit: 2, after: page1[1]!.id });
      expect([...page1, ...page2].map((r) => r.id)).toEqual(all.slice(0, 4).map((r) => r.id));
      expect((await campaigns.sends('c1', { limit: 10, state: 'suppressed' })).map((r) => r.profileId)).toEqual(['x', 'y', 'z']);
      await campaigns.remove('c1');
      expect(await campaigns.find('c1')).toBeNull();
      expect(await campaigns.sends('c1', { limit: 10 })).toEqual([]);
      expect(await campaigns.sends('c2', { limit: 10 })).toHaveLength(1);
    });
  });

  describe('suppressions', () => {
    it('adds entries (counting the new ones), replaces, lists and removes them', async () => {
      const { suppressions } = await open();
      expect(await suppressions.add([
        { kind: 'address', value: 'Bounced@Example.com', reason: 'hard_bounce', source: 'dsn', detail: '550 5.1.1' },
        { kind: 'domain', value: 'Spam.example', reason: 'imported', source: 'import', detail: null },
        { kind: 'address', value: 'bounced@example.com', reason: 'hard_bounce', source: 'dsn', detail: 'again' },
      ], T0)).toBe(2);
      expect(await suppressions.add([
        { kind: 'address', value: 'BOUNCED@example.com', reason: 'complaint', source: 'arf', detail: null },
        { kind: 'address', value: 'new@example.com', reason: 'manual', source: 'admin', detail: null },
      ], T0 + 1)).toBe(1);
      const list = await suppressions.list({ limit: 10 });
      expect(list).toEqual([
        { kind: 'address', value: 'bounced@example.com', reason: 'complaint', source: 'arf', detail: null, createdAt: T0 + 1 },
        { kind: 'address', value: 'new@example.com', reason: 'manual', source: 'admin', detail: null, createdAt: T0 + 1 },
        { kind: 'domain', value: 'spam.example', reason: 'imported', source: 'import', detail: null, createdAt: T0 },
      ]);
      expect((await suppressions.list({ limit: 2, after: list[0]!.value })).map((s) => s.value)).toEqual(['new@example.com', 'spam.example']);
      expect(await suppressions.remove('address', 'New@Example.com')).toBe(true);
      expect(await suppressions.remove('address', 'new@example.com')).toBe(false);
      expect(await suppressions.add([], T0)).toBe(0);
    });

    it('matches an address by itself, then by its domain', async () => {
      const { suppressions } = await open();
      await suppressions.add([
        { kind: 'address', value: 'ann@spam.example', reason: 'complaint', source: 'arf', detail: null },
        { kind: 'domain', value: 'spam.example', reason: 'imported', source: 'import', detail: null },
        { kind: 'address', value: 'bob@example.com', reason: 'hard_bounce', source: 'dsn', detail: null },
      ], T0);
      const m = await suppressions.match(['Ann@Spam.example', 'cy@spam.example', 'Bob@example.com', 'cy@example.com', 'dee@sub.spam.example', 'nodomain']);
      expect(m.get('Ann@Spam.example')).toMatchObject({ kind: 'address', reason: 'complaint' });
      expect(m.get('ann@spam.example')).toMatchObject({ kind: 'address', reason: 'complaint' });
      expect(m.get('cy@spam.example')).toMatchObject({ kind: 'domain', value: 'spam.example' });
      expect(m.get('Bob@example.com')).toMatchObject({ kind: 'address', value: 'bob@example.com' });
      expect(m.has('cy@example.com')).toBe(false);
      expect(m.has('dee@sub.spam.example')).toBe(false);
      expect(m.has('nodomain')).toBe(false);
      expect((await suppressions.match([])).size).toBe(0);
    });
  });

  describe('recipient facts', () => {
    // Identities stored sealed: facts must read them through the codec.
    const codec: PiiCodec = { lookup: (_k, v) => v, seal: (v) => `sealed:${v}`, open: (s) => s.replace(/^sealed:/, '') };

    async function seed(d: Database) {
      const ts = (ms: number) => toTs(d.dialect, ms);
      await d.transaction(async (sql) => {
        const profile = (id: string, traits: Record<string, unknown>, mergedInto: string | null = null) => sql.run(
          `INSERT INTO profiles (id, traits, trait_stamps, first_seen_at, last_seen_at, created_at, updated_at, merged_into)
           VALUES (?, ?, '{}', ?, ?, ?, ?, ?)`, [id, toJson(traits), ts(T0), ts(T0), ts(T0), ts(T0), mergedInto]);
        await profile('p1', { email: 'Ann@Example.com', timezone: 'Europe/Paris', plan: 'pro' });
        await profile('p2', { timezone: 7 });
        await profile('p3', { email: 'gone@example.com' }, 'p1');
        await profile('p5', {});
        const identity = (kind: string, value: string, profileId: string, at: number) => sql.run(
          'INSERT INTO identities (kind, lookup, value, profile_id, created_at) VALUES (?, ?, ?, ?, ?)', [kind, value, codec.seal(value), profileId, ts(at)]);
        await identity('email', 'ann@example.com', 'p1', T0);
        await identity('email', 'second@example.com', 'p2', T0 + 5);
        await identity('email', 'first@example.com', 'p2', T0);
        await identity('user_id', 'u5', 'p5', T0);
        const consent = (profileId: string, purpose: string, granted: boolean) => sql.run(
          "INSERT INTO consents (profile_id, purpose, granted, updated_at, source) VALUES (?, ?, ?, ?, 'test')", [profileId, purpose, granted ? 1 : 0, T0]);
        await consent('p1', 'email_marketing', true);
        await consent('p1', 'email:news', false);
        await consent('p2', 'email_marketing', false);
        for (const [id, name] of [['s1', 'vip'], ['s2', 'churn'], ['s3', 'other']]) {
          await sql.run(`INSERT INTO segments (id, name, rules, options, version, status, created_at, updated_at)
            VALUES (?, ?, '{}', '{}', 1, 'active', ?, ?)`, [id, name, T0, T0]);
        }
        const member = (segmentId: string, profileId: string, exitedAt: number | null) => sql.run(
          'INSERT INTO segment_memberships (segment_id, profile_id, entered_at, exited_at) VALUES (?, ?, ?, ?)', [segmentId, profileId, T0, exitedAt]);
        await member('s1', 'p1', null);
        await member('s2', 'p1', T0 + 1);
        await member('s3', 'p1', null);
        await member('s2', 'p2', null);
        const event = (id: string, profileId: string, name: string, at: number, properties: Record<string, unknown>, type = 'track') => sql.run(
          `INSERT INTO events (message_id, profile_id, type, name, timestamp, received_at, properties, source) VALUES (?, ?, ?, ?, ?, ?, ?, 'test')`,
          [id, profileId, type, name, ts(at), ts(at), toJson(properties)]);
        await event('e1', 'p1', 'Order Completed', T0 - 10, { total: 500, items: [{ sku: 'a' }] });
        await event('e2', 'p1', 'Order Completed', T0 + 10, { total: 50, coupon: 'SPRING' });
        await event('e3', 'p1', 'Order Completed', T0 + 20, { total: 5 });
        await event('e4', 'p2', 'Order Completed', T0 + 20, { total: 900 });
        await event('e5', 'p1', 'Pricing', T0 + 20, {}, 'page');
        await event('e6', 'p1', 'Identified', T0 + 20, {}, 'identify');
      });
    }

    it('reads email, zone, traits, consents and current segments for a batch', async () => {
      const { db: d } = await open();
      await seed(d);
      const lookup = createRecipientLookup(d, codec);
      const facts = await lookup.facts(['p1', 'p2', 'p3', 'p4', 'p5', 'p1'], ['vip', 'churn']);
      expect([...facts.keys()].sort()).toEqual(['p1', 'p2', 'p3', 'p4', 'p5']);
      expect(facts.get('p1')).toEqual({
        profileId: 'p1', exists: true, email: 'Ann@Example.com', zone: 'Europe/Paris', traits: { email: 'Ann@Example.com', timezone: 'Europe/Paris', plan: 'pro' },
        consents: new Map([['email_marketing', true], ['email:news', false]]), segments: new Set(['vip']),
      });
      // No email trait: the oldest email identity, opened by the codec; a zone that is not a string is none.
      expect(facts.get('p2')).toMatchObject({ exists: true, email: 'first@example.com', zone: undefined, consents: new Map([['email_marketing', false]]), segments: new Set(['churn']) });
      expect(facts.get('p3')).toMatchObject({ exists: false });
      expect(facts.get('p4')).toMatchObject({ exists: false, email: null, segments: new Set() });
      expect(facts.get('p5')).toMatchObject({ exists: true, email: null, consents: new Map() });
      expect((await lookup.facts(['p1'], [])).get('p1')!.segments).toEqual(new Set());
      expect((await lookup.facts([], ['vip'])).size).toBe(0);
    });

    it('tells whether a profile had an event after a time, passing filters', async () => {
      const { db: d } = await open();
      await seed(d);
      const lookup = createRecipientLookup(d, codec);
      expect(await lookup.hadEvent('p1', 'Order Completed', T0)).toBe(true);
      expect(await lookup.hadEvent('p1', 'Order Completed', T0 + 20)).toBe(false);
      expect(await lookup.hadEvent('p1', 'Order Completed', T0, [{ property: 'total', op: 'gte', value: 50 }])).toBe(true);
      expect(await lookup.hadEvent('p1', 'Order Completed', T0, [{ property: 'total', op: 'gt', value: 100 }])).toBe(false);
      expect(await lookup.hadEvent('p1', 'Order Completed', T0, [{ property: 'coupon', op: 'exists' }, { property: 'total', op: 'lt', value: 60 }])).toBe(true);
      expect(await lookup.hadEvent('p1', 'Order Completed', T0 - 20, [{ property: 'items', op: 'exists' }])).toBe(true);
      expect(await lookup.hadEvent('p1', 'Pricing', T0)).toBe(true);
      expect(await lookup.hadEvent('p1', 'Identified', T0)).toBe(false);
      expect(await lookup.hadEvent('p3', 'Order Completed', 0)).toBe(false);
    });
  });
});
