import { CompiledQuery } from 'kysely';
import { ORDER_EVENT } from '../../core/features/catalog.ts';
import type { TransactionLog } from '../../core/ml/clv/summary.ts';
import { toTs } from '../sql/codec.ts';
import type { Database } from '../sql/database.ts';
import { REVENUE } from '../features/rfm-store.ts';

/**
 * Every order ("Order Completed" track event) up to an as-of instant, as a transaction log for the
 * CLV models: profile id, time (epoch ms), revenue (properties.revenue, else total, else 0 — the
 * REVENUE expression RFM uses). Events belong to live profiles (a merge moves them to the surviving
 * profile), so no join on profiles is needed, as in rfm-store.ts.
 *
 * The models need each order, not aggregates, so this is one row per order; it reads outside any
 * write transaction on SQLite (WAL: it does not hold up ingest), and on PostgreSQL turns the
 * timestamptz into epoch ms in SQL rather than into a Date per row.
 */
const AT = {
  sqlite: 'timestamp',
  postgres: '(EXTRACT(EPOCH FROM timestamp) * 1000)::float8',
};

interface OrderRow { p: string; t: number; v: number }

export async function loadClvOrders(db: Database, asOf: number): Promise<TransactionLog> {
  const d = db.dialect;
  const text = `SELECT profile_id AS p, ${AT[d]} AS t, ${REVENUE[d]} AS v
    FROM events
    WHERE name = ? AND timestamp <= ? AND type = 'track'`;
  const params = [ORDER_EVENT, toTs(d, asOf)];
  const rows = d === 'postgres'
    ? await db.transaction((tx) => tx.all<OrderRow>(text, params))
    : (await db.kysely.executeQuery(CompiledQuery.raw(text, params))).rows as OrderRow[];
  const n = rows.length;
  const index = new Map<string, number>();
  const ids: string[] = [];
  const customer = new Int32Array(n);
  const at = new Float64Array(n);
  const amount = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const row = rows[i]!;
    let k = index.get(row.p);
    if (k === undefined) {
      k = ids.length;
      index.set(row.p, k);
      ids.push(row.p);
    }
    customer[i] = k;
    at[i] = Number(row.t);
    amount[i] = Number(row.v);
  }
  return { ids, customer, at, amount };
}
