import { afterAll, describe, expect, it } from 'vitest';
import { ORDER_EVENT } from '../../src/core/features/catalog.ts';
import type { Tailor } from '../../src/main.ts';
import { loadClvOrders } from '../../src/store/models/clv-order-queries.ts';
import { dialects } from '../helpers/databases.ts';
import { msg, openTailor } from '../helpers/tailor.ts';

describe.each(dialects)('loadClvOrders on $name', ({ url }) => {
  const open: Tailor[] = [];
  afterAll(async () => {
    for (const t of open) await t.close();
  });

  it('returns every order up to the as-of instant with its revenue', async () => {
    const t = await openTailor(await url());
    open.push(t);
    await t.ingest([
      msg({ type: 'track', userId: 'ana', event: ORDER_EVENT, timestamp: '2020-01-01T10:00:00Z', properties: { revenue: 10 } }),
      msg({ type: 'track', userId: 'ana', event: ORDER_EVENT, timestamp: '2020-01-08T10:00:00Z', properties: { total: 7.5 } }),
      msg({ type: 'track', userId: 'ana', event: ORDER_EVENT, timestamp: '2020-03-01T10:00:00Z', properties: { revenue: 99 } }),
      msg({ type: 'track', userId: 'ben', event: ORDER_EVENT, timestamp: '2020-01-02T00:00:00Z', properties: { revenue: 'x' } }),
      msg({ type: 'track', userId: 'ben', event: 'Product Viewed', timestamp: '2020-01-03T00:00:00Z', properties: { revenue: 5 } }),
    ]);
    const log = await loadClvOrders(t.db, Date.parse('2020-02-01T00:00:00Z'));
    expect(log.ids).toHaveLength(2);
    const rows = Array.from(log.at, (at, i) => ({ id: log.ids[log.customer[i]!], at, amount: log.amount[i] }))
      .sort((a, b) => a.at - b.at);
    const ana = rows[0]!.id;
    expect(rows.map((r) => [r.id === ana ? 'ana' : 'ben', new Date(r.at).toISOString(), r.amount])).toEqual([
      ['ana', '2020-01-01T10:00:00.000Z', 10],
      ['ben', '2020-01-02T00:00:00.000Z', 0],
      ['ana', '2020-01-08T10:00:00.000Z', 7.5],
    ]);
  });
});
