import type { Readable } from 'node:stream';
import { CsvDecoder } from './csv-decoder.ts';
import type { HeaderOptions } from './header-shaper.ts';
import type { InputFormat } from './input-format.ts';
import { JsonArrayDecoder } from './json-array-decoder.ts';
import { JsonlDecoder } from './jsonl-decoder.ts';
import type { RowDecoder, SourceRow } from './source-row.ts';
import { WsDecoder } from './ws-decoder.ts';

export interface ReadOptions extends HeaderOptions {
  format: InputFormat;
}

export function createDecoder(opts: ReadOptions): RowDecoder {
  switch (opts.format) {
    case 'csv': return new CsvDecoder({ ...opts, delimiter: ',' });
    case 'tsv': return new CsvDecoder({ ...opts, delimiter: '\t' });
    case 'ws': return new WsDecoder(opts);
    case 'jsonl': return new JsonlDecoder();
    case 'json': return new JsonArrayDecoder();
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
      decoder.push(chunk as Buffer);
      const rows = decoder.take();
      if (rows.length) yield rows;
    }
    await decoder.end();
    const rest = decoder.take();
    if (rest.length) yield rest;
  } finally {
    input.destroy();
  }
}
