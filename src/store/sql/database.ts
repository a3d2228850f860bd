import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { CompiledQuery, Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { Schema } from '../schema.ts';
import type { Dialect, SqlRunner } from './sql-runner.ts';
import { GroupCommit } from './sqlite-group-commit.ts';
import { startCheckpointer, type Checkpointer } from './sqlite-checkpointer.ts';

export type { Dialect, SqlRunner } from './sql-runner.ts';

export interface Database {
  readonly dialect: Dialect;
  readonly kysely: Kysely<Schema>;
  /**
   * One raw transaction, serialised with every other use of the connection: all or nothing, and
   * settled only after its COMMIT. `retries` > 0 declares that `fn` may run more than once: then
   * PostgreSQL retries it on write conflicts, and SQLite may run it in a group that shares one
   * COMMIT (see sqlite-group-commit.ts).
   */
  transaction<T>(fn: (sql: SqlRunner) => Promise<T>, opts?: { retries?: number }): Promise<T>;
  /**
   * A read-only query with `?` placeholders. SQLite: outside any write transaction (a WAL read does
   * not hold up ingest, where `transaction` would take the write lock for the whole scan).
   * PostgreSQL: a transaction of its own, for the runner's placeholders and prepared statements.
   */
  read<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

/** How the database is opened (config: TAILOR_SQLITE_SYNC, TAILOR_PG_POOL). */
export interface DatabaseOptions {
  /** SQLite: `full` fsyncs every commit; `normal` survives a process crash, not an OS crash. */
  sqliteSync?: 'normal' | 'full';
  /** PostgreSQL: connections in the pool. */
  pgPool?: number;
  /**
   * PostgreSQL: told when a connection is lost (a restart, a failover, pg_terminate_backend, an
   * idle timeout); the pool opens a new one on next use. Default: one line on stderr.
   */
  onConnectionLost?: (e: Error) => void;
}

export const isPostgresUrl = (url: string): boolean => /^postgres(ql)?:\/\//i.test(url);

export async function openDatabase(url: string, opts: DatabaseOptions = {}): Promise<Database> {
  return isPostgresUrl(url)
    ? openPostgres(url, opts.pgPool ?? 10, opts.onConnectionLost ?? logConnectionLost)
    : openSqlite(url, opts.sqliteSync ?? 'normal');
}

function openSqlite(file: string, sync: 'normal' | 'full'): Database {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const db = new SQLite(file);
  db.pragma('journal_mode = WAL');
  // NORMAL in WAL mode: a committed transaction survives a crash of the process (kill -9);
  // only an OS crash or power loss can lose the last commits. TAILOR_SQLITE_SYNC=full trades speed for that.
  const synchronous = sync === 'full' ? 'FULL' : 'NORMAL';
  db.pragma(`synchronous = ${synchronous}`);
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  // The page cache stays at SQLite's default (2 MiB): 16 MiB measured 6-24% faster HTTP ingest, but
  // adds its size to every process, and pushes `tailor import` past its 300 MB RSS budget (BENCHMARKS.md).

  // After a checkpoint lets the WAL start over, trim the file back to 64 MiB.
  db.pragma('journal_size_limit = 67108864');
  const kysely = new Kysely<Schema>({ dialect: new SqliteDialect({ database: db }) });
  const cache = new Map<string, SQLite.Statement>();
  const stmt = (s: string) => {
    let st = cache.get(s);
    if (!st) cache.set(s, (st = db.prepare(s)));
    return st;
  };
  const runner: SqlRunner = {
    dialect: 'sqlite',
    all: async <T>(s: string, p: readonly unknown[] = []) => stmt(s).all(sqliteParams(p)) as T[],
    run: async (s, p = []) => stmt(s).run(sqliteParams(p)).changes,
    runEach: async (s, lists) => {
      const st = stmt(s);
      let n = 0;
      for (const p of lists) n += st.run(sqliteParams(p)).changes;
      return n;
    },
  };

  // Checkpoints move to a worker thread once the WAL has grown to where SQLite would run its first
  // auto-checkpoint (1000 pages): a database that is written in earnest. Short-lived handles (CLI
  // commands, tests) never pay for the thread.
  let checkpointer: Checkpointer | undefined;
  let transactions = 0;
  const walFile = file === ':memory:' || file === '' ? undefined : `${path.resolve(file)}-wal`;
  const maybeStartCheckpointer = () => {
    if (checkpointer || !walFile || ++transactions % 16 !== 0) return;
    let size = 0;
    try {
      size = fs.statSync(walFile).size;
    } catch {
      return;
    }
    if (size < 1000 * 4096) return;
    checkpointer = startCheckpointer(path.resolve(file), {
      synchronous,
      // Fall back to SQLite's own auto-checkpoint rather than let the WAL grow.
      onError: () => db.pragma('wal_autocheckpoint = 1000'),
    });
    db.pragma('wal_autocheckpoint = 0');
  };

  const groups = new GroupCommit(db, runner, (fn) => kysely.connection().execute(fn));
  return {
    dialect: 'sqlite',
    kysely,
    transaction: <T>(fn: (sql: SqlRunner) => Promise<T>, opts: { retries?: number } = {}) => {
      maybeStartCheckpointer();
      // A caller that allows retries allows its fn to run again: it may share a commit (see GroupCommit).
      return groups.run(fn, (opts.retries ?? 0) > 0);
    },
    read: async <T>(text: string, params: readonly unknown[] = []) =>
      (await kysely.executeQuery(CompiledQuery.raw(text, params.map(sqliteParam)))).rows as T[],
    close: async () => {
      await groups.drain();
      await checkpointer?.stop();
      await kysely.destroy();
    },
  };
}

/** Parameters as better-sqlite3 binds them (one array, bound by position); copied only when a value needs converting. */
function sqliteParams(p: readonly unknown[]): unknown[] {
  for (let i = 0; i < p.length; i++) {
    const v = p[i];
    if (v === undefined || typeof v === 'boolean' || v instanceof Date) return p.map(sqliteParam);
  }
  return p as unknown[];
}

function sqliteParam(v: unknown): unknown {
  if (v === undefined) return null;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof Date) return v.getTime();
  return v;
}

// Kept for the whole process: pg's int8 (COUNT, bigserial) stays a string unless parsed; ids and
// counts here fit in a double.
pg.types.setTypeParser(20, (v) => Number.parseInt(v, 10));
// json/jsonb come back as text, as on SQLite, so that one decoder (codec.fromJson) serves both:
// otherwise a JSON string value ("bad") is indistinguishable from serialised JSON.
pg.types.setTypeParser(114, (v) => v);
pg.types.setTypeParser(3802, (v) => v);

/**
 * What a store throws inside `transaction` when it finds that a concurrent transaction changed what
 * it already read (e.g. merged away a profile it looked up): the transaction rolls back and, where
 * its caller allows retries, runs again on fresh reads, like a serialization failure.
 */
export class ConcurrentChange extends Error {
  readonly code = 'tailor_concurrent_change';
}

const RETRYABLE = new Set(['40001', '40P01', '23505', 'tailor_concurrent_change']);

/**
 * Whether an error means the connection went away rather than that the statement failed: class 08
 * (connection exception), 57P01-57P03 (terminated by an administrator, crash shutdown, cannot
 * connect now: pg_terminate_backend, a restart), socket errors, and pg's own words for a closed
 * connection (it gives those no code).
 */
export function isConnectionLoss(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === 'string') {
    return code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03'
      || ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN'].includes(code);
  }
  const message = (e as { message?: unknown } | null)?.message;
  return typeof message === 'string' && /^Connection terminated|not queryable|^Client was closed/.test(message);
}

