import { DAY, HOUR, localToUtc, utcDay } from '../local-time.ts';
import type { Rng } from '../../core/prng.ts';

/**
 * DEMO RESPONDER: simulated people, not product code. Nothing in src/core, src/store, src/server,
 * features, segments or models may import this folder or read what it plants: it is the ground
 * truth that send-time optimisation is checked against, and the stand-in for real recipients.
 *
 * How a demo customer reads email. Each person checks their inbox once a day at a habitual local
 * hour, one hour on weekdays and another at weekends (people sleep in), most days within that hour
 * and some days off by an hour or two; now and then they also glance at it at a random daytime hour.
 * A message is most likely read at the first check after it arrives, and the longer it has sat in
 * the inbox (buried under newer mail) the less likely any later check reads it. So the hour a
 * message is delivered truly changes whether it is read within a day: this is what send-time
 * optimisation can win, and what the demo's history and its responder both follow.
 */
export interface ReadingHabits {
  /** Local hour (0–23) of the daily check on Monday to Friday (the trait `demo_preferred_hour`). */
  weekdayHour: number;
  /** Local hour of the daily check on Saturday and Sunday (`demo_weekend_hour`). */
  weekendHour: number;
  /** Share of days on which the check falls within its habitual hour (else off by about `spreadHours`). */
  regularity: number;
  /** Standard deviation, in hours, of an irregular day's check around the habitual hour. */
  spreadHours: number;
  /** Chance per day of one more, casual look at a random daytime hour. */
  glanceRate: number;
  /** Uses Apple Mail with Mail Privacy Protection: its proxy fetches every pixel at delivery, read or not. */
  appleMpp: boolean;
}

export interface InboxCheck { at: number; casual: boolean }

/**
 * How fast a message is buried: the chance that a check reads it falls by e every BURY_HOURS in the
 * inbox. A message that arrives just before the daily check is read with the person's full open
 * rate; one that arrived just after it waits a day and keeps about 2 % of it (a glance may still
 * catch it).
 */
export const BURY_HOURS = 6;
/** A casual glance reads a message half as often as the daily check does. */
const GLANCE_FACTOR = 0.5;
/**
 * A behaviour's open rates (behaviours.ts) are totals over a send; a read at one check is rarer
 * because of the burying, so the chance at a check is the rate scaled up by this (it keeps the
 * history's open volume about what it was before habits existed).
 */
export const CHECK_BOOST = 2.5;
/** Messages older than this are never opened (a person does not scroll back further). */
export const READ_HORIZON = 4 * DAY;

/** Hours at which people read at weekends: later mornings, and the evening. */
const WEEKEND_HOURS = [0, 0, 0, 0, 0, 0, 0, 0.5, 2, 4, 5, 4, 3, 2, 2, 2, 2, 2, 3, 4, 5, 4, 2, 0.5];

/** Draws a customer's habits; the weekday hour is given (the demo's preferred hour). */
export function drawHabits(rng: Rng, weekdayHour: number, appleMppShare = 0.4): ReadingHabits {
  return {
    weekdayHour,
    // A third keep their weekday hour at weekends; the rest have a weekend hour of their own.
    weekendHour: rng.chance(0.35) ? weekdayHour : rng.weighted(WEEKEND_HOURS),
    regularity: rng.float(0.75, 0.95),
    spreadHours: rng.float(1, 2.5),
    glanceRate: rng.float(0.05, 0.2),
    appleMpp: rng.chance(appleMppShare),
  };
}

/** Habits with no habitual hour: every check at a uniformly random hour (the control for send-time tests). */
export function uniformHabits(rng: Rng): ReadingHabits {
  return { weekdayHour: -1, weekendHour: -1, regularity: 0, spreadHours: 0, glanceRate: rng.float(0.05, 0.2), appleMpp: rng.chance(0.4) };
}

/** Whether the local calendar date starting at `dayUtc` (a UTC midnight) is a Saturday or Sunday. */
const isWeekend = (dayUtc: number): boolean => [0, 6].includes(new Date(dayUtc).getUTCDay());

/** The inbox checks in (from, to], in time order. */
export function inboxChecks(rng: Rng, h: ReadingHabits, tz: string, from: number, to: number): InboxCheck[] {
  const out: InboxCheck[] = [];
  for (let d = utcDay(from) - DAY; d <= utcDay(to) + DAY; d += DAY) {
    const hour = isWeekend(d) ? h.weekendHour : h.weekdayHour;
    let minutes: number;
    if (hour < 0) minutes = rng.int(0, 24 * 60 - 1);
    else if (rng.chance(h.regularity)) minutes = hour * 60 + rng.int(0, 50);
    else minutes = Math.round(hour * 60 + 25 + rng.normal(0, h.spreadHours * 60));
    const day: InboxCheck[] = [{ at: localToUtc(tz, d, clampMinutes(minutes)), casual: false }];
    if (rng.chance(h.glanceRate)) day.push({ at: localToUtc(tz, d, rng.int(8 * 60, 22 * 60)), casual: true });
    for (const c of day) if (c.at > from && c.at <= to) out.push(c);
  }
  return out.sort((a, b) => a.at - b.at);
}

const clampMinutes = (m: number): number => Math.min(24 * 60 - 1, Math.max(0, m));

/**
 * When (if ever) the person opens a message delivered at `deliveredAt`: at the first check that
 * reads it, the chance at each check being `openRate` × e^(−hours in the inbox / BURY_HOURS).
 * `until` cuts the horizon (the end of the demo's history). Returns the open instant or undefined.
 */
export function openTime(rng: Rng, h: ReadingHabits, tz: string, deliveredAt: number, openRate: number, until = Infinity): number | undefined {
  for (const c of inboxChecks(rng, h, tz, deliveredAt, Math.min(until, deliveredAt + READ_HORIZON))) {
    const p = openRate * Math.exp(-(c.at - deliveredAt) / (BURY_HOURS * HOUR)) * (c.casual ? GLANCE_FACTOR : 1);
    if (rng.chance(p)) return Math.min(c.at + rng.int(0, 4 * 60) * 1000, until - 1);
  }
  return undefined;
}

