import type { Readable } from 'node:stream';
import { CsvDecoder } from './csv-decoder.ts';
import type { HeaderOptions } from './header-shaper.ts';
import type { InputFormat } from './input-format.ts';
import { JsonArrayDecoder } from './json-array-decoder.ts';
import { JsonlDecoder } from './jsonl-decoder.ts';
import type { RowDecoder, SourceRow } from './source-row.ts';
import type { TextEncoding } from './text-encoding.ts';
import { WsDecoder } from './ws-decoder.ts';

export interface ReadOptions extends HeaderOptions {
  format: InputFormat;
  /** How bytes become text (default utf8, checked line by line). */
  encoding?: TextEncoding | undefined;
}

export function createDecoder(opts: ReadOptions): RowDecoder {
  switch (opts.format) {
    case 'csv': return new CsvDecoder({ ...opts, delimiter: ',' });
    case 'tsv': return new CsvDecoder({ ...opts, delimiter: '\t' });
    case 'ws': return new WsDecoder(opts);
    case 'jsonl': return new JsonlDecoder(opts.encoding);
    case 'json': return new JsonArrayDecoder(opts.encoding);
  }
}

/**
 * The records of a byte stream, a batch per chunk read (a few thousand rows): one await per chunk
 * rather than per row, and nothing more than a chunk's rows in memory. The consumer's pace drives
 * reading, so a slow database holds the file back instead of buffering it.
 */
export async function* readRows(input: Readable, opts: ReadOptions): AsyncGenerator<SourceRow[]> {
  const decoder = createDecoder(opts);
  try {
    for await (const chunk of input) {
      let failed: unknown;
      try {
        decoder.push(chunk as Buffer);
      } catch (e) {
        failed = e;
      }
      // The rows before a file error are handed over first; the error comes with the next take().
      const rows = decoder.take();
      if (rows.length) yield rows;
      if (failed !== undefined) throw failed;
    }
    let failed: unknown;
    try {
      await decoder.end();
    } catch (e) {
      failed = e;
    }
    for (let rest = decoder.take(); rest.length; rest = decoder.take()) yield rest;
    if (failed !== undefined) throw failed;
  } finally {
    input.destroy();
  }
}
