import type { NewSend, SendQueue, SendUpdate } from '../../core/campaigns/ports.ts';
import type { Database, SqlRunner } from '../sql/database.ts';
import { inIds } from '../sql/id-list.ts';
import { byDue, inSendIds, rowToSend } from './send-rows.ts';

/** Rows per INSERT on PostgreSQL (one unnest per chunk); SQLite runs one cached statement per row. */
const CHUNK = 500;

const SEND_COLUMNS = 'campaign_id, occurrence, step, profile_id, message_id, state, due_at, reason, arm, email, trigger_at, payload, created_at, updated_at, segment_id, '
  + 'sto_start, sto_hours, sto_slot, sto_best, sto_p';
const PG_TYPES = ['text', 'text', 'int4', 'text', 'text', 'text', 'int8', 'text', 'text', 'text', 'int8', 'jsonb', 'int8', 'int8', 'text', 'int8', 'int4', 'int4', 'int4', 'float8'];
const INSERT_SQLITE = `INSERT INTO sends (${SEND_COLUMNS}) VALUES (${PG_TYPES.map(() => '?').join(', ')}) ON CONFLICT DO NOTHING`;
const INSERT_PG = `INSERT INTO sends (${SEND_COLUMNS}) SELECT * FROM unnest(${PG_TYPES.map((t) => `?::${t}[]`).join(', ')}) ON CONFLICT DO NOTHING`;

const sendParams = (r: NewSend, at: number): unknown[] => [
  r.campaignId, r.occurrence, r.step, r.profileId, r.messageId, r.state ?? 'queued', r.dueAt, r.reason ?? null, r.arm ?? null,
  r.email ?? null, r.triggerAt ?? null, r.payload === undefined || r.payload === null ? null : JSON.stringify(r.payload), at, at, r.segmentId ?? null,
  r.sendTime?.start ?? null, r.sendTime?.hours ?? null, r.sendTime?.slot ?? null, r.sendTime?.best ?? null, r.sendTime?.propensity ?? null,
];

/**
 * Pending rows of sending campaigns, which the partial index `sends_due` serves in due order.
 * CROSS JOIN keeps `sends` the outer loop on SQLite (its planner takes it as an order): with
 * ANALYZE statistics it preferred to read every pending row of each sending campaign through
 * `sends_campaign_state` and sort them (26 ms per nextDue at 180k pending rows; 0.7 ms through
 * `sends_due`). PostgreSQL plans a CROSS JOIN with a WHERE like any inner join. The scan steps over
 * due rows of campaigns that are not sending (paused ones), so those cost in proportion to their number.
 */
const PENDING = `FROM sends s CROSS JOIN campaigns c
  WHERE c.id = s.campaign_id AND s.state IN ('queued', 'deferred') AND c.status = 'sending'`;
/** The ones a sender may claim now. */
const DUE = `${PENDING} AND s.due_at <= ?`;

/** Exported for the test that checks its plan. */
export const CLAIM_SQLITE = `UPDATE sends SET state = 'rendering', lease_owner = ?, lease_until = ?, updated_at = ?
  WHERE id IN (SELECT s.id ${DUE} ORDER BY s.due_at, s.id LIMIT ?) RETURNING *`;
// The CTE locks the rows it picks and skips those another sender holds; a row another sender
// claimed and committed since this statement's snapshot is re-checked under the lock and dropped.
const CLAIM_PG = `WITH picked AS (SELECT s.id ${DUE} ORDER BY s.due_at, s.id LIMIT ? FOR UPDATE OF s SKIP LOCKED)
  UPDATE sends SET state = 'rendering', lease_owner = ?, lease_until = ?, updated_at = ?
  FROM picked WHERE sends.id = picked.id RETURNING sends.*`;

/**
 * One statement for every outcome: each optional field is paired with whether it was given, so
 * that one prepared statement (SQLite: per row; PostgreSQL: one unnest for the whole call) serves
 * every mix of fields. Leases end with the row's turn: only `rendering` and `sending` keep theirs.
 */
const OPTIONAL = [
  ['reason', 'reason', 'text'], ['detail', 'detail', 'text'], ['dueAt', 'due_at', 'int8'], ['attempts', 'attempts', 'int4'],
  ['sentAt', 'sent_at', 'int8'], ['response', 'response', 'text'], ['email', 'email', 'text'], ['inDoubt', 'in_doubt', 'int4'],
] as const satisfies readonly (readonly [keyof SendUpdate, string, string])[];
const LEASED = new Set(['rendering', 'sending']);

