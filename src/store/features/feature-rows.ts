import type { FeatureRow } from '../../core/features/catalog.ts';
import { writeRows, type Column } from '../sql/bulk-write.ts';
import { fromJson, toJson } from '../sql/codec.ts';
import type { SqlRunner } from '../sql/database.ts';
import { inIds } from '../sql/id-list.ts';

/** Reading and writing `profile_features` rows. Times there are epoch ms (BIGINT) on both dialects. */

const c = (name: string, pgType: string): Column => ({ name, pgType });
/** Every column but the RFM and model scores, which batch jobs own: writes here never touch them. */
const COLUMNS = [c('profile_id', 'text'), c('first_event_at', 'int8'), c('last_event_at', 'int8'), c('frequency', 'int4'),
  c('monetary', 'float8'), c('first_order_at', 'int8'), c('last_order_at', 'int8'), c('orders_90d', 'int4'), c('revenue_90d', 'float8'),
  c('opens_30d', 'int4'), c('clicks_30d', 'int4'), c('last_open_at', 'int8'), c('last_click_at', 'int8'), c('top_category', 'text'),
  c('category_counts', 'jsonb'), c('hour_histogram', 'jsonb'), c('windows_as_of', 'int8'), c('windows_expire_at', 'int8'),
  c('updated_at', 'int8')];
const UPSERT = `ON CONFLICT (profile_id) DO UPDATE SET ${COLUMNS.slice(1).map((x) => `${x.name} = excluded.${x.name}`).join(', ')}`;

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export function rowToFeatures(r: Record<string, unknown>): FeatureRow {
  return {
    profileId: r.profile_id as string,
    firstEventAt: num(r.first_event_at),
    lastEventAt: num(r.last_event_at),
    frequency: Number(r.frequency),
    monetary: Number(r.monetary),
    firstOrderAt: num(r.first_order_at),
    lastOrderAt: num(r.last_order_at),
    orders90d: Number(r.orders_90d),
    revenue90d: Number(r.revenue_90d),
    opens30d: Number(r.opens_30d),
    clicks30d: Number(r.clicks_30d),
    lastOpenAt: num(r.last_open_at),
    lastClickAt: num(r.last_click_at),
    topCategory: (r.top_category as string | null) ?? null,
    categoryCounts: fromJson<Record<string, number>>(r.category_counts) ?? {},
    hourHistogram: fromJson<number[]>(r.hour_histogram),
    rfmR: num(r.rfm_r),
    rfmF: num(r.rfm_f),
    rfmM: num(r.rfm_m),
    rfmScore: num(r.rfm_score),
    rfmSegment: (r.rfm_segment as string | null) ?? null,
    cluster: num(r.cluster),
    churnRisk: num(r.churn_risk),
    purchasePropensity: num(r.purchase_propensity),
    predictedRevenue90d: num(r.predicted_revenue_90d),
    pAlive: num(r.p_alive),
    clv: num(r.clv),
    windowsAsOf: Number(r.windows_as_of),
    windowsExpireAt: num(r.windows_expire_at),
  };
}

export async function loadFeatureRows(sql: SqlRunner, ids: readonly string[]): Promise<Map<string, FeatureRow>> {
  if (!ids.length) return new Map();
  const f = inIds(sql, 'profile_id', ids);
  const rows = await sql.all(`SELECT * FROM profile_features WHERE ${f.where}`, [f.param]);
  return new Map(rows.map((r) => [r.profile_id as string, rowToFeatures(r)]));
}

export async function saveFeatureRows(sql: SqlRunner, rows: readonly FeatureRow[], at: number): Promise<void> {
  await writeRows(sql, 'profile_features', COLUMNS, rows.map((r) => [
    r.profileId, r.firstEventAt, r.lastEventAt, r.frequency, r.monetary, r.firstOrderAt, r.lastOrderAt, r.orders90d, r.revenue90d,
    r.opens30d, r.clicks30d, r.lastOpenAt, r.lastClickAt, r.topCategory, toJson(r.categoryCounts), toJson(r.hourHistogram),
    r.windowsAsOf, r.windowsExpireAt, at,
  ]), UPSERT);
}

export async function deleteFeatureRows(sql: SqlRunner, ids: readonly string[]): Promise<void> {
  if (!ids.length) return;
  const f = inIds(sql, 'profile_id', ids);
  await sql.run(`DELETE FROM profile_features WHERE ${f.where}`, [f.param]);
}
