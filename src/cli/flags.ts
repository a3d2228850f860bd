import { TailorError } from '../core/errors.ts';
import { parseDate } from '../core/identity/dates.ts';

/**
 * Parsers for command-line flag values. Each throws invalid_argument naming the flag (`--as-of`)
 * and its field (`asOf`), so that `--json` errors point at what to fix. They run before a command
 * opens the store: a typo should not touch the database.
 */

/** `as-of` → `asOf`: the field a flag sets. */
export const fieldOf = (flag: string): string => flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** An ISO-8601 date or date-time, as epoch milliseconds. `example` is the date the message shows. */
export function dateFlag(s: string, flag: string, example = '2026-11-01'): number {
  const d = parseDate(s);
  if (!d.ok) throw new TailorError('invalid_argument', `--${flag} must be an ISO-8601 date or date-time such as ${example}, not '${s}'`, fieldOf(flag));
  return d.value;
}

/** dateFlag for an optional flag: undefined stays undefined. */
export const optionalDate = (s: string | undefined, flag: string, example?: string): number | undefined =>
  s === undefined ? undefined : dateFlag(s, flag, example);

export interface WholeOptions {
  min?: number;
  max?: number;
  /** What is counted, for the message: `days` gives "a whole number of days from 1 to 100000". */
  unit?: string;
  /** The message's description of a valid value, instead of "a whole number from…". */
  expected?: string;
}

/** A whole number (digits only, a minus sign when min allows it) within [min, max]. */
export function wholeFlag(s: string, flag: string, o: WholeOptions = {}): number {
  const n = /^\s*-?\d+\s*$/.test(s) ? Number(s) : NaN;
  const ok = Number.isSafeInteger(n) && (o.min === undefined || n >= o.min) && (o.max === undefined || n <= o.max);
  if (!ok) {
    const range = o.min !== undefined && o.max !== undefined ? ` from ${o.min} to ${o.max}`
      : o.min !== undefined ? ` of at least ${o.min}` : o.max !== undefined ? ` of at most ${o.max}` : '';
    const expected = o.expected ?? `a whole number${o.unit ? ` of ${o.unit}` : ''}${range}`;
    throw new TailorError('invalid_argument', `--${flag} must be ${expected}, not '${s}'`, fieldOf(flag));
  }
  return n;
}

export const optionalWhole = (s: string | undefined, flag: string, o?: WholeOptions): number | undefined =>
  s === undefined ? undefined : wholeFlag(s, flag, o);

/** A finite number; the whole string must be one (no `12x`, no hex). Ranges are the schema's to check. */
export function numberFlag(s: string, flag: string): number {
  const n = /^\s*[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?\s*$/i.test(s) ? Number(s) : NaN;
  if (!Number.isFinite(n)) throw new TailorError('invalid_argument', `--${flag} must be a number, not '${s}'`, fieldOf(flag));
  return n;
}

export const optionalNumber = (s: string | undefined, flag: string): number | undefined =>
  s === undefined ? undefined : numberFlag(s, flag);

/** A comma-separated list, blanks dropped. */
export const listFlag = (s: string | undefined): string[] | undefined =>
  s === undefined ? undefined : s.split(',').map((x) => x.trim()).filter(Boolean);
