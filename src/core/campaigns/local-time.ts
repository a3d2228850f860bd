/**
 * Wall-clock time in a recipient's IANA zone, with Intl (no tz dependency).
 *
 * A local day has exactly one instant for each "HH:MM", which is what schedules and quiet hours
 * mean by it:
 * - the wall clock reads it once: that instant;
 * - it is skipped (spring forward, e.g. 02:30 in Europe/Berlin on 2026-03-29): the instant the
 *   gap ends (03:00 local), so "at 02:30" still happens that day, as early as it can;
 * - it is read twice (fall back, e.g. 01:30 in New York on 2026-11-01): the first time, so a
 *   daily 01:30 happens once, not twice.
 *
 * This runs per recipient at thousands per second, so formatters are cached per zone and the
 * instant of (zone, local day, HH:MM) is memoised: a broadcast asks the same few questions
 * for every recipient in a zone.
 */
import { TailorError } from '../errors.ts';

export interface ZonedParts {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number; // 0-23
  minute: number;
  second: number;
  /** Local wall clock minus UTC, in ms, at this instant. */
  offsetMs: number;
}

/** A local calendar date (no time, no zone). */
export interface LocalDate { year: number; month: number; day: number }

const MINUTE = 60_000;
const DAY = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat | null>();

function formatter(zone: string): Intl.DateTimeFormat | null {
  let f = formatters.get(zone);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone: zone, hourCycle: 'h23',
        year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
      });
    } catch {
      f = null; // RangeError: not a zone this runtime knows
    }
    // Profiles carry free text; do not let junk zone names grow the cache without bound.
    if (formatters.size > 2000) formatters.clear();
    formatters.set(zone, f);
  }
  return f;
}

export function isValidZone(zone: string): boolean {
  return zone.length > 0 && formatter(zone) !== null;
}

/** The recipient's zone if valid, else the default if valid, else UTC. */
export function resolveZone(zone: string | undefined, defaultZone: string): string {
  if (zone && isValidZone(zone)) return zone;
  return isValidZone(defaultZone) ? defaultZone : 'UTC';
}

/** The wall-clock parts of `at` in `zone` (a valid zone: see resolveZone). */
export function zonedParts(at: number, zone: string): ZonedParts {
  const f = formatter(zone) ?? formatter('UTC')!;
  let year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  for (const p of f.formatToParts(at)) {
    switch (p.type) {
      case 'year': year = Number(p.value); break;
      case 'month': month = Number(p.value); break;
      case 'day': day = Number(p.value); break;
      case 'hour': hour = Number(p.value); break;
      case 'minute': minute = Number(p.value); break;
      case 'second': second = Number(p.value); break;
    }
  }
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  const wholeSecond = at - (((at % 1000) + 1000) % 1000);
  return { year, month, day, hour, minute, second, offsetMs: wall - wholeSecond };
}

const offsetAt = (at: number, zone: string): number => zonedParts(at, zone).offsetMs;

/** "HH:MM" → minutes after midnight; throws on anything else. */
export function parseHhmm(hhmm: string, field = 'time'): number {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(hhmm);
  if (!m) throw new TailorError('invalid_argument', `${field}: "${hhmm}" is not a local time "HH:MM" (00:00-23:59)`, field);
  return Number(m[1]) * 60 + Number(m[2]);
}

/** The date `days` after `d` (negative: before). */
export function addDays(d: LocalDate, days: number): LocalDate {
  const t = new Date(Date.UTC(d.year, d.month - 1, d.day + days));
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
}

const memo = new Map<string, number>();

/**
 * The instant of local date `d` at `minuteOfDay` in `zone` (a valid zone), by the rules in the
 * header: the only reading, else the first of two, else the end of the gap.
 */
export function localInstant(d: LocalDate, minuteOfDay: number, zone: string): number {
  const key = `${zone}|${d.year}-${d.month}-${d.day}|${minuteOfDay}`;
  const hit = memo.get(key);
  if (hit !== undefined) return hit;
  const wall = Date.UTC(d.year, d.month - 1, d.day) + minuteOfDay * MINUTE;
  // At most one transition near any day: the offsets a day either side are the two candidates.
  const before = offsetAt(wall - DAY, zone);
  const after = offsetAt(wall + DAY, zone);
  let out: number | undefined;
  for (const o of before === after ? [before] : [before, after]) {
    const t = wall - o;
    if (offsetAt(t, zone) === o && (out === undefined || t < out)) out = t;
  }
  if (out === undefined) out = gapEnd(wall - Math.max(before, after), wall - Math.min(before, after), zone);
  if (memo.size > 50_000) memo.clear();
  memo.set(key, out);
  return out;
}

/**
 * The wall time is skipped: the transition lies in [lo, hi) (read with the later and the earlier
 * offset). Bisect to the first instant with the new offset, which is where the gap ends.
 */
function gapEnd(lo: number, hi: number, zone: string): number {
  const old = offsetAt(lo, zone);
  while (hi - lo > 1000) {
    const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
    if (offsetAt(mid, zone) === old) lo = mid; else hi = mid;
  }
  return hi;
}

/** The local date of `at` in `zone`. */
export function localDate(at: number, zone: string): LocalDate {
  const p = zonedParts(at, zone);
  return { year: p.year, month: p.month, day: p.day };
}

/**
 * The first instant >= `after` that is the recipient's `hhmm` of some local day (rules in the
 * header); for "send at 9:00 local" broadcasts.
 */
export function nextLocalTime(after: number, zone: string | undefined, defaultZone: string, hhmm: string): number {
  const z = resolveZone(zone, defaultZone);
  const minute = parseHhmm(hhmm);
  const today = localDate(after, z);
  // Yesterday's too: in a zone that falls back across midnight, the end of yesterday is read
  // again after today has begun, so yesterday's late time can still lie ahead of `after`.
  for (let i = -1; i <= 2; i++) {
    const t = localInstant(addDays(today, i), minute, z);
    if (t >= after) return t;
  }
  /* c8 ignore next */
  throw new Error(`no ${hhmm} in ${z} after ${new Date(after).toISOString()}`);
}
