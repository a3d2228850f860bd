import { CompiledQuery } from 'kysely';
import { emptyHistogram, ORDER_EVENT } from '../../core/features/catalog.ts';
import { RFM_SEGMENTS, type RfmSegment } from '../../core/features/rfm-segments.ts';
import type { RfmPort, RfmSaveResult } from '../../core/features/rfm-run.ts';
import { rfmCell, type RfmAggregates, type RfmScores, type RfmWindow } from '../../core/features/rfm.ts';
import { toTs } from '../sql/codec.ts';
import type { Database, SqlRunner } from '../sql/database.ts';
import { saveFeatureRows } from './feature-rows.ts';
import { computeFeatureRows } from './feature-sql.ts';
import { sqliteDoc } from '../../core/segments/compile-comparison.ts';

/**
 * An order's revenue in SQL, as `orderRevenue` (src/core/features/rfm.ts) defines it: revenue if a
 * JSON number, else total if one, else 0. JSON numbers are finite on both dialects (events are
 * written with JSON.stringify, which has no Infinity or NaN).
 */
/** A stored document SQLite cannot parse (stored before ingest limited nesting) reads as missing. */
const DOC = sqliteDoc('properties');

export const REVENUE = {
  sqlite: `CASE WHEN json_type(${DOC}, '$.revenue') IN ('integer', 'real') THEN ${DOC} ->> '$.revenue'
    WHEN json_type(${DOC}, '$.total') IN ('integer', 'real') THEN ${DOC} ->> '$.total' ELSE 0 END`,
  postgres: `CASE WHEN jsonb_typeof(properties -> 'revenue') = 'number' THEN (properties ->> 'revenue')::float8
    WHEN jsonb_typeof(properties -> 'total') = 'number' THEN (properties ->> 'total')::float8 ELSE 0 END`,
};

/** Epoch ms of the last order: SQLite stores ms already; PostgreSQL's timestamptz becomes a plain number in SQL, not 1M Date objects. */
const LAST_AT = {
  sqlite: 'MAX(timestamp)',
  postgres: '(EXTRACT(EPOCH FROM MAX(timestamp)) * 1000)::float8',
};

/** Rows per chunk: one unnest() statement on PostgreSQL; on SQLite a multiple of SQLITE_ROWS, so that only the last chunk has single-row leftovers. */
const CHUNK = 160 * 128;

const HISTOGRAM = JSON.stringify(emptyHistogram());

const RFM_COLUMNS = ['rfm_r', 'rfm_f', 'rfm_m', 'rfm_score', 'rfm_segment'] as const;
const SET_RFM = RFM_COLUMNS.map((c) => `${c} = excluded.${c}`).join(', ');
const CLEAR_RFM = RFM_COLUMNS.map((c) => `${c} = NULL`).join(', ');

/** SQLite: rows per INSERT (8 parameters each, far below SQLite's limit of 32766): fewer statement calls than one row per call. */
const SQLITE_ROWS = 128;

// The constant JSON defaults are literals (generated here, never input); everything else is a `?` parameter.
const sqliteUpsert = (rows: number) => `INSERT INTO profile_features (profile_id, rfm_r, rfm_f, rfm_m, rfm_score, rfm_segment, category_counts, hour_histogram, windows_as_of, updated_at)
    VALUES ${new Array(rows).fill(`(?, ?, ?, ?, ?, ?, '{}', '${HISTOGRAM}', ?, ?)`).join(', ')}
    ON CONFLICT (profile_id) DO UPDATE SET ${SET_RFM}, updated_at = excluded.updated_at
    WHERE profile_features.rfm_score IS NOT excluded.rfm_score OR profile_features.rfm_segment IS NOT excluded.rfm_segment`;

