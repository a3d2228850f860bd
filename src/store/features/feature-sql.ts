import { ENGAGEMENT_WINDOW_MS, ORDER_EVENT, ORDERS_WINDOW_MS, type FeatureRow } from '../../core/features/catalog.ts';
import { emptyFeatureRow } from '../../core/features/empty-row.ts';
import { toInt, toTs } from '../sql/codec.ts';
import type { Dialect, SqlRunner } from '../sql/database.ts';
import { sqliteDoc } from '../../core/segments/compile-comparison.ts';
import { humanSql, isClickSql, isOpenSql } from './engagement-sql.ts';

/**
 * Feature rows computed by set-based SQL: GROUP BY profile_id over the events table. This is the
 * full recompute, and on purpose a second implementation of the incremental fold in
 * src/core/features (test/features/incremental-vs-recompute.test.ts holds the two to the same
 * answers). The RFM columns are not computed here.
 */

/** Which events' profiles to compute: a list of ids, or an id range (a cheaper index scan for a full pass). */
export type FeatureScope = { ids: readonly string[] } | { from: string; to: string };

const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;
const IS_TRACK = (name: string) => `(e.type = 'track' AND e.name = ${lit(name)})`;
const IS_ORDER = IS_TRACK(ORDER_EVENT);

interface DialectSql {
  /** A timestamp expression as epoch ms. */
  ms(expr: string): string;
  time: string;
  revenue: string;
  /** Sum of floats that cannot overflow (SQLite's SUM of integers can). */
  fsum(expr: string): string;
  hourOfWeek: string;
  /** (profile_id, category, n) per ordered product line. */
  categoryLines(where: string): string;
  collate: string;
}

const DAY = 86_400_000;
// Every SQLite read of a stored document goes through sqliteDoc: a row SQLite cannot parse (one
// stored before ingest limited nesting) reads as missing instead of failing the whole recompute.
const PROPS = sqliteDoc('e.properties');
const number = (path: string) => `json_type(${PROPS}, '$.${path}') IN ('integer', 'real')`;
const SQLITE: DialectSql = {
  ms: (x) => x,
  time: '?',
  revenue: `CASE WHEN ${number('revenue')} THEN json_extract(${PROPS}, '$.revenue')
    WHEN ${number('total')} THEN json_extract(${PROPS}, '$.total') ELSE 0 END`,
  fsum: (x) => `TOTAL(${x})`,
  // Floored division, so that times before 1970 land in the right hour; day 0 was a Thursday.
  hourOfWeek: `(((e.timestamp - ((e.timestamp % ${DAY}) + ${DAY}) % ${DAY}) / ${DAY} + 3) % 7 + 7) % 7 * 24
    + (((e.timestamp % ${DAY}) + ${DAY}) % ${DAY}) / 3600000`,
  categoryLines: (where) => `SELECT e.profile_id AS profile_id, json_extract(p.value, '$.category') AS category,
      CASE WHEN json_type(p.value, '$.quantity') IN ('integer', 'real') THEN json_extract(p.value, '$.quantity') ELSE 1 END AS quantity
    FROM events e JOIN json_each(${PROPS}, '$.products') p
    WHERE ${where} AND json_type(${PROPS}, '$.products') = 'array' AND p.type = 'object'
      AND json_type(p.value, '$.category') = 'text' AND json_extract(p.value, '$.category') <> ''`,
  collate: '',
};
const POSTGRES: DialectSql = {
  ms: (x) => `CAST(ROUND(EXTRACT(EPOCH FROM ${x}) * 1000) AS BIGINT)`,
  time: 'CAST(? AS TIMESTAMPTZ)',
  revenue: `CASE WHEN jsonb_typeof(e.properties -> 'revenue') = 'number' THEN CAST(e.properties ->> 'revenue' AS DOUBLE PRECISION)
    WHEN jsonb_typeof(e.properties -> 'total') = 'number' THEN CAST(e.properties ->> 'total' AS DOUBLE PRECISION) ELSE 0 END`,
  fsum: (x) => `SUM(CAST(${x} AS DOUBLE PRECISION))`,
  hourOfWeek: `(CAST(EXTRACT(ISODOW FROM e.timestamp AT TIME ZONE 'UTC') AS INT) - 1) * 24
    + CAST(EXTRACT(HOUR FROM e.timestamp AT TIME ZONE 'UTC') AS INT)`,
  categoryLines: (where) => `SELECT e.profile_id AS profile_id, p.value ->> 'category' AS category,
      CASE WHEN jsonb_typeof(p.value -> 'quantity') = 'number' THEN CAST(p.value ->> 'quantity' AS DOUBLE PRECISION) ELSE 1 END AS quantity
    FROM events e CROSS JOIN LATERAL jsonb_array_elements(
      CASE WHEN jsonb_typeof(e.properties -> 'products') = 'array' THEN e.properties -> 'products' ELSE '[]'::jsonb END) AS p(value)
    WHERE ${where} AND jsonb_typeof(p.value) = 'object' AND jsonb_typeof(p.value -> 'category') = 'string'
      AND p.value ->> 'category' <> ''`,
  // Code-point order, as SQLite's BINARY collation and the fold's tie-break.
  collate: ' COLLATE "C"',
};

