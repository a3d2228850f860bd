import { DEFAULT_WINDOWS } from '../../core/tracking/attribution.ts';
import { CLICK_EVENTS, EMAIL_OPENED, isMachineHit } from '../../core/tracking/email-event-names.ts';
import type { AttributionWindows, ReportFollowerPort, SendDims, TouchCandidate } from '../../core/tracking/report-ports.ts';
import { ROLLUP_COUNTERS } from '../../core/tracking/report-ports.ts';
import { pairKey } from '../../core/tracking/report-rollup.ts';
import { writeTables, type Column } from '../sql/bulk-write.ts';
import { fromJson, fromTs, toInt, toTs } from '../sql/codec.ts';
import type { Database, SqlRunner } from '../sql/database.ts';
import { inIds } from '../sql/id-list.ts';

/** The one follower's name in report_cursors. */
const CURSOR = 'campaign-reports';
const TOUCH_NAMES = [EMAIL_OPENED, ...CLICK_EVENTS];

const c = (name: string, pgType: string): Column => ({ name, pgType });
const snake = (s: string) => s.replace(/[A-Z]/g, (m) => `_${m.toLowerCase()}`);
const COUNTER_COLS = ROLLUP_COUNTERS.map((k) => c(snake(k), k === 'revenue' ? 'float8' : 'int8'));
const ROLLUP_COLS = [c('campaign_id', 'text'), c('step', 'int4'), c('arm', 'text'), c('segment_id', 'text'), c('hour', 'timestamptz'), ...COUNTER_COLS];
// Counters add up; the key columns stay.
const ROLLUP_UPSERT = `ON CONFLICT (campaign_id, step, arm, segment_id, hour) DO UPDATE SET
  ${COUNTER_COLS.map((col) => `${col.name} = report_rollups.${col.name} + excluded.${col.name}`).join(', ')}`;
const LINK_COLS = [c('campaign_id', 'text'), c('link_id', 'text'), c('url', 'text'), c('clicks_raw', 'int8'), c('clicks_human', 'int8')];
const LINK_UPSERT = `ON CONFLICT (campaign_id, link_id, url) DO UPDATE SET
  clicks_raw = report_links.clicks_raw + excluded.clicks_raw, clicks_human = report_links.clicks_human + excluded.clicks_human`;
const TOUCH_COLS = [c('touch_key', 'text'), c('campaign_id', 'text'), c('seen', 'int4')];
const TOUCH_UPSERT = 'ON CONFLICT (touch_key) DO UPDATE SET seen = report_touches.seen | excluded.seen';

type SendRowDb = { message_id: string; campaign_id: string; profile_id: string; step: unknown; arm: string | null; segment_id: string | null; state: string };
const toDims = (r: SendRowDb): SendDims => ({
  messageId: r.message_id, campaignId: r.campaign_id, profileId: r.profile_id, step: toInt(r.step), arm: r.arm, segmentId: r.segment_id, state: r.state,
});
const SEND_DIMS = 'message_id, campaign_id, profile_id, step, arm, segment_id, state';

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const num = (v: unknown, def: number): number => (typeof v === 'number' && Number.isFinite(v) ? v : def);

