/**
 * Writes the segment benchmark data set straight into a migrated, empty Tailor database: profiles,
 * identities (user_id + email), consents, events and one profile_features row per profile, computed
 * from the very events written. No HTTP, no ingest pipeline (10M events through ingest would take
 * hours on this machine, see BENCHMARKS.md), but every row is what ingest and the feature job write.
 *
 * Profiles are generated one at a time (segment-model.ts) and written in chunks of `chunkProfiles`,
 * one transaction each: prepared statements on SQLite, one INSERT … SELECT FROM unnest(…) statement
 * per chunk on PostgreSQL (bulk-write.ts), with the next chunk generated while PostgreSQL writes the
 * previous one. Memory stays at one or two chunks whatever the size.
 */
import pgDriver from 'pg';
import type pg from 'pg';
import { ORDER_EVENT, type FeatureRow } from '../../src/core/features/catalog.ts';
import { writeRows, writeTables, type Column, type TableWrite } from '../../src/store/sql/bulk-write.ts';
import { toJson } from '../../src/store/sql/codec.ts';
import type { Database, SqlRunner } from '../../src/store/sql/database.ts';
import { copyIn } from './segment-pg-copy.ts';
import { ADD_EVENT, CONSENT_PURPOSE, SOURCE, eventBudgets, generateProfile, type GenProfile } from './segment-model.ts';

/** Bump when the model changes: cached data sets carry it in their name and marker. */
// 2: feature rows come from core featuresFromEvents (version 1 had its own copy, which rounded revenue to cents).
export const GENERATOR_VERSION = 2;
export const MARKER_KEY = 'bench.segment_data';

export interface SegmentDataOptions {
  profiles: number;
  events: number;
  seed: number;
  /** The instant the data ends at (epoch ms): history covers the 365 days before it; features are as of it. */
  now: number;
  /** Profiles per transaction (default 2000, ~20k events). */
  chunkProfiles?: number;
  /**
   * PostgreSQL only: the same database's URL, for a connection of its own that loads with COPY
   * (segment-pg-copy.ts), about 3× faster than the unnest INSERTs used without it.
   */
  pgCopyUrl?: string;
}

export interface SegmentDataProgress { profiles: number; events: number; elapsedMs: number }

/** What was written, and the shape of the data (for checking segment results against). */
export interface SegmentDataStats {
  profiles: number;
  events: number;
  identities: number;
  consents: number;
  elapsedMs: number;
  /** How the rows were written. */
  load: 'prepared INSERTs' | 'COPY' | 'INSERT … unnest';
  /** Time spent generating rows in JS (the rest is the database, or waiting on it). */
  generateMs: number;
  eventsByName: Record<string, number>;
  /** Events per profile: distribution over profiles. */
  perProfile: { zero: number; p50: number; p90: number; p99: number; max: number };
  profilesWithOrders: number;
  orders: number;
  /** Profiles in "Product Added within 24h not followed by Order Completed within 24h" at `now` (SEMANTICS.md). */
  cartAbandoners: number;
  /** The same, with traits.region = 'EU'. */
  cartAbandonersEu: number;
  /** Profiles with traits.region = 'EU'. */
  euProfiles: number;
  /** The largest events.id after generation: later rows (written by benchmarks) have larger ids. */
  maxEventId: number;
}

const c = (name: string, pgType: string): Column => ({ name, pgType });
const PROFILE_COLS = [c('id', 'text'), c('traits', 'jsonb'), c('trait_stamps', 'jsonb'), c('first_seen_at', 'timestamptz'),
  c('last_seen_at', 'timestamptz'), c('created_at', 'timestamptz'), c('updated_at', 'timestamptz')];
const IDENTITY_COLS = [c('kind', 'text'), c('lookup', 'text'), c('value', 'text'), c('profile_id', 'text'), c('created_at', 'timestamptz')];
const CONSENT_COLS = [c('profile_id', 'text'), c('purpose', 'text'), c('granted', 'int4'), c('updated_at', 'int8'), c('source', 'text')];
const EVENT_COLS = [c('message_id', 'text'), c('profile_id', 'text'), c('type', 'text'), c('name', 'text'), c('user_id', 'text'),
  c('timestamp', 'timestamptz'), c('received_at', 'timestamptz'), c('sent_at', 'timestamptz'), c('properties', 'jsonb'),
  c('context', 'jsonb'), c('source', 'text')];
const FEATURE_COLS = [c('profile_id', 'text'), c('first_event_at', 'int8'), c('last_event_at', 'int8'), c('frequency', 'int4'),
  c('monetary', 'float8'), c('first_order_at', 'int8'), c('last_order_at', 'int8'), c('orders_90d', 'int4'), c('revenue_90d', 'float8'),
  c('opens_30d', 'int4'), c('clicks_30d', 'int4'), c('last_open_at', 'int8'), c('last_click_at', 'int8'), c('top_category', 'text'),
  c('category_counts', 'jsonb'), c('hour_histogram', 'jsonb'), c('windows_as_of', 'int8'), c('windows_expire_at', 'int8'),
  c('updated_at', 'int8')];

