import type { NewSend } from '../../core/campaigns/ports.ts';
import type { TriggerPort } from '../../core/campaigns/triggers.ts';
import { fromJson, fromTs, toInt, toTs } from '../sql/codec.ts';
import type { Database } from '../sql/database.ts';
import { inIds } from '../sql/id-list.ts';
import { enqueueRows } from './send-queue.ts';

/** The events triggered campaigns react to, by the events table's own sequence, and each campaign's watermark. */
export function createTriggerQueries(db: Database): TriggerPort {
  return {
    lastEventId: async () => {
      const [r] = await db.read<{ id: unknown }>('SELECT MAX(id) AS id FROM events');
      return r?.id === null || r?.id === undefined ? 0 : toInt(r.id);
    },
    eventsAfter: async (afterId, names, limit, receivedBefore) => {
      if (!names.length) return [];
      const f = inIds(db, 'name', [...names]);
      const rows = await db.read<{ id: unknown; profile_id: string; name: string; timestamp: unknown; properties: unknown }>(
        `SELECT id, profile_id, name, timestamp, properties FROM events WHERE id > ? AND ${f.where} AND received_at <= ?
          ORDER BY id LIMIT ?`, [afterId, f.param, toTs(db.dialect, receivedBefore), limit]);
      return rows.map((r) => ({ id: toInt(r.id), profileId: r.profile_id, name: r.name, timestamp: fromTs(r.timestamp),
        properties: fromJson<Record<string, unknown> | null>(r.properties) ?? {} }));
    },
    lastTriggers: async (campaignId, profileIds) => {
      const out = new Map<string, number>();
      if (!profileIds.length) return out;
      const f = inIds(db, 'profile_id', [...profileIds]);
      for (const r of await db.read<{ profile_id: string; at: unknown }>(`SELECT profile_id, MAX(trigger_at) AS at FROM sends
        WHERE campaign_id = ? AND ${f.where} GROUP BY profile_id`, [campaignId, f.param])) {
        if (r.at !== null) out.set(r.profile_id, toInt(r.at));
      }
      return out;
    },
    advance: (campaignId, from, to, rows: readonly NewSend[], at) => db.transaction(async (sql) => {
      const n = await sql.run(`UPDATE campaigns SET audience_cursor = ?, updated_at = ? WHERE id = ? AND status = 'sending'
        AND audience_cursor ${from === null ? 'IS NULL' : '= ?'}`, from === null ? [to, at, campaignId] : [to, at, campaignId, from]);
      if (n === 0) return false;
      await enqueueRows(sql, rows, at);
      return true;
    }, { retries: 2 }),
  };
}
