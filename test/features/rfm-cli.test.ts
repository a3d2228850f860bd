import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { DAY_MS, ORDER_EVENT } from '../../src/core/features/catalog.ts';
import { toJson } from '../../src/store/sql/codec.ts';
import { tempSqlite } from '../helpers/databases.ts';
import { tailorCli } from '../helpers/cli.ts';
import { createTestTailor } from '../helpers/tailor.ts';

const cli = (args: string[]) => tailorCli(args, { env: { ...process.env, TAILOR_DB: '' } });
const AS_OF = Date.UTC(2011, 11, 10);

describe('tailor rfm (CLI)', () => {
  it('prints the per-segment summary as JSON, saves unless --no-save, and rejects bad flags with one line', async () => {
    const db = tempSqlite();
    const t = await createTestTailor(loadConfig({}, { db }));
    await t.db.kysely.insertInto('events').values([['a', 0, 50], ['a', 3, 20], ['b', 30, 5], ['c', 200, 1]].map(([p, days, revenue], i) => ({
      message_id: `cli-${i}`, profile_id: p as string, type: 'track', name: ORDER_EVENT, user_id: p as string,
      timestamp: AS_OF - (days as number) * DAY_MS, received_at: AS_OF, properties: toJson({ revenue }), source: 'test',
    }))).execute();
    await t.close();

    const dry = JSON.parse((await cli(['--db', db, 'rfm', '--as-of', '2011-12-10', '--no-save', '--json'])).stdout);
    expect(dry).toMatchObject({ asOf: '2011-12-10T00:00:00.000Z', windowDays: 365, saved: null });
    expect(dry.totals).toEqual({ customers: 3, meanRecencyDays: 230 / 3, meanFrequency: 4 / 3, meanMonetary: 76 / 3 });
    // a: 0 days, 2 orders, 70 → below 2 of 3 everywhere → 1 + ⌊10/3⌋ = 4: 444 Loyal Customers.
    // b: 30 days, 1 order, 5 → R 1 + ⌊5/3⌋ = 2, F 1 (ties with c), M 2: 212 Hibernating. c: 111 Lost.
    const count = (name: string) => dry.segments.find((g: { segment: string }) => g.segment === name).customers;
    expect([count('Loyal Customers'), count('Hibernating'), count('Lost'), count('Champions')]).toEqual([1, 1, 1, 0]);

    const saved = JSON.parse((await cli(['--db', db, 'rfm', '--as-of', '2011-12-10', '--json'])).stdout);
    expect(saved.saved).toEqual({ written: 3, cleared: 0 });
    const text = (await cli(['--db', db, 'rfm', '--as-of', '2011-12-10T00:00:00Z', '--window', '100'])).stdout;
    expect(text).toMatch(/window 100 days .*: 2 customers scored/);
    // n = 2 now: a is 333 Need Attention, b 111 Lost; empty segments print dashes.
    expect(text).toMatch(/^Need Attention +1 +50\.0% +0\.0 +2\.00 +70\.00$/m);
    expect(text).toMatch(/^Champions +0 +0\.0% +- +- +-$/m);
    expect(text).toMatch(/saved: 2 feature rows written, 1 cleared/); // c's only order is 200 days old: cleared

    for (const args of [['--window', '0'], ['--window', 'x'], ['--as-of', '12/10/2011']]) {
      const err = await cli(['--db', db, 'rfm', ...args]).then(() => undefined, (e: { code: number; stderr: string }) => e);
      expect(err, args.join(' ')).toBeDefined();
      expect(err!.code).not.toBe(0);
      expect(err!.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^tailor: --(window|as-of) must be/)]);
    }
  });
});