const DAY = 86_400_000;
const SQLITE_CACHE_KIB = Number(process.env.BENCH_SQLITE_CACHE_KIB ?? 262_144);

interface Chunk { writes: TableWrite[]; profiles: number; events: number }

export async function generateSegmentData(
  db: Database,
  opts: SegmentDataOptions,
  onProgress?: (p: SegmentDataProgress) => void,
): Promise<SegmentDataStats> {
  const started = performance.now();
  const { profiles, events, seed, now } = opts;
  const chunkProfiles = opts.chunkProfiles ?? 2000;
  const pg = db.dialect === 'postgres';
  // PostgreSQL parses ISO text into timestamptz faster than pg serialises Date objects; SQLite stores epoch ms.
  const ts = pg ? (ms: number) => new Date(ms).toISOString() : (ms: number) => ms;

  const existing = await db.transaction((sql) => sql.all('SELECT 1 AS x FROM profiles LIMIT 1'));
  if (existing.length) throw new Error('generateSegmentData needs an empty database (profiles has rows)');

  let genMs = performance.now();
  const budgets = eventBudgets(profiles, events, seed);
  genMs = performance.now() - genMs;

  const stats: SegmentDataStats = {
    profiles: 0, events: 0, identities: 0, consents: 0, elapsedMs: 0, generateMs: 0,
    load: !pg ? 'prepared INSERTs' : opts.pgCopyUrl ? 'COPY' : 'INSERT … unnest', eventsByName: {},
    perProfile: percentiles(budgets), profilesWithOrders: 0, orders: 0, cartAbandoners: 0, cartAbandonersEu: 0,
    euProfiles: 0, maxEventId: 0,
  };

  const buildChunk = (from: number, to: number): Chunk => {
    const t0 = performance.now();
    const pRows: unknown[][] = [];
    const iRows: unknown[][] = [];
    const cRows: unknown[][] = [];
    const eRows: unknown[][] = [];
    const fRows: unknown[][] = [];
    let n = 0;
    for (let i = from; i < to; i++) {
      const p = generateProfile(i, budgets[i]!, { seed, now });
      observe(stats, p, now);
      const firstSeen = p.events.length ? Math.min(p.signupAt, p.events[0]!.timestamp) : p.signupAt;
      const lastSeen = p.events.length ? p.events[p.events.length - 1]!.timestamp : p.signupAt;
      // Traits as an identify at sign-up would have stamped them.
      const stamp: [number, string] = [p.signupAt, `bench-${seed}-${String(i).padStart(7, '0')}-identify`];
      const stamps: Record<string, [number, string]> = {};
      for (const k of Object.keys(p.traits)) stamps[k] = stamp;
      pRows.push([p.id, toJson(p.traits), toJson(stamps), ts(firstSeen), ts(lastSeen), ts(firstSeen), ts(now)]);
      iRows.push(['user_id', p.userId, p.userId, p.id, ts(firstSeen)], ['email', p.email, p.email, p.id, ts(firstSeen)]);
      cRows.push([p.id, CONSENT_PURPOSE, p.consent ? 1 : 0, p.signupAt, SOURCE]);
      for (const e of p.events) {
        // sent_at: the client's clock when it flushed; a touch before receipt.
        eRows.push([e.messageId, p.id, e.type, e.name, p.userId, ts(e.timestamp), ts(e.receivedAt), ts(e.receivedAt - 20),
          JSON.stringify(e.properties), p.context, SOURCE]);
      }
      n += p.events.length;
      fRows.push(featureRow(p.features, now));
    }
    genMs += performance.now() - t0;
    return {
      profiles: to - from,
      events: n,
      writes: [
        { table: 'profiles', columns: PROFILE_COLS, rows: pRows },
        { table: 'identities', columns: IDENTITY_COLS, rows: iRows },
        { table: 'consents', columns: CONSENT_COLS, rows: cRows },
        { table: 'events', columns: EVENT_COLS, rows: eRows },
        { table: 'profile_features', columns: FEATURE_COLS, rows: fRows },
      ],
    };
  };

  // SQLite: a page cache that holds the hot part of the indexes (events_name_time_profile takes inserts all
  // over itself) for the generation only; the connection's own setting comes back at the end.
  let cacheSize: number | undefined;
  if (!pg && SQLITE_CACHE_KIB > 0) {
    cacheSize = await db.transaction(async (sql) => {
      const [r] = await sql.all<{ cache_size: number }>('PRAGMA cache_size');
      await sql.run(`PRAGMA cache_size = -${SQLITE_CACHE_KIB}`);
      return r?.cache_size;
    });
  }
  let copyClient: pg.Client | undefined;
  if (pg && opts.pgCopyUrl) {
    copyClient = new pgDriver.Client({ connectionString: opts.pgCopyUrl });
    await copyClient.connect();
    // A crash loses the last chunks, not consistency; the data set is only marked complete at the end.
    await copyClient.query('SET synchronous_commit = off');
  }
  const write = async (chunk: Chunk) => {
    const client = copyClient;
    if (client) {
      await client.query('BEGIN');
      for (const w of chunk.writes) await copyIn(client, w.table, w.columns.map((col) => col.name), w.rows);
      await client.query('COMMIT');
      return;
    }
    await db.transaction(async (sql: SqlRunner) => {
      if (pg) await writeTables(sql, chunk.writes);
      else for (const w of chunk.writes) await writeRows(sql, w.table, w.columns, w.rows);
    });
  };

  const done = (chunk: Chunk) => {
    stats.profiles += chunk.profiles;
    stats.events += chunk.events;
    stats.identities += chunk.profiles * 2;
    stats.consents += chunk.profiles;
    onProgress?.({ profiles: stats.profiles, events: stats.events, elapsedMs: performance.now() - started });
  };

  let inFlight: Promise<void> | undefined;
  try {
    for (let from = 0; from < profiles; from += chunkProfiles) {
      const chunk = buildChunk(from, Math.min(profiles, from + chunkProfiles));
      if (!pg) {
        await write(chunk);
        done(chunk);
        continue;
      }
      // One chunk in flight while the next is generated: PostgreSQL works on the other core.
      await inFlight;
      inFlight = write(chunk).then(() => done(chunk));
    }
    await inFlight;
  } finally {
    // A failed chunk may still be in flight: let it settle before the connection goes.
    await inFlight?.catch(() => undefined);
    await copyClient?.end();
    if (cacheSize !== undefined) await db.transaction((sql) => sql.run(`PRAGMA cache_size = ${cacheSize}`));
  }
  if (stats.events !== events) throw new Error(`generated ${stats.events} events, expected ${events}`);

  const max = await db.transaction((sql) => sql.all<{ m: number | null }>('SELECT MAX(id) AS m FROM events'));
  stats.maxEventId = Number(max[0]?.m ?? 0);
  stats.generateMs = genMs;
  stats.elapsedMs = performance.now() - started;
  const marker = { version: GENERATOR_VERSION, profiles, events, seed, now, stats };
  await db.transaction((sql) => sql.run('INSERT INTO settings (key, value) VALUES (?, ?)', [MARKER_KEY, JSON.stringify(marker)]));
  stats.elapsedMs = performance.now() - started;
  return stats;
}

