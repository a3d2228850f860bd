/**
 * Generated segment data sets, kept between benchmark runs: a SQLite file under bench/.cache/ and a
 * PostgreSQL schema, both named after (profiles, events, seed, now, generator version). A data set
 * counts as present only with its completion marker (settings row) and the expected row counts;
 * anything else is dropped and generated again.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { openDatabase, type Database } from '../../src/store/sql/database.ts';
import { migrate } from '../../src/store/migrate.ts';
import { GENERATOR_VERSION, MARKER_KEY, generateSegmentData, type SegmentDataProgress, type SegmentDataStats } from './segment-data.ts';

export const CACHE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '.cache');

export interface SegmentDataSpec { profiles: number; events: number; seed: number; now: number }

export interface PreparedData {
  dialect: 'sqlite' | 'postgres';
  /** TAILOR_DB for it: the SQLite file, or a postgres:// URL whose search_path selects the schema. */
  url: string;
  /** Where it lives: the file, or the schema name. */
  location: string;
  generated: boolean;
  /** The generator's report: from this run, or from the marker of the cached data set. */
  stats: SegmentDataStats;
  /** Seconds taken to generate here, or to find and check the cached one. */
  seconds: number;
  /** File size (SQLite) or schema size (PostgreSQL), bytes. */
  bytes: number;
}

export const specKey = (s: SegmentDataSpec): string => `p${s.profiles}_e${s.events}_s${s.seed}_t${s.now}_v${GENERATOR_VERSION}`;

/**
 * db.close(), holding the event loop open meanwhile. On SQLite, close waits for the checkpoint
 * thread to exit, and that worker is unref'd: if it is busy in a long checkpoint, nothing else keeps
 * the process alive and Node exits mid-await (silently, code 13). Seen once after a 1M-event load.
 */
/**
 * SQLite counts `id <= ?` through the table itself (7.5 GiB at 10M events, 12 s); through an index,
 * which holds the rowid too, it takes 1.7 s.
 */
const COUNT_HINT = { sqlite: 'INDEXED BY events_name_time_profile', postgres: '' } as const;

interface Marker { version: number; profiles: number; events: number; seed: number; now: number; stats: SegmentDataStats }

/** The marker, if the data set in `db` is complete and matches `spec`. */
async function check(db: Database, spec: SegmentDataSpec): Promise<Marker | undefined> {
  try {
    return await db.transaction(async (sql) => {
      const rows = await sql.all<{ value: string }>('SELECT value FROM settings WHERE key = ?', [MARKER_KEY]);
      if (!rows[0]) return undefined;
      const m = JSON.parse(rows[0].value) as Marker;
      if (m.version !== GENERATOR_VERSION || m.profiles !== spec.profiles || m.events !== spec.events
        || m.seed !== spec.seed || m.now !== spec.now) return undefined;
      const [p] = await sql.all<{ n: number }>('SELECT COUNT(*) AS n FROM profiles');
      const [e] = await sql.all<{ n: number }>(`SELECT COUNT(*) AS n FROM events ${COUNT_HINT[db.dialect]} WHERE id <= ?`, [m.stats.maxEventId]);
      return Number(p?.n) === spec.profiles && Number(e?.n) === spec.events ? m : undefined;
    });
  } catch {
    return undefined; // no tables, or not migrated
  }
}

type Progress = (p: SegmentDataProgress) => void;

export async function ensureSqliteData(spec: SegmentDataSpec, opts: { force?: boolean; onProgress?: Progress; dir?: string } = {}): Promise<PreparedData> {
  const t0 = performance.now();
  const dir = opts.dir ?? CACHE_DIR;
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `segments-${specKey(spec)}.db`);
  const result = (generated: boolean, stats: SegmentDataStats): PreparedData => ({
    dialect: 'sqlite', url: file, location: file, generated, stats, seconds: (performance.now() - t0) / 1000, bytes: fs.statSync(file).size,
  });
  if (!opts.force && fs.existsSync(file)) {
    const db = await openDatabase(file);
    // A data set from before a schema change is brought up to date rather than generated again.
    const m = await migrate(db).then(() => check(db, spec)).finally(() => db.close());
    if (m) return result(false, m.stats);
  }
  // Generated under a temporary name and renamed when complete: an interrupted run leaves no half data set.
  const tmp = `${file}.tmp`;
  for (const f of [tmp, `${tmp}-wal`, `${tmp}-shm`]) fs.rmSync(f, { force: true });
  const db = await openDatabase(tmp);
  let stats: SegmentDataStats;
  try {
    await migrate(db);
    stats = await generateSegmentData(db, spec, opts.onProgress);
  } finally {
    await db.close();
  }
  for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
  // Closing the last connection checkpoints the WAL and deletes it; should one remain, it moves along.
  if (fs.existsSync(`${tmp}-wal`)) fs.renameSync(`${tmp}-wal`, `${file}-wal`);
  fs.rmSync(`${tmp}-shm`, { force: true });
  fs.renameSync(tmp, file);
  return result(true, stats);
}

