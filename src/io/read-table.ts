import { TailorError } from '../core/errors.ts';
import { detectFormat, type InputFormat } from './input-format.ts';
import { openInput } from './open-input.ts';
import { readRows } from './row-reader.ts';

/**
 * A whole data file (CSV, TSV, JSONL, JSON) as rows of named values, for training and scoring on a
 * file. A record that cannot be decoded stops the read with its row number: a model trained on
 * whatever happened to parse would quietly be a different model.
 */
export async function readTable(file: string, format?: InputFormat): Promise<Record<string, unknown>[]> {
  const input = await openInput(file);
  const out: Record<string, unknown>[] = [];
  for await (const batch of readRows(input.stream, { format: format ?? detectFormat(file), header: true })) {
    for (const r of batch) {
      if (r.error !== undefined) throw new TailorError('invalid_argument', `${file}: row ${r.row}: ${r.error}`, 'file');
      out.push(r.values);
    }
  }
  if (!out.length) throw new TailorError('invalid_argument', `${file} has no data rows`, 'file');
  return out;
}