function featureRow(f: FeatureRow, now: number): unknown[] {
  return [f.profileId, f.firstEventAt, f.lastEventAt, f.frequency, f.monetary, f.firstOrderAt, f.lastOrderAt, f.orders90d,
    f.revenue90d, f.opens30d, f.clicks30d, f.lastOpenAt, f.lastClickAt, f.topCategory, JSON.stringify(f.categoryCounts),
    JSON.stringify(f.hourHistogram), f.windowsAsOf, f.windowsExpireAt, now];
}

function observe(stats: SegmentDataStats, p: GenProfile, now: number): void {
  let recentAdd = false;
  for (const e of p.events) {
    stats.eventsByName[e.name] = (stats.eventsByName[e.name] ?? 0) + 1;
    if (e.name === ADD_EVENT && e.timestamp > now - DAY) recentAdd = true;
  }
  const orders = p.features.frequency;
  stats.orders += orders;
  if (orders > 0) stats.profilesWithOrders++;
  const eu = p.traits.region === 'EU';
  if (eu) stats.euProfiles++;
  if (recentAdd && isAbandoner(p, now)) {
    stats.cartAbandoners++;
    if (eu) stats.cartAbandonersEu++;
  }
}

/** SEMANTICS.md, literally: some add a in (now-24h, now] with no order b, a.t < b.t <= min(a.t + 24h, now). */
function isAbandoner(p: GenProfile, now: number): boolean {
  return p.events.some((a) => a.name === ADD_EVENT && a.timestamp > now - DAY && a.timestamp <= now
    && !p.events.some((b) => b.name === ORDER_EVENT && b.timestamp > a.timestamp && b.timestamp <= Math.min(a.timestamp + DAY, now)));
}

function percentiles(budgets: Uint32Array): SegmentDataStats['perProfile'] {
  const sorted = Uint32Array.from(budgets).sort();
  const at = (q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : 0);
  let zero = 0;
  for (const b of budgets) if (b === 0) zero++;
  return { zero, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: sorted.length ? sorted[sorted.length - 1]! : 0 };
}
