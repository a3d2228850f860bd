import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createIngestStore } from '../../src/store/ingest/ingest-store.ts';
import { migrate } from '../../src/store/migrate.ts';
import { plainCodec } from '../../src/core/pii-codec.ts';
import { planBatch } from '../../src/core/ingest/plan-batch.ts';
import { dialects } from '../helpers/databases.ts';
import { msg, openTailor, type TestTailor } from '../helpers/tailor.ts';

// One storage contract, run against a real SQLite file and (when configured) a real PostgreSQL.
describe.each(dialects)('storage contract on $name', ({ url }) => {
  let t: TestTailor;
  beforeEach(async () => {
    t = await openTailor(await url());
  });
  afterEach(async () => t.close());

  const count = async (table: 'events' | 'profiles' | 'identities' | 'changes' | 'quality_issues') =>
    Number((await t.db.kysely.selectFrom(table).select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow()).n);
  const doc = async (ref: string) => t.profiles.get((await t.profiles.resolve({ id: ref }))!);

  it('migrates forward once; a second run applies nothing', async () => {
    expect(await migrate(t.db)).toEqual({ applied: [] });
  });

  it('stores a profile with traits and identities, and resolves it by each identifier', async () => {
    await t.ingest([msg({ type: 'identify', userId: 'u1', anonymousId: 'a1', traits: { email: 'Ann@Example.COM', plan: 'pro', age: 41 } })]);
    const id = await t.profiles.resolve({ userId: 'u1' });
    expect(id).toBeTruthy();
    expect(await t.profiles.resolve({ anonymousId: 'a1' })).toBe(id);
    expect(await t.profiles.resolve({ email: 'ann@EXAMPLE.com' })).toBe(id);
    expect(await t.profiles.resolve({ id: id! })).toBe(id);
    const p = (await t.profiles.get(id!))!;
    expect(p.traits).toEqual({ email: 'Ann@example.com', plan: 'pro', age: 41 });
    expect(p.identities.map((i) => `${i.kind}:${i.value}`).sort()).toEqual(['anonymous_id:a1', 'email:ann@example.com', 'user_id:u1']);
  });

  it('stores a repeated messageId once, across calls and within one batch', async () => {
    const m = msg({ type: 'track', userId: 'u1', event: 'Viewed' });
    const r1 = await t.ingest([m, m]);
    const r2 = await t.ingest([m]);
    expect(r1).toMatchObject({ received: 2, stored: 1, duplicates: 1 });
    expect(r2).toMatchObject({ stored: 0, duplicates: 1 });
    expect(await count('events')).toBe(1);
  });

  it('merges two profiles when an event connects them: events move, old ids resolve, the merge is logged', async () => {
    await t.ingest([msg({ type: 'track', anonymousId: 'anon-1', event: 'Product Viewed', timestamp: '2026-01-01T10:00:00Z' })]);
    await t.ingest([msg({ type: 'identify', userId: 'user-1', traits: { name: 'Bo' }, timestamp: '2026-01-02T10:00:00Z' })]);
    const anonProfile = await t.profiles.resolve({ anonymousId: 'anon-1' });
    const userProfile = await t.profiles.resolve({ userId: 'user-1' });
    expect(anonProfile).not.toBe(userProfile);
    await t.ingest([msg({ type: 'track', userId: 'user-1', anonymousId: 'anon-1', event: 'Signed In', timestamp: '2026-01-03T10:00:00Z' })]);
    const live = await t.profiles.resolve({ userId: 'user-1' });
    expect(await t.profiles.resolve({ anonymousId: 'anon-1' })).toBe(live);
    // the loser's internal id keeps resolving to the survivor
    const loser = [anonProfile, userProfile].find((p) => p !== live)!;
    expect(await t.profiles.resolve({ id: loser })).toBe(live);
    const p = (await t.profiles.get(live!))!;
    expect(p.eventCounts.total).toBe(3);
    expect(p.mergedFrom).toEqual([loser]);
    expect(p.firstSeenAt).toBe('2026-01-01T10:00:00.000Z');
    expect(p.lastSeenAt).toBe('2026-01-03T10:00:00.000Z');
    expect(p.traits).toEqual({ name: 'Bo' });
    const history = await t.profiles.history(live!, { limit: 100 });
    expect(history.changes.filter((c) => c.kind === 'merge')).toEqual([
      expect.objectContaining({ kind: 'merge', oldValue: loser, newValue: live, source: 'test' }),
    ]);
    expect(await count('profiles')).toBe(2); // the merged profile stays, marked merged
    expect((await t.profiles.list({ limit: 10 })).profiles.map((x) => x.id)).toEqual([live]);
  });

  it('alias merges the previousId profile into the userId profile', async () => {
    await t.ingest([msg({ type: 'page', anonymousId: 'visitor', name: 'Home' })]);
    await t.ingest([msg({ type: 'identify', userId: 'cust', traits: { tier: 'gold' } })]);
    const user = await t.profiles.resolve({ userId: 'cust' });
    await t.ingest([msg({ type: 'alias', previousId: 'visitor', userId: 'cust' })]);
    expect(await t.profiles.resolve({ anonymousId: 'visitor' })).toBe(user);
    expect((await t.profiles.get(user!))!.eventCounts.byType).toEqual({ page: 1, identify: 1, alias: 1 });
  });

  it('keeps the latest trait value by event timestamp, whatever the arrival order, and unsets on null', async () => {
    await t.ingest([msg({ type: 'identify', userId: 'u', traits: { plan: 'new', color: 'red' }, timestamp: '2026-03-01T00:00:00Z' })]);
    await t.ingest([msg({ type: 'identify', userId: 'u', traits: { plan: 'old', size: 'M' }, timestamp: '2026-02-01T00:00:00Z' })]);
    expect((await doc('u'))!.traits).toEqual({ plan: 'new', color: 'red', size: 'M' });
    await t.ingest([msg({ type: 'identify', userId: 'u', traits: { color: null }, timestamp: '2026-04-01T00:00:00Z' })]);
    expect((await doc('u'))!.traits).toEqual({ plan: 'new', size: 'M' });
    const h = await t.profiles.history((await t.profiles.resolve({ userId: 'u' }))!, { limit: 100 });
    expect(h.changes.map((c) => [c.kind, c.field, c.oldValue, c.newValue])).toEqual([
      ['identity_added', 'user_id', null, 'u'],
      ['trait_set', 'plan', null, 'new'],
      ['trait_set', 'color', null, 'red'],
      ['trait_set', 'size', null, 'M'],
      ['trait_unset', 'color', 'red', null],
    ]);
  });

  it('leaves invalid values out of the profile, keeps them in the raw event and reports them', async () => {
    await t.ingest([msg({ type: 'identify', userId: 'q', traits: { email: 'not-an-email', phone: '+44 20 7946 0958', country: 'Narnia', timezone: 'europe/paris', birthday: '1990-02-30' } })]);
    const p = (await doc('q'))!;
    expect(p.traits).toEqual({ phone: '+442079460958', timezone: 'Europe/Paris' });
    expect(p.lastEvents[0]!.properties).toMatchObject({ email: 'not-an-email', country: 'Narnia', birthday: '1990-02-30' });
    const issues = await t.db.kysely.selectFrom('quality_issues').select(['field', 'profile_id']).orderBy('field').execute();
    expect(issues.map((i) => i.field)).toEqual(['traits.birthday', 'traits.country', 'traits.email']);
    expect(issues.every((i) => i.profile_id === p.id)).toBe(true);
  });

  it('round-trips JSON types and millisecond timestamps exactly', async () => {
    const properties = { n: 1.5, big: 9007199254740991, neg: -3, t: true, f: false, nil: null, s: 'héllo 👋 "quoted" \\ back', nested: { a: [1, { b: 'c' }] } };
    await t.ingest([msg({ type: 'track', userId: 'j', event: 'E', properties, timestamp: '2026-05-06T07:08:09.123Z' })]);
    const e = (await doc('j'))!.lastEvents[0]!;
    expect(e.properties).toEqual(properties);
    expect(e.timestamp).toBe('2026-05-06T07:08:09.123Z');
  });

  it('refuses NUL in ids, names and look-ups, and removes it from values', async () => {
    // Ids and names are compared as keys, and the dialects treat NUL differently (PostgreSQL's text
    // cannot hold it, SQLite's JSON paths end at it): validation refuses it there (safe-text.ts).
    expect(() => msg({ type: 'track', userId: 'nul\u0000user', event: 'E' })).toThrow(/userId.*NUL/);
    expect(() => msg({ type: 'track', userId: 'u', event: 'E\u0000' })).toThrow(/event.*NUL/);
    // In a free-form value it is removed, the same on both dialects (clean-json.ts).
    await t.ingest([msg({ type: 'track', userId: 'nuluser', event: 'E', properties: { s: 'a\u0000b' } })]);
    expect(await count('events')).toBe(1);
    const id = await t.profiles.resolve({ userId: 'nuluser' });
    expect(id).toBeTruthy();
    const d = (await doc(id!))!;
    expect(d.lastEvents[0]).toMatchObject({ type: 'track', name: 'E', properties: { s: 'ab' } });
    // A look-up that carries NUL is refused with a 400-class error, not a database failure.
    await expect(t.profiles.resolve({ userId: 'nul\u0000user' })).rejects.toMatchObject({ code: 'validation_failed', field: 'userId' });
  });

  it('writes a batch as one transaction: a failure after the writes leaves nothing behind', async () => {
    const store = createIngestStore(t.db, plainCodec);
    const plan = planBatch([msg({ type: 'identify', userId: 'x', traits: { a: 1 } })], { identities: new Map(), profiles: new Map() },
      { now: Date.now(), newProfileId: () => 'p-x', normalize: {} });
    await expect(store.transaction(async (tx) => {
      await tx.apply(plan);
      throw new Error('boom');
    })).rejects.toThrow('boom');
    expect(await count('events')).toBe(0);
    expect(await count('profiles')).toBe(0);
    expect(await count('changes')).toBe(0);
  });

  it('lists live profiles by trait, with a cursor', async () => {
    for (let i = 0; i < 5; i++) await t.ingest([msg({ type: 'identify', userId: `l${i}`, traits: { tier: i % 2 ? 'gold' : 'free', address: { city: i < 2 ? 'Oslo' : 'Rome' } } })]);
    const page1 = await t.profiles.list({ limit: 2, traits: { tier: 'free' } });
    expect(page1.profiles).toHaveLength(2);
    const page2 = await t.profiles.list({ limit: 2, cursor: page1.nextCursor!, traits: { tier: 'free' } });
    expect(page2.profiles).toHaveLength(1);
    expect(page2.nextCursor).toBeNull();
    expect((await t.profiles.list({ limit: 10, traits: { 'address.city': 'Oslo' } })).profiles).toHaveLength(2);
  });

  it('resolves concurrent batches about the same new user to one profile', async () => {
    await Promise.all(Array.from({ length: 8 }, (_, i) =>
      t.ingest([msg({ type: 'track', userId: 'race', event: `E${i}` }), msg({ type: 'track', anonymousId: `anon-${i}`, userId: 'race', event: 'X' })])));
    const live = await t.profiles.resolve({ userId: 'race' });
    expect((await t.profiles.get(live!))!.eventCounts.total).toBe(16);
    expect((await t.profiles.list({ limit: 10 })).profiles).toHaveLength(1);
  });
});