/** saveScores sends only changed rows; the WHERE of DO UPDATE also skips a row that another run has just given the same scores. */
const UPSERT = {
  sqliteMany: sqliteUpsert(SQLITE_ROWS),
  sqliteOne: sqliteUpsert(1),
  postgres: `INSERT INTO profile_features (profile_id, rfm_r, rfm_f, rfm_m, rfm_score, rfm_segment, category_counts, hour_histogram, windows_as_of, updated_at)
    SELECT p, r, f, m, s, seg, '{}'::jsonb, '${HISTOGRAM}'::jsonb, ?::bigint, ?::bigint
    FROM unnest(?::text[], ?::int[], ?::int[], ?::int[], ?::int[], ?::text[]) AS u(p, r, f, m, s, seg)
    ON CONFLICT (profile_id) DO UPDATE SET ${SET_RFM}, updated_at = excluded.updated_at
    WHERE profile_features.rfm_score IS DISTINCT FROM excluded.rfm_score OR profile_features.rfm_segment IS DISTINCT FROM excluded.rfm_segment`,
};

interface AggregateRow { p: string; last_at: number; n: number; m: number }

export function createRfmStore(db: Database): RfmPort {
  return {
    aggregates: (window) => loadAggregates(db, window),
    save: (scores, at) => db.transaction((tx) => saveScores(tx, scores, at)),
  };
}

/**
 * One set-based GROUP BY over the orders in the window; events_name_time_profile (name, timestamp, profile_id, type) finds
 * them when orders are a small share of the events (otherwise the planner scans).
 *
 * SQLite: it runs outside any write transaction. A read in WAL mode does not hold up ingest for the
 * seconds a large store takes, where db.transaction would hold the write lock for all of them.
 * PostgreSQL: it runs in a read transaction of its own, for SET LOCAL work_mem. At the default 4 MB
 * the GROUP BY over 1M customers sorts on disk; 128 MB (×2 for hash tables, hash_mem_multiplier)
 * keeps a hash aggregate in memory, 2.3× faster on 9M orders (15.5 s → 6.9 s, EXPLAIN ANALYZE).
 */
export async function loadAggregates(db: Database, window: RfmWindow): Promise<RfmAggregates> {
  const d = db.dialect;
  const text = `SELECT profile_id AS p, ${LAST_AT[d]} AS last_at, COUNT(*) AS n, SUM(${REVENUE[d]}) AS m
    FROM events
    WHERE name = ? AND timestamp > ? AND timestamp <= ? AND type = 'track'
    GROUP BY profile_id`;
  const params = [ORDER_EVENT, toTs(d, window.from), toTs(d, window.asOf)];
  const rows = d === 'postgres'
    ? await db.transaction(async (tx) => {
      await tx.all("SELECT set_config('work_mem', '128MB', true)");
      return tx.all<AggregateRow>(text, params);
    })
    : (await db.kysely.executeQuery(CompiledQuery.raw(text, params))).rows as AggregateRow[];
  const n = rows.length;
  const out = { profileIds: new Array<string>(n), lastOrderAt: new Float64Array(n), orders: new Float64Array(n), revenue: new Float64Array(n) };
  for (let i = 0; i < n; i++) {
    const row = rows[i]!;
    out.profileIds[i] = row.p;
    out.lastOrderAt[i] = Number(row.last_at);
    out.orders[i] = Number(row.n);
    out.revenue[i] = Number(row.m);
  }
  return out;
}

/** A stored cell and segment as one number, to compare old and new without a string per customer. */
const cellKey = (score: number, segment: number): number => score * 16 + segment;

/**
 * All in the caller's one transaction, so readers see the old scores or the new, never a mix:
 * reads the stored scores once, clears those of profiles no longer scored, and upserts only the
 * scored profiles whose cell or segment changed (or that have no stored scores). A daily re-run thus
 * writes only the customers who moved: on PostgreSQL even a no-op ON CONFLICT DO UPDATE locks, and
 * so writes, every row it matches.
 */
