import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { TailorError } from '../src/core/errors.ts';
import { importFile, type ImportOptions, type ImportSummary } from '../src/io/import-file.ts';
import { fromJson, toInt } from '../src/store/sql/codec.ts';
import { dataSet } from './helpers/data-sets.ts';
import { dialects, tempDir, tempSqlite } from './helpers/databases.ts';
import { createTestTailor, type TestTailor } from './helpers/tailor.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RETAIL_SET = dataSet('retail', ['online_retail_invoices.csv'], 'the Online Retail import tests');
const CDNOW_SET = dataSet('cdnow', ['CDNOW_master.txt'], 'the CDNOW import tests');
const RETAIL = RETAIL_SET.file('online_retail_invoices.csv');
const CDNOW = CDNOW_SET.file('CDNOW_master.txt');
const haveData = RETAIL_SET.available && CDNOW_SET.available;

const RETAIL_MAP = 'userId=CustomerID,orderId=InvoiceNo,timestamp=InvoiceDate,total=TotalPrice';
const CDNOW_MAP = 'userId=customer_id,timestamp=date,total=dollar_value';

const eventsCsv = (prefix: string) => [
  'userId,event,timestamp,sku,price',
  `${prefix}-u1,Product Viewed,2024-01-05T10:00:00Z,A-1,9.99`,
  `${prefix}-u1,Product Added,2024-01-05T10:01:00Z,A-1,9.99`,
  `${prefix}-u2,"Product Viewed",2024-01-06T08:00:00Z,"B,2",19.5`,
].join('\n');
const eventsJson = (prefix: string) => [
  { userId: `${prefix}-u1`, event: 'Product Viewed', timestamp: '2024-01-05T10:00:00Z', properties: { sku: 'A-1', price: 9.99 } },
  { userId: `${prefix}-u1`, event: 'Product Added', timestamp: '2024-01-05T10:01:00Z', properties: { sku: 'A-1', price: 9.99 } },
  { userId: `${prefix}-u2`, event: 'Product Viewed', timestamp: '2024-01-06T08:00:00Z', properties: { sku: 'B,2', price: 19.5, tags: ['x', 'y'] } },
];
const CONTENT: Record<string, (prefix: string) => string> = {
  csv: eventsCsv,
  jsonl: (p) => eventsJson(p).map((e) => JSON.stringify(e)).join('\n'),
  json: (p) => JSON.stringify(eventsJson(p), null, 2),
};

