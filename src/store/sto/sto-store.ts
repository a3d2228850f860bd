import type { StoModel } from '../../core/sto/model.ts';
import type { EngagementHistory, GroupBy, LoggedSendRow, ProfileHours, StoStore } from '../../core/sto/ports.ts';
import { engagementNames, humanSql, isClickSql } from '../features/engagement-sql.ts';
import { fromJson, fromTs, toInt, toJson, toTs } from '../sql/codec.ts';
import type { Database } from '../sql/database.ts';
import { inIds } from '../sql/id-list.ts';

/** Send-time optimisation's tables (migration 013) and its reads of profiles, events and sends. */

const DAY_MS = 86_400_000;
const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;

export function createStoStore(db: Database): StoStore {
  const pg = db.dialect === 'postgres';
  const trait = (path: string) => (pg ? `p.traits ->> '${path}'` : `json_extract(CASE WHEN json_valid(p.traits) THEN p.traits END, '$.${path}')`);
  const groupExpr = (g: GroupBy) => (g === 'cluster' ? `CAST(f.cluster AS TEXT)` : g === 'timezone' ? trait('timezone') : 'NULL');
  const human = humanSql(db.dialect);
  const names = `e.name IN (${engagementNames.map(lit).join(', ')})`;

  return {
    async engagement({ since, until, groupBy, after, limit }) {
      const profiles = await db.read<{ id: string; tz: unknown; grp: unknown }>(
        `SELECT p.id, ${trait('timezone')} AS tz, ${groupExpr(groupBy)} AS grp FROM profiles p
         ${groupBy === 'cluster' ? 'LEFT JOIN profile_features f ON f.profile_id = p.id' : ''}
         WHERE p.merged_into IS NULL${after === null ? '' : ' AND p.id > ?'} ORDER BY p.id LIMIT ?`,
        after === null ? [limit] : [after, limit]);
      if (!profiles.length) return [];
      const ids = inIds(db, 'e.profile_id', profiles.map((p) => p.id));
      const events = await db.read<{ profile_id: string; timestamp: unknown }>(
        `SELECT e.profile_id, e.timestamp FROM events e WHERE ${ids.where} AND e.type = 'track' AND ${names}
           AND e.timestamp > ? AND e.timestamp <= ? AND ${human}`,
        [ids.param, toTs(db.dialect, since), toTs(db.dialect, until)]);
      const byId = new Map<string, EngagementHistory>(profiles.map((p) => [p.id, {
        profileId: p.id, zone: typeof p.tz === 'string' ? p.tz : undefined, group: p.grp === null || p.grp === undefined ? 'none' : String(p.grp), times: [],
      }]));
      for (const e of events) byId.get(e.profile_id)?.times.push(fromTs(e.timestamp));
      return [...byId.values()];
    },

    async saveProfileHours(rows, fittedAt) {
      if (!rows.length) return;
      const at = toTs(db.dialect, fittedAt);
      await db.transaction(async (sql) => {
        if (pg) {
          await sql.run(`INSERT INTO sto_profile_hours (profile_id, grp, counts, events, fitted_at)
            SELECT u.id, u.grp, u.counts, u.events, ? FROM unnest(?::text[], ?::text[], ?::jsonb[], ?::int4[]) AS u(id, grp, counts, events)
            ON CONFLICT (profile_id) DO UPDATE SET grp = EXCLUDED.grp, counts = EXCLUDED.counts, events = EXCLUDED.events, fitted_at = EXCLUDED.fitted_at`,
          [at, rows.map((r) => r.profileId), rows.map((r) => r.group), rows.map((r) => toJson(r.counts)), rows.map((r) => r.events)]);
        } else {
          await sql.runEach(`INSERT INTO sto_profile_hours (profile_id, grp, counts, events, fitted_at) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (profile_id) DO UPDATE SET grp = excluded.grp, counts = excluded.counts, events = excluded.events, fitted_at = excluded.fitted_at`,
          rows.map((r) => [r.profileId, r.group, toJson(r.counts), r.events, at]));
        }
      });
    },

    dropProfileHoursBefore: (fittedAt) => db.transaction((sql) => sql.run('DELETE FROM sto_profile_hours WHERE fitted_at < ?', [toTs(db.dialect, fittedAt)])),

    async profileHours(profileIds) {
      const out = new Map<string, ProfileHours>();
      if (!profileIds.length) return out;
      const f = inIds(db, 'profile_id', profileIds);
      for (const r of await db.read<{ profile_id: string; grp: string; counts: unknown; events: unknown }>(
        `SELECT profile_id, grp, counts, events FROM sto_profile_hours WHERE ${f.where}`, [f.param])) {
        out.set(r.profile_id, { profileId: r.profile_id, group: r.grp, counts: fromJson<number[]>(r.counts), events: toInt(r.events) });
      }
      return out;
    },

    saveModel: (id, model) => db.transaction(async (sql) => {
      await sql.run('INSERT INTO sto_models (id, fitted_at, model) VALUES (?, ?, ?)', [id, toTs(db.dialect, model.fittedAt), toJson(model)]);
    }),

    async latestModel() {
      const r = (await db.read<{ model: unknown }>('SELECT model FROM sto_models ORDER BY fitted_at DESC, id DESC LIMIT 1'))[0];
      return r ? fromJson<StoModel>(r.model) : null;
    },

    async loggedSends(campaignId) {
      // sends.sent_at is epoch ms on both dialects; events.timestamp is timestamptz on PostgreSQL.
      const sentAt = pg ? 'to_timestamp(s.sent_at / 1000.0)' : 's.sent_at';
      const dayAfter = pg ? `to_timestamp((s.sent_at + ${DAY_MS}) / 1000.0)` : `s.sent_at + ${DAY_MS}`;
      const emailId = pg ? `e.properties ->> 'email_id'` : `json_extract(CASE WHEN json_valid(e.properties) THEN e.properties END, '$.email_id')`;
      const rows = await db.read<Record<string, unknown>>(
        `SELECT s.campaign_id, s.profile_id, ${trait('timezone')} AS tz, s.sto_start, s.sto_hours, s.sto_slot, s.sto_best, s.sto_p, s.sent_at,
           CASE WHEN EXISTS (SELECT 1 FROM events e WHERE e.profile_id = s.profile_id AND e.timestamp >= ${sentAt} AND e.timestamp < ${dayAfter}
             AND ${isClickSql} AND ${human} AND ${emailId} = s.message_id) THEN 1 ELSE 0 END AS clicked
         FROM sends s LEFT JOIN profiles p ON p.id = s.profile_id
         WHERE s.state = 'sent' AND s.sto_p IS NOT NULL AND s.sent_at IS NOT NULL${campaignId === null ? '' : ' AND s.campaign_id = ?'}
         ORDER BY s.id`, campaignId === null ? [] : [campaignId]);
      return rows.map((r): LoggedSendRow => ({
        campaignId: r.campaign_id as string, profileId: r.profile_id as string, zone: typeof r.tz === 'string' ? r.tz : undefined,
        start: toInt(r.sto_start), hours: toInt(r.sto_hours), slot: toInt(r.sto_slot), best: toInt(r.sto_best), propensity: Number(r.sto_p),
        sentAt: toInt(r.sent_at), clicked: toInt(r.clicked) === 1,
      }));
    },
  };
}
