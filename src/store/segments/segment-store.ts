
import { columnOf } from '../../core/features/catalog.ts';
import type { EvalEvent } from '../../core/segments/profile-data.ts';
import type { LoadedProfile, MembershipWrite, SegmentRecord, SegmentStore, SegmentWrites } from '../../core/segments/ports.ts';
import { ENTERED_EVENT, EXITED_EVENT } from '../../core/segments/realtime.ts';
import { sqliteDoc, sqlitePath } from '../../core/segments/compile-comparison.ts';
import { writeRows, type Column } from '../sql/bulk-write.ts';
import { fromJson, fromTs, toInt, toJson, toTs } from '../sql/codec.ts';
import type { Database, SqlRunner } from '../sql/database.ts';
import { loadConsents } from '../privacy/consent-store.ts';
import { loadFeatureRows } from '../features/feature-rows.ts';
import { inIds } from '../sql/id-list.ts';

const c = (name: string, pgType: string): Column => ({ name, pgType });
const MEMBER_COLS = [c('segment_id', 'text'), c('profile_id', 'text'), c('entered_at', 'bigint')];
const TIMER_COLS = [c('segment_id', 'text'), c('profile_id', 'text'), c('due_at', 'bigint')];
const EVENT_COLS = [c('message_id', 'text'), c('profile_id', 'text'), c('type', 'text'), c('name', 'text'),
  c('timestamp', 'timestamptz'), c('received_at', 'timestamptz'), c('properties', 'jsonb'), c('source', 'text')];
const CHUNK = 5000;
/** Size history is kept per minute: a busy segment gets one row a minute, not one per change. */
const SIZE_BUCKET_MS = 60_000;

/**
 * Settings for one batch segment query on PostgreSQL. JIT compiled a segment query's subplans for
 * 0.3–0.4 s (measured at 10k profiles) before a query that then took milliseconds: its cost
 * estimates come from correlated subqueries, not real work. The default 4 MB work_mem made the
 * per-profile event counts of a 1M-profile store spill their hash aggregates and sorts to disk.
 */
async function batchQuerySettings(sql: SqlRunner): Promise<void> {
  if (sql.dialect !== 'postgres') return;
  await sql.run('SET LOCAL jit = off');
  await sql.run("SET LOCAL work_mem = '64MB'");
}

function rowToSegment(r: Record<string, unknown>): SegmentRecord {
  return {
    id: r.id as string,
    name: r.name as string,
    description: (r.description as string | null) ?? null,
    rules: fromJson(r.rules),
    options: fromJson(r.options),
    version: toInt(r.version),
    status: r.status as SegmentRecord['status'],
    size: toInt(r.size),
    createdAt: toInt(r.created_at),
    updatedAt: toInt(r.updated_at),
    computedAt: r.computed_at === null ? null : toInt(r.computed_at),
  };
}