const SETTLE_SQLITE = `UPDATE sends SET state = ?,
  ${OPTIONAL.map(([, col]) => `${col} = CASE WHEN ? THEN ? ELSE ${col} END`).join(',\n  ')},
  lease_owner = CASE WHEN ? THEN lease_owner ELSE NULL END, lease_until = CASE WHEN ? THEN lease_until ELSE NULL END, updated_at = ?
  WHERE id = ? AND lease_owner = ?`;
const SETTLE_PG = `UPDATE sends s SET state = u.state,
  ${OPTIONAL.map(([, col], i) => `${col} = CASE WHEN u.given & ${1 << i} <> 0 THEN u.${col} ELSE s.${col} END`).join(',\n  ')},
  lease_owner = CASE WHEN u.state IN ('rendering', 'sending') THEN s.lease_owner END,
  lease_until = CASE WHEN u.state IN ('rendering', 'sending') THEN s.lease_until END, updated_at = ?
  FROM unnest(?::int8[], ?::text[], ?::int4[], ${OPTIONAL.map(([, , t]) => `?::${t}[]`).join(', ')})
    AS u(id, state, given, ${OPTIONAL.map(([, col]) => col).join(', ')})
  WHERE s.id = u.id AND s.lease_owner = ?`;

const fieldValue = (u: SendUpdate, key: (typeof OPTIONAL)[number][0]): unknown => {
  const v = u[key];
  return typeof v === 'boolean' ? (v ? 1 : 0) : v ?? null;
};

async function settle(sql: SqlRunner, owner: string, updates: readonly SendUpdate[], at: number): Promise<void> {
  // One outcome per row: the last one given wins (as it would applied one after another).
  const last = [...new Map(updates.map((u) => [u.id, u])).values()];
  if (sql.dialect === 'sqlite') {
    await sql.runEach(SETTLE_SQLITE, last.map((u) => {
      const keep = LEASED.has(u.state) ? 1 : 0;
      return [u.state, ...OPTIONAL.flatMap(([key]) => [u[key] !== undefined ? 1 : 0, fieldValue(u, key)]), keep, keep, at, u.id, owner];
    }));
    return;
  }
  const given = last.map((u) => OPTIONAL.reduce((m, [key], i) => (u[key] !== undefined ? m | (1 << i) : m), 0));
  await sql.run(SETTLE_PG, [
    at, last.map((u) => u.id), last.map((u) => u.state), given, ...OPTIONAL.map(([key]) => last.map((u) => fieldValue(u, key))), owner,
  ]);
}

async function takeOver(sql: SqlRunner, rows: readonly { id: number; owner: string | null }[], owner: string, leaseUntil: number, now: number): Promise<number[]> {
  if (sql.dialect === 'postgres') {
    const taken = await sql.all<{ id: number }>(`UPDATE sends s SET lease_owner = ?, lease_until = ?, updated_at = ?
      FROM unnest(?::int8[], ?::text[]) AS u(id, owner)
      WHERE s.id = u.id AND s.lease_owner IS NOT DISTINCT FROM u.owner AND s.state IN ('rendering', 'sending') RETURNING s.id`,
    [owner, leaseUntil, now, rows.map((r) => r.id), rows.map((r) => r.owner)]);
    return taken.map((r) => Number(r.id)).sort((a, b) => a - b);
  }
  const taken: number[] = [];
  for (const r of rows) {
    const n = await sql.run(`UPDATE sends SET lease_owner = ?, lease_until = ?, updated_at = ?
      WHERE id = ? AND lease_owner IS ? AND state IN ('rendering', 'sending')`, [owner, leaseUntil, now, r.id, r.owner]);
    if (n) taken.push(r.id);
  }
  return [...new Set(taken)].sort((a, b) => a - b);
}

/** Inserts rows in the caller's transaction, leaving rows that exist alone; returns how many were new. */
export async function enqueueRows(sql: SqlRunner, rows: readonly NewSend[], at: number): Promise<number> {
  if (sql.dialect === 'sqlite') return sql.runEach(INSERT_SQLITE, rows.map((r) => sendParams(r, at)));
  let inserted = 0;
  for (let i = 0; i < rows.length; i += CHUNK) {
    const chunk = rows.slice(i, i + CHUNK).map((r) => sendParams(r, at));
    inserted += await sql.run(INSERT_PG, PG_TYPES.map((_t, col) => chunk.map((p) => p[col])));
  }
  return inserted;
}

