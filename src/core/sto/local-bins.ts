import { zonedParts } from '../campaigns/local-time.ts';

/**
 * Where an instant falls in a recipient's own week. The model's bins are the 24 local hours of a
 * weekday and the 24 of a weekend day (48 bins), not the 168 hours of the week:
 * - a person's history is sparse (a few dozen human opens a year for most), and 168 bins spread it
 *   3.5 times thinner; Tuesday 19:00 and Wednesday 19:00 are the same habit for nearly everyone;
 * - the distinction that does carry information is working day against weekend (commute and desk
 *   hours against late mornings), which the 48 bins keep.
 * A weekday bin collects five days' worth of events and a weekend bin two, so a slot on a given
 * day is scored by the bin's probability per day (DAYS_IN_BIN).
 */
export const BINS = 48;
export const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** Days of the week that feed a bin: 5 for weekday hours (0-23), 2 for weekend hours (24-47). */
export const daysInBin = (bin: number): number => (bin < 24 ? 5 : 2);

/**
 * A zone's UTC offset changes a couple of times a year at most: it is looked up once per zone and
 * UTC hour and memoised (Intl is slow: a few µs per call; a fit reads millions of events).
 */
const offsets = new Map<string, Map<number, number>>();

export function offsetAt(t: number, zone: string): number {
  let z = offsets.get(zone);
  if (!z) {
    if (offsets.size > 2000) offsets.clear();
    offsets.set(zone, (z = new Map()));
  }
  const hour = Math.floor(t / HOUR_MS);
  let o = z.get(hour);
  if (o === undefined) {
    // Offsets are whole quarter hours in every zone in use, so the hour's start speaks for the hour.
    o = zonedParts(hour * HOUR_MS, zone).offsetMs;
    if (z.size > 200_000) z.clear();
    z.set(hour, o);
  }
  return o;
}

/** Local hour (0-23) and ISO weekday (0 = Monday … 6 = Sunday) of `t` in `zone` (a valid zone). */
export function localClock(t: number, zone: string): { hour: number; weekday: number } {
  const wall = t + offsetAt(t, zone);
  const day = Math.floor(wall / DAY_MS);
  return { hour: Math.floor((wall - day * DAY_MS) / HOUR_MS), weekday: (((day + 3) % 7) + 7) % 7 };
}

/** The model bin of `t` in `zone`. */
export function localBin(t: number, zone: string): number {
  const { hour, weekday } = localClock(t, zone);
  return (weekday >= 5 ? 24 : 0) + hour;
}

/** Local hour of the week of `t` in `zone`: 0 is Monday 00:00-00:59, 167 Sunday 23:00-23:59 (for display). */
export function localHourOfWeek(t: number, zone: string): number {
  const { hour, weekday } = localClock(t, zone);
  return weekday * 24 + hour;
}