describe.each(dialects)('import on $name', ({ url }) => {
  let t: TestTailor;
  let dir: string;

  beforeEach(async () => {
    t = await createTestTailor(loadConfig({}, { db: await url() }));
    dir = tempDir('tailor-import-');
  });
  afterEach(async () => {
    await t.close();
  });

  const write = (name: string, text: string | Buffer) => {
    const f = path.join(dir, name);
    fs.writeFileSync(f, text);
    return f;
  };
  const run = (o: Omit<ImportOptions, 'rejects'> & { rejects?: string }): Promise<ImportSummary> =>
    importFile(t, { rejects: path.join(dir, `${path.basename(o.file)}.rejects.jsonl`), ...o });
  const eventCount = async () => (await t.status.counts()).events;
  const events = async (name?: string) => {
    let q = t.db.kysely.selectFrom('events').select(['user_id', 'name', 'properties', 'timestamp', 'message_id']).orderBy('id');
    if (name) q = q.where('name', '=', name);
    return (await q.execute()).map((e) => ({ ...e, properties: fromJson<Record<string, unknown>>(e.properties) }));
  };

  it.each(['csv', 'jsonl', 'json'])('reads %s, plain and gzipped', async (fmt) => {
    const plain = await run({ kind: 'events', file: write(`events.${fmt}`, CONTENT[fmt]!(fmt)) });
    expect(plain).toMatchObject({ status: 'completed', format: fmt, gzip: false, rowsRead: 3, inserted: 3, rejected: 0, profilesCreated: 2 });
    const gz = await run({ kind: 'events', file: write(`events-gz.${fmt}.gz`, zlib.gzipSync(CONTENT[fmt]!(`${fmt}gz`))) });
    expect(gz).toMatchObject({ status: 'completed', format: fmt, gzip: true, rowsRead: 3, inserted: 3, rejected: 0 });
    // Gzip is recognised by its magic bytes too, whatever the name says.
    const sneaky = await run({ kind: 'events', file: write(`sneaky.${fmt}`, zlib.gzipSync(CONTENT[fmt]!(`${fmt}magic`))) });
    expect(sneaky).toMatchObject({ gzip: true, inserted: 3 });
    expect(await eventCount()).toBe(9);
    const viewed = (await events('Product Viewed')).find((e) => e.user_id === `${fmt}-u2`)!;
    expect(viewed.properties).toMatchObject({ sku: 'B,2', price: 19.5 });
  });

  it('maps columns with --map, reads headerless and whitespace files', async () => {
    const f = write('custom.csv', 'Customer,Action,When,Colour\nc1,Clicked,2024-02-01 10:00,red\nc2,Clicked,12/1/2010 8:26,blue\n');
    const s = await run({ kind: 'events', file: f, map: 'userId=Customer,event=Action,timestamp=When' });
    expect(s).toMatchObject({ inserted: 2, rejected: 0 });
    const ws = write('raw.txt', ' c3  Opened   20240203\n\n c4 Opened 20240204 \n');
    expect(await run({ kind: 'events', file: ws, header: false, columns: 'userId,event,timestamp' })).toMatchObject({ format: 'ws', inserted: 2 });
    const tsv = write('t.tsv', 'id\tname\tnote\nc5\tClicked\thas spaces inside\n');
    expect(await run({ kind: 'events', file: tsv, map: { userId: 'id', event: 'name' } })).toMatchObject({ format: 'tsv', inserted: 1 });
    const rows = await events();
    expect(rows.map((e) => [e.user_id, e.name])).toEqual([['c1', 'Clicked'], ['c2', 'Clicked'], ['c3', 'Opened'], ['c4', 'Opened'], ['c5', 'Clicked']]);
    expect(rows[0]!.properties).toEqual({ Colour: 'red' });
    expect(new Date(Number(rows[1]!.timestamp instanceof Date ? rows[1]!.timestamp.getTime() : rows[1]!.timestamp)).toISOString()).toBe('2010-12-01T08:26:00.000Z');
    expect(rows[4]!.properties).toEqual({ note: 'has spaces inside' });
  });

  it('is idempotent: the same file twice inserts nothing the second time', async () => {
    const f = write('twice.csv', eventsCsv('tw'));
    expect(await run({ kind: 'events', file: f })).toMatchObject({ inserted: 3, duplicates: 0 });
    expect(await run({ kind: 'events', file: f })).toMatchObject({ rowsRead: 3, inserted: 0, duplicates: 3, rejected: 0 });
    expect(await eventCount()).toBe(3);

    const p = write('people.csv', 'userId,email,plan\np1,p1@example.com,free\np2,p2@example.com,pro\n');
    expect(await run({ kind: 'profiles', file: p })).toMatchObject({ inserted: 2, duplicates: 0, updated: 0 });
    expect(await run({ kind: 'profiles', file: p })).toMatchObject({ inserted: 0, duplicates: 2, updated: 0 });
    // A changed row is applied; the unchanged one is a duplicate.
    write('people.csv', 'userId,email,plan\np1,p1@example.com,pro\np2,p2@example.com,pro\n');
    expect(await run({ kind: 'profiles', file: p })).toMatchObject({ inserted: 0, duplicates: 1, updated: 1 });
    const traits = (await t.db.kysely.selectFrom('profiles').select('traits').where('merged_into', 'is', null).execute())
      .map((r) => fromJson<Record<string, unknown>>(r.traits)).filter((tr) => tr.email).sort((a, b) => String(a.email).localeCompare(String(b.email)));
    expect(traits).toEqual([{ email: 'p1@example.com', plan: 'pro' }, { email: 'p2@example.com', plan: 'pro' }]);
  });

  it('profiles: updated counts profiles that existed and changed, not trait values', async () => {
    const f = write('three.csv', 'userId,email,plan,city\nn1,n1@example.com,free,Leeds\nn2,n2@example.com,pro,York\nn3,n3@example.com,free,Hull\n');
    expect(await run({ kind: 'profiles', file: f })).toMatchObject({ rowsRead: 3, inserted: 3, updated: 0, profilesCreated: 3 });
    // One trait changed on one profile.
    write('three.csv', 'userId,email,plan,city\nn1,n1@example.com,pro,Leeds\nn2,n2@example.com,pro,York\nn3,n3@example.com,free,Hull\n');
    expect(await run({ kind: 'profiles', file: f })).toMatchObject({ inserted: 0, updated: 1, duplicates: 2 });
    // Two traits changed on one profile: still one profile updated.
    write('three.csv', 'userId,email,plan,city\nn1,n1@example.com,pro,Leeds\nn2,n2@example.com,free,Bath\nn3,n3@example.com,free,Hull\n');
    expect(await run({ kind: 'profiles', file: f })).toMatchObject({ inserted: 0, updated: 1, duplicates: 2 });
  });

  it('profiles: email rows merge into the userId profile', async () => {
    const f = write('merge.jsonl', [
      JSON.stringify({ email: 'm@example.com', name: 'M' }),
      JSON.stringify({ anonymousId: 'anon-1', city: 'Leeds' }),
      JSON.stringify({ userId: 'm1', email: 'm@example.com', anonymousId: 'anon-1' }),
    ].join('\n'));
    const s = await run({ kind: 'profiles', file: f, chunkSize: 1 });
    expect(s).toMatchObject({ rowsRead: 3, inserted: 2, merged: 1, rejected: 0 });
    expect((await t.status.counts()).profiles).toBe(1);
  });

  it('rejects bad rows with row number and reason, imports the good ones, and records the run', async () => {
    const f = write('bad.csv', [
      'userId,event,timestamp,amount',
      'u1,Good One,2024-01-01,1', // row 1
      ',No Customer,2024-01-01,1', // row 2
      'u2,Bad Date,31/31/2024,1', // row 3
      'u3,,2024-01-01,1', // row 4
      'u4,Too,Many,Fields,Here', // row 5
      'u5,Stray "Quote",2024-01-02,2', // row 6: kept as text
    ].join('\n'));
    const rejectsPath = path.join(dir, 'out', 'bad.rejects.jsonl');
    const s = await run({ kind: 'events', file: f, rejects: rejectsPath });
    expect(s).toMatchObject({ status: 'completed', inserted: 2, rejected: 4, rejectsFile: rejectsPath });
    expect(s.rowsRead).toBe(6);
    const lines = fs.readFileSync(rejectsPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { row: number; reason: string; raw: string });
    expect(lines.map((l) => l.row)).toEqual([2, 3, 4, 5]);
    expect(lines[0]).toEqual({ row: 2, reason: expect.stringContaining('missing customer id'), raw: ',No Customer,2024-01-01,1' });
    expect(lines[1]!.reason).toContain('timestamp is not a date');
    expect(lines[2]!.reason).toContain('missing event name');
    expect(lines[3]!.reason).toBe('row has 5 fields, the header has 4');
    expect((await events()).map((e) => e.name)).toEqual(['Good One', 'Stray "Quote"']);

    const runRow = await t.db.kysely.selectFrom('import_runs').selectAll().where('id', '=', s.runId).executeTakeFirstOrThrow();
    expect(runRow).toMatchObject({ kind: 'events', status: 'completed', rejects_file: rejectsPath });
    expect([runRow.rows_read, runRow.inserted, runRow.rejected].map(toInt)).toEqual([6, 2, 4]);
    expect(runRow.finished_at).not.toBeNull();
    const stored = await t.db.kysely.selectFrom('import_rejects').selectAll().where('run_id', '=', s.runId).orderBy('row_number').execute();
    expect(stored.map((r) => toInt(r.row_number))).toEqual([2, 3, 4, 5]);
    expect(stored[0]).toMatchObject({ reason: lines[0]!.reason, raw: ',No Customer,2024-01-01,1' });
  });

  it('rejects invalid JSON lines and writes a CSV rejects file when asked', async () => {
    const f = write('bad.jsonl', '{"userId":"u1","event":"A"}\n{oops\n\n[1,2]\n{"userId":"u2","event":"B","properties":"nope"}\n');
    const rejectsPath = path.join(dir, 'bad.rejects.csv');
    const s = await run({ kind: 'events', file: f, rejects: rejectsPath });
    expect(s).toMatchObject({ rowsRead: 4, inserted: 1, rejected: 3 });
    const csv = fs.readFileSync(rejectsPath, 'utf8').trim().split('\n');
    expect(csv[0]).toBe('row,reason,raw');
    expect(csv[1]).toMatch(/^2,invalid JSON line: .*,\{oops$/);
    expect(csv[2]).toBe('3,the JSON line is not an object,"[1,2]"');
    expect(csv[3]).toMatch(/^4,properties must be a JSON object \(or JSON text of one\),/);
  });

  it('groups line-item orders into one Order Completed with products[], across chunk boundaries', async () => {
    const f = write('lines.csv', [
      'InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country',
      '536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,12/1/2010 8:26,2.55,17850,United Kingdom',
      '536365,71053,WHITE METAL LANTERN,6,12/1/2010 8:26,3.39,17850,United Kingdom',
      '536365,84406B,CREAM CUPID HEARTS COAT HANGER,8,12/1/2010 8:26,2.75,17850,United Kingdom',
      '536366,22633,HAND WARMER UNION JACK,6,12/1/2010 8:28,1.85,17850,United Kingdom',
      '536367,84879,ASSORTED COLOUR BIRD ORNAMENT,32,12/1/2010 8:34,1.69,13047,United Kingdom',
    ].join('\n'));
    const map = 'orderId=InvoiceNo,userId=CustomerID,timestamp=InvoiceDate,productId=StockCode,name=Description,quantity=Quantity,price=UnitPrice';
    const s = await run({ kind: 'orders', file: f, map, currency: 'GBP', chunkSize: 1 });
    expect(s).toMatchObject({ rowsRead: 5, inserted: 3, rejected: 0, profilesCreated: 2 });
    const orders = await events('Order Completed');
    expect(orders).toHaveLength(3);
    expect(orders[0]).toMatchObject({ user_id: '17850', message_id: 'import:order:536365' });
    expect(orders[0]!.properties).toEqual({
      order_id: '536365', total: 57.64, revenue: 57.64, currency: 'GBP', Country: 'United Kingdom',
      products: [
        { product_id: '85123A', name: 'WHITE HANGING HEART T-LIGHT HOLDER', quantity: 6, price: 2.55 },
        { product_id: '71053', name: 'WHITE METAL LANTERN', quantity: 6, price: 3.39 },
        { product_id: '84406B', name: 'CREAM CUPID HEARTS COAT HANGER', quantity: 8, price: 2.75 },
      ],
    });
    expect(await run({ kind: 'orders', file: f, map, currency: 'GBP' })).toMatchObject({ inserted: 0, duplicates: 3 });
  });

  it('upserts products: new rows inserted, unchanged rows counted, changed rows updated', async () => {
    const f = write('catalog.csv', 'id,name,price,brand\nP1,Mug,4.5,Acme\nP2,Plate,7,Acme\nP3,,oops,Acme\n');
    expect(await run({ kind: 'products', file: f, currency: 'EUR' })).toMatchObject({ inserted: 2, updated: 0, duplicates: 0, rejected: 1 });
    expect(await run({ kind: 'products', file: f, currency: 'EUR' })).toMatchObject({ inserted: 0, updated: 0, duplicates: 2 });
    write('catalog.csv', 'id,name,price,brand\nP1,Mug,5,Acme\nP2,Plate,7,Acme\nP4,Bowl,3,Other\n');
    expect(await run({ kind: 'products', file: f, currency: 'EUR' })).toMatchObject({ inserted: 1, updated: 1, duplicates: 1 });
    const rows = await t.db.kysely.selectFrom('products').selectAll().orderBy('id').execute();
    expect(rows.map((r) => [r.id, r.name, Number(r.price), r.currency, fromJson(r.attributes)])).toEqual([
      ['P1', 'Mug', 5, 'EUR', { brand: 'Acme' }], ['P2', 'Plate', 7, 'EUR', { brand: 'Acme' }], ['P4', 'Bowl', 3, 'EUR', { brand: 'Other' }],
    ]);
  });

  it('fails fast, before writing anything, on a missing file, an unknown kind or a bad --map', async () => {
    await expect(run({ kind: 'events', file: path.join(dir, 'nope.csv') })).rejects.toThrow(/file not found/);
    await expect(run({ kind: 'customers', file: write('x.csv', 'a\n1') })).rejects.toThrow(/unknown import kind 'customers'/);
    await expect(run({ kind: 'orders', file: write('y.csv', 'a\n1'), map: 'userId' })).rejects.toThrow(/bad --map entry/);
    await expect(run({ kind: 'orders', file: write('z.xlsx', 'a\n1') })).rejects.toThrow(/cannot tell the format/);
    expect(await t.db.kysely.selectFrom('import_runs').selectAll().execute()).toEqual([]);
  });

  it('stops at once when a mapped column is not in the header, and marks the run failed', async () => {
    const f = write('typo.csv', 'CustomerID,Action\nc1,Clicked\n');
    await expect(run({ kind: 'events', file: f, map: 'userId=CustomerId,event=Action' }))
      .rejects.toThrow("--map userId=CustomerId: the file has no column 'CustomerId' (it has: CustomerID, Action)");
    const runs = await t.db.kysely.selectFrom('import_runs').select(['status', 'finished_at']).execute();
    expect(runs).toEqual([{ status: 'failed', finished_at: expect.anything() }]);
  });

  it('isolates rows the store refuses by splitting the chunk; a database failure stops the run', async () => {
    const f = write('poison.csv', 'userId,event\nu1,A\nu2,B\npoison,C\nu4,D\nu5,E\n');
    const picky: TestTailor = { ...t, ingest: (ms) => (ms.some((m) => m.userId === 'poison')
      ? Promise.reject(new TailorError('validation_failed', 'userId poison is not allowed'))
      : t.ingest(ms)) };
    const s = await importFile(picky, { kind: 'events', file: f, rejects: path.join(dir, 'poison.rejects.jsonl') });
    expect(s).toMatchObject({ status: 'completed', rowsRead: 5, inserted: 4, rejected: 1 });
    expect(JSON.parse(fs.readFileSync(s.rejectsFile!, 'utf8'))).toEqual({ row: 3, reason: 'userId poison is not allowed', raw: 'poison,C' });

    const broken: TestTailor = { ...t, ingest: () => Promise.reject(new Error('disk I/O error')) };
    await expect(importFile(broken, { kind: 'events', file: f, rejects: path.join(dir, 'broken.rejects.jsonl') })).rejects.toThrow('disk I/O error');
    const statuses = (await t.db.kysely.selectFrom('import_runs').select('status').orderBy('started_at').execute()).map((r) => r.status);
    expect(statuses).toEqual(['completed', 'failed']);
  });

  it('reports progress', async () => {
    const seen: number[] = [];
    await run({ kind: 'events', file: write('p.csv', eventsCsv('pr')), onProgress: (p) => seen.push(p.rowsRead) });
    expect(seen.at(-1)).toBe(3);
  });

  describe.skipIf(!haveData)('real data', () => {
    it('Online Retail invoices load as orders', async () => {
      const s = await importFile(t, { kind: 'orders', file: RETAIL, map: RETAIL_MAP, currency: 'GBP', rejects: path.join(dir, 'retail.rejects.jsonl') });
      expect(s).toMatchObject({ status: 'completed', rowsRead: 18532, inserted: 18532, rejected: 0, profilesCreated: 4338 });
      const orders = await events('Order Completed');
      expect(orders).toHaveLength(18532);
      expect((await t.status.counts()).profiles).toBe(4338);
      const revenue = orders.reduce((a, o) => a + (o.properties.revenue as number), 0);
      expect(revenue).toBeCloseTo(8911407.9, 2);
    });

    it('CDNOW loads as orders, one per row', async () => {
      const s = await importFile(t, { kind: 'orders', file: CDNOW, map: CDNOW_MAP, orderId: 'row', currency: 'USD', rejects: path.join(dir, 'cdnow.rejects.jsonl') });
      expect(s).toMatchObject({ status: 'completed', format: 'ws', rowsRead: 69659, inserted: 69659, rejected: 0, profilesCreated: 23570 });
      const orders = await events('Order Completed');
      expect(orders).toHaveLength(69659);
      expect((await t.status.counts()).profiles).toBe(23570);
      expect(orders.reduce((a, o) => a + (o.properties.total as number), 0)).toBeCloseTo(2500315.63, 2);
      expect(orders[0]!.properties).toEqual({ order_id: '00001-19970101-1', total: 11.77, revenue: 11.77, currency: 'USD', number_of_cds: 1, products: [] });
    }, 120_000);
  });
});

describe('tailor import (CLI)', () => {
  const exec = promisify(execFile);
  const cli = (args: string[], cwd: string) => exec(process.execPath, [path.join(ROOT, 'bin/tailor.js'), ...args], { cwd, env: { ...process.env, TAILOR_DB: '' } });

  it('imports orders and prints a JSON summary', async () => {
    const dir = tempDir('tailor-import-cli-');
    const f = path.join(dir, 'invoices.csv');
    fs.writeFileSync(f, 'InvoiceNo,InvoiceDate,CustomerID,TotalPrice\n536365,2010-12-01,17850,139.12\n536366,2010-12-01,17850,22.200000000000003\nX,2010-12-01,,5\n');
    const db = tempSqlite();
    const { stdout, stderr } = await cli(['--db', db, 'import', 'orders', f, '--map', RETAIL_MAP, '--json'], dir);
    const s = JSON.parse(stdout) as ImportSummary;
    expect(s).toMatchObject({ kind: 'orders', status: 'completed', rowsRead: 3, inserted: 2, rejected: 1, profilesCreated: 1, rejectsFile: path.join(dir, 'invoices.csv.rejects.jsonl') });
    expect(stderr).toBe('');
    expect(fs.readFileSync(s.rejectsFile!, 'utf8')).toContain('"row":3');
  });

  it('exits non-zero with one line on stderr for a missing file or a bad flag', async () => {
    const dir = tempDir('tailor-import-cli-');
    for (const args of [['import', 'orders', 'missing.csv'], ['import', 'orders', 'missing.csv', '--map', 'nonsense'], ['import', 'widgets', 'x.csv']]) {
      const err = await cli(['--db', tempSqlite(), ...args, '--json'], dir).then(() => undefined, (e: { code: number; stderr: string }) => e);
      expect(err, args.join(' ')).toBeDefined();
      expect(err!.code).not.toBe(0);
      expect(err!.stderr.trim().split('\n')).toHaveLength(1);
      // With --json the one line is the error shape.
      const e = (JSON.parse(err!.stderr) as { error: { code: string; message: string } }).error;
      expect(e.code).toMatch(/^(invalid_argument|validation_failed)$/);
      expect(e.message.length).toBeGreaterThan(0);
    }
    // Without --json it is one line of text.
    const plain = await cli(['--db', tempSqlite(), 'import', 'orders', 'missing.csv'], dir).then(() => undefined, (e: { code: number; stderr: string }) => e);
    expect(plain!.code).not.toBe(0);
    expect(plain!.stderr).toMatch(/^tailor: file not found: .*missing\.csv\n$/);
  });
});