/**
 * The send queue on the `sends` table. Every write is one transaction; a claim hands each due row
 * to one sender (PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite: one writer at a time), and every
 * later write of a claimed row checks that the writer still holds its lease.
 */
export function createSendQueue(db: Database): SendQueue {
  return {
    // NewSend carries no time: rows are stamped with progress.at when given, else with the clock
    // of this process (Date.now()).
    enqueue: (rows, progress) => db.transaction(async (sql) => {
      const at = progress?.at ?? Date.now();
      const inserted = await enqueueRows(sql, rows, at);
      if (progress) {
        await sql.run('UPDATE campaigns SET audience_cursor = ?, audience_done = ?, updated_at = ? WHERE id = ?',
          [progress.cursor, progress.done ? 1 : 0, progress.at, progress.campaignId]);
      }
      return inserted;
    }, { retries: 2 }),

    claim: async (owner, now, limit, leaseUntil) => {
      if (limit <= 0) return [];
      const rows = await db.transaction((sql) => (sql.dialect === 'postgres'
        ? sql.all(CLAIM_PG, [now, limit, owner, leaseUntil, now])
        : sql.all(CLAIM_SQLITE, [owner, leaseUntil, now, now, limit])), { retries: 2 });
      return rows.map(rowToSend).sort(byDue);
    },

    markSending: async (ids, owner, leaseUntil, at) => {
      if (!ids.length) return;
      await db.transaction(async (sql) => {
        const f = inSendIds(sql, 'id', ids);
        await sql.run(`UPDATE sends SET state = 'sending', attempts = attempts + 1, lease_until = ?, updated_at = ?
          WHERE ${f.where} AND lease_owner = ? AND state IN ('rendering', 'sending')`, [leaseUntil, at, f.param, owner]);
      });
    },

    settle: async (owner, updates, at) => {
      if (updates.length) await db.transaction((sql) => settle(sql, owner, updates, at));
    },

    leased: async (limit) => (await db.read(`SELECT * FROM sends WHERE state IN ('rendering', 'sending')
      ORDER BY lease_until, id LIMIT ?`, [limit])).map(rowToSend),

    renew: (owner, leaseUntil) => db.transaction((sql) =>
      sql.run("UPDATE sends SET lease_until = ? WHERE state IN ('rendering', 'sending') AND lease_owner = ?", [leaseUntil, owner])),

    takeOver: async (rows, owner, leaseUntil, now) =>
      (rows.length ? db.transaction((sql) => takeOver(sql, rows, owner, leaseUntil, now)) : []),

    nextDue: async () => {
      const [r] = await db.read<{ due_at: unknown }>(`SELECT s.due_at ${PENDING} ORDER BY s.due_at LIMIT 1`);
      return r ? Number(r.due_at) : null;
    },

    cancelPending: (campaignId, at) => db.transaction((sql) => sql.run(`UPDATE sends SET state = 'cancelled', reason = 'campaign_cancelled',
      updated_at = ? WHERE campaign_id = ? AND state IN ('queued', 'deferred')`, [at, campaignId])),

    // All campaigns' sends, whatever `campaignId` says: global caps count them all, and each entry
    // names its campaign, so the caller picks a campaign's own for that campaign's caps.
    recentSends: async (profileIds, since, _campaignId) => {
      const out = new Map<string, { at: number; campaignId: string }[]>();
      if (!profileIds.length) return out;
      const who = inIds({ dialect: db.dialect }, 'profile_id', [...new Set(profileIds)]);
      // A row in `sending` is being sent now: it counts from when it was marked so (updated_at).
      const rows = await db.read<{ profile_id: string; campaign_id: string; at: unknown }>(`
        SELECT profile_id, campaign_id, sent_at AS at FROM sends WHERE state = 'sent' AND ${who.where} AND sent_at >= ?
        UNION ALL
        SELECT profile_id, campaign_id, updated_at AS at FROM sends
          WHERE state IN ('rendering', 'sending') AND state = 'sending' AND ${who.where} AND updated_at >= ?`,
      [who.param, since, who.param, since]);
      for (const r of rows) {
        let list = out.get(r.profile_id);
        if (!list) out.set(r.profile_id, (list = []));
        list.push({ at: Number(r.at), campaignId: r.campaign_id });
      }
      for (const list of out.values()) list.sort((a, b) => a.at - b.at);
      return out;
    },
  };
}
