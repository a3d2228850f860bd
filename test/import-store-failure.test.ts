import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importFile } from '../src/io/import-file.ts';
import { dialects, tempDir } from './helpers/databases.ts';
import { openTailor, type TestTailor } from './helpers/tailor.ts';

const ROWS = 20_000;
const POISON = 15_500; // 1-based row of the event the database refuses: mid-chunk with --chunk-size 1000

/**
 * An import that a real store failure stops, not a stubbed `ingest` that throws a made-up error: a
 * trigger in the database refuses one event's insert, so the ingest transaction of the chunk that
 * holds it fails inside the database. Guards that the run is recorded as failed with the counts of
 * what was committed, that the chunks before it stay committed, and that nothing of the failing
 * chunk is (rows before the refused one in the same chunk included).
 */
describe.each(dialects)('import stopped by a real store failure on $name', ({ name, url }) => {
  let t: TestTailor;
  let dir: string;
  beforeEach(async () => {
    t = await openTailor(await url());
    dir = tempDir('tailor-import-fail-');
  });
  afterEach(async () => t?.close());

  it('records the run as failed and commits nothing of the failing chunk', async () => {
    if (name === 'sqlite') {
      await sql.raw(`CREATE TRIGGER refuse_boom BEFORE INSERT ON events WHEN NEW.name = 'Boom'
        BEGIN SELECT RAISE(ABORT, 'refused by trigger refuse_boom'); END`).execute(t.db.kysely);
    } else {
      await sql.raw(`CREATE FUNCTION refuse_boom() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN IF NEW.name = 'Boom' THEN RAISE EXCEPTION 'refused by trigger refuse_boom'; END IF; RETURN NEW; END $$`).execute(t.db.kysely);
      await sql.raw('CREATE TRIGGER refuse_boom BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION refuse_boom()').execute(t.db.kysely);
    }
    const lines = ['userId,event'];
    for (let i = 1; i <= ROWS; i++) lines.push(`u${i},${i === POISON ? 'Boom' : 'Row'}`);
    const file = path.join(dir, 'events.csv');
    fs.writeFileSync(file, `${lines.join('\n')}\n`);

    await expect(importFile(t, { kind: 'events', file, chunkSize: 1000, rejects: path.join(dir, 'rejects.jsonl') }))
      .rejects.toThrow(/refused by trigger refuse_boom/);

    const runs = await t.db.kysely.selectFrom('import_runs').select(['status', 'finished_at', 'inserted', 'rows_read', 'rejected']).execute();
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: 'failed', finished_at: expect.anything() });

    // What was committed is a prefix of the file, u1..uK, ending before the failing chunk.
    const stored = (await t.db.kysely.selectFrom('events').select('user_id').execute()).map((r) => Number(r.user_id!.slice(1))).sort((a, b) => a - b);
    const k = stored.length;
    expect(k).toBeGreaterThan(0); // earlier chunks were committed…
    expect(stored).toEqual(Array.from({ length: k }, (_, i) => i + 1));
    // …and the failing chunk held rows before the refused one, none of which was committed.
    expect(k).toBeLessThan(POISON - 1);
    expect(k).toBe(15_000); // chunks of exactly 1,000: the failing one is rows 15,001–16,000
    expect(Number(runs[0]!.inserted)).toBe(k);
    expect(Number(runs[0]!.rejected)).toBe(0);
    // No profile exists for a row that was not committed.
    expect((await t.profiles.resolve({ userId: `u${POISON - 1}` }))).toBeNull();
    expect((await t.profiles.resolve({ userId: `u${k}` }))).not.toBeNull();
  }, 120_000);
});
