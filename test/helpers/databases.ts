import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

export const PG_URL = process.env.TAILOR_TEST_PG_URL;
export const REDIS_URL = process.env.TAILOR_TEST_REDIS_URL;

if (!PG_URL) console.warn('[tailor tests] TAILOR_TEST_PG_URL is not set: PostgreSQL suites are skipped.');

export function tempDir(prefix = 'tailor-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function tempSqlite(): string {
  return path.join(tempDir(), 'tailor.db');
}

/** The schemas this test file made: drop-file-schemas.ts drops them when the file is done. */
export const createdSchemas: string[] = [];

/** A fresh schema in the test PostgreSQL database, selected through search_path in the URL. */
export async function freshPgUrl(): Promise<string> {
  if (!PG_URL) throw new Error('TAILOR_TEST_PG_URL is not set');
  const schema = `t_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA ${schema}`);
    createdSchemas.push(schema);
  } finally {
    await client.end();
  }
  const u = new URL(PG_URL);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return u.toString();
}

/** The dialects a suite runs on: SQLite always, PostgreSQL when TAILOR_TEST_PG_URL is set. */
export const dialects: { name: 'sqlite' | 'postgres'; url: () => Promise<string> }[] = [
  { name: 'sqlite', url: async () => tempSqlite() },
  ...(PG_URL ? [{ name: 'postgres' as const, url: freshPgUrl }] : []),
];