export function createSegmentStore(db: Database): SegmentStore {
  const read = <T>(fn: (sql: SqlRunner) => Promise<T>) => db.transaction(fn);
  return {
    list: () => read(async (sql) => (await sql.all('SELECT * FROM segments ORDER BY name')).map(rowToSegment)),

    save: (s) => db.transaction(async (sql) => {
      await sql.run(`INSERT INTO segments (id, name, description, rules, options, version, status, size, created_at, updated_at, computed_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (id) DO UPDATE SET name = excluded.name, description = excluded.description, rules = excluded.rules,
          options = excluded.options, version = excluded.version, status = excluded.status, size = excluded.size,
          updated_at = excluded.updated_at, computed_at = excluded.computed_at`,
      [s.id, s.name, s.description, toJson(s.rules), toJson(s.options), s.version, s.status, s.size, s.createdAt, s.updatedAt, s.computedAt]);
    }),

    remove: (id) => db.transaction(async (sql) => {
      for (const t of ['segment_timers', 'segment_sizes', 'segment_memberships']) await sql.run(`DELETE FROM ${t} WHERE segment_id = ?`, [id]);
      await sql.run('DELETE FROM segments WHERE id = ?', [id]);
    }),

    matching: (q) => read(async (sql) => {
      await batchQuerySettings(sql);
      return (await sql.all<{ id: string }>(q.sql, q.params)).map((r) => r.id);
    }),

    countAndSample: (q, limit) => read(async (sql) => {
      await batchQuerySettings(sql);
      // One run of the query: the window count is taken over every match before the limit applies.
      const rows = await sql.all<{ id: string; n: unknown }>(
        `SELECT id, COUNT(*) OVER () AS n FROM (${q.sql}) q ORDER BY id LIMIT ${Math.max(1, Math.floor(limit))}`, q.params);
      return { count: toInt(rows[0]?.n), sample: rows.slice(0, limit).map((r) => r.id) };
    }),

    members: (segmentId) => read(async (sql) => {
      const rows = await sql.all<{ profile_id: string; entered_at: unknown }>(
        'SELECT profile_id, entered_at FROM segment_memberships WHERE segment_id = ? AND exited_at IS NULL', [segmentId]);
      return new Map(rows.map((r) => [r.profile_id, toInt(r.entered_at)]));
    }),

    loadProfiles: (ids, eventNames, names) => read((sql) => loadProfiles(sql, ids, eventNames, names)),

    write: (w) => db.transaction((sql) => write(sql, w)),

    changedSince: (since) => read(async (sql) => {
      const rows = await sql.all<{ id: string; merged_into: string | null }>('SELECT id, merged_into FROM profiles WHERE updated_at > ?', [toTs(sql.dialect, since)]);
      return { live: rows.filter((r) => !r.merged_into).map((r) => r.id), merged: rows.filter((r) => r.merged_into).map((r) => r.id) };
    }),

    dueTimers: (now, limit) => read(async (sql) => {
      const rows = await sql.all<{ segment_id: string; profile_id: string }>(
        `SELECT segment_id, profile_id FROM segment_timers WHERE due_at <= ? ORDER BY due_at LIMIT ${Math.floor(limit)}`, [now]);
      return rows.map((r) => ({ segmentId: r.segment_id, profileId: r.profile_id }));
    }),

    nextDue: () => read(async (sql) => {
      // Feature windows expire on their own schedule, and refreshing them can change memberships.
      const r = await sql.all<{ t: unknown }>(`SELECT MIN(t) AS t FROM (SELECT MIN(due_at) AS t FROM segment_timers
        UNION ALL SELECT MIN(windows_expire_at) FROM profile_features) x`);
      return r[0]?.t === null || r[0]?.t === undefined ? null : toInt(r[0].t);
    }),

    earliestEvents: (name, from, to) => read(async (sql) => {
      const cond: string[] = ['name = ?'];
      const params: unknown[] = [name];
      if (from !== null) { cond.push('timestamp > ?'); params.push(toTs(sql.dialect, from)); }
      if (to !== null) { cond.push('timestamp <= ?'); params.push(toTs(sql.dialect, to)); }
      const rows = await sql.all<{ profile_id: string; t: unknown }>(
        `SELECT profile_id, MIN(timestamp) AS t FROM events WHERE ${cond.join(' AND ')} AND type IN ('track', 'page', 'screen') GROUP BY profile_id`, params);
      return new Map(rows.map((r) => [r.profile_id, fromTs(r.t)]));
    }),

    featureTimes: (field) => read(async (sql) => {
      const col = columnOf(field);
      if (!/^[a-z0-9_]+$/.test(col)) throw new Error(`not a feature column: ${field}`);
      const rows = await sql.all<{ profile_id: string; t: unknown }>(`SELECT profile_id, ${col} AS t FROM profile_features WHERE ${col} IS NOT NULL`);
      return new Map(rows.map((r) => [r.profile_id, toInt(r.t)]));
    }),
  };
}

