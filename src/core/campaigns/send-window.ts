/**
 * When a marketing message may go to one recipient: frequency caps and quiet hours, in the
 * recipient's own zone (src/core/campaigns/local-time.ts has the wall-clock and DST rules).
 *
 * - Times are epoch ms. `zone` is the profile's IANA zone; missing or invalid → `defaultZone`;
 *   an invalid default → UTC.
 * - `sentTimes` are the earlier sends that the caps count (the caller picks which: all
 *   marketing mail for global caps, one campaign's for its own).
 * - A `day` cap allows `max` sends per local calendar day. A full day defers to the start of
 *   the next local day: local midnight, or the first instant of that day when midnight is
 *   skipped by DST (e.g. America/Santiago).
 * - A `rolling` cap allows `max` sends in any window of `windowMs` ending at the send, i.e. in
 *   (t - windowMs, t]. A full window defers to the first instant at which fewer than `max`
 *   earlier sends are in it: the max-th most recent send + windowMs.
 * - Quiet hours [start, end) in local wall-clock time; start > end wraps midnight (21:00-08:00);
 *   start = end means none. Inside them the message waits until `end`. A quiet period is the
 *   interval between the instants of `start` and `end` as local-time.ts defines them: a
 *   skipped `end` (02:30 on a spring-forward night) ends at the end of the gap (03:00), and an
 *   `end` read twice (fall back) ends at its first reading. So the repeated hour after that is
 *   not quiet again, and a period never restarts because the clock went back.
 * - The rules are applied again until one time satisfies them all (waiting out the night can
 *   land on a full day, and the next day on quiet hours); `holds` names each rule that moved
 *   the time, once. Nothing moved: `{ at, holds: [] }` with the very `at` given (callers compare
 *   with ===).
 */
import { addDays, localDate, localInstant, parseHhmm, resolveZone } from './local-time.ts';

export type Cap = { max: number; per: 'day' } | { max: number; per: 'rolling'; windowMs: number };
/** "HH:MM" local wall-clock; start > end wraps midnight (21:00-08:00). */
export interface QuietHours { start: string; end: string }
export interface SendPolicy { quietHours: QuietHours | undefined; caps: Cap[] }
export type Hold = { kind: 'cap'; cap: Cap } | { kind: 'quiet' };

export interface WindowInput {
  at: number;
  zone: string | undefined;
  defaultZone: string;
  policy: SendPolicy;
  sentTimes: readonly number[];
}

/** Each step moves the time forward to a later day or past a send; this is far more than enough. */
const MAX_ROUNDS = 64;

export function nextAllowedTime(a: WindowInput): { at: number; holds: Hold[] } {
  const { policy } = a;
  if (!policy.caps.length && !policy.quietHours) return { at: a.at, holds: [] };
  const zone = resolveZone(a.zone, a.defaultZone);
  const quiet = quietMinutes(policy.quietHours);
  const holds: Hold[] = [];
  const hold = (h: Hold): void => {
    if (!holds.some((x) => (x.kind === 'quiet' ? h.kind === 'quiet' : h.kind === 'cap' && x.cap === h.cap))) holds.push(h);
  };
  let t = a.at;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const start = t;
    if (quiet) {
      const end = quietEnd(t, quiet.start, quiet.end, zone);
      if (end !== undefined) { t = end; hold({ kind: 'quiet' }); }
    }
    for (const cap of policy.caps) {
      const next = cap.per === 'day' ? dayCapNext(t, cap.max, a.sentTimes, zone) : rollingCapNext(t, cap.max, cap.windowMs, a.sentTimes);
      if (next > t) { t = next; hold({ kind: 'cap', cap }); }
    }
    if (t === start) break;
  }
  return { at: t, holds };
}

function quietMinutes(q: QuietHours | undefined): { start: number; end: number } | undefined {
  if (!q) return undefined;
  const start = parseHhmm(q.start, 'quietHours.start');
  const end = parseHhmm(q.end, 'quietHours.end');
  return start === end ? undefined : { start, end };
}

/** The end of the quiet period that contains `t`, if one does. */
export function quietEnd(t: number, start: number, end: number, zone: string): number | undefined {
  const today = localDate(t, zone);
  // A period that began yesterday (wrapping midnight) or today.
  for (const i of [-1, 0]) {
    const day = addDays(today, i);
    const from = localInstant(day, start, zone);
    if (t < from) continue;
    const to = localInstant(start < end ? day : addDays(day, 1), end, zone);
    if (t < to) return to;
  }
  return undefined;
}

/** `t` if its local day has room, else the start of the next local day. */
function dayCapNext(t: number, max: number, sent: readonly number[], zone: string): number {
  const today = localDate(t, zone);
  const from = localInstant(today, 0, zone);
  const to = localInstant(addDays(today, 1), 0, zone);
  let n = 0;
  for (const s of sent) if (s >= from && s < to) n++;
  return n >= max ? to : t;
}

/** `t` if (t - windowMs, t] holds fewer than `max` sends, else when it first will. */
function rollingCapNext(t: number, max: number, windowMs: number, sent: readonly number[]): number {
  const inWindow = sent.filter((s) => s > t - windowMs && s <= t);
  if (inWindow.length < max) return t;
  inWindow.sort((x, y) => y - x);
  return inWindow[max - 1]! + windowMs;
}
