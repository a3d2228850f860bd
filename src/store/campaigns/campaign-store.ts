import { SEND_STATES, type CampaignRecord, type CampaignStore, type SendState } from '../../core/campaigns/ports.ts';
import { TailorError } from '../../core/errors.ts';
import { fromJson, toInt, toJson } from '../sql/codec.ts';
import type { Database, SqlRunner } from '../sql/database.ts';
import { rowToSend } from './send-rows.ts';

const intOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : toInt(v));

function rowToCampaign(r: Record<string, unknown>): CampaignRecord {
  return {
    id: r.id as string,
    name: r.name as string,
    kind: r.kind as CampaignRecord['kind'],
    status: r.status as CampaignRecord['status'],
    spec: fromJson(r.spec),
    audienceCursor: (r.audience_cursor as string | null) ?? null,
    audienceDone: toInt(r.audience_done) !== 0,
    occurrence: (r.occurrence as string | null) ?? null,
    nextRunAt: intOrNull(r.next_run_at),
    pinned: fromJson<Record<string, number> | null>(r.pinned) ?? {},
    launchedAt: intOrNull(r.launched_at),
    finishedAt: intOrNull(r.finished_at),
    createdAt: toInt(r.created_at),
    updatedAt: toInt(r.updated_at),
  };
}

/** Every column but id and created_at, in UPDATE's order; id last (the WHERE). */
const recordParams = (r: CampaignRecord): unknown[] => [
  r.name, r.kind, r.status, toJson(r.spec), r.audienceCursor, r.audienceDone ? 1 : 0, r.occurrence, r.nextRunAt,
  toJson(r.pinned), r.launchedAt, r.finishedAt, r.updatedAt, r.id,
];

const conflict = (name: string) => new TailorError('conflict', `a campaign named '${name}' already exists`, 'name');

async function nameTaken(sql: SqlRunner, r: CampaignRecord): Promise<void> {
  if ((await sql.all('SELECT id FROM campaigns WHERE name = ? AND id <> ?', [r.name, r.id])).length) throw conflict(r.name);
}

/** Campaign records (`campaigns`) and the read side of their sends: counts, reasons, pages, explain. */
export function createCampaignStore(db: Database): CampaignStore {
  const campaigns = async (text: string, params: unknown[] = []) => (await db.read(text, params)).map(rowToCampaign);
  return {
    list: () => campaigns('SELECT * FROM campaigns ORDER BY name'),

    // An id wins over a name (a campaign could be named like another's id).
    find: async (idOrName) =>
      (await campaigns('SELECT * FROM campaigns WHERE id = ? OR name = ? ORDER BY CASE WHEN id = ? THEN 0 ELSE 1 END LIMIT 1',
        [idOrName, idOrName, idOrName]))[0] ?? null,

    insert: (r) => db.transaction(async (sql) => {
      // ON CONFLICT rather than a look-up first: two concurrent inserts of one name cannot both pass.
      const n = await sql.run(`INSERT INTO campaigns (name, kind, status, spec, audience_cursor, audience_done, occurrence, next_run_at,
        pinned, launched_at, finished_at, updated_at, id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (name) DO NOTHING`, [...recordParams(r), r.createdAt]);
      if (n === 0) throw conflict(r.name);
    }),

    update: (r) => db.transaction(async (sql) => {
      await nameTaken(sql, r);
      await sql.run(`UPDATE campaigns SET name = ?, kind = ?, status = ?, spec = ?, audience_cursor = ?, audience_done = ?, occurrence = ?,
        next_run_at = ?, pinned = ?, launched_at = ?, finished_at = ?, updated_at = ? WHERE id = ?`, recordParams(r));
    }),

    remove: (id) => db.transaction(async (sql) => {
      await sql.run('DELETE FROM sends WHERE campaign_id = ?', [id]);
      await sql.run('DELETE FROM campaigns WHERE id = ?', [id]);
    }),

    due: (now) => campaigns(`SELECT * FROM campaigns WHERE status IN ('scheduled', 'sending') AND next_run_at <= ?
      ORDER BY next_run_at, id`, [now]),

    resolving: () => campaigns("SELECT * FROM campaigns WHERE status = 'sending' AND audience_done = 0 ORDER BY updated_at, id"),

    sending: () => campaigns("SELECT * FROM campaigns WHERE status = 'sending' AND kind <> 'transactional' ORDER BY id"),

    counts: async (campaignId) => {
      const out = Object.fromEntries(SEND_STATES.map((s) => [s, 0])) as Record<SendState, number>;
      for (const r of await db.read('SELECT state, COUNT(*) AS n FROM sends WHERE campaign_id = ? GROUP BY state', [campaignId])) {
        out[r.state as SendState] = toInt(r.n);
      }
      return out;
    },

    dueBacklog: async (campaignId, now, cap) => toInt((await db.read(`SELECT COUNT(*) AS n FROM (SELECT 1 FROM sends
      WHERE campaign_id = ? AND state = 'queued' AND due_at <= ? LIMIT ?) x`, [campaignId, now, cap]))[0]!.n),

    hasUnsettled: async (campaignId) => (await db.read(`SELECT 1 FROM sends WHERE campaign_id = ?
      AND state IN ('queued', 'deferred', 'rendering', 'sending') LIMIT 1`, [campaignId])).length > 0,

    reasons: async (campaignId) => (await db.read(`SELECT state, reason, COUNT(*) AS n FROM sends
      WHERE campaign_id = ? AND reason IS NOT NULL GROUP BY state, reason ORDER BY COUNT(*) DESC, state, reason`, [campaignId]))
      .map((r) => ({ state: r.state as SendState, reason: r.reason as string, count: toInt(r.n) })),

    sentSpan: async (campaignId) => {
      const [r] = await db.read("SELECT MIN(sent_at) AS first, MAX(sent_at) AS last FROM sends WHERE campaign_id = ? AND state = 'sent'", [campaignId]);
      return { first: intOrNull(r?.first), last: intOrNull(r?.last) };
    },

    sendsOf: async (campaignId, profileId) =>
      (await db.read('SELECT * FROM sends WHERE campaign_id = ? AND profile_id = ? ORDER BY id', [campaignId, profileId])).map(rowToSend),

    sendByMessageId: async (messageId) => {
      const [r] = await db.read('SELECT * FROM sends WHERE message_id = ?', [messageId]);
      return r ? rowToSend(r) : null;
    },

    sends: async (campaignId, page) => {
      const params: unknown[] = [campaignId, page.after ?? 0];
      let where = 'campaign_id = ? AND id > ?';
      if (page.state) { where += ' AND state = ?'; params.push(page.state); }
      return (await db.read(`SELECT * FROM sends WHERE ${where} ORDER BY id LIMIT ?`, [...params, page.limit])).map(rowToSend);
    },
  };
}
