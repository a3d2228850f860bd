import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { toInt } from '../src/store/sql/codec.ts';
import { dialects, tempDir } from './helpers/databases.ts';
import { tailorCli } from './helpers/cli.ts';
import { createTestTailor } from './helpers/tailor.ts';

// A plain profiles CSV of 100,000 rows (two identities a row) with default settings: on PostgreSQL
// with its default max_locks_per_transaction (64), an ingest transaction that took a lock per
// identity ran the shared lock table out ("out of shared memory") and the import stored nothing.
const ROWS = 100_000;

function writeProfilesCsv(file: string): void {
  const out = fs.openSync(file, 'w');
  try {
    fs.writeSync(out, 'userId,email,plan,city\n');
    for (let i = 0; i < ROWS; i += 10_000) {
      let s = '';
      for (let n = i; n < Math.min(i + 10_000, ROWS); n++) s += `big-${n},big.${n}@example.com,${n % 3 ? 'free' : 'pro'},City ${n % 97}\n`;
      fs.writeSync(out, s);
    }
  } finally {
    fs.closeSync(out);
  }
}

describe.each(dialects)('a 100,000-profile import on $name', ({ url }) => {
  it('stores every row with the default chunk size and database settings', async () => {
    const db = await url();
    const file = path.join(tempDir('tailor-import-large-'), 'profiles.csv');
    writeProfilesCsv(file);
    const began = performance.now();
    const { stdout } = await tailorCli(['--db', db, 'import', 'profiles', file, '--json']);
    const seconds = (performance.now() - began) / 1000;
    const summary = JSON.parse(stdout) as { status: string; rowsRead: number; inserted: number; rejected: number };
    expect(summary).toMatchObject({ status: 'completed', rowsRead: ROWS, inserted: ROWS, rejected: 0 });
    console.info(`[import-large] ${ROWS} profiles in ${seconds.toFixed(1)} s`);

    const t = await createTestTailor(loadConfig({}, { db }));
    try {
      expect((await t.status.counts()).profiles).toBe(ROWS);
      const rows = await t.db.read<{ n: unknown }>("SELECT count(*) AS n FROM identities WHERE kind = 'email'");
      expect(toInt(rows[0]!.n)).toBe(ROWS);
    } finally {
      await t.close();
    }
  }, 900_000);
});
