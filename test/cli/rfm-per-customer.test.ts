import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { DAY_MS, ORDER_EVENT } from '../../src/core/features/catalog.ts';
import { toJson } from '../../src/store/sql/codec.ts';
import { tempSqlite } from '../helpers/databases.ts';
import { tailorCli } from '../helpers/cli.ts';
import { createTestTailor } from '../helpers/tailor.ts';

const cli = (args: string[]) => tailorCli(args, { env: { ...process.env, TAILOR_DB: '' } });
const AS_OF = Date.UTC(2011, 11, 10);

describe('tailor rfm --per-customer (CLI)', () => {
  it('gives every customer\'s scores and windowed raw values, as JSON or CSV, saving unless --no-save', async () => {
    const db = tempSqlite();
    const t = await createTestTailor(loadConfig({}, { db }));
    // Profile ids are written here, so the expected rows can name them.
    await t.db.kysely.insertInto('events').values([['a', 0, 50], ['a', 3, 20], ['b', 30, 5], ['c', 200, 1], ['c', 400, 99]].map(([p, days, revenue], i) => ({
      message_id: `pc-${i}`, profile_id: p as string, type: 'track', name: ORDER_EVENT, user_id: p as string,
      timestamp: AS_OF - (days as number) * DAY_MS, received_at: AS_OF, properties: toJson({ revenue }), source: 'test',
    }))).execute();
    await t.close();

    const out = JSON.parse((await cli(['--db', db, 'rfm', '--as-of', '2011-12-10', '--per-customer', '--no-save', '--json'])).stdout);
    expect(out).toMatchObject({ asOf: '2011-12-10T00:00:00.000Z', windowDays: 365, saved: null });
    expect(out.totals.customers).toBe(3);
    // By hand, as in rfm-cli.test.ts: n = 3, score = 1 + ⌊5 × (customers with a worse value) / 3⌋.
    // a: last order today, 2 orders, 70 → worse than a: 2 of 3 on each → 4, 4, 4.
    // b: 30 days, 1 order, 5 → R 2 (c is worse), F 1 (ties with c), M 2 (c spent 1 in the window).
    // c: its 400-day order is outside the 365-day window: 200 days, 1 order, 1 → 1, 1, 1.
    expect(out.customers).toEqual([
      { profileId: 'a', recencyDays: 0, frequency: 2, monetary: 70, r: 4, f: 4, m: 4, score: 444, segment: 'Loyal Customers' },
      { profileId: 'b', recencyDays: 30, frequency: 1, monetary: 5, r: 2, f: 1, m: 2, score: 212, segment: 'Hibernating' },
      { profileId: 'c', recencyDays: 200, frequency: 1, monetary: 1, r: 1, f: 1, m: 1, score: 111, segment: 'Lost' },
    ]);

    const csv = (await cli(['--db', db, 'rfm', '--as-of', '2011-12-10', '--window', '100', '--per-customer'])).stdout;
    // Window 100 days: c has no order in it; n = 2, a is 333 Need Attention, b 111 Lost.
    expect(csv).toBe('profile_id,recency_days,frequency,monetary,r,f,m,score,segment\na,0,2,70,3,3,3,333,Need Attention\nb,30,1,5,1,1,1,111,Lost\n');
    // Without --no-save the per-customer run saves like any other.
    const saved = JSON.parse((await cli(['--db', db, 'rfm', '--as-of', '2011-12-10', '--per-customer', '--json'])).stdout);
    expect(saved.saved).toEqual({ written: 3, cleared: 0 });

    const err = await cli(['--db', db, 'rfm', '--per-customer', '--window', '0']).then(() => undefined, (e: { code: number; stderr: string }) => e);
    expect(err!.code).not.toBe(0);
    expect(err!.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^tailor: --window must be/)]);
  }, 60_000);
});
