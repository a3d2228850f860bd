import { afterEach, describe, expect, it } from 'vitest';
import type { CampaignRecord, NewSend } from '../../src/core/campaigns/ports.ts';
import { CampaignSpecSchema } from '../../src/core/schemas/campaign.ts';
import { createCampaignStore } from '../../src/store/campaigns/campaign-store.ts';
import { CLAIM_SQLITE, createSendQueue } from '../../src/store/campaigns/send-queue.ts';
import { migrate } from '../../src/store/migrate.ts';
import { openDatabase, type Database } from '../../src/store/sql/database.ts';
import { dialects } from '../helpers/databases.ts';

const T0 = Date.UTC(2026, 2, 1, 9);

function campaign(id: string, status: CampaignRecord['status'] = 'sending'): CampaignRecord {
  return {
    id, name: `campaign ${id}`, kind: 'broadcast', status, spec: CampaignSpecSchema.parse({ name: `campaign ${id}`, audience: { segments: ['vip'] }, template: 't' }),
    audienceCursor: null, audienceDone: false, occurrence: '', nextRunAt: null, pinned: { t: 1 }, launchedAt: T0, finishedAt: null, createdAt: T0, updatedAt: T0,
  };
}

const send = (campaignId: string, profileId: string, dueAt = T0, step = 0): NewSend => ({
  campaignId, occurrence: '', step, profileId, messageId: `${campaignId}.${step}.${profileId}`, dueAt, arm: null, triggerAt: null,
});

