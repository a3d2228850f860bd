import type { Normalized } from './email.ts';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/i;
const COMPACT = /^(\d{4})(\d{2})(\d{2})$/;

/**
 * Dates to ISO-8601 UTC. Accepts ISO dates and date-times (a date-time without an offset is read as UTC),
 * compact YYYYMMDD, and epoch seconds or milliseconds as numbers. Anything else is rejected rather
 * than guessed (no "03/04/2020": day-first or month-first cannot be told apart).
 */
/** Years 0001..9999: what ISO-8601 strings, JavaScript dates and both databases all hold. */
export const MIN_TIME = -62135596800000;
export const MAX_TIME = 253402300799999;

export function parseDate(input: unknown): Normalized<number> {
  const r = parseAnyDate(input);
  if (r.ok && (r.value < MIN_TIME || r.value > MAX_TIME)) return { ok: false, reason: 'date is outside years 0001-9999' };
  return r;
}

function parseAnyDate(input: unknown): Normalized<number> {
  if (input instanceof Date) return isFinite(input.getTime()) ? { ok: true, value: input.getTime() } : { ok: false, reason: 'invalid date' };
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) return { ok: false, reason: 'date is not a finite number' };
    // Heuristic documented in README: below 1e11 it is epoch seconds (year < 5138), above it milliseconds.
    return { ok: true, value: Math.abs(input) < 1e11 ? Math.round(input * 1000) : Math.round(input) };
  }
  if (typeof input !== 'string') return { ok: false, reason: 'date must be a string or a number' };
  const s = input.trim();
  const m = ISO_DATE.exec(s) ?? COMPACT.exec(s);
  if (m) return ymd(Number(m[1]), Number(m[2]), Number(m[3]));
  if (ISO_DATETIME.test(s)) {
    const hasZone = /(Z|[+-]\d{2}:?\d{2})$/i.test(s);
    const ms = Date.parse(hasZone ? s.replace(' ', 'T') : `${s.replace(' ', 'T')}Z`);
    if (Number.isFinite(ms)) return { ok: true, value: ms };
  }
  return { ok: false, reason: 'date is not ISO-8601' };
}

function ymd(y: number, mo: number, d: number): Normalized<number> {
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) {
    return { ok: false, reason: 'date does not exist' };
  }
  return { ok: true, value: ms };
}

export function normalizeDate(input: unknown): Normalized<string> {
  const r = parseDate(input);
  return r.ok ? { ok: true, value: new Date(r.value).toISOString() } : r;
}
