import type { HitRecord, TrackingDeps } from '../../core/tracking/tracking-service.ts';
import { fromTs, toTs } from '../sql/codec.ts';
import type { Database } from '../sql/database.ts';

interface HitRow { event_id: string; kind: string; link_id: string | null; at: unknown; machine: unknown; reasons: string }

/** The per-message log of opens and clicks (migration 014), which the classifier reads back. */
export function createHitLog(db: Database): Pick<TrackingDeps, 'hits' | 'recordHit' | 'clearOpenFlags'> {
  return {
    hits: async (messageId) => (await db.read<HitRow>('SELECT event_id, kind, link_id, at, machine, reasons FROM tracking_hits WHERE message_id = ? ORDER BY id', [messageId]))
      .map((r): HitRecord => ({
        messageId, eventId: r.event_id, kind: r.kind === 'click' ? 'click' : 'open', ...(r.link_id !== null ? { linkId: r.link_id } : {}),
        at: fromTs(r.at), machine: Number(r.machine) === 1, reasons: r.reasons ? r.reasons.split(',') : [],
      })),

    recordHit: (hit) => db.transaction(async (sql) => {
      await sql.run('INSERT INTO tracking_hits (message_id, event_id, kind, link_id, at, machine, reasons) VALUES (?, ?, ?, ?, ?, ?, ?)',
        [hit.messageId, hit.eventId, hit.kind, hit.linkId ?? null, toTs(sql.dialect, hit.at), hit.machine ? 1 : 0, hit.reasons.join(',')]);
    }, { retries: 2 }),

    /** The event keeps its reasons, and says the flag was cleared, so the raw record stays explainable. */
    clearOpenFlags: (eventIds) => db.transaction(async (sql) => {
      const marks = eventIds.map(() => '?').join(', ');
      const cleared = sql.dialect === 'postgres'
        ? `(properties - 'machine_open') || '{"machine_open_cleared": true}'::jsonb`
        : `json_set(json_remove(properties, '$.machine_open'), '$.machine_open_cleared', json('true'))`;
      await sql.run(`UPDATE events SET properties = ${cleared} WHERE message_id IN (${marks})`, eventIds);
      await sql.run(`UPDATE tracking_hits SET machine = 0 WHERE event_id IN (${marks})`, eventIds);
    }, { retries: 2 }),
  };
}
