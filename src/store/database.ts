import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { CompiledQuery, Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { Schema } from './schema.ts';

export type Dialect = 'sqlite' | 'postgres';

/**
 * Raw SQL with `?` placeholders, for the hot paths (ingest, import) that live outside the query
 * builder: on SQLite statements are prepared once and cached, which Kysely's driver does not do.
 */
export interface SqlRunner {
  readonly dialect: Dialect;
  all<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  run(sql: string, params?: readonly unknown[]): Promise<number>;
}

export interface Database {
  readonly dialect: Dialect;
  readonly kysely: Kysely<Schema>;
  /** One raw transaction, serialised with every other use of the connection. Retries on PostgreSQL write conflicts when `retries` > 0. */
  transaction<T>(fn: (sql: SqlRunner) => Promise<T>, opts?: { retries?: number }): Promise<T>;
  close(): Promise<void>;
}

export const isPostgresUrl = (url: string): boolean => /^postgres(ql)?:\/\//i.test(url);

export async function openDatabase(url: string): Promise<Database> {
  return isPostgresUrl(url) ? openPostgres(url) : openSqlite(url);
}

function openSqlite(file: string): Database {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const db = new SQLite(file);
  db.pragma('journal_mode = WAL');
  // NORMAL in WAL mode: a committed transaction survives a crash of the process (kill -9);
  // only an OS crash or power loss can lose the last commits. TAILOR_SQLITE_SYNC=full trades speed for that.
  db.pragma(`synchronous = ${process.env.TAILOR_SQLITE_SYNC === 'full' ? 'FULL' : 'NORMAL'}`);
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  const kysely = new Kysely<Schema>({ dialect: new SqliteDialect({ database: db }) });
  const cache = new Map<string, SQLite.Statement>();
  const stmt = (s: string) => {
    let st = cache.get(s);
    if (!st) cache.set(s, (st = db.prepare(s)));
    return st;
  };
  const runner: SqlRunner = {
    dialect: 'sqlite',
    all: async <T>(s: string, p: readonly unknown[] = []) => stmt(s).all(...p.map(sqliteParam)) as T[],
    run: async (s, p = []) => stmt(s).run(...p.map(sqliteParam)).changes,
  };
  return {
    dialect: 'sqlite',
    kysely,
    transaction: (fn) =>
      // Holding Kysely's connection serialises this transaction with every Kysely query on the handle.
      kysely.connection().execute(async () => {
        db.exec('BEGIN IMMEDIATE');
        try {
          const r = await fn(runner);
          db.exec('COMMIT');
          return r;
        } catch (e) {
          if (db.inTransaction) db.exec('ROLLBACK');
          throw e;
        }
      }),
    close: async () => {
      await kysely.destroy();
    },
  };
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

const RETRYABLE = new Set(['40001', '40P01', '23505']);

function openPostgres(url: string): Database {
  const pool = new pg.Pool({ connectionString: url, max: Number(process.env.TAILOR_PG_POOL ?? 10) });
  const kysely = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  const placeholders = new Map<string, string>();
  const toPg = (s: string) => {
    let out = placeholders.get(s);
    if (out === undefined) {
      let n = 0;
      out = s.replace(/\?/g, () => `$${++n}`);
      placeholders.set(s, out);
    }
    return out;
  };
  return {
    dialect: 'postgres',
    kysely,
    transaction: async (fn, opts = {}) => {
      for (let attempt = 0; ; attempt++) {
        try {
          return await kysely.connection().execute(async (conn) => {
            const runner: SqlRunner = {
              dialect: 'postgres',
              all: async <T>(s: string, p: readonly unknown[] = []) =>
                (await conn.executeQuery<T>(CompiledQuery.raw(toPg(s), p.map(pgParam)))).rows as T[],
              run: async (s, p = []) =>
                Number((await conn.executeQuery(CompiledQuery.raw(toPg(s), p.map(pgParam)))).numAffectedRows ?? 0),
            };
            await conn.executeQuery(CompiledQuery.raw('BEGIN'));
            try {
              const r = await fn(runner);
              await conn.executeQuery(CompiledQuery.raw('COMMIT'));
              return r;
            } catch (e) {
              await conn.executeQuery(CompiledQuery.raw('ROLLBACK'));
              throw e;
            }
          });
        } catch (e) {
          const code = (e as { code?: string }).code;
          if (attempt >= (opts.retries ?? 0) || !code || !RETRYABLE.has(code)) throw e;
          await new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * (attempt + 1)));
        }
      }
    },
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
