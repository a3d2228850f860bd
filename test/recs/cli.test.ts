import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DEMO_END, loadDemo } from '../../src/demo/load-demo.ts';
import { tempSqlite } from '../helpers/databases.ts';
import { tailorCli } from '../helpers/cli.ts';
import { openTailor } from '../helpers/tailor.ts';

const run = (db: string, ...args: string[]) => tailorCli(['--db', db, 'recs', ...args]);

describe('tailor recs', () => {
  const db = tempSqlite();
  beforeAll(async () => {
    const t = await openTailor(db);
    await loadDemo(t, { customers: 150, seed: 3, end: DEFAULT_DEMO_END });
    await t.close();
  }, 120_000);

  it('evaluates, builds and shows', async () => {
    const r = JSON.parse((await run(db, 'evaluate', '--json', '--cutoff', '2026-09-01')).stdout);
    expect(r).toMatchObject({ k: 10, cutoff: '2026-09-01T00:00:00.000Z' });
    expect(r.users).toBeGreaterThan(10);
    for (const m of [r.cf, r.popular]) expect(Object.keys(m).sort()).toEqual(['hitRate', 'mrr', 'recall', 'users']);
    expect((await run(db, 'evaluate', '--k', '5')).stdout).toMatch(/model\s+hit-rate@5\s+recall@5\s+MRR@5\s+users\ncf\s+0\.\d{4}/);

    const built = JSON.parse((await run(db, 'build', '--as-of', '2026-11-01', '--json')).stdout);
    expect(built).toMatchObject({ asOf: '2026-11-01T00:00:00.000Z', profiles: expect.any(Number) });
    expect(built.lists.cf).toBeGreaterThan(100);
    const shown = JSON.parse((await run(db, 'show', 'cust-3-000001', '--json')).stdout);
    expect(shown.recommendations).toHaveLength(10);
    expect(shown.recommendations[0]).toMatchObject({ id: expect.any(String), reason: 'cf' });
    expect((await run(db, 'show', 'cust-3-000001', '--limit', '3')).stdout.trim().split('\n')).toHaveLength(6);
  });

  it('exits non-zero with one line on a bad flag or an unknown profile', async () => {
    for (const [args, reason] of [
      [['evaluate', '--k', 'ten'], "tailor: --k must be a whole number from 1 to 100, not 'ten'"],
      [['evaluate', '--cutoff', '01/02/2026'], "tailor: --cutoff must be an ISO-8601 date or date-time such as 2026-10-01, not '01/02/2026'"],
      [['build', '--as-of', 'yesterday'], "tailor: --as-of must be an ISO-8601 date or date-time such as 2026-10-01, not 'yesterday'"],
      [['show', 'nobody@example.com'], "tailor: no profile 'nobody@example.com'"],
    ] as const) {
      const e = await run(db, ...args).then(() => null, (err: { code: number; stderr: string }) => err);
      expect(e?.code, args.join(' ')).not.toBe(0);
      expect(e!.stderr.trim().split('\n')).toEqual([reason]);
    }
  });
});
