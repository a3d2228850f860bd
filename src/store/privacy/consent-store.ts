import type { ConsentMessage, ConsentRecord } from '../../core/privacy/consent-state.ts';
import { writeRows, type Column } from '../sql/bulk-write.ts';
import { fromJson, fromTs, toTs } from '../sql/codec.ts';
import type { Database, SqlRunner } from '../sql/database.ts';
import { inIds } from '../sql/id-list.ts';

/** The `consents` table (times are epoch ms on both dialects) and the messages consent comes from. */

const c = (name: string, pgType: string): Column => ({ name, pgType });
const COLUMNS = [c('profile_id', 'text'), c('purpose', 'text'), c('granted', 'int4'), c('updated_at', 'int8'), c('source', 'text')];
const UPSERT = 'ON CONFLICT (profile_id, purpose) DO UPDATE SET granted = excluded.granted, updated_at = excluded.updated_at, source = excluded.source';

const toRecord = (r: Record<string, unknown>): ConsentRecord => ({
  profileId: r.profile_id as string, purpose: r.purpose as string, granted: Number(r.granted) === 1,
  updatedAt: Number(r.updated_at), source: r.source as string,
});

export async function loadConsents(sql: SqlRunner, ids: readonly string[]): Promise<ConsentRecord[]> {
  if (!ids.length) return [];
  const f = inIds(sql, 'profile_id', ids);
  return (await sql.all(`SELECT * FROM consents WHERE ${f.where} ORDER BY profile_id, purpose`, [f.param])).map(toRecord);
}

export async function saveConsents(sql: SqlRunner, records: readonly ConsentRecord[]): Promise<void> {
  await writeRows(sql, 'consents', COLUMNS, records.map((r) => [r.profileId, r.purpose, r.granted ? 1 : 0, r.updatedAt, r.source]), UPSERT);
}

export async function deleteConsents(sql: SqlRunner, ids: readonly string[]): Promise<void> {
  if (!ids.length) return;
  const f = inIds(sql, 'profile_id', ids);
  await sql.run(`DELETE FROM consents WHERE ${f.where}`, [f.param]);
}

export async function consentMessagesAt(sql: SqlRunner, keys: readonly { profileId: string; at: number }[]): Promise<ConsentMessage[]> {
  if (!keys.length) return [];
  const rows = sql.dialect === 'postgres'
    ? await sql.all(`SELECT e.profile_id, e.message_id, e.timestamp, e.source, e.context
        FROM unnest(?::text[], ?::timestamptz[]) AS k(pid, at) JOIN events e ON e.profile_id = k.pid AND e.timestamp = k.at`,
      [keys.map((k) => k.profileId), keys.map((k) => toTs('postgres', k.at))])
    : await sql.all(`SELECT e.profile_id, e.message_id, e.timestamp, e.source, e.context
        FROM json_each(?) k JOIN events e ON e.profile_id = json_extract(k.value, '$[0]') AND e.timestamp = json_extract(k.value, '$[1]')`,
      [JSON.stringify(keys.map((k) => [k.profileId, k.at]))]);
  return rows.map((r) => ({
    profileId: r.profile_id as string, messageId: r.message_id as string, timestamp: fromTs(r.timestamp),
    source: r.source as string, context: fromJson<Record<string, unknown> | null>(r.context),
  }));
}

/** A profile's consent per purpose, for reading (the profile document, the segment engine). */
export async function profileConsents(db: Database, profileId: string): Promise<ConsentRecord[]> {
  return db.transaction((sql) => loadConsents(sql, [profileId]));
}