/** The report follower's reads and its one write transaction per batch (core/tracking/report-follower.ts). */
export function createReportFollowerStore(db: Database): ReportFollowerPort {
  return {
    cursor: async () => {
      const [r] = await db.read<{ last_id: unknown }>('SELECT last_id FROM report_cursors WHERE name = ?', [CURSOR]);
      return r ? toInt(r.last_id) : 0;
    },

    lastEventWithin: async (afterId, span) => {
      const [r] = await db.read<{ id: unknown; received_at: unknown }>('SELECT id, received_at FROM events WHERE id > ? AND id <= ? ORDER BY id DESC LIMIT 1',
        [afterId, afterId + span]);
      return r ? { id: toInt(r.id), receivedAt: fromTs(r.received_at) } : null;
    },

    // By the primary key from the cursor on; a page named like a track event is not one.
    eventsAfter: async (afterId, upTo, names, limit) => {
      const f = inIds(db, 'name', [...names]);
      const rows = await db.read<{ id: unknown; profile_id: string; name: string; timestamp: unknown; received_at: unknown; properties: unknown }>(
        `SELECT id, profile_id, name, timestamp, received_at, properties FROM events
          WHERE id > ? AND id <= ? AND ${f.where} AND type = 'track' ORDER BY id LIMIT ?`, [afterId, upTo, f.param, limit]);
      return rows.map((r) => ({
        id: toInt(r.id), profileId: r.profile_id, name: r.name, timestamp: fromTs(r.timestamp), receivedAt: fromTs(r.received_at),
        properties: fromJson<Record<string, unknown> | null>(r.properties) ?? {},
      }));
    },

    sendsByMessage: async (messageIds) => {
      const out = new Map<string, SendDims>();
      if (!messageIds.length) return out;
      const f = inIds(db, 'message_id', [...messageIds]);
      for (const r of await db.read<SendRowDb>(`SELECT ${SEND_DIMS} FROM sends WHERE ${f.where}`, [f.param])) out.set(r.message_id, toDims(r));
      return out;
    },

    // Through sends_profile_sent (profile_id, sent_at) WHERE state = 'sent': a profile has few sent rows.
    sentTo: async (pairs) => {
      const out = new Map<string, SendDims>();
      for (const p of pairs) {
        const key = pairKey(p.campaignId, p.profileId);
        if (out.has(key)) continue;
        const [r] = await db.read<SendRowDb>(`SELECT ${SEND_DIMS} FROM sends WHERE profile_id = ? AND state = 'sent' AND campaign_id = ?
          ORDER BY sent_at DESC LIMIT 1`, [p.profileId, p.campaignId]);
        if (r) out.set(key, toDims(r));
      }
      return out;
    },

    // Through events_profile_time (profile_id, timestamp).
    touchCandidates: async (profileIds, from, to) => {
      if (!profileIds.length) return [];
      const who = inIds(db, 'profile_id', [...profileIds]);
      const what = inIds(db, 'name', TOUCH_NAMES);
      const rows = await db.read<{ profile_id: string; name: string; timestamp: unknown; properties: unknown }>(
        `SELECT profile_id, name, timestamp, properties FROM events
          WHERE ${who.where} AND timestamp >= ? AND timestamp <= ? AND ${what.where} AND type = 'track'`,
        [who.param, toTs(db.dialect, from), toTs(db.dialect, to), what.param]);
      const out: TouchCandidate[] = [];
      for (const r of rows) {
        const p = fromJson<Record<string, unknown> | null>(r.properties) ?? {};
        const campaignId = str(p.campaign_id);
        if (!campaignId) continue;
        out.push({
          profileId: r.profile_id, kind: r.name === EMAIL_OPENED ? 'open' : 'click', at: fromTs(r.timestamp), human: !isMachineHit(p),
          campaignId, step: typeof p.step === 'number' ? p.step : 0, arm: str(p.arm), emailId: str(p.email_id),
        });
      }
      return out;
    },

    windows: async (campaignIds) => {
      const out = new Map<string, AttributionWindows>();
      if (!campaignIds.length) return out;
      const f = inIds(db, 'id', [...campaignIds]);
      for (const r of await db.read<{ id: string; spec: unknown }>(`SELECT id, spec FROM campaigns WHERE ${f.where}`, [f.param])) {
        const a = (fromJson<{ attribution?: Partial<AttributionWindows> } | null>(r.spec) ?? {}).attribution ?? {};
        out.set(r.id, { clickDays: num(a.clickDays, DEFAULT_WINDOWS.clickDays), openDays: num(a.openDays, DEFAULT_WINDOWS.openDays) });
      }
      return out;
    },

    touches: async (keys) => {
      const out = new Map<string, number>();
      if (!keys.length) return out;
      const f = inIds(db, 'touch_key', [...keys]);
      for (const r of await db.read<{ touch_key: string; seen: unknown }>(`SELECT touch_key, seen FROM report_touches WHERE ${f.where}`, [f.param])) {
        out.set(r.touch_key, toInt(r.seen));
      }
      return out;
    },

    // The touch bits were read before this transaction. That is safe: they change only in a
    // transaction that also moves the cursor, and then this one's compare-and-set fails.
    apply: (from, to, plan, at) => db.transaction(async (sql) => {
      if (!(await moveCursor(sql, from, to, at))) return false;
      // One statement on PostgreSQL (data-modifying CTEs); the three tables do not read each other.
      await writeTables(sql, [
        { table: 'report_rollups', columns: ROLLUP_COLS, onConflict: ROLLUP_UPSERT, rows: plan.rollups.map((r) => [
          r.campaignId, r.step, r.arm, r.segmentId, toTs(sql.dialect, r.hour), ...ROLLUP_COUNTERS.map((k) => r[k]),
        ]) },
        { table: 'report_links', columns: LINK_COLS, onConflict: LINK_UPSERT, rows: plan.links.map((l) => [l.campaignId, l.linkId, l.url, l.clicksRaw, l.clicksHuman]) },
        { table: 'report_touches', columns: TOUCH_COLS, onConflict: TOUCH_UPSERT, rows: plan.touches.map((t) => [t.key, t.campaignId, t.bits]) },
      ]);
      if (plan.orders.length) {
        await sql.runEach(sql.dialect === 'postgres'
          ? `UPDATE events SET properties = jsonb_set(properties, '{attribution}', ?::jsonb) WHERE id = ?`
          : `UPDATE events SET properties = json_set(properties, '$.attribution', json(?)) WHERE id = ?`,
        plan.orders.map((o) => [JSON.stringify(o.attribution), o.eventId]));
      }
      return true;
    }),
  };
}

/**
 * Compare-and-set of the cursor: the first batch inserts the row (a concurrent first batch finds
 * it there and inserts nothing), later ones update it only from the value they read. On
 * PostgreSQL the loser waits on the row lock and then sees the winner's value.
 */
async function moveCursor(sql: SqlRunner, from: number, to: number, at: number): Promise<boolean> {
  if (from === 0) {
    return (await sql.run('INSERT INTO report_cursors (name, last_id, updated_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING', [CURSOR, to, at])) === 1;
  }
  return (await sql.run('UPDATE report_cursors SET last_id = ?, updated_at = ? WHERE name = ? AND last_id = ?', [to, at, CURSOR, from])) === 1;
}