/** A throw-away copy of a cached SQLite data set, for benchmarks that write (segment runs, memberships). */
export function sqliteWorkingCopy(file: string, dir: string): string {
  const copy = path.join(dir, path.basename(file));
  fs.copyFileSync(file, copy);
  return copy;
}

const pgUrlFor = (baseUrl: string, schema: string): string => {
  const u = new URL(baseUrl);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return u.toString();
};

async function admin<T>(baseUrl: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: baseUrl, connectionTimeoutMillis: 3000 });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end().catch(() => undefined);
  }
}

/** `unnest`: load with INSERT … unnest through the Database instead of COPY (slower; for comparison). */
export async function ensurePgData(spec: SegmentDataSpec, baseUrl: string, opts: { force?: boolean; unnest?: boolean; onProgress?: Progress } = {}): Promise<PreparedData> {
  const t0 = performance.now();
  const schema = `bench_seg_${specKey(spec)}`;
  const url = pgUrlFor(baseUrl, schema);
  const size = () => admin(baseUrl, async (c) => Number((await c.query(
    `SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0)::int8 AS b FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = $1 AND c.relkind IN ('r', 'm')`, [schema])).rows[0].b));
  const result = async (generated: boolean, stats: SegmentDataStats): Promise<PreparedData> => ({
    dialect: 'postgres', url, location: schema, generated, stats, seconds: (performance.now() - t0) / 1000, bytes: await size(),
  });
  const exists = await admin(baseUrl, async (c) => (await c.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema])).rowCount === 1);
  if (exists && !opts.force) {
    const db = await openDatabase(url);
    const m = await migrate(db).then(() => check(db, spec)).finally(() => db.close());
    if (m) return result(false, m.stats);
  }
  await admin(baseUrl, async (c) => {
    await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await c.query(`CREATE SCHEMA ${schema}`);
  });
  const db = await openDatabase(url);
  let stats: SegmentDataStats;
  try {
    await migrate(db);
    stats = await generateSegmentData(db, { ...spec, ...(opts.unnest ? {} : { pgCopyUrl: url }) }, opts.onProgress);
  } finally {
    await db.close();
  }
  // The planner needs statistics on tables this size, and a bulk load leaves the visibility map
  // unset, so the planner avoids index-only scans (it chose a 7.5 s parallel seq scan over events
  // for a 30-day count); autovacuum would get there later. Only this schema's tables: a database-wide
  // ANALYZE over the many test schemas ran out of lock slots ("out of shared memory").
  const tables = ['events', 'profiles', 'profile_features', 'identities', 'consents'].map((t) => `${schema}.${t}`).join(', ');
  await admin(baseUrl, (c) => c.query(`VACUUM (ANALYZE) ${tables}`));
  return result(true, stats);
}

/**
 * Puts a cached data set back to how it was generated, as far as segment benchmarks change it:
 * no segments, memberships, sizes or timers, and no events written after generation (e.g. the
 * segment.entered / segment.exited events). Features are not restored: a benchmark that recomputes
 * them (RFM) overwrites them with what it computes.
 */
export async function resetSegmentState(db: Database, stats: SegmentDataStats): Promise<void> {
  await db.transaction(async (sql) => {
    for (const t of ['segment_timers', 'segment_sizes', 'segment_memberships', 'segments']) await sql.run(`DELETE FROM ${t}`);
    await sql.run('DELETE FROM events WHERE id > ?', [stats.maxEventId]);
    await sql.run(`UPDATE profile_features SET rfm_r = NULL, rfm_f = NULL, rfm_m = NULL, rfm_score = NULL, rfm_segment = NULL
      WHERE rfm_r IS NOT NULL`);
  });
}
