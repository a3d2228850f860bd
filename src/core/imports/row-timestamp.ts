import type { Columns } from './column-map.ts';
import { parseImportDate } from './parse-import-date.ts';
import { ok, type MapContext, type Mapped, type RowValues } from './types.ts';

/**
 * The row's own time, or undefined when the file has no timestamp column (the caller then uses the
 * import time). A timestamp column with a blank or unreadable cell rejects the row: silently
 * stamping it "now" would put a historical event in the wrong place.
 */
export function rowTimestamp(row: RowValues, cols: Columns, ctx: MapContext): Mapped<number | undefined> {
  const v = cols.get(row, 'timestamp');
  if (v === undefined) return ok(undefined);
  if (v === null) return ok(undefined);
  return parseImportDate(v, 'timestamp', ctx.dateFormat);
}