async function loadProfiles(sql: SqlRunner, ids: string[], eventNames: string[], names: ReadonlyMap<string, string>): Promise<Map<string, LoadedProfile>> {
  const out = new Map<string, LoadedProfile>();
  if (!ids.length) return out;
  const byId = inIds(sql, 'id', ids);
  const byProfile = inIds(sql, 'profile_id', ids);
  const profiles = await sql.all<{ id: string; traits: unknown }>(`SELECT id, traits FROM profiles WHERE ${byId.where} AND merged_into IS NULL`, [byId.param]);
  const features = await loadFeatureRows(sql, ids);
  for (const p of profiles) {
    out.set(p.id, {
      data: { profileId: p.id, traits: fromJson(p.traits) ?? {}, features: features.get(p.id) ?? null, events: [], segments: new Set(), consents: new Set() },
      standing: new Map(),
    });
  }
  if (eventNames.length) {
    // By profile, never by name: SQLite's planner (without ANALYZE) would otherwise read every event
    // of those names in the store (51 ms per profile at 100k events, and growing with the store).
    const events = sql.dialect === 'sqlite' ? 'events INDEXED BY events_profile_time' : 'events';
    const byName = inIds(sql, 'name', eventNames);
    const rows = await sql.all<{ profile_id: string; name: string; timestamp: unknown; properties: unknown }>(
      `SELECT profile_id, name, timestamp, properties FROM ${events} WHERE ${byProfile.where} AND ${byName.where} AND type IN ('track', 'page', 'screen')`,
      [byProfile.param, byName.param]);
    for (const r of rows) {
      const p = out.get(r.profile_id);
      if (p) (p.data.events as EvalEvent[]).push({ name: r.name, timestamp: fromTs(r.timestamp), properties: fromJson(r.properties) ?? {} });
    }
  }
  const members = await sql.all<{ segment_id: string; profile_id: string; entered_at: unknown }>(
    `SELECT segment_id, profile_id, entered_at FROM segment_memberships WHERE ${byProfile.where} AND exited_at IS NULL`, [byProfile.param]);
  for (const m of members) {
    const p = out.get(m.profile_id);
    const name = names.get(m.segment_id);
    if (!p || name === undefined) continue;
    p.standing.set(m.segment_id, toInt(m.entered_at));
    (p.data.segments as Set<string>).add(name);
  }
  for (const c of await loadConsents(sql, ids)) if (c.granted) (out.get(c.profileId)?.data.consents as Set<string> | undefined)?.add(c.purpose);
  return out;
}

