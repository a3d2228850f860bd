/**
 * Placing events at local wall-clock hours in a customer's IANA time zone, without a date library.
 * The offset is read once per (zone, day) at 12:00 UTC and cached: every zone the demo uses changes
 * its clocks at night, before 12:00 UTC of the local date, so that offset holds for the local daytime.
 */
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

const formatters = new Map<string, Intl.DateTimeFormat>();
const offsets = new Map<string, number>();

/** Minutes east of UTC in `tz` at the instant `utcMs`. */
function offsetAt(tz: string, utcMs: number): number {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric',
    });
    formatters.set(tz, f);
  }
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(utcMs)) if (part.type !== 'literal') p[part.type] = Number(part.value);
  const asUtc = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!);
  return Math.round((asUtc - Math.floor(utcMs / MINUTE) * MINUTE) / MINUTE);
}

/** The offset (minutes) for the local calendar date that starts at `dayUtc` (a UTC midnight). */
function dayOffset(tz: string, dayUtc: number): number {
  const key = `${tz}|${dayUtc}`;
  let o = offsets.get(key);
  if (o === undefined) {
    o = offsetAt(tz, dayUtc + 12 * HOUR);
    offsets.set(key, o);
  }
  return o;
}

/** The UTC instant of local date `dayUtc` (UTC midnight of that calendar date) at `localMinutes` after midnight. */
export function localToUtc(tz: string, dayUtc: number, localMinutes: number): number {
  return dayUtc + localMinutes * MINUTE - dayOffset(tz, dayUtc) * MINUTE;
}

/** The first instant at or after `afterUtc` when the local clock in `tz` shows `hour`:00. */
export function nextLocalHour(tz: string, afterUtc: number, hour: number): number {
  const approxDay = Math.floor(afterUtc / DAY) * DAY;
  // The local date can be the UTC date or one either side of it; take the earliest candidate that is late enough.
  for (let d = approxDay - DAY; d <= approxDay + 2 * DAY; d += DAY) {
    const t = localToUtc(tz, d, hour * 60);
    if (t >= afterUtc) return t;
  }
  return localToUtc(tz, approxDay + 3 * DAY, hour * 60);
}

/** Start of the UTC day containing `ms`. */
export const utcDay = (ms: number): number => Math.floor(ms / DAY) * DAY;
