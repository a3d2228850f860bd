import { CompiledQuery } from 'kysely';
import type { Database } from './database.ts';

/**
 * A read-only query with `?` placeholders. SQLite: outside any write transaction (a WAL read does not
 * hold up ingest, where db.transaction would take the write lock for the whole scan). PostgreSQL: a
 * transaction of its own, for the runner's `?` placeholders and prepared statements.
 */
export async function readRows<T = Record<string, unknown>>(db: Database, text: string, params: readonly unknown[] = []): Promise<T[]> {
  if (db.dialect === 'postgres') return db.transaction((tx) => tx.all<T>(text, params));
  return (await db.kysely.executeQuery(CompiledQuery.raw(text, params.map(sqliteValue)))).rows as T[];
}

/** better-sqlite3 binds neither booleans nor Dates (the raw runner converts them; Kysely's path does not). */
const sqliteValue = (v: unknown): unknown => (typeof v === 'boolean' ? (v ? 1 : 0) : v instanceof Date ? v.getTime() : v ?? null);