async function write(sql: SqlRunner, w: SegmentWrites): Promise<void> {
  const delta = new Map<string, { entered: number; exited: number }>();
  const bump = (id: string, entered: boolean, n = 1) => {
    let d = delta.get(id);
    if (!d) delta.set(id, (d = { entered: 0, exited: 0 }));
    if (entered) d.entered += n;
    else d.exited += n;
  };

  if (w.mergedAway?.length) {
    const f = inIds(sql, 'profile_id', w.mergedAway);
    const counts = await sql.all<{ segment_id: string; n: unknown }>(
      `SELECT segment_id, COUNT(*) AS n FROM segment_memberships WHERE ${f.where} AND exited_at IS NULL GROUP BY segment_id`, [f.param]);
    for (const r of counts) bump(r.segment_id, false, toInt(r.n));
    await sql.run(`UPDATE segment_memberships SET exited_at = ? WHERE ${f.where} AND exited_at IS NULL`, [w.at, f.param]);
    await sql.run(`DELETE FROM segment_timers WHERE ${f.where}`, [f.param]);
  }

  for (const s of w.segments ?? []) {
    await sql.run('UPDATE segments SET status = ?, size = ?, computed_at = ?, updated_at = ? WHERE id = ?',
      [s.status, s.size, s.computedAt, s.updatedAt, s.id]);
  }

  const entered = w.memberships.filter((m) => m.entered);
  const exited = w.memberships.filter((m) => !m.entered);
  // Entering again at the very instant of an earlier entry (left and rejoined within one instant, as
  // two model runs at one clock reading can make happen) reopens that membership: it never ended.
  for (let i = 0; i < entered.length; i += CHUNK) {
    await writeRows(sql, 'segment_memberships', MEMBER_COLS, entered.slice(i, i + CHUNK).map((m) => [m.segmentId, m.profileId, m.at]),
      'ON CONFLICT (segment_id, profile_id, entered_at) DO UPDATE SET exited_at = NULL');
  }
  for (let i = 0; i < exited.length; i += CHUNK) {
    const part = exited.slice(i, i + CHUNK);
    if (sql.dialect === 'postgres') {
      await sql.run(`UPDATE segment_memberships m SET exited_at = x.at FROM unnest(?::text[], ?::text[], ?::bigint[]) AS x(s, p, at)
        WHERE m.segment_id = x.s AND m.profile_id = x.p AND m.exited_at IS NULL`,
      [part.map((m) => m.segmentId), part.map((m) => m.profileId), part.map((m) => m.at)]);
    } else {
      await sql.runEach('UPDATE segment_memberships SET exited_at = ? WHERE segment_id = ? AND profile_id = ? AND exited_at IS NULL',
        part.map((m) => [m.at, m.segmentId, m.profileId]));
    }
  }
  for (let i = 0; i < w.memberships.length; i += CHUNK) {
    await writeRows(sql, 'events', EVENT_COLS, w.memberships.slice(i, i + CHUNK).map((m) => membershipEvent(sql, m)), 'ON CONFLICT (message_id) DO NOTHING');
  }
  for (const m of w.memberships) bump(m.segmentId, m.entered);

  const bucket = Math.floor(w.at / SIZE_BUCKET_MS) * SIZE_BUCKET_MS;
  const absolute = new Set((w.segments ?? []).map((s) => s.id));
  for (const [id, d] of delta) {
    if (!absolute.has(id)) await sql.run('UPDATE segments SET size = size + ? WHERE id = ?', [d.entered - d.exited, id]);
  }
  for (const id of new Set([...delta.keys(), ...absolute])) {
    const d = delta.get(id) ?? { entered: 0, exited: 0 };
    await sql.run(`INSERT INTO segment_sizes (segment_id, at, size, entered, exited)
      SELECT id, ?, size, ?, ? FROM segments WHERE id = ?
      ON CONFLICT (segment_id, at) DO UPDATE SET size = excluded.size,
        entered = segment_sizes.entered + excluded.entered, exited = segment_sizes.exited + excluded.exited`,
    [bucket, d.entered, d.exited, id]);
  }

  // A recompute can add hundreds of thousands of members; until autovacuum notices, the planner
  // would take a nested segment for a few dozen rows (seen: 36 estimated, 437k real, 15 s plan).
  if (sql.dialect === 'postgres' && w.memberships.length >= 10_000) await sql.run('ANALYZE segment_memberships');

  for (const id of w.replaceTimersOf ?? []) await sql.run('DELETE FROM segment_timers WHERE segment_id = ?', [id]);
  const set = w.timers.filter((t) => t.dueAt !== null);
  const clear = w.timers.filter((t) => t.dueAt === null);
  if (clear.length && !w.replaceTimersOf?.length) {
    if (sql.dialect === 'postgres') {
      await sql.run(`DELETE FROM segment_timers t USING unnest(?::text[], ?::text[]) AS x(s, p) WHERE t.segment_id = x.s AND t.profile_id = x.p`,
        [clear.map((t) => t.segmentId), clear.map((t) => t.profileId)]);
    } else {
      await sql.runEach('DELETE FROM segment_timers WHERE segment_id = ? AND profile_id = ?', clear.map((t) => [t.segmentId, t.profileId]));
    }
  }
  for (let i = 0; i < set.length; i += CHUNK) {
    await writeRows(sql, 'segment_timers', TIMER_COLS, set.slice(i, i + CHUNK).map((t) => [t.segmentId, t.profileId, t.dueAt]),
      'ON CONFLICT (segment_id, profile_id) DO UPDATE SET due_at = excluded.due_at');
  }
}

/** segment.entered / segment.exited as an ordinary event on the profile, so triggers and rules can use it. */
function membershipEvent(sql: SqlRunner, m: MembershipWrite): unknown[] {
  const name = m.entered ? ENTERED_EVENT : EXITED_EVENT;
  const t = toTs(sql.dialect, m.at);
  return [`seg:${m.segmentId}:${m.profileId}:${m.at}:${m.entered ? 'in' : 'out'}`, m.profileId, 'track', name, t, t,
    toJson({ segment: m.segmentName, segment_id: m.segmentId }), 'segments'];
}



/** The trait keys and event names that nothing stored has yet (for warnings on saving a segment). */
export async function unknownNames(db: Database, traits: string[], events: string[]): Promise<{ traits: string[]; events: string[] }> {
  return db.transaction(async (sql) => {
    const out = { traits: [] as string[], events: [] as string[] };
    for (const t of traits) {
      const rows = sql.dialect === 'postgres'
        ? await sql.all('SELECT 1 FROM profiles WHERE traits -> ?::text IS NOT NULL LIMIT 1', [t])
        : await sql.all(`SELECT 1 FROM profiles WHERE json_type(${sqliteDoc('traits')}, ?) IS NOT NULL LIMIT 1`, [sqlitePath([t])]);
      if (!rows.length) out.traits.push(t);
    }
    for (const e of events) if (!(await sql.all('SELECT 1 FROM events WHERE name = ? LIMIT 1', [e])).length) out.events.push(e);
    return out;
  });
}