const people = (n: number, prefix = 'p') => Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(6, '0')}`);

describe.each(dialects)('send queue on $name', ({ name, url }) => {
  const opened: Database[] = [];
  afterEach(async () => {
    for (const db of opened.splice(0)) await db.close();
  });

  async function open(u?: string) {
    const db = await openDatabase(u ?? await url());
    opened.push(db);
    await migrate(db);
    return { db, queue: createSendQueue(db), campaigns: createCampaignStore(db) };
  }

  async function withCampaign(status: CampaignRecord['status'] = 'sending', id = 'c1') {
    const s = await open();
    await s.campaigns.insert(campaign(id, status));
    return s;
  }

  it('enqueues idempotently and records the audience progress in the same call', async () => {
    const { queue, campaigns } = await withCampaign();
    const rows = people(1200).map((p) => send('c1', p));
    expect(await queue.enqueue(rows, { campaignId: 'c1', cursor: 'p000599', done: false, at: T0 + 5 })).toBe(1200);
    expect(await queue.enqueue(rows, { campaignId: 'c1', cursor: null, done: true, at: T0 + 6 })).toBe(0);
    // Duplicates within one call are inserted once.
    expect(await queue.enqueue([send('c1', 'x'), send('c1', 'x')])).toBe(1);
    const c = (await campaigns.find('c1'))!;
    expect(c).toMatchObject({ audienceCursor: null, audienceDone: true, updatedAt: T0 + 6 });
    expect((await campaigns.counts('c1')).queued).toBe(1201);
    const [first] = await campaigns.sends('c1', { limit: 1 });
    expect(first).toMatchObject({ state: 'queued', attempts: 0, inDoubt: false, leaseOwner: null, createdAt: T0 + 5, updatedAt: T0 + 5, dueAt: T0 });
  });

  it('enqueues suppressed rows with their reason', async () => {
    const { queue, campaigns } = await withCampaign();
    await queue.enqueue([{ ...send('c1', 'a'), state: 'suppressed', reason: 'excluded', email: 'a@example.com' }, send('c1', 'b')]);
    expect(await campaigns.reasons('c1')).toEqual([{ state: 'suppressed', reason: 'excluded', count: 1 }]);
    expect(await queue.claim('w', T0, 10, T0 + 60_000)).toMatchObject([{ profileId: 'b' }]);
  });

  it('claims due rows of sending campaigns only, in due order, leased to the claimer', async () => {
    const { queue, campaigns } = await withCampaign();
    await campaigns.insert(campaign('paused', 'paused'));
    await queue.enqueue([send('c1', 'late', T0 + 1000), send('c1', 'b', T0), send('c1', 'a', T0 - 10), send('paused', 'z', T0 - 100)]);
    expect(await queue.nextDue()).toBe(T0 - 10);
    const claimed = await queue.claim('w1', T0, 10, T0 + 60_000);
    expect(claimed.map((r) => r.profileId)).toEqual(['a', 'b']);
    expect(claimed[0]).toMatchObject({ state: 'rendering', leaseOwner: 'w1', leaseUntil: T0 + 60_000, updatedAt: T0, campaignId: 'c1', inDoubt: false });
    expect(await queue.claim('w2', T0, 10, T0 + 60_000)).toEqual([]);
    expect(await queue.nextDue()).toBe(T0 + 1000);
    expect((await queue.claim('w2', T0 + 1000, 10, T0 + 60_000)).map((r) => r.profileId)).toEqual(['late']);
    expect(await queue.nextDue()).toBeNull();
    // A paused campaign's row becomes claimable once the campaign sends again.
    await campaigns.update({ ...campaign('paused', 'sending') });
    expect((await queue.claim('w2', T0, 10, T0 + 60_000)).map((r) => r.profileId)).toEqual(['z']);
  });

  it('respects the limit', async () => {
    const { queue } = await withCampaign();
    await queue.enqueue(people(30).map((p, i) => send('c1', p, T0 + i)));
    const a = await queue.claim('w', T0 + 100, 12, T0 + 60_000);
    expect(a.map((r) => r.dueAt)).toEqual(Array.from({ length: 12 }, (_, i) => T0 + i));
    expect(await queue.claim('w', T0 + 100, 0, T0 + 60_000)).toEqual([]);
  });

  it('never hands one row to two concurrent claims, on one handle or two', async () => {
    const first = await withCampaign();
    const u = name === 'postgres' ? await urlOf(first.db) : await sqliteFile(first.db);
    const second = await open(u);
    await first.queue.enqueue(people(1000).map((p) => send('c1', p)));
    const claims = await Promise.all([
      first.queue.claim('a', T0, 150, T0 + 60_000), first.queue.claim('b', T0, 150, T0 + 60_000),
      second.queue.claim('c', T0, 150, T0 + 60_000), second.queue.claim('d', T0, 150, T0 + 60_000),
      first.queue.claim('e', T0, 150, T0 + 60_000), second.queue.claim('f', T0, 150, T0 + 60_000),
      first.queue.claim('g', T0, 150, T0 + 60_000), second.queue.claim('h', T0, 150, T0 + 60_000),
    ]);
    const ids = claims.flat().map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    // Rows skipped because another claim held them are claimable afterwards: all 1000 go, each once.
    let rest: number[] = [];
    for (let r = await first.queue.claim('z', T0, 1000, T0 + 60_000); r.length; r = await first.queue.claim('z', T0, 1000, T0 + 60_000)) {
      rest = rest.concat(r.map((x) => x.id));
    }
    expect(new Set([...ids, ...rest]).size).toBe(1000);
    expect(ids.length + rest.length).toBe(1000);
    const owners = await first.db.read<{ lease_owner: string; n: unknown }>('SELECT lease_owner, COUNT(*) AS n FROM sends GROUP BY lease_owner');
    const held = Object.fromEntries(owners.map((o) => [o.lease_owner, Number(o.n)]));
    for (const [i, owner] of ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].entries()) expect(held[owner] ?? 0).toBe(claims[i]!.length);
  });

  it('markSending and settle change only the rows the owner holds', async () => {
    const { queue, campaigns } = await withCampaign();
    await queue.enqueue([send('c1', 'a'), send('c1', 'b')]);
    const [a, b] = await queue.claim('w1', T0, 10, T0 + 60_000);
    await queue.markSending([a!.id, b!.id], 'intruder', T0 + 1, T0 + 1);
    await queue.settle('intruder', [{ id: a!.id, state: 'sent', sentAt: T0 }], T0 + 1);
    expect((await campaigns.sendsOf('c1', 'a'))[0]).toMatchObject({ state: 'rendering', attempts: 0, leaseOwner: 'w1', sentAt: null });

    await queue.markSending([a!.id, b!.id], 'w1', T0 + 90_000, T0 + 2);
    expect((await campaigns.sendsOf('c1', 'a'))[0]).toMatchObject({ state: 'sending', attempts: 1, leaseUntil: T0 + 90_000, updatedAt: T0 + 2 });
    await queue.settle('w1', [
      { id: a!.id, state: 'sent', sentAt: T0 + 3, response: '250 ok', email: 'a@example.com' },
      { id: b!.id, state: 'deferred', reason: 'smtp_4xx', detail: '421 try later', dueAt: T0 + 600_000, inDoubt: true },
    ], T0 + 4);
    expect((await campaigns.sendsOf('c1', 'a'))[0]).toMatchObject({
      state: 'sent', sentAt: T0 + 3, response: '250 ok', email: 'a@example.com', attempts: 1, reason: null, dueAt: T0,
      leaseOwner: null, leaseUntil: null, updatedAt: T0 + 4,
    });
    expect((await campaigns.sendsOf('c1', 'b'))[0]).toMatchObject({
      state: 'deferred', reason: 'smtp_4xx', detail: '421 try later', dueAt: T0 + 600_000, inDoubt: true, attempts: 1, sentAt: null,
      leaseOwner: null, leaseUntil: null,
    });
    // A settled row is no longer held: a late settle of it changes nothing.
    await queue.settle('w1', [{ id: a!.id, state: 'failed', reason: 'late' }], T0 + 5);
    expect((await campaigns.sendsOf('c1', 'a'))[0]!.state).toBe('sent');
    // The deferred row comes back when due, and a given null clears a field.
    const [again] = await queue.claim('w2', T0 + 600_000, 10, T0 + 700_000);
    expect(again).toMatchObject({ id: b!.id, attempts: 1, inDoubt: true });
    await queue.settle('w2', [{ id: b!.id, state: 'rendering', reason: null, inDoubt: false }], T0 + 600_001);
    expect((await campaigns.sendsOf('c1', 'b'))[0]).toMatchObject({ state: 'rendering', reason: null, detail: '421 try later', inDoubt: false, leaseOwner: 'w2' });
    expect(await campaigns.counts('c1')).toEqual({ queued: 0, rendering: 1, sending: 0, sent: 1, deferred: 0, suppressed: 0, failed: 0, cancelled: 0 });
  });

  it('lists leases oldest first, renews an owner\'s, and takes rows over by compare-and-set', async () => {
    const { queue, campaigns } = await withCampaign();
    await queue.enqueue([send('c1', 'a'), send('c1', 'b'), send('c1', 'c')]);
    const [a] = await queue.claim('old', T0, 1, T0 + 1000);
    const [b, c] = await queue.claim('live', T0, 2, T0 + 5000);
    await queue.markSending([a!.id], 'old', T0 + 1000, T0);
    expect((await queue.leased(10)).map((r) => [r.id, r.leaseOwner])).toEqual([[a!.id, 'old'], [b!.id, 'live'], [c!.id, 'live']]);
    expect(await queue.renew('live', T0 + 9000)).toBe(2);
    expect((await queue.leased(1))[0]).toMatchObject({ id: a!.id, state: 'sending', leaseUntil: T0 + 1000 });

    // Only rows still held by the owner the reconciler saw are taken; a second take-over finds them gone.
    const seen = [{ id: a!.id, owner: 'old' }, { id: b!.id, owner: 'old' }];
    expect(await queue.takeOver(seen, 'rec', T0 + 20_000, T0 + 2000)).toEqual([a!.id]);
    expect(await queue.takeOver(seen, 'rec2', T0 + 20_000, T0 + 2000)).toEqual([]);
    expect((await campaigns.sendsOf('c1', 'a'))[0]).toMatchObject({ state: 'sending', leaseOwner: 'rec', leaseUntil: T0 + 20_000, attempts: 1 });
    // The old owner's late outcome is ignored; the new owner's counts.
    await queue.settle('old', [{ id: a!.id, state: 'sent', sentAt: T0 }], T0 + 2001);
    expect((await campaigns.sendsOf('c1', 'a'))[0]!.state).toBe('sending');
    await queue.settle('rec', [{ id: a!.id, state: 'sent', sentAt: T0 + 2002 }], T0 + 2002);
    expect((await campaigns.sendsOf('c1', 'a'))[0]).toMatchObject({ state: 'sent', leaseOwner: null });
    // A settled row is not taken over.
    expect(await queue.takeOver([{ id: a!.id, owner: null }], 'rec', T0 + 30_000, T0 + 3000)).toEqual([]);
    expect(await queue.takeOver([], 'rec', T0 + 30_000, T0 + 3000)).toEqual([]);
  });

  it('cancels pending rows only', async () => {
    const { queue, campaigns } = await withCampaign();
    await queue.enqueue([send('c1', 'a'), send('c1', 'b'), send('c1', 'c', T0 + 10_000)]);
    const [a] = await queue.claim('w', T0, 1, T0 + 1000);
    expect(await queue.cancelPending('c1', T0 + 5)).toBe(2);
    expect(await queue.cancelPending('c1', T0 + 6)).toBe(0);
    expect(await campaigns.reasons('c1')).toEqual([{ state: 'cancelled', reason: 'campaign_cancelled', count: 2 }]);
    expect((await campaigns.sendsOf('c1', 'a'))[0]).toMatchObject({ id: a!.id, state: 'rendering' });
    expect(await queue.nextDue()).toBeNull();
  });

  it('reports recent sends per profile: sent rows since the cut-off and rows being sent', async () => {
    const { queue, campaigns } = await withCampaign();
    await campaigns.insert(campaign('c2'));
    await queue.enqueue([send('c1', 'a'), send('c1', 'b'), send('c2', 'a'), send('c2', 'c'), send('c1', 'a', T0, 1)]);
    const claimed = await queue.claim('w', T0, 10, T0 + 60_000);
    const id = (campaignId: string, profileId: string, step = 0) => claimed.find((r) => r.campaignId === campaignId && r.profileId === profileId && r.step === step)!.id;
    await queue.markSending(claimed.map((r) => r.id), 'w', T0 + 60_000, T0 + 50);
    await queue.settle('w', [
      { id: id('c1', 'a'), state: 'sent', sentAt: T0 - 5000 },
      { id: id('c2', 'a'), state: 'sent', sentAt: T0 + 100 },
      { id: id('c1', 'b'), state: 'failed', reason: 'smtp_5xx' },
    ], T0 + 200);
    // c2/c stays `sending` (since T0 + 50); c1/a step 1 too.
    const recent = await queue.recentSends(['a', 'b', 'c', 'nobody'], T0, 'c1');
    expect(Object.fromEntries(recent)).toEqual({
      a: [{ at: T0 + 50, campaignId: 'c1' }, { at: T0 + 100, campaignId: 'c2' }],
      c: [{ at: T0 + 50, campaignId: 'c2' }],
    });
    expect((await queue.recentSends(['a'], T0 - 10_000)).get('a')).toHaveLength(3);
    expect((await queue.recentSends([], T0)).size).toBe(0);
  });

  it('works through 5,000 rows in 500-row batches, each row once', async () => {
    const { queue, campaigns } = await withCampaign();
    const n = 5000;
    const ids = people(n);
    await queue.enqueue(ids.map((p, i) => send('c1', p, T0 + i)));
    const seen = new Set<number>();
    for (let batch = 0; batch < n / 500; batch++) {
      const claimed = await queue.claim('w', T0 + n, 500, T0 + 60_000);
      expect(claimed).toHaveLength(500);
      for (const r of claimed) seen.add(r.id);
      await queue.markSending(claimed.map((r) => r.id), 'w', T0 + 60_000, T0 + 1);
      await queue.settle('w', claimed.map((r, i) => (i % 10 === 0
        ? { id: r.id, state: 'deferred' as const, reason: 'quiet_hours', detail: 'until 08:00', dueAt: T0 + 10 * n }
        : { id: r.id, state: 'sent' as const, sentAt: T0 + 2, response: '250 2.0.0 ok', email: `${r.profileId}@example.com` })), T0 + 2);
    }
    expect(seen.size).toBe(n);
    expect(await queue.claim('w', T0 + n, 500, T0 + 60_000)).toEqual([]);
    expect(await campaigns.counts('c1')).toMatchObject({ sent: n - n / 10, deferred: n / 10, rendering: 0, sending: 0 });
  });

  // SQLite's plan only: PostgreSQL has its own claim statement (not a skipped test: no such test there).
  if (name === 'sqlite') {
    it('claims through the partial index sends_due', async () => {
      const { db } = await withCampaign();
      const plan = await db.read<{ detail: string }>(`EXPLAIN QUERY PLAN ${CLAIM_SQLITE}`, ['w', 1, 1, 1, 1]);
      expect(plan.map((p) => p.detail).join('\n')).toMatch(/SEARCH s USING INDEX sends_due \(due_at<\?\)/);
    });
  }
});

/** The URL the PostgreSQL handle was opened with: a second handle on the same schema. */
async function urlOf(db: Database): Promise<string> {
  const [r] = await db.read<{ s: string }>('SELECT current_schema() AS s');
  const u = new URL(process.env.TAILOR_TEST_PG_URL!);
  u.searchParams.set('options', `-c search_path=${r!.s}`);
  return u.toString();
}

async function sqliteFile(db: Database): Promise<string> {
  const rows = await db.read<{ name: string; file: string }>('PRAGMA database_list');
  return rows.find((r) => r.name === 'main')!.file;
}
