import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from './database.ts';

const open: Database[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const db of open.splice(0)) await db.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

async function fresh(): Promise<{ db: Database; file: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-gc-'));
  dirs.push(dir);
  const file = path.join(dir, 'db.sqlite');
  const db = await openDatabase(file);
  open.push(db);
  await sql`CREATE TABLE t (k TEXT PRIMARY KEY, v TEXT)`.execute(db.kysely);
  return { db, file };
}

const count = async (db: Database) => Number((await sql<{ n: number }>`SELECT count(*) AS n FROM t`.execute(db.kysely)).rows[0]!.n);

describe('SQLite group commit', () => {
  it('commits concurrent retryable transactions together, each settling after the COMMIT', async () => {
    const { db, file } = await fresh();
    const outside = new SQLite(file, { readonly: true });
    const committed = () => (outside.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n;
    try {
      const seenAtSettle: number[] = [];
      const writes = Array.from({ length: 10 }, (_, i) => db.transaction(async (s) => {
        await s.run('INSERT INTO t (k, v) VALUES (?, ?)', [`k${i}`, 'v']);
        return i;
      }, { retries: 1 }).then((v) => {
        seenAtSettle.push(committed());
        return v;
      }));
      expect(await Promise.all(writes)).toEqual([...Array(10).keys()]);
      // one shared commit: every caller already saw all ten rows committed (by another connection)
      expect(seenAtSettle).toEqual(Array(10).fill(10));
    } finally {
      outside.close();
    }
  });

  it('keeps a failure to its own call: the others in the group still commit', async () => {
    const { db } = await fresh();
    let runs = 0;
    const results = await Promise.allSettled(Array.from({ length: 5 }, (_, i) => db.transaction(async (s) => {
      runs++;
      await s.run('INSERT INTO t (k, v) VALUES (?, ?)', [`k${i}`, 'v']);
      if (i === 2) throw new Error('boom');
    }, { retries: 1 })));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect(await count(db)).toBe(4);
    expect(runs).toBeGreaterThan(5); // the group was rolled back and its calls ran again one by one
  });

  it('runs a call that does not allow retries alone, exactly once', async () => {
    const { db } = await fresh();
    let runs = 0;
    const once = db.transaction(async (s) => {
      runs++;
      await s.run('INSERT INTO t (k, v) VALUES (?, ?)', ['only', 'v']);
    });
    const failing = db.transaction(async () => {
      throw new Error('boom');
    }, { retries: 1 });
    await once;
    await expect(failing).rejects.toThrow('boom');
    expect(runs).toBe(1);
    expect(await count(db)).toBe(1);
  });

  it('moves checkpoints to a worker once the WAL is large, and loses nothing', async () => {
    const { db, file } = await fresh();
    const big = 'x'.repeat(200_000);
    const write = (from: number, n: number) => Promise.all(Array.from({ length: n }, (_, i) => db.transaction(async (s) => {
      await s.run('INSERT INTO t (k, v) VALUES (?, ?)', [`k${from + i}`, big]);
    }, { retries: 1 })));
    for (let i = 0; i < 64; i += 8) await write(i, 8);
    const auto = async () => (await sql<{ wal_autocheckpoint: number }>`PRAGMA wal_autocheckpoint`.execute(db.kysely)).rows[0]!.wal_autocheckpoint;
    expect(await auto()).toBe(0);
    const before = fs.statSync(file).size;
    for (let i = 64; i < 128; i += 8) await write(i, 8);
    // The worker copies the new pages into the database file without any help from this thread.
    const deadline = Date.now() + 10_000;
    while (fs.statSync(file).size < before + 8 * 200_000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(fs.statSync(file).size).toBeGreaterThanOrEqual(before + 8 * 200_000);
    expect(await count(db)).toBe(128);
  });
});
