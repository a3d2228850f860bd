import { isTailorError } from '../errors.ts';
import { cleanJson } from '../ingest/clean-json.ts';
import { MAX_ID_LENGTH, textIssue } from '../schemas/safe-text.ts';
import type { Columns } from './column-map.ts';
import { bad, ok, type Mapped, type RowValues } from './types.ts';

/** An identifier cell (userId, orderId, …): trimmed text; numbers from JSON are kept as their text. Blank is "absent". */
export function idValue(v: unknown, field: string): Mapped<string | undefined> {
  if (v === undefined || v === null) return ok(undefined);
  if (typeof v === 'number') return Number.isFinite(v) ? ok(String(v)) : bad(`${field} is not a finite number`);
  if (typeof v !== 'string') return bad(`${field} must be a string or a number`);
  const s = v.trim();
  // The same rules as ingest over HTTP (segment-message.ts): one limit, and no character that the
  // two databases store or compare differently.
  if (s.length > MAX_ID_LENGTH) return bad(`${field} is longer than ${MAX_ID_LENGTH} characters`);
  const issue = textIssue(s);
  if (issue) return bad(`${field} ${issue}`);
  return ok(s === '' ? undefined : s);
}

/** A row's traits, properties or context as ingest over HTTP stores them (clean-json.ts): nesting limited, NUL and lone surrogates repaired. */
export function documentValue<T>(v: T, field: string): Mapped<T> {
  try {
    return ok(cleanJson(v, field));
  } catch (e) {
    if (isTailorError(e)) return bad(e.message);
    throw e;
  }
}

/** A text cell (event name, product name): trimmed; blank is absent. */
export function textValue(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  const s = (typeof v === 'string' ? v : String(v)).trim();
  return s === '' ? undefined : s;
}

/** A JSON object column: an object in JSON files, or JSON text in a CSV cell. Blank is absent. */
export function objectValue(v: unknown, field: string): Mapped<Record<string, unknown> | undefined> {
  if (v === undefined || v === null || v === '') return ok(undefined);
  let o = v;
  if (typeof v === 'string') {
    try {
      o = JSON.parse(v);
    } catch {
      return bad(`${field} must be a JSON object (or JSON text of one)`);
    }
  }
  return typeof o === 'object' && o !== null && !Array.isArray(o) ? ok(o as Record<string, unknown>) : bad(`${field} must be a JSON object (or JSON text of one)`);
}

const NUMBER = /^-?(?:0|[1-9]\d{0,14})(?:\.\d+)?$/;
// Identifiers and codes that look like numbers must stay text: a phone number or a zip code is not a
// quantity, and "00123" would lose its zeros anyway (the NUMBER pattern refuses leading zeros).
const KEEP_TEXT = /phone|mobile|zip|postal|postcode|sku|code$|(^|_)id$|[a-z]Id$|^id$/i;

/** CSV cells are all text; numbers and booleans are recovered so that segment rules can compare them. */
export function inferValue(column: string, s: string): unknown {
  if (s === 'true' || s === 'TRUE') return true;
  if (s === 'false' || s === 'FALSE') return false;
  return NUMBER.test(s) && !KEEP_TEXT.test(column) ? Number(s) : s;
}

// Segment envelope fields that a JSON row may carry; they are not traits or properties.
const ENVELOPE = new Set(['type', 'context', 'integrations', 'sentAt', 'receivedAt', 'originalTimestamp', 'writeKey',
  'channel', 'version', '_metadata']);

/**
 * The columns no field consumed, as traits/properties/attributes. Blank text cells are left out:
 * an empty CSV cell means "not given", never "erase". In JSON files `null` is kept (Segment's "unset").
 */
export function restValues(row: RowValues, cols: Columns, inferTypes: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k in row) {
    // Only JSON rows can be Segment messages; in a CSV, a column named "type" is ordinary data.
    if (!cols.isRest(k) || (!inferTypes && ENVELOPE.has(k))) continue;
    const v = row[k];
    if (v === undefined || v === '') continue;
    if (inferTypes && typeof v === 'string') {
      const s = v.trim();
      if (s !== '') out[k] = inferValue(k, s);
    } else out[k] = v;
  }
  return out;
}
