import { describe, expect, it } from 'vitest';
import { ORDER_EVENT } from '../../src/core/features/catalog.ts';
import { tempSqlite } from '../helpers/databases.ts';
import { tailorCli } from '../helpers/cli.ts';
import { msg, openTailor } from '../helpers/tailor.ts';

describe('tailor features', () => {
  it('recompute --as-of and show --as-of answer as of that instant, in JSON', async () => {
    const db = tempSqlite();
    const t = await openTailor(db);
    await t.ingest([
      msg({ type: 'track', userId: 'cli', event: ORDER_EVENT, timestamp: '2011-01-10T10:00:00Z', properties: { revenue: 5 } }),
      msg({ type: 'track', userId: 'cli', event: ORDER_EVENT, timestamp: '2011-03-01T10:00:00Z', properties: { revenue: 7 } }),
    ]);
    await t.close();
    const tailor = async (...args: string[]) => JSON.parse((await tailorCli(['--db', db, ...args])).stdout);
    expect(await tailor('features', 'recompute', '--as-of', '2011-02-01', '--json')).toMatchObject({ profiles: 1, asOf: '2011-02-01T00:00:00.000Z' });
    const shown = await tailor('features', 'show', 'cli', '--as-of', '2011-02-01', '--json');
    expect(shown.features).toMatchObject({ frequency: 1, monetary: 5, recency_days: 21, orders_90d: 1 });
    const now = await tailor('features', 'show', 'cli', '--json');
    expect(now.features).toMatchObject({ frequency: 2, monetary: 12, orders_90d: 0 });
    await expect(tailorCli(['--db', db, 'features', 'show', 'nobody'])).rejects.toMatchObject({ code: 2 });
  });
});
