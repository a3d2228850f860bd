import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { isTailorError } from '../../src/core/errors.ts';
import { readTransactionsFile } from '../../src/io/transactions-file.ts';
import { tempDir } from '../helpers/databases.ts';

const write = (name: string, text: string | Buffer): string => {
  const f = path.join(tempDir('tailor-clv-'), name);
  fs.writeFileSync(f, text);
  return f;
};

describe('readTransactionsFile', () => {
  it('reads whitespace-separated CDNOW-style files with a header, amount = last numeric column', async () => {
    const f = write('m.txt', ' customer_id  date number_of_cds  dollar_value\n 00001 19970101  1   11.77\n 00002 19970112  2   12.00\n\n 00001 19970115  1   5.5\n');
    const r = await readTransactionsFile(f);
    expect(r.delimiter).toBe('whitespace');
    expect(r.header).toEqual(['customer_id', 'date', 'number_of_cds', 'dollar_value']);
    expect(r.columns).toEqual({ id: 0, date: 1, amount: 3 });
    expect(r.rows).toBe(3);
    expect(r.log.ids).toEqual(['00001', '00002']);
    expect(Array.from(r.log.customer)).toEqual([0, 1, 0]);
    expect(Array.from(r.log.amount)).toEqual([11.77, 12, 5.5]);
    expect(r.log.at[0]).toBe(Date.UTC(1997, 0, 1));
  });

  it('reads headerless CSV, semicolon with decimal commas, tabs, quotes, ISO date-times and gzip', async () => {
    const csv = await readTransactionsFile(write('a.csv', 'c1,2020-01-02,10.5\nc2,2020-01-03T10:00:00Z,3\n'));
    expect(csv.header).toBeNull();
    expect(Array.from(csv.log.at)).toEqual([Date.UTC(2020, 0, 2), Date.UTC(2020, 0, 3, 10)]);
    const semi = await readTransactionsFile(write('b.csv', 'id;when;qty;value\n"a;1";20200102;1;29,33\n'));
    expect(semi.log.ids).toEqual(['a;1']);
    expect(semi.log.amount[0]).toBeCloseTo(29.33, 12);
    const tab = await readTransactionsFile(write('c.tsv', 'x\t2020-01-02\t7\n'));
    expect(tab.delimiter).toBe('\t');
    const gz = await readTransactionsFile(write('d.csv.gz', zlib.gzipSync('x,20200102,1\n')));
    expect(gz.rows).toBe(1);
  });

  it('takes --columns as indices or header names', async () => {
    const f = write('e.csv', 'masterid,sampleid,date,cds,sales\n4,1,19970101,2,29.33\n4,1,19970118,2,29.73\n');
    expect((await readTransactionsFile(f)).columns).toEqual({ id: 0, date: 2, amount: 4 });
    const byName = await readTransactionsFile(f, { columns: 'sampleid,date,cds' });
    expect(byName.columns).toEqual({ id: 1, date: 2, amount: 3 });
    expect(Array.from(byName.log.amount)).toEqual([2, 2]);
    expect((await readTransactionsFile(f, { columns: '1,2,4' })).log.ids).toEqual(['1']);
    await expect(readTransactionsFile(f, { columns: 'nope,date,sales' })).rejects.toThrow(/no column 'nope'/);
    await expect(readTransactionsFile(f, { columns: '0,1' })).rejects.toThrow(/three columns/);
  });

  it('counts bad rows with line numbers, and fails past the threshold with one line', async () => {
    const good = Array.from({ length: 2000 }, (_, i) => `c${i % 50},2020-01-${String(1 + (i % 28)).padStart(2, '0')},${i}`);
    const some = [...good.slice(0, 5), 'c1,2020-02-30,1', 'c2,2020-01-01,abc', 'c3', ...good.slice(5)].join('\n');
    const r = await readTransactionsFile(write('f.csv', some));
    expect(r.bad).toBe(3);
    expect(r.badExamples).toEqual([
      { line: 6, reason: "date '2020-02-30' is neither YYYYMMDD nor ISO-8601" },
      { line: 7, reason: "amount 'abc' is not a number" },
      { line: 8, reason: '1 columns, expected at least 3' },
    ]);
    expect(r.log.at.length).toBe(2000);
    const many = [...good.slice(0, 100), ...Array.from({ length: 30 }, () => 'c1,notadate,1')].join('\n');
    const e = await readTransactionsFile(write('g.csv', many)).catch((x: unknown) => x);
    expect(isTailorError(e)).toBe(true);
    expect((e as Error).message).toMatch(/30 of 130 rows are bad \(more than 10\); first at line 101: date 'notadate'/);
    expect((e as Error).message).not.toContain('\n');
  });

  it('fails clearly on a missing file, an empty file and a file without a date column', async () => {
    await expect(readTransactionsFile('/nonexistent/file.csv')).rejects.toThrow(/file not found/);
    await expect(readTransactionsFile(write('h.csv', ''))).rejects.toThrow(/no transactions/);
    await expect(readTransactionsFile(write('i.csv', 'a,b,c\n1,2,3\n'))).rejects.toThrow(/cannot find a date and an amount column/);
  });
});
