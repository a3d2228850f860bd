import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { importFile } from '../src/io/import-file.ts';
import { dialects, tempDir } from './helpers/databases.ts';
import { createTestTailor, type TestTailor } from './helpers/tailor.ts';

// `--chunk-size` is the number of messages per transaction. The reader hands over rows a read
// buffer at a time (thousands of rows), and the chunk used to be flushed only between those
// batches: the first transaction of a 20,000-row file held 8,811 rows at any setting.
const ROWS = 20_000;

describe.each(dialects)('import chunk size on $name', ({ url }) => {
  let t: TestTailor;
  beforeEach(async () => {
    t = await createTestTailor(loadConfig({}, { db: await url() }));
  });
  afterEach(async () => t.close());

  it.each([1000, 3000])('writes at most --chunk-size %i messages per transaction', async (chunkSize) => {
    const file = path.join(tempDir('tailor-chunks-'), 'profiles.csv');
    fs.writeFileSync(file, `userId,email\n${Array.from({ length: ROWS }, (_, n) => `c-${n},c.${n}@example.com`).join('\n')}\n`);
    const sizes: number[] = [];
    const spy = { ...t, ingest: async (m: Parameters<TestTailor['ingest']>[0]) => (sizes.push(m.length), t.ingest(m)) };
    const s = await importFile(spy, { kind: 'profiles', file, chunkSize, rejects: path.join(path.dirname(file), 'rejects.jsonl') });
    expect(s).toMatchObject({ status: 'completed', rowsRead: ROWS, inserted: ROWS, rejected: 0 });
    expect(Math.max(...sizes)).toBe(chunkSize);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(ROWS);
    expect(sizes.length).toBe(Math.ceil(ROWS / chunkSize));
  }, 120_000);
});
