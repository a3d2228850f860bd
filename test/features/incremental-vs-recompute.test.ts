import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLICK_EVENT, DAY_MS, OPEN_EVENT, ORDER_EVENT } from '../../src/core/features/catalog.ts';
import { featuresFromEvents } from '../../src/core/features/features-from-events.ts';
import { DEFAULT_DEMO_END, loadDemo } from '../../src/demo/load-demo.ts';
import { allFeatureEvents } from '../../src/store/features/feature-events.ts';
import { featuresAsOf, recomputeAllFeatures, refreshExpiredWindows } from '../../src/store/features/feature-store.ts';
import { dialects } from '../helpers/databases.ts';
import { msg, openTailor, type TestTailor } from '../helpers/tailor.ts';
import { differences, expectSameRows, foldedRows, liveIds, sqlRows, storedRows } from './feature-helpers.ts';

const iso = (ms: number) => new Date(ms).toISOString();

// The incremental fold that ingest runs (src/core/features) and the set-based SQL recompute
// (src/store/features/feature-sql.ts) are two implementations of one definition: they must agree on every row.
describe.each(dialects)('feature rows: incremental ingest = full SQL recompute on $name', ({ url }) => {
  let t: TestTailor;
  let now = DEFAULT_DEMO_END.getTime() + 6 * 3_600_000;

  beforeAll(async () => {
    t = await openTailor(await url(), () => now);
    await loadDemo(t, { customers: 300, seed: 7, end: DEFAULT_DEMO_END });
  }, 120_000);
  afterAll(async () => t?.close());

  const userIdOf = async (profileId: string) => (await t.profiles.get(profileId))!.identities.find((i) => i.kind === 'user_id')!.value;

  it('after the demo, every live profile has a row, equal to the recompute', async () => {
    const stored = await storedRows(t.db);
    expectSameRows(stored, await sqlRows(t.db, now));
    expect(stored.size).toBe((await liveIds(t.db)).length);
    const rows = [...stored.values()];
    // The demo exercises every part of the row, or this comparison would prove little.
    expect(rows.filter((r) => r.frequency > 1).length).toBeGreaterThan(50);
    expect(rows.filter((r) => r.orders90d > 0).length).toBeGreaterThan(10);
    expect(rows.filter((r) => r.opens30d > 0 && r.clicks30d > 0).length).toBeGreaterThan(10);
    expect(rows.filter((r) => r.topCategory !== null && Object.keys(r.categoryCounts).length > 2).length).toBeGreaterThan(20);
    expect(rows.filter((r) => r.windowsExpireAt !== null).length).toBeGreaterThan(50);
  });

  it('late (out-of-order) events and events in the future give the same rows', async () => {
    const buyers = [...(await storedRows(t.db)).values()].filter((r) => r.frequency > 0).slice(0, 6);
    const messages = [];
    for (const [i, r] of buyers.entries()) {
      const userId = await userIdOf(r.profileId);
      messages.push(
        msg({ type: 'track', userId, event: ORDER_EVENT, timestamp: iso(r.firstEventAt! - 400 * DAY_MS),
          properties: { total: 17.5, products: [{ category: 'zz-late', quantity: 4 }] } }),
        msg({ type: 'track', userId, event: ORDER_EVENT, timestamp: iso(now - 89 * DAY_MS),
          properties: { revenue: 3.25, products: [{ category: 'tops' }, { category: 'zz-late', quantity: 0.5 }] } }),
        msg({ type: 'track', userId, event: OPEN_EVENT, timestamp: iso(now - 29 * DAY_MS - i) }),
        msg({ type: 'page', userId, name: ORDER_EVENT, timestamp: iso(now - 3 * DAY_MS), properties: { revenue: 1000 } }),
        // future: not counted yet, but the row must expire when it comes due
        msg({ type: 'track', userId, event: CLICK_EVENT, timestamp: iso(now + 2 * DAY_MS + i) }),
      );
    }
    // Newest first, in three batches: every batch is late relative to the one before.
    const reversed = messages.reverse();
    for (let i = 0; i < reversed.length; i += 11) await t.ingest(reversed.slice(i, i + 11));
    const stored = await storedRows(t.db);
    expectSameRows(stored, await sqlRows(t.db, now));
    for (const [i, before] of buyers.entries()) {
      const after = stored.get(before.profileId)!;
      expect(after.frequency).toBe(before.frequency + 2);
      expect(after.firstEventAt).toBe(before.firstEventAt! - 400 * DAY_MS);
      expect(after.categoryCounts['zz-late']).toBe(4.5);
      expect(after.lastClickAt).toBe(before.lastClickAt);
      expect(after.windowsExpireAt).toBeLessThanOrEqual(now + 2 * DAY_MS + i);
    }
  });

  it('a merge: the survivor is rebuilt from both profiles’ events, the loser’s row goes', async () => {
    await t.ingest([msg({ type: 'identify', userId: 'merge-u', traits: { name: 'Ann' }, timestamp: iso(now - 50 * DAY_MS) }),
      msg({ type: 'track', userId: 'merge-u', event: ORDER_EVENT, timestamp: iso(now - 40 * DAY_MS), properties: { revenue: 10, products: [{ category: 'b' }] } })]);
    await t.ingest([msg({ type: 'track', anonymousId: 'merge-a', event: ORDER_EVENT, timestamp: iso(now - 45 * DAY_MS), properties: { revenue: 5, products: [{ category: 'a' }] } }),
      msg({ type: 'track', anonymousId: 'merge-a', event: OPEN_EVENT, timestamp: iso(now - 2 * DAY_MS) })]);
    const user = (await t.profiles.resolve({ userId: 'merge-u' }))!;
    const anon = (await t.profiles.resolve({ anonymousId: 'merge-a' }))!;
    expect(user).not.toBe(anon);
    const r = await t.ingest([msg({ type: 'track', userId: 'merge-u', anonymousId: 'merge-a', event: 'Signed In', timestamp: iso(now - DAY_MS) })]);
    const live = (await t.profiles.resolve({ userId: 'merge-u' }))!;
    const loser = live === user ? anon : user;
    expect(r.mergedAway).toEqual([loser]);
    expect(r.touched).toEqual([expect.objectContaining({ profileId: live, merged: true, events: ['Signed In'] })]);
    const stored = await storedRows(t.db);
    expect(stored.has(loser)).toBe(false);
    expect(stored.get(live)).toMatchObject({ frequency: 2, monetary: 15, orders90d: 2, opens30d: 1, categoryCounts: { a: 1, b: 1 }, topCategory: 'a' });
    expectSameRows(stored, await sqlRows(t.db, now));
  });

  it('windows expire: refreshExpiredWindows brings exactly the expired rows up to date', async () => {
    const before = await storedRows(t.db);
    now += 40 * DAY_MS;
    const due = [...before.values()].filter((r) => r.windowsExpireAt !== null && r.windowsExpireAt <= now)
      .sort((a, b) => a.windowsExpireAt! - b.windowsExpireAt! || (a.profileId < b.profileId ? -1 : 1));
    expect(due.length).toBeGreaterThan(20);
    // The earliest first, `limit` at a time.
    const first = await refreshExpiredWindows(t.db, now, 3);
    expect(first).toEqual(due.slice(0, 3).map((r) => r.profileId));
    const rest = await refreshExpiredWindows(t.db, now, 100_000);
    expect(new Set([...first, ...rest])).toEqual(new Set(due.map((r) => r.profileId)));
    expect(await refreshExpiredWindows(t.db, now, 100_000)).toEqual([]);

    const stored = await storedRows(t.db);
    for (const id of [...first, ...rest]) expect(stored.get(id)!.windowsAsOf).toBe(now);
    // The refreshed rows were written from the SQL recompute, so comparing them with the SQL again
    // would prove nothing: they are compared with the in-memory fold over all their events. The rows
    // left alone were computed earlier, but are still exact: only windowsAsOf differs.
    expectSameRows(stored, await foldedRows(t.db, now), ['windowsAsOf']);
    expectSameRows(stored, await sqlRows(t.db, now), ['windowsAsOf']);
    expect([...stored.values()].every((r) => r.windowsExpireAt === null || r.windowsExpireAt > now)).toBe(true);
    // The future clicks of the late-event test have come due.
    expect([...stored.values()].filter((r) => r.lastClickAt !== null && r.lastClickAt > now - 40 * DAY_MS + DAY_MS).length).toBeGreaterThanOrEqual(6);
  });

  it('ingest on rows computed before the clock moved still agrees', async () => {
    const stored = await storedRows(t.db);
    const stale = [...stored.values()].filter((r) => r.windowsAsOf < now && r.frequency > 0).slice(0, 4);
    expect(stale.length).toBe(4);
    await t.ingest(await Promise.all(stale.map(async (r) => msg({
      type: 'track', userId: await userIdOf(r.profileId), event: ORDER_EVENT, timestamp: iso(now - DAY_MS), properties: { revenue: 2 },
    }))));
    expectSameRows(await storedRows(t.db), await sqlRows(t.db, now), ['windowsAsOf']);
  });

  it('an event stored while in the future counts once due, even if ingest gets to the row before a refresh', async () => {
    const [row] = [...(await storedRows(t.db)).values()].filter((r) => r.frequency > 0 && r.windowsAsOf === now);
    const userId = await userIdOf(row!.profileId);
    await t.ingest([msg({ type: 'track', userId, event: ORDER_EVENT, timestamp: iso(now + DAY_MS), properties: { revenue: 7 } })]);
    expect((await storedRows(t.db)).get(row!.profileId)).toMatchObject({ frequency: row!.frequency, windowsExpireAt: now + DAY_MS });
    now += 2 * DAY_MS;
    await t.ingest([msg({ type: 'track', userId, event: OPEN_EVENT, timestamp: iso(now - 3_600_000) })]);
    const after = (await storedRows(t.db)).get(row!.profileId)!;
    expect(after).toMatchObject({ frequency: row!.frequency + 1, lastOrderAt: now - DAY_MS });
    expect(differences(after, (await sqlRows(t.db, now)).get(row!.profileId)!)).toEqual([]);
  });

  it('featuresAsOf (SQL) for a past instant equals the fold over the same events', async () => {
    const past = DEFAULT_DEMO_END.getTime() - 100 * DAY_MS;
    const ids = (await liveIds(t.db)).slice(0, 25);
    const events = await t.db.transaction((sql) => allFeatureEvents(sql, ids));
    for (const id of ids) {
      const folded = featuresFromEvents(id, events.filter((e) => e.profileId === id), past);
      expect(differences(await featuresAsOf(t.db, id, past), folded)).toEqual([]);
    }
  });

  it('recomputeAllFeatures (chunked) stores exactly the recompute, and keeps the incremental values', async () => {
    await refreshExpiredWindows(t.db, now, 100_000);
    const incremental = await storedRows(t.db);
    const summary = await recomputeAllFeatures(t.db, now, { chunk: 37 });
    expect(summary.profiles).toBe((await liveIds(t.db)).length);
    const stored = await storedRows(t.db);
    // recomputeAllFeatures stores what the SQL computes, so the reference is the fold over all feature
    // events (src/core/features), not the SQL itself; the incremental rows must survive unchanged.
    expectSameRows(stored, await foldedRows(t.db, now));
    expectSameRows(stored, incremental, ['windowsAsOf']);
  });
});
