import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readRows, type ReadOptions } from './row-reader.ts';
import type { SourceRow } from './source-row.ts';

/** Feeds `text` in pieces of `size` bytes, so records and multi-byte characters straddle chunk edges. */
async function rowsOf(text: string, opts: ReadOptions, size = 1 << 20): Promise<SourceRow[]> {
  const buf = Buffer.from(text);
  const pieces: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) pieces.push(buf.subarray(i, i + size));
  const out: SourceRow[] = [];
  for await (const batch of readRows(Readable.from(pieces), opts)) out.push(...batch);
  return out;
}

const sizes = [1, 3, 7, 1 << 20];

describe('readRows', () => {
  it.each(sizes)('CSV with a BOM, CRLF, quotes and multi-line fields, in %i-byte chunks', async (size) => {
    const rows = await rowsOf('\ufeffid,name,note\r\n1,"Zoë ""Z""",ok\r\n2,"two\nlines",é\r\n\r\n3,x\r\n', { format: 'csv', header: true }, size);
    expect(rows).toEqual([
      { row: 1, values: { id: '1', name: 'Zoë "Z"', note: 'ok' }, raw: '1,"Zoë ""Z""",ok' },
      { row: 2, values: { id: '2', name: 'two\nlines', note: 'é' }, raw: '2,"two\nlines",é' },
      { row: 3, raw: '3,x', error: 'row has 2 fields, the header has 3' },
    ]);
  });

  it.each(sizes)('whitespace columns (CDNOW) in %i-byte chunks', async (size) => {
    const rows = await rowsOf(' customer_id  date number_of_cds  dollar_value\r\n 00001 19970101  1   11.77\r\n\r\n 00002 19970112  5   77.00', { format: 'ws', header: true }, size);
    expect(rows.map((r) => r.values)).toEqual([
      { customer_id: '00001', date: '19970101', number_of_cds: '1', dollar_value: '11.77' },
      { customer_id: '00002', date: '19970112', number_of_cds: '5', dollar_value: '77.00' },
    ]);
  });

  it.each(sizes)('JSON lines in %i-byte chunks', async (size) => {
    const rows = await rowsOf('{"a":"ü"}\n\n{bad\n"text"\n{"b":[1,{"c":"}"}]}', { format: 'jsonl', header: true }, size);
    expect(rows.map((r) => [r.row, r.values ?? r.error?.slice(0, 18)])).toEqual([
      [1, { a: 'ü' }], [2, 'invalid JSON line:'], [3, 'the JSON line is no'], [4, { b: [1, { c: '}' }] }],
    ].map(([n, v]) => [n, typeof v === 'string' ? v.slice(0, 18) : v]));
  });

  it.each(sizes)('a JSON array, streamed element by element, in %i-byte chunks', async (size) => {
    const rows = await rowsOf(' [ {"a": "x,]\\"}"}, {"b": [1, 2, {"c": null}]},\n 42, "s", [1] ] ', { format: 'json', header: true }, size);
    expect(rows.map((r) => [r.row, r.values ?? r.error])).toEqual([
      [1, { a: 'x,]"}' }], [2, { b: [1, 2, { c: null }] }],
      [3, 'the JSON element is not an object'], [4, 'the JSON element is not an object'], [5, 'the JSON element is not an object'],
    ]);
  });

  it.each(sizes)('a malformed JSON array element is a reject, and reading goes on, in %i-byte chunks', async (size) => {
    const rows = await rowsOf('[{"a":1}, {bad}, {"c":2}]', { format: 'json', header: true }, size);
    expect(rows.map((r) => [r.row, r.values ?? r.error?.slice(0, 21), r.values ? undefined : r.raw])).toEqual([
      [1, { a: 1 }, undefined], [2, 'invalid JSON element:', '{bad}'], [3, { c: 2 }, undefined],
    ]);
  });

  it('refuses a .json file that is not an array, and reports a truncated one', async () => {
    await expect(rowsOf('{"a":1}', { format: 'json', header: true })).rejects.toThrow(/must hold one array/);
    const rows = await rowsOf('[{"a":1},{"b":', { format: 'json', header: true });
    expect(rows.map((r) => r.error ?? 'ok')).toEqual(['ok', 'the JSON array ends early: the file is truncated']);
  });

  it('takes column names from --columns when there is no header', async () => {
    const rows = await rowsOf('1,2\n3,4\n', { format: 'csv', header: false, columns: ['a', 'b'] });
    expect(rows.map((r) => r.values)).toEqual([{ a: '1', b: '2' }, { a: '3', b: '4' }]);
  });
});