/** Replaces `{name}` with a placeholder and collects the parameters in order. */
function bind(text: string, values: Record<string, unknown>): [string, unknown[]] {
  const params: unknown[] = [];
  return [text.replace(/\{(\w+)\}/g, (_, k: string) => {
    if (!(k in values)) throw new Error(`unbound {${k}}`);
    params.push(values[k]);
    return '?';
  }), params];
}

function scopeWhere(d: Dialect, scope: FeatureScope): { where: string; values: Record<string, unknown> } {
  if ('from' in scope) return { where: 'e.profile_id >= {from} AND e.profile_id <= {to}', values: { from: scope.from, to: scope.to } };
  return d === 'postgres'
    ? { where: 'e.profile_id = ANY(CAST({ids} AS TEXT[]))', values: { ids: scope.ids } }
    : { where: 'e.profile_id IN (SELECT value FROM json_each({ids}))', values: { ids: JSON.stringify(scope.ids) } };
}

/**
 * The feature rows of `ids` as of `asOf` (events after it are left out). `scope` selects the events
 * read; it must cover `ids` (an id range is cheaper than a long list for a full pass).
 */
export async function computeFeatureRows(sql: SqlRunner, ids: readonly string[], asOf: number, scope: FeatureScope = { ids }): Promise<FeatureRow[]> {
  if (!ids.length) return [];
  const d = sql.dialect === 'postgres' ? POSTGRES : SQLITE;
  // Human opens and clicks only (machine opens and bot clicks count for no feature).
  const IS_OPEN = `(${isOpenSql} AND ${humanSql(sql.dialect)})`;
  const IS_CLICK = `(${isClickSql} AND ${humanSql(sql.dialect)})`;
  const s = scopeWhere(sql.dialect, scope);
  const t = (name: string) => `${d.time.replace('?', `{${name}}`)}`;
  const values = {
    ...s.values,
    asOf: toTs(sql.dialect, asOf),
    w90: toTs(sql.dialect, asOf - ORDERS_WINDOW_MS),
    w30: toTs(sql.dialect, asOf - ENGAGEMENT_WINDOW_MS),
  };
  const seen = `e.timestamp <= ${t('asOf')}`;
  const in90 = `e.timestamp > ${t('w90')} AND ${seen}`;
  const in30 = `e.timestamp > ${t('w30')} AND ${seen}`;
  const [scalars, scalarParams] = bind(`SELECT e.profile_id AS profile_id,
      ${d.ms(`MIN(CASE WHEN ${seen} THEN e.timestamp END)`)} AS first_event_at,
      ${d.ms(`MAX(CASE WHEN ${seen} THEN e.timestamp END)`)} AS last_event_at,
      SUM(CASE WHEN ${IS_ORDER} AND ${seen} THEN 1 ELSE 0 END) AS frequency,
      ${d.fsum(`CASE WHEN ${IS_ORDER} AND ${seen} THEN ${d.revenue} ELSE 0 END`)} AS monetary,
      ${d.ms(`MIN(CASE WHEN ${IS_ORDER} AND ${seen} THEN e.timestamp END)`)} AS first_order_at,
      ${d.ms(`MAX(CASE WHEN ${IS_ORDER} AND ${seen} THEN e.timestamp END)`)} AS last_order_at,
      SUM(CASE WHEN ${IS_ORDER} AND ${in90} THEN 1 ELSE 0 END) AS orders_90d,
      ${d.fsum(`CASE WHEN ${IS_ORDER} AND ${in90} THEN ${d.revenue} ELSE 0 END`)} AS revenue_90d,
      SUM(CASE WHEN ${IS_OPEN} AND ${in30} THEN 1 ELSE 0 END) AS opens_30d,
      SUM(CASE WHEN ${IS_CLICK} AND ${in30} THEN 1 ELSE 0 END) AS clicks_30d,
      ${d.ms(`MAX(CASE WHEN ${IS_OPEN} AND ${seen} THEN e.timestamp END)`)} AS last_open_at,
      ${d.ms(`MAX(CASE WHEN ${IS_CLICK} AND ${seen} THEN e.timestamp END)`)} AS last_click_at,
      ${d.ms(`MIN(CASE WHEN ${IS_ORDER} AND ${in90} THEN e.timestamp END)`)} AS oldest_order_in_window,
      ${d.ms(`MIN(CASE WHEN (${IS_OPEN} OR ${IS_CLICK}) AND ${in30} THEN e.timestamp END)`)} AS oldest_engagement_in_window,
      ${d.ms(`MIN(CASE WHEN e.timestamp > ${t('asOf')} THEN e.timestamp END)`)} AS next_event_at
    FROM events e WHERE ${s.where} GROUP BY e.profile_id`, values);
  const [categories, categoryParams] = bind(`SELECT profile_id, category, n,
      ROW_NUMBER() OVER (PARTITION BY profile_id ORDER BY n DESC, category${d.collate}) AS place
    FROM (SELECT profile_id, category, ${d.fsum('quantity')} AS n
      FROM (${d.categoryLines(`${s.where} AND ${IS_ORDER} AND ${seen}`)}) l GROUP BY profile_id, category) c`, values);
  const [hours, hourParams] = bind(`SELECT e.profile_id AS profile_id, ${d.hourOfWeek} AS h, COUNT(*) AS n
    FROM events e WHERE ${s.where} AND (${IS_OPEN} OR ${IS_CLICK}) AND ${seen} GROUP BY e.profile_id, ${d.hourOfWeek}`, values);

  const rows = new Map(ids.map((id) => [id, emptyFeatureRow(id, asOf)]));
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  for (const r of await sql.all(scalars, scalarParams)) {
    const row = rows.get(r.profile_id as string);
    if (!row) continue;
    const expiries = [
      num(r.oldest_order_in_window) === null ? null : Number(r.oldest_order_in_window) + ORDERS_WINDOW_MS,
      num(r.oldest_engagement_in_window) === null ? null : Number(r.oldest_engagement_in_window) + ENGAGEMENT_WINDOW_MS,
      num(r.next_event_at),
    ].filter((x): x is number => x !== null);
    Object.assign(row, {
      firstEventAt: num(r.first_event_at), lastEventAt: num(r.last_event_at),
      frequency: toInt(r.frequency), monetary: Number(r.monetary),
      firstOrderAt: num(r.first_order_at), lastOrderAt: num(r.last_order_at),
      orders90d: toInt(r.orders_90d), revenue90d: Number(r.revenue_90d),
      opens30d: toInt(r.opens_30d), clicks30d: toInt(r.clicks_30d),
      lastOpenAt: num(r.last_open_at), lastClickAt: num(r.last_click_at),
      windowsExpireAt: expiries.length ? Math.min(...expiries) : null,
    } satisfies Partial<FeatureRow>);
  }
  for (const r of await sql.all(categories, categoryParams)) {
    const row = rows.get(r.profile_id as string);
    if (!row) continue;
    // defineProperty: a category may be named `__proto__`, which plain assignment would not store.
    Object.defineProperty(row.categoryCounts, r.category as string, { value: Number(r.n), enumerable: true, writable: true, configurable: true });
    if (toInt(r.place) === 1) row.topCategory = r.category as string;
  }
  for (const r of await sql.all(hours, hourParams)) {
    const row = rows.get(r.profile_id as string);
    if (row) row.hourHistogram[toInt(r.h)] = toInt(r.n);
  }
  return [...rows.values()];
}
