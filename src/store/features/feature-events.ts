import { ORDER_EVENT } from '../../core/features/catalog.ts';
import type { FeatureEvent } from '../../core/features/feature-event.ts';
import { fromJson, fromTs, toTs } from '../sql/codec.ts';
import type { SqlRunner } from '../sql/database.ts';
import { inIds } from '../sql/id-list.ts';
import { engagementNames, humanSql, isClickSql, isOpenSql } from './engagement-sql.ts';

/** The event reads of the incremental feature update (features/update-features.ts), batched per transaction. */

const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;
const IS_ORDER = `e.type = 'track' AND e.name = ${lit(ORDER_EVENT)}`;
const IS_WINDOWED = `e.type = 'track' AND e.name IN (${[ORDER_EVENT, ...engagementNames].map(lit).join(', ')})`;
// Only orders' properties are read, and whether an open or a click was a machine's (as the flag
// alone); leaving the rest out keeps the transfer small.
const columns = (d: SqlRunner['dialect']) => `e.profile_id, e.message_id, e.type, e.name, e.timestamp,
  CASE WHEN ${IS_ORDER} THEN e.properties
    WHEN (${isOpenSql} OR ${isClickSql}) AND NOT ${humanSql(d)} THEN ${d === 'postgres' ? `'{"machine_open":true}'::jsonb` : `'{"machine_open":true}'`} END AS properties`;

const toEvent = (r: Record<string, unknown>): FeatureEvent => ({
  profileId: r.profile_id as string,
  messageId: r.message_id as string,
  type: r.type as string,
  name: (r.name as string | null) ?? null,
  timestamp: fromTs(r.timestamp),
  properties: fromJson<Record<string, unknown> | null>(r.properties) ?? {},
});

export async function allFeatureEvents(sql: SqlRunner, ids: readonly string[]): Promise<FeatureEvent[]> {
  if (!ids.length) return [];
  const f = inIds(sql, 'e.profile_id', ids);
  return (await sql.all(`SELECT ${columns(sql.dialect)} FROM events e WHERE ${f.where}`, [f.param])).map(toEvent);
}

export async function recentFeatureEvents(
  sql: SqlRunner,
  profiles: readonly { profileId: string; since: number }[],
  windowStart: number,
): Promise<FeatureEvent[]> {
  if (!profiles.length) return [];
  // One index range per profile (events_profile_time) from the earlier of the two bounds.
  const lo = profiles.map((p) => Math.min(p.since, windowStart));
  const rows = sql.dialect === 'postgres'
    ? await sql.all(
      `SELECT ${columns(sql.dialect)} FROM unnest(?::text[], ?::timestamptz[], ?::timestamptz[]) AS k(pid, lo, since)
       JOIN events e ON e.profile_id = k.pid AND e.timestamp > k.lo
       WHERE e.timestamp > k.since OR (${IS_WINDOWED})`,
      [profiles.map((p) => p.profileId), lo.map((t) => toTs('postgres', t)), profiles.map((p) => toTs('postgres', p.since))])
    : await sql.all(
      `SELECT ${columns(sql.dialect)} FROM json_each(?) k
       JOIN events e ON e.profile_id = json_extract(k.value, '$[0]') AND e.timestamp > json_extract(k.value, '$[1]')
       WHERE e.timestamp > json_extract(k.value, '$[2]') OR (${IS_WINDOWED})`,
      [JSON.stringify(profiles.map((p, i) => [p.profileId, lo[i], p.since]))]);
  return rows.map(toEvent);
}
