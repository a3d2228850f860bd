import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { DAY_MS, emptyHistogram, ORDER_EVENT } from '../../src/core/features/catalog.ts';
import { runRfm } from '../../src/core/features/rfm-run.ts';
import { rfmWindow } from '../../src/core/features/rfm.ts';
import { fromJson, toJson, toTs } from '../../src/store/sql/codec.ts';
import { createRfmStore, loadAggregates, storedRfm } from '../../src/store/features/rfm-store.ts';
import { dialects } from '../helpers/databases.ts';
import { createTestTailor, type TestTailor } from '../helpers/tailor.ts';

const AS_OF = Date.UTC(2011, 11, 10);
const NOW = Date.UTC(2026, 10, 1);
let seq = 0;

describe.each(dialects)('RFM store on $name', ({ url }) => {
  let t: TestTailor;
  beforeEach(async () => {
    t = await createTestTailor(loadConfig({}, { db: await url() }));
  });
  afterEach(async () => {
    await t.close();
  });

  // Events go in directly: this suite is about the aggregation and the write, not ingest.
  const event = (profileId: string, at: number, properties: Record<string, unknown>, name = ORDER_EVENT, type = 'track') => ({
    message_id: `rfm-${++seq}`, profile_id: profileId, type, name, user_id: profileId, timestamp: toTs(t.db.dialect, at),
    received_at: toTs(t.db.dialect, at), properties: toJson(properties), source: 'test',
  });
  const addEvents = async (rows: ReturnType<typeof event>[]) => {
    // The schema types timestamps as the SQLite shape; PostgreSQL takes the Date that toTs gives it.
    await t.db.kysely.insertInto('events').values(rows as never).execute();
  };
  const featureRow = async (id: string) => t.db.kysely.selectFrom('profile_features').selectAll().where('profile_id', '=', id).executeTakeFirst();

  const seed = async () => {
    await addEvents([
      event('p1', AS_OF - DAY_MS, { revenue: 10, total: 99 }),
      event('p1', AS_OF, { total: 5 }), // the as-of instant itself is in the window
      event('p1', AS_OF + 1, { revenue: 1000 }), // after as-of: ignored
      event('p1', AS_OF - 365 * DAY_MS, { revenue: 2000 }), // the window's open start: ignored
      event('p1', AS_OF - 365 * DAY_MS + 1, { revenue: '12', total: 3 }), // revenue not a number: total counts
      event('p2', AS_OF - 10 * DAY_MS, { currency: 'GBP' }), // neither revenue nor total: 0
      event('p2', AS_OF - 2 * DAY_MS, { revenue: 500 }, ORDER_EVENT, 'page'), // a page view, not an order
      event('p2', AS_OF - 2 * DAY_MS, { revenue: 500 }, 'Product Viewed'),
      event('p3', AS_OF - 400 * DAY_MS, { revenue: 50 }), // before the window: not scored
    ]);
  };

  it('aggregates orders in (as-of − window, as-of] with revenue, else total, else 0', async () => {
    await seed();
    const agg = await loadAggregates(t.db, rfmWindow(AS_OF, 365));
    const got = agg.profileIds.map((p, i) => [p, agg.lastOrderAt[i], agg.orders[i], agg.revenue[i]]).sort();
    expect(got).toEqual([['p1', AS_OF, 3, 18], ['p2', AS_OF - 10 * DAY_MS, 1, 0]]);
  });

  it('upserts scores, keeps the other feature columns, clears customers no longer scored, and skips unchanged rows', async () => {
    await seed();
    // p1 has a feature row already; p3 was scored by an earlier run.
    await t.db.kysely.insertInto('profile_features').values([
      { profile_id: 'p1', frequency: 7, top_category: 'shoes', category_counts: '{"shoes":2}', hour_histogram: toJson(emptyHistogram()), windows_as_of: 123, updated_at: 1 },
      { profile_id: 'p3', frequency: 1, category_counts: '{}', hour_histogram: toJson(emptyHistogram()), windows_as_of: 5, updated_at: 1,
        rfm_r: 5, rfm_f: 5, rfm_m: 5, rfm_score: 555, rfm_segment: 'Champions' },
    ] as never).execute();

    const run = await runRfm(createRfmStore(t.db), { asOf: AS_OF, windowDays: 365, save: true, now: NOW });
    expect(run.saved).toEqual({ written: 2, cleared: 1 });
    // n = 2: p1 is better on every measure (one customer below it) → 1 + ⌊5/2⌋ = 3; p2 gets 1.
    expect(Object.fromEntries(await storedRfm(t.db))).toEqual({
      p1: { r: 3, f: 3, m: 3, score: 333, segment: 'Need Attention' },
      p2: { r: 1, f: 1, m: 1, score: 111, segment: 'Lost' },
    });
    expect(await featureRow('p1')).toMatchObject({ frequency: 7, top_category: 'shoes', windows_as_of: 123, rfm_segment: 'Need Attention' });
    expect(fromJson((await featureRow('p1'))!.category_counts)).toEqual({ shoes: 2 });
    // p2 had no feature row (a profile stored before features existed): it gets its full row, as of
    // now, not an empty placeholder that a later ingest would extend as if it held p2's history.
    const p2 = (await featureRow('p2'))!;
    expect(p2).toMatchObject({ frequency: 1, last_order_at: AS_OF - 10 * DAY_MS, windows_as_of: NOW, updated_at: NOW, rfm_score: 111 });
    expect(Number(p2.monetary)).toBe(0);
    expect(fromJson(p2.category_counts)).toEqual({});
    expect(fromJson(p2.hour_histogram)).toEqual(emptyHistogram());
    expect(await featureRow('p3')).toMatchObject({ frequency: 1, rfm_r: null, rfm_f: null, rfm_m: null, rfm_score: null, rfm_segment: null, updated_at: NOW });

    // The same run again changes nothing; --no-save writes nothing.
    expect((await runRfm(createRfmStore(t.db), { asOf: AS_OF, save: true, now: NOW + 1 })).saved).toEqual({ written: 0, cleared: 0 });
    const later = await runRfm(createRfmStore(t.db), { asOf: AS_OF + 1, windowDays: 1, save: false, now: NOW + 2 });
    expect(later.saved).toBeNull();
    // (AS_OF + 1 − 1 day, AS_OF + 1]: p1's orders at AS_OF and AS_OF + 1 only.
    expect(later.summary.totals).toMatchObject({ customers: 1, meanFrequency: 2, meanMonetary: 1005 });
    expect((await storedRfm(t.db)).size).toBe(2);
  });

  it('scores nobody on an empty store', async () => {
    const run = await runRfm(createRfmStore(t.db), { asOf: AS_OF, save: true, now: NOW });
    expect(run.summary.totals).toEqual({ customers: 0, meanRecencyDays: null, meanFrequency: null, meanMonetary: null });
    expect(run.saved).toEqual({ written: 0, cleared: 0 });
  });
});