export async function saveScores(tx: SqlRunner, s: RfmScores, at: number): Promise<RfmSaveResult> {
  await addMissingFeatureRows(tx, s.profileIds, at);
  const before = await tx.all<{ profile_id: string; rfm_score: number; rfm_segment: string }>(
    'SELECT profile_id, rfm_score, rfm_segment FROM profile_features WHERE rfm_r IS NOT NULL');
  const stored = new Map<string, number>();
  for (const r of before) stored.set(r.profile_id, cellKey(Number(r.rfm_score), RFM_SEGMENTS.indexOf(r.rfm_segment as RfmSegment)));
  const changed: number[] = [];
  for (let i = 0; i < s.profileIds.length; i++) {
    const id = s.profileIds[i]!;
    const old = stored.get(id);
    if (old !== cellKey(rfmCell(s.r[i]!, s.f[i]!, s.m[i]!), s.segment[i]!)) changed.push(i);
    stored.delete(id);
  }
  // What is left was scored before and is not now.
  const stale = [...stored.keys()];

  let cleared = 0;
  for (let i = 0; i < stale.length; i += CHUNK) {
    const ids = stale.slice(i, i + CHUNK);
    cleared += tx.dialect === 'postgres'
      ? await tx.run(`UPDATE profile_features SET ${CLEAR_RFM}, updated_at = ? WHERE profile_id = ANY(?::text[])`, [at, ids])
      : await tx.runEach(`UPDATE profile_features SET ${CLEAR_RFM}, updated_at = ? WHERE profile_id = ?`, ids.map((id) => [at, id]));
  }

  let written = 0;
  for (let start = 0; start < changed.length; start += CHUNK) {
    const chunk = changed.slice(start, start + CHUNK);
    const row = (i: number) => {
      const [r, f, m] = [s.r[i]!, s.f[i]!, s.m[i]!];
      return [s.profileIds[i]!, r, f, m, rfmCell(r, f, m), RFM_SEGMENTS[s.segment[i]!]!] as const;
    };
    if (tx.dialect === 'postgres') {
      const cols: unknown[][] = [[], [], [], [], [], []];
      for (const i of chunk) row(i).forEach((v, c) => cols[c]!.push(v));
      written += await tx.run(UPSERT.postgres, [s.window.asOf, at, ...cols]);
    } else {
      const many: unknown[][] = [];
      const one: unknown[][] = [];
      for (let k = 0; k < chunk.length; k += SQLITE_ROWS) {
        const part = chunk.slice(k, k + SQLITE_ROWS).map((i) => [...row(i), s.window.asOf, at]);
        if (part.length === SQLITE_ROWS) many.push(part.flat());
        else one.push(...part);
      }
      written += await tx.runEach(UPSERT.sqliteMany, many);
      written += await tx.runEach(UPSERT.sqliteOne, one);
    }
  }
  return { written, cleared };
}

/**
 * Scored customers without a feature row (profiles stored before features existed) get their full
 * row first: an empty placeholder would be extended by the next ingest as if it held their history.
 */
export async function addMissingFeatureRows(tx: SqlRunner, ids: readonly string[], at: number): Promise<void> {
  const have = new Set((await tx.all<{ profile_id: string }>('SELECT profile_id FROM profile_features')).map((r) => r.profile_id));
  const missing = ids.filter((id) => !have.has(id));
  for (let i = 0; i < missing.length; i += CHUNK) {
    const part = missing.slice(i, i + CHUNK);
    await saveFeatureRows(tx, await computeFeatureRows(tx, part, at), at);
  }
}

/** The stored rfm_* of every profile that has them (tests and tools). */
export async function storedRfm(db: Database): Promise<Map<string, { r: number; f: number; m: number; score: number; segment: string }>> {
  const rows = await db.kysely.selectFrom('profile_features')
    .select(['profile_id', 'rfm_r', 'rfm_f', 'rfm_m', 'rfm_score', 'rfm_segment'])
    .where('rfm_r', 'is not', null).execute();
  return new Map(rows.map((r) => [r.profile_id, {
    r: Number(r.rfm_r), f: Number(r.rfm_f), m: Number(r.rfm_m), score: Number(r.rfm_score), segment: String(r.rfm_segment),
  }]));
}
