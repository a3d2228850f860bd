import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { ImportFailedError, importFile, type ImportOptions, type ImportSummary } from '../src/io/import-file.ts';
import { fromJson, toInt } from '../src/store/sql/codec.ts';
import { tailorCli } from './helpers/cli.ts';
import { dialects, tempDir, tempSqlite } from './helpers/databases.ts';
import { createTestTailor, type TestTailor } from './helpers/tailor.ts';

/** Bytes that are no text in any encoding, the same every run: a fixed-seed generator, NULs included. */
function binary(n: number, seed = 7): Buffer {
  const b = Buffer.alloc(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    b[i] = s >>> 23;
  }
  return b;
}

/** What importFile threw, which must be an ImportFailedError. */
async function failure(p: Promise<ImportSummary>): Promise<ImportFailedError> {
  const e = await p.then(() => undefined, (x: unknown) => x);
  expect(e).toBeInstanceOf(ImportFailedError);
  return e as ImportFailedError;
}

type Reject = { row: number; reason: string; raw: string };

/**
 * Files that are not what their name says, or not quite: binary data, an unclosed quote, Latin-1
 * text, mixed line endings. Each either imports every row it has, rejects the bad ones by line, or
 * fails as a whole, never "completed" with nothing usable in it.
 */
describe.each(dialects)('import of awkward files on $name', ({ url }) => {
  let t: TestTailor;
  let dir: string;

  beforeEach(async () => {
    t = await createTestTailor(loadConfig({}, { db: await url() }));
    dir = tempDir('tailor-import-errors-');
  });
  afterEach(async () => {
    await t.close();
  });

  const write = (name: string, content: string | Buffer) => {
    const f = path.join(dir, name);
    fs.writeFileSync(f, typeof content === 'string' ? Buffer.from(content, 'latin1') : content);
    return f;
  };
  const run = (o: Omit<ImportOptions, 'rejects'>) => importFile(t, { rejects: path.join(dir, `${path.basename(o.file)}.rejects.jsonl`), ...o });
  const rejectsOf = (s: { rejectsFile: string | null }): Reject[] =>
    fs.readFileSync(s.rejectsFile!, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Reject);
  const runRow = async (id: string) => t.db.kysely.selectFrom('import_runs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const storedRejects = async (id: string) =>
    (await t.db.kysely.selectFrom('import_rejects').selectAll().where('run_id', '=', id).orderBy('row_number').execute()).map((r) => ({ row: toInt(r.row_number), reason: r.reason }));
  const userIds = async () => (await t.db.kysely.selectFrom('events').select('user_id').orderBy('id').execute()).map((e) => e.user_id);
  const traits = async () => (await t.db.kysely.selectFrom('profiles').select('traits').execute()).map((r) => fromJson<Record<string, unknown>>(r.traits));

  it('a binary file read as CSV with a good header: every row rejected, so the import fails, with its reject report', async () => {
    const f = write('blob.csv', Buffer.concat([Buffer.from('userId,event\n'), binary(6000)]));
    const e = await failure(run({ kind: 'events', file: f }));
    expect(e.code).toBe('validation_failed');
    expect(e.message).toMatch(/^no row could be imported: all \d+ rows were rejected \(row 1: line 2 (has a NUL byte|is not valid UTF-8)/);
    expect(e.message).toContain(`the rejects are in ${e.summary.rejectsFile}`);
    expect(e.message).not.toContain('\n');
    const s = e.summary;
    expect(s).toMatchObject({ status: 'failed', inserted: 0 });
    expect(s.rowsRead).toBeGreaterThan(5);
    expect(s.rejected).toBe(s.rowsRead);
    const lines = rejectsOf(s);
    expect(lines).toHaveLength(s.rowsRead);
    expect(lines.every((l) => /^line \d+ (has a NUL byte|is not valid UTF-8)/.test(l.reason))).toBe(true);
    expect(await storedRejects(s.runId)).toHaveLength(s.rowsRead);
    const r = await runRow(s.runId);
    expect(r.status).toBe('failed');
    expect([r.rows_read, r.rejected, r.inserted].map(toInt)).toEqual([s.rowsRead, s.rowsRead, 0]);
    expect(r.rejects_file).toBe(s.rejectsFile);
    expect(await userIds()).toEqual([]);
  });

  it('a binary file read as CSV from its first byte: the header is not text, a file error', async () => {
    const e = await failure(run({ kind: 'events', file: write('blob2.csv', binary(6000, 3)) }));
    expect(e.code).toBe('unsupported_format');
    expect(e.message).toMatch(/^the header: line 1 (has a NUL byte|is not valid UTF-8)/);
    expect(e.summary).toMatchObject({ status: 'failed', rowsRead: 0 });
    expect((await runRow(e.summary.runId)).status).toBe('failed');
  });

  it('a binary file read as JSON Lines, and gzipped binary: all rejected, failed; corrupt gzip data is a file error', async () => {
    const jl = await failure(run({ kind: 'events', file: write('blob.jsonl', binary(6000)) }));
    expect(jl.code).toBe('validation_failed');
    expect(jl.summary.rejected).toBe(jl.summary.rowsRead);
    expect(jl.summary.rowsRead).toBeGreaterThan(5);
    expect(rejectsOf(jl.summary)[0]!.reason).toMatch(/^line 1 (has a NUL byte|is not valid UTF-8)/);
    expect(await storedRejects(jl.summary.runId)).toHaveLength(jl.summary.rowsRead);

    const gz = await failure(run({ kind: 'events', file: write('blob.csv.gz', zlib.gzipSync(Buffer.concat([Buffer.from('userId,event\n'), binary(6000)]))) }));
    expect(gz.code).toBe('validation_failed');
    expect(gz.summary).toMatchObject({ gzip: true, status: 'failed' });
    expect(gz.summary.rejected).toBe(gz.summary.rowsRead);

    // Gzip magic bytes, then garbage.
    const corrupt = await failure(run({ kind: 'events', file: write('corrupt.csv.gz', Buffer.concat([Buffer.from([0x1f, 0x8b]), binary(3000)])) }));
    expect(corrupt.code).toBe('unsupported_format');
    expect(corrupt.message).toMatch(/^the gzip data cannot be read \(.+\): is the file damaged or cut short\?$/);
    expect((await runRow(corrupt.summary.runId)).status).toBe('failed');
  });

  it('an unclosed quote is a file error naming the line where it opened; the rows before it are imported', async () => {
    const f = write('quote.csv', 'userId,event,note\r\nu1,A,"two\r\nlines"\r\n\r\nu2,B,ok\r\nu3,"C,ok\r\nu4,D,ok\r\nu5,E,ok\r\n');
    const e = await failure(run({ kind: 'events', file: f }));
    expect(e.code).toBe('unsupported_format');
    expect(e.message).toBe('CSV line 6: a quote opens a field there and is never closed, so the rest of the file cannot be read as rows (close or remove that quote)');
    expect(e.summary).toMatchObject({ status: 'failed', rowsRead: 2, inserted: 2, rejected: 0 });
    expect(await userIds()).toEqual(['u1', 'u2']);
    const r = await runRow(e.summary.runId);
    expect(r.status).toBe('failed');
    expect(r.finished_at).not.toBeNull();
    // Quoted fields that close, and stray quotes inside a field, are no file error.
    const ok = await run({ kind: 'events', file: write('quotes-ok.csv', 'userId,event\nu6,"say ""hi"""\nu7,12" vinyl\n') });
    expect(ok).toMatchObject({ status: 'completed', inserted: 2, rejected: 0 });
  });

  it('Latin-1 text: each row that is not UTF-8 is a reject naming its line; --encoding latin1 reads it right', async () => {
    const f = write('people.csv', 'userId,name,city\np1,Jos\xe9,Le\xf3n\np2,Ann,York\np3,Zo\xeb,Caf\xe9 \x80\n');
    const s = await run({ kind: 'profiles', file: f });
    expect(s).toMatchObject({ status: 'completed', rowsRead: 3, inserted: 1, rejected: 2 });
    expect(rejectsOf(s)).toEqual([
      { row: 1, reason: 'line 2 is not valid UTF-8 (column 7): if the file is Latin-1 or Windows-1252, import it with --encoding latin1', raw: 'p1,Jos\ufffd,Le\ufffdn' },
      { row: 3, reason: expect.stringMatching(/^line 4 is not valid UTF-8 \(column 6\)/), raw: expect.any(String) },
    ]);
    expect(await storedRejects(s.runId)).toEqual([{ row: 1, reason: expect.stringContaining('line 2') }, { row: 3, reason: expect.stringContaining('line 4') }]);
    expect(JSON.stringify(await traits())).not.toContain('\ufffd');

    const l1 = await run({ kind: 'profiles', file: f, encoding: 'latin1' });
    expect(l1).toMatchObject({ status: 'completed', rowsRead: 3, rejected: 0 });
    const names = (await traits()).map((tr) => `${String(tr.name)} ${String(tr.city)}`).sort();
    // 0x80 is the euro sign in Windows-1252, which is what files called Latin-1 are.
    expect(names).toEqual(['Ann York', 'José León', 'Zoë Café €']);

    const jl = write('people.jsonl', '{"userId":"p4","name":"Ren\xe9e"}\n{"userId":"p5","name":"Bo"}\n');
    const j = await run({ kind: 'profiles', file: jl });
    expect(j).toMatchObject({ rowsRead: 2, inserted: 1, rejected: 1 });
    expect(rejectsOf(j)[0]!.reason).toMatch(/^line 1 is not valid UTF-8 \(column 27\)/);
    expect(await run({ kind: 'profiles', file: jl, encoding: 'latin1' })).toMatchObject({ rejected: 0, inserted: 1 });
    expect((await traits()).some((tr) => tr.name === 'Renée')).toBe(true);
    // UTF-8 stays the default and reads UTF-8 right.
    const u = await run({ kind: 'profiles', file: write('utf8.csv', Buffer.from('userId,name\np6,Åsa Ñúñez\n', 'utf8')) });
    expect(u).toMatchObject({ inserted: 1, rejected: 0 });
    expect((await traits()).some((tr) => tr.name === 'Åsa Ñúñez')).toBe(true);
    await expect(run({ kind: 'profiles', file: f, encoding: 'ebcdic' })).rejects.toThrow("unknown encoding 'ebcdic' (expected utf8 or latin1)");
  });

  it('mixed line endings: CRLF, LF and a lone CR each end a row, in CSV, JSON Lines and whitespace files', async () => {
    const csv = await run({ kind: 'events', file: write('mixed.csv', 'userId,event\r\nc1,A\nc2,B\rc3,C\r\nc4,D\n') });
    expect(csv).toMatchObject({ status: 'completed', rowsRead: 4, inserted: 4, rejected: 0 });
    const jl = await run({ kind: 'events', file: write('mixed.jsonl', '{"userId":"j1","event":"A"}\r\n{"userId":"j2","event":"B"}\r{"userId":"j3","event":"C"}\n{"userId":"j4","event":"D"}') });
    expect(jl).toMatchObject({ status: 'completed', rowsRead: 4, inserted: 4, rejected: 0 });
    const ws = await run({ kind: 'events', file: write('mixed.txt', 'userId event\rw1 A\r\nw2 B\nw3 C\rw4 D\r') });
    expect(ws).toMatchObject({ status: 'completed', rowsRead: 4, inserted: 4, rejected: 0 });
    expect(await userIds()).toEqual(['c1', 'c2', 'c3', 'c4', 'j1', 'j2', 'j3', 'j4', 'w1', 'w2', 'w3', 'w4']);
  });
});

describe('tailor import exit codes for awkward files (CLI)', () => {
  const cli = (...args: string[]) => tailorCli(args);
  const failing = async (...args: string[]) => {
    const e = await cli(...args).then(() => null, (x: { code: number; stdout: string; stderr: string }) => x);
    expect(e, `expected 'tailor ${args.join(' ')}' to fail`).not.toBeNull();
    return e!;
  };

  it('non-zero with one line for a binary file and an unclosed quote; zero for Latin-1 rows (rejected or read with --encoding) and mixed endings', async () => {
    const dir = tempDir('tailor-import-cli-errors-');
    const db = tempSqlite();
    const file = (name: string, content: string | Buffer) => {
      const f = path.join(dir, name);
      fs.writeFileSync(f, typeof content === 'string' ? Buffer.from(content, 'latin1') : content);
      return f;
    };

    const blob = file('blob.jsonl', binary(4000));
    const bin = await failing('--db', db, 'import', 'events', blob, '--rejects', path.join(dir, 'blob.rejects.jsonl'));
    expect(bin.code).toBe(2);
    expect(bin.stderr.trim().split('\n')).toHaveLength(1);
    expect(bin.stderr).toMatch(/^tailor: no row could be imported: all \d+ rows were rejected \(row 1: line 1 .*; the rejects are in .*blob\.rejects\.jsonl\n$/);
    expect(fs.readFileSync(path.join(dir, 'blob.rejects.jsonl'), 'utf8').trim().split('\n').length).toBeGreaterThan(3);

    const quote = await failing('--db', db, 'import', 'events', file('q.csv', 'userId,event\nu1,A\nu2,"B\nu3,C\n'), '--rejects', path.join(dir, 'q.rejects.jsonl'));
    expect(quote.code).toBe(2);
    expect(quote.stderr).toBe('tailor: CSV line 3: a quote opens a field there and is never closed, so the rest of the file cannot be read as rows (close or remove that quote)\n');

    const latin = file('latin.csv', 'userId,name\np1,Jos\xe9\np2,Ann\n');
    const partly = JSON.parse((await cli('--db', db, 'import', 'profiles', latin, '--rejects', path.join(dir, 'l.rejects.jsonl'), '--json')).stdout) as ImportSummary;
    expect(partly).toMatchObject({ status: 'completed', inserted: 1, rejected: 1 });
    const read = JSON.parse((await cli('--db', db, 'import', 'profiles', latin, '--encoding', 'latin1', '--rejects', path.join(dir, 'l2.rejects.jsonl'), '--json')).stdout) as ImportSummary;
    expect(read).toMatchObject({ status: 'completed', rejected: 0 });

    const mixed = JSON.parse((await cli('--db', db, 'import', 'events', file('m.csv', 'userId,event\r\nm1,A\nm2,B\rm3,C\r\nm4,D\n'), '--json')).stdout) as ImportSummary;
    expect(mixed).toMatchObject({ status: 'completed', inserted: 4, rejected: 0 });
  });
});
