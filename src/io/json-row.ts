import type { RowValues } from '../core/imports/types.ts';
import type { SourceRow } from './source-row.ts';

/** Decodes one JSON record; anything but an object is a reject that keeps the text. */
export function jsonRow(row: number, text: string, what: 'line' | 'element'): SourceRow {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    return { row, raw: text, error: `invalid JSON ${what}: ${(e as Error).message}` };
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    return { row, raw: text, error: `the JSON ${what} is not an object` };
  }
  return { row, values: v as RowValues, raw: v };
}
