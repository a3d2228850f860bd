import type { PropFilter } from '../schemas/segment-rule.ts';
import { CLICK_EVENTS, EMAIL_OPENED, isMachineHit } from '../tracking/email-event-names.ts';

/**
 * Segment conditions on email opens and clicks count people, not machines (issue 15): an
 * `Email Opened` flagged `machine_open: true` (Apple MPP, prefetching gateways) or an
 * `Email Link Clicked` flagged `bot: true` (link scanners) stays on the profile as a raw event, but
 * event rules skip it, in both interpreters (evaluate.ts and compile-event.ts).
 *
 * Two limits keep this predictable. Only the tracking events carry these flags, so only their names
 * are filtered: a custom event with a `bot` property of its own means something else, and every
 * other rule keeps its plain SQL. And a rule whose `where` names `machine_open` or `bot` asks about
 * the flags itself ("had a machine open": Apple Mail users), so it sees every event and its own
 * filter decides.
 */
const TRACKED = new Set<string>([EMAIL_OPENED, ...CLICK_EVENTS]);
export const FLAG_PROPERTIES: readonly string[] = ['machine_open', 'bot'];

/** Whether the event rule on `name` with this `where` leaves machine hits out. */
export function humanOnly(name: string, where: readonly PropFilter[] | undefined): boolean {
  return TRACKED.has(name) && !(where ?? []).some((f) => FLAG_PROPERTIES.includes(f.property));
}

/** Whether an event counts for a rule on `name` with this `where`, as far as the flags go. */
export const countsForRule = (name: string, where: readonly PropFilter[] | undefined, properties: Record<string, unknown>): boolean =>
  !humanOnly(name, where) || !isMachineHit(properties);
