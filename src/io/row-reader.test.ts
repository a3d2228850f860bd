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

function piecesOf(buf: Buffer, size: number): Buffer[] {
  const pieces: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) pieces.push(buf.subarray(i, i + size));
  return pieces;
}

/** Like rowsOf, for bytes that are not UTF-8. */
async function rowsOfBytes(buf: Buffer, opts: ReadOptions, size: number): Promise<SourceRow[]> {
  const out: SourceRow[] = [];
  for await (const batch of readRows(Readable.from(piecesOf(buf, size)), opts)) out.push(...batch);
  return out;
}

describe('readRows: line endings, encodings and unclosed quotes', () => {
  const mixed = 'id,v\r\n1,a\n2,b\r3,"c\r\nd"\r\n\r\n4,é\r5,x';
  it.each(sizes)('CSV rows end in CRLF, LF or a lone CR, mixed, in %i-byte chunks', async (size) => {
    const rows = await rowsOf(mixed, { format: 'csv', header: true }, size);
    expect(rows.map((r) => r.values)).toEqual([
      { id: '1', v: 'a' }, { id: '2', v: 'b' }, { id: '3', v: 'c\r\nd' }, { id: '4', v: 'é' }, { id: '5', v: 'x' },
    ]);
  });

  it.each(sizes)('JSON Lines and whitespace lines end the same ways, in %i-byte chunks', async (size) => {
    const jl = await rowsOf('{"a":1}\r\n{"a":2}\r{"a":"ü"}\n\r{"a":4}\r', { format: 'jsonl', header: true }, size);
    expect(jl.map((r) => r.values)).toEqual([{ a: 1 }, { a: 2 }, { a: 'ü' }, { a: 4 }]);
    const ws = await rowsOf('a b\rx 1\r\ny 2\nz 3', { format: 'ws', header: true }, size);
    expect(ws.map((r) => r.values)).toEqual([{ a: 'x', b: '1' }, { a: 'y', b: '2' }, { a: 'z', b: '3' }]);
  });

  it.each(sizes)('a row that is not UTF-8 is a reject naming its physical line; latin1 reads it, in %i-byte chunks', async (size) => {
    const file = Buffer.concat([Buffer.from('id,name\r\n1,"multi\r\nline"\r\n\r\n2,Jos'), Buffer.from([0xe9]), Buffer.from('\n3,Zoë\n')]);
    const rows = await rowsOfBytes(file, { format: 'csv', header: true }, size);
    expect(rows.map((r) => [r.row, r.values ?? r.error])).toEqual([
      [1, { id: '1', name: 'multi\r\nline' }],
      [2, 'line 5 is not valid UTF-8 (column 6): if the file is Latin-1 or Windows-1252, import it with --encoding latin1'],
      [3, { id: '3', name: 'Zoë' }],
    ]);
    const latin = await rowsOfBytes(Buffer.from('id,name\n1,Jos\xe9 \x80\n', 'latin1'), { format: 'csv', header: true, encoding: 'latin1' }, size);
    expect(latin.map((r) => r.values)).toEqual([{ id: '1', name: 'José €' }]);
    const jl = await rowsOfBytes(Buffer.concat([Buffer.from('{"a":"x"}\n\n{"a":"'), Buffer.from([0xff]), Buffer.from('"}\n')]), { format: 'jsonl', header: true }, size);
    expect(jl.map((r) => r.error ?? r.values)).toEqual([{ a: 'x' }, 'line 3 is not valid UTF-8 (column 7): if the file is Latin-1 or Windows-1252, import it with --encoding latin1']);
  });

  it.each(sizes)('an unclosed quote is a file error naming the line where it opened, after the rows before it, in %i-byte chunks', async (size) => {
    const got: SourceRow[] = [];
    const read = async () => {
      const input = Readable.from(piecesOf(Buffer.from('id,v\n1,"a\nb"\n\n2,x\n3,"open\n4,y\n'), size));
      for await (const batch of readRows(input, { format: 'csv', header: true })) got.push(...batch);
    };
    await expect(read()).rejects.toThrow(/^CSV line 6: a quote opens a field there and is never closed/);
    expect(got.map((r) => r.values)).toEqual([{ id: '1', v: 'a\nb' }, { id: '2', v: 'x' }]);
  });
});