let lastLostLog = 0;
let quietLost = 0;
/** One line per second at most: a dropped database takes every connection of the pool at once. */
function logConnectionLost(e: Error): void {
  const now = Date.now();
  if (now - lastLostLog < 1000) {
    quietLost++;
    return;
  }
  lastLostLog = now;
  const more = quietLost ? ` (and ${quietLost} more since the last such line)` : '';
  quietLost = 0;
  console.warn(`[tailor] PostgreSQL connection lost: ${e.message}${more}; a new one is opened on next use`);
}

function openPostgres(url: string, max: number, onLost: (e: Error) => void): Database {
  // application_name tells this process's sessions apart in pg_stat_activity (a URL that sets one wins).
  const pool = new pg.Pool({ connectionString: url, max, application_name: `tailor-${process.pid}` });
  // A connection that PostgreSQL drops emits 'error' on its client (in use) or on the pool (idle);
  // unheard, either is an uncaught exception that ends the process. The pool discards such a
  // client and connects anew on next use; queries in flight fail and are the caller's to handle.
  pool.on('error', onLost);
  pool.on('connect', (client) => client.on('error', onLost));
  const kysely = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  // Raw statements are prepared once per connection (named statements): the hot paths run a few
  // statement shapes over and over, and PostgreSQL would otherwise parse and plan each one anew.
  const prepared = new Map<string, { name: string; text: string }>();
  const statement = (s: string) => {
    let out = prepared.get(s);
    if (out === undefined) {
      let n = 0;
      out = { name: `tailor_${prepared.size + 1}`, text: s.replace(/\?/g, () => `$${++n}`) };
      prepared.set(s, out);
    }
    return out;
  };
  const query = (client: pg.PoolClient, s: string, p: readonly unknown[]) =>
    client.query({ ...statement(s), values: p.map(pgParam) });
  const transaction: Database['transaction'] = async (fn, opts = {}) => {
      const retries = opts.retries ?? 0;
      let reconnected = false;
      for (let attempt = 0; ; attempt++) {
        try {
          // A pool client of its own, like any Kysely query (Kysely shares this pool).
          const client = await pool.connect();
          let broken: Error | undefined;
          try {
            const runner: SqlRunner = {
              dialect: 'postgres',
              all: async <T>(s: string, p: readonly unknown[] = []) => (await query(client, s, p)).rows as T[],
              run: async (s, p = []) => (await query(client, s, p)).rowCount ?? 0,
              runEach: async (s, lists) => {
                let n = 0;
                for (const p of lists) n += (await query(client, s, p)).rowCount ?? 0;
                return n;
              },
            };
            await client.query('BEGIN');
            try {
              const r = await fn(runner);
              await client.query('COMMIT');
              return r;
            } catch (e) {
              try {
                await client.query('ROLLBACK');
              } catch (e2) {
                broken = e2 as Error;
              }
              throw e;
            }
          } finally {
            client.release(broken);
          }
        } catch (e) {
          // A transaction that may run twice (retries > 0) gets one more run on a fresh connection
          // when its connection was lost: a failover or a terminated session need not fail a long
          // command. Once only: a database that stays away fails it.
          if (retries > 0 && !reconnected && isConnectionLoss(e)) {
            reconnected = true;
            onLost(e as Error);
            await new Promise((r) => setTimeout(r, 100));
            continue;
          }
          const code = (e as { code?: string }).code;
          if (attempt >= retries || !code || !RETRYABLE.has(code)) throw e;
          await new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * (attempt + 1)));
        }
      }
  };
  return {
    dialect: 'postgres',
    kysely,
    transaction,
    // A read may always run again.
    read: (text, params = []) => transaction((tx) => tx.all(text, params), { retries: 1 }),
    close: async () => {
      await kysely.destroy();
    },
  };
}

/**
 * PostgreSQL text and jsonb cannot hold NUL, which client input may carry (raw, or as the JSON
 * escape \u0000 in a serialised document). Strip it rather than fail the request.
 */
const JSON_NUL = /(?<!\\)((?:\\\\)*)\\u0000/g;
export function pgParam(v: unknown): unknown {
  if (typeof v === 'string') {
    const s = v.includes('\0') ? v.replace(/\0/g, '') : v;
    return s.includes('\\u0000') ? s.replace(JSON_NUL, '$1') : s;
  }
  if (Array.isArray(v)) return v.map(pgParam);
  return v;
}
