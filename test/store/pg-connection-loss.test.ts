import pg from 'pg';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { isConnectionLoss, openDatabase, type Database } from '../../src/store/sql/database.ts';
import { freshPgUrl, PG_URL } from '../helpers/databases.ts';

// PostgreSQL only: SQLite has no connection to lose. Sessions are found by an application_name of
// this test's own (a URL that sets one wins over Tailor's tailor-<pid>), so that terminating them
// never touches the suites running beside it.
async function terminate(appName: string): Promise<number> {
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  try {
    const r = await admin.query('SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()', [appName]);
    return r.rowCount ?? 0;
  } finally {
    await admin.end();
  }
}

describe.skipIf(!PG_URL)('PostgreSQL connections lost', () => {
  let db: Database | undefined;
  afterEach(async () => db?.close());

  const open = async () => {
    const name = `tailor-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
    const u = new URL(await freshPgUrl());
    u.searchParams.set('application_name', name);
    const lost: Error[] = [];
    db = await openDatabase(u.toString(), { onConnectionLost: (e) => lost.push(e) });
    return { db, name, lost };
  };

  it('idle connections terminated from outside: no crash, the pool reconnects', async () => {
    const { db, name, lost } = await open();
    // Fill the pool with a few idle connections.
    await Promise.all(Array.from({ length: 4 }, () => db.transaction((tx) => tx.all('SELECT pg_sleep(0.05)'))));
    expect(await terminate(name)).toBeGreaterThanOrEqual(1);
    await new Promise((r) => setTimeout(r, 200));
    expect(lost.length).toBeGreaterThanOrEqual(1);
    expect(await db.read('SELECT 1 AS one')).toEqual([{ one: 1 }]);
    expect((await sql<{ one: number }>`SELECT 1 AS one`.execute(db.kysely)).rows).toEqual([{ one: 1 }]);
  });

  it('a transaction that may run twice is run again on a fresh connection, once', async () => {
    const { db, lost } = await open();
    let runs = 0;
    const r = await db.transaction(async (tx) => {
      if (++runs === 1) await tx.all('SELECT pg_terminate_backend(pg_backend_pid())');
      return (await tx.all<{ one: number }>('SELECT 1 AS one'))[0]!.one;
    }, { retries: 1 });
    expect(r).toBe(1);
    expect(runs).toBe(2);
    expect(lost.length).toBeGreaterThanOrEqual(1);

    // Lost on every run: the second loss fails it.
    runs = 0;
    const always = db.transaction(async (tx) => {
      runs++;
      await tx.all('SELECT pg_terminate_backend(pg_backend_pid())');
    }, { retries: 5 });
    await expect(always).rejects.toSatisfy(isConnectionLoss);
    expect(runs).toBe(2);
  });

  it('a transaction that may not run twice fails with the connection error', async () => {
    const { db } = await open();
    let runs = 0;
    await expect(db.transaction(async (tx) => {
      runs++;
      await tx.all('SELECT pg_terminate_backend(pg_backend_pid())');
    })).rejects.toSatisfy(isConnectionLoss);
    expect(runs).toBe(1);
    expect(await db.read('SELECT 1 AS one')).toEqual([{ one: 1 }]);
  });
});
