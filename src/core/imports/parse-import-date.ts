import { MAX_TIME, MIN_TIME, parseDate } from '../identity/dates.ts';
import { bad, ok, type DateFormat, type Mapped } from './types.ts';

// "12/1/2010 8:26" (UCI Online Retail), "2011/12/09", optionally with seconds and AM/PM.
const SLASHED = /^(\d{1,4})\/(\d{1,2})\/(\d{1,4})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?$/;
const EPOCH = /^\d{9,13}(?:\.\d+)?$/;

/**
 * Dates in import files, read as UTC when they carry no offset: everything the ingest API accepts
 * (ISO-8601, YYYYMMDD, epoch numbers), epoch seconds or milliseconds written as digits, and slashed
 * dates. Slashed dates are month-first unless `dmy` is asked for: that is the US convention and the
 * one of the UCI data sets; a day above 12 in the month slot is rejected rather than swapped.
 */
export function parseImportDate(v: unknown, field: string, format: DateFormat): Mapped<number> {
  if (typeof v === 'string') {
    const s = v.trim();
    if (s === '') return bad(`${field} is empty`);
    const m = SLASHED.exec(s);
    if (m) return slashed(m, field, format);
    if (EPOCH.test(s)) return fromCore(Number(s), v, field);
  }
  return fromCore(v, v, field);
}

function fromCore(input: unknown, original: unknown, field: string): Mapped<number> {
  const r = parseDate(input);
  return r.ok ? ok(r.value) : bad(`${field} is not a date (${r.reason}): ${JSON.stringify(original)}`);
}

function slashed(m: RegExpExecArray, field: string, format: DateFormat): Mapped<number> {
  const a = Number(m[1]);
  const b = Number(m[2]);
  const c = Number(m[3]);
  let y: number;
  let mo: number;
  let d: number;
  if (m[1]!.length === 4) [y, mo, d] = [a, b, c];
  else if (m[3]!.length === 4) [y, mo, d] = format === 'dmy' ? [c, b, a] : [c, a, b];
  else return bad(`${field} has no four-digit year: ${JSON.stringify(m[0])}`);
  let h = m[4] === undefined ? 0 : Number(m[4]);
  const min = m[5] === undefined ? 0 : Number(m[5]);
  const sec = m[6] === undefined ? 0 : Number(m[6]);
  if (m[7]) {
    if (h < 1 || h > 12) return bad(`${field} has an hour outside 1-12 with AM/PM: ${JSON.stringify(m[0])}`);
    h = (h % 12) + (m[7].toLowerCase() === 'pm' ? 12 : 0);
  }
  if (h > 23 || min > 59 || sec > 59) return bad(`${field} has an invalid time: ${JSON.stringify(m[0])}`);
  const ms = Date.UTC(y, mo - 1, d, h, min, sec);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) {
    return bad(`${field} is not a date (${format === 'dmy' ? 'day/month/year' : 'month/day/year'} does not exist): ${JSON.stringify(m[0])}`);
  }
  if (ms < MIN_TIME || ms > MAX_TIME) return bad(`${field} is outside years 0001-9999`);
  return ok(ms);
}
