import { MARKETING_PURPOSE } from '../core/campaigns/decide-send.ts';
import type { Suppression } from '../core/campaigns/ports.ts';
import { rngFor } from '../core/prng.ts';
import { demoCustomer, type DemoCustomer } from './customers.ts';
import type { DemoEvent } from './demo-event.ts';
import { DAY, HOUR, MINUTE } from './local-time.ts';

/**
 * Marketing-mail consent for the demo shop, planted so that a demo campaign shows suppression at
 * work: most customers opted in at sign-up, some were never asked or said no, a few unsubscribed
 * later, a few addresses hard-bounced and one or two people complained. It rides on the demo's own
 * messages (Segment's `context.consent.categoryPreferences`), so ingest records it as it would
 * real consent; bounces and complaints also become suppression entries (demoSuppressions).
 * Each customer's status comes from its own stream rngFor(seed, 'consent', index), so the rest of
 * the data set is the same as without consent, and a customer's status does not depend on the
 * customer count.
 */
export type DemoConsent = 'opted_in' | 'never_asked' | 'declined' | 'unsubscribed' | 'hard_bounce' | 'complaint';

/** Shares in per cent: with the bounced (who stay opted in), about 85 % are opted in at the end; 90 % opted in at some point. */
const SHARES: readonly (readonly [DemoConsent, number])[] = [
  ['opted_in', 81.9], ['never_asked', 6], ['declined', 4], ['unsubscribed', 5], ['hard_bounce', 3], ['complaint', 0.1],
];

export function demoConsentOf(seed: number, index: number): DemoConsent {
  return SHARES[rngFor(seed, 'consent', index).weighted(SHARES.map((s) => s[1]))]![0];
}

const prefs = (granted: boolean) => ({ consent: { categoryPreferences: { [MARKETING_PURPOSE]: granted } } });

/** The email platform's events after which a customer gets no more demo newsletters. */
const STOP_EVENT: Partial<Record<DemoConsent, { event: string; properties: Record<string, unknown>; granted?: boolean }>> = {
  unsubscribed: { event: 'Unsubscribed', properties: { list_id: 'newsletter', method: 'link' }, granted: false },
  hard_bounce: { event: 'Email Bounced', properties: { bounce_type: 'hard', status: '5.1.1', reason: '550 5.1.1 mailbox unavailable', source: 'demo' } },
  // A complaint withdraws consent too, as report intake does for a real one.
  complaint: { event: 'Email Marked as Spam', properties: { feedback_type: 'abuse', source: 'demo' }, granted: false },
};
const ENGAGEMENT = new Set(['Email Opened', 'Email Clicked']);

/**
 * One customer's history with consent planted: the consent on the first identify's context, and
 * for those who stopped, the stop event (an unsubscribe withdraws consent in its own context)
 * somewhere between the sign-up and the end, with no email opens or clicks after it.
 */
export function plantConsent(seed: number, c: DemoCustomer, events: DemoEvent[], end: number): DemoEvent[] {
  const kind = demoConsentOf(seed, c.index);
  const first = events.findIndex((e) => e.type === 'identify');
  if (first < 0 || kind === 'never_asked') return events;
  const out = events.slice();
  const identify = out[first]!;
  out[first] = { ...identify, context: { ...identify.context, ...prefs(kind !== 'declined') } };
  const stop = STOP_EVENT[kind];
  if (!stop) return out;
  const rng = rngFor(seed, 'consent-stop', c.index);
  const lo = identify.at + DAY;
  const hi = end - HOUR;
  const at = lo < hi ? Math.round((lo + rng.next() * (hi - lo)) / MINUTE) * MINUTE : Math.floor((identify.at + end) / 2);
  const event: DemoEvent = {
    type: 'track', channel: 'server', at, event: stop.event, properties: stop.properties,
    ...(stop.granted === undefined ? {} : { context: prefs(stop.granted) }),
  };
  const kept = out.filter((e) => !(e.at > at && e.event !== undefined && ENGAGEMENT.has(e.event)));
  const i = kept.findIndex((e) => e.at > at);
  kept.splice(i < 0 ? kept.length : i, 0, event);
  return kept;
}

/**
 * The suppression entries that go with the planted bounces and complaints (what bounce and
 * complaint intake would have added). Only the few such customers are built, so this stays
 * quick for a large demo.
 */
export function demoSuppressions(spec: { seed: number; customers: number; end: number }): Omit<Suppression, 'createdAt'>[] {
  const segmentOffset = rngFor(spec.seed, 'segments').next();
  const out: Omit<Suppression, 'createdAt'>[] = [];
  for (let i = 0; i < spec.customers; i++) {
    const kind = demoConsentOf(spec.seed, i);
    if (kind !== 'hard_bounce' && kind !== 'complaint') continue;
    const { email } = demoCustomer(spec.seed, i, spec.end, segmentOffset);
    out.push({ kind: 'address', value: email, reason: kind, source: 'demo', detail: kind === 'hard_bounce' ? '550 5.1.1 mailbox unavailable' : 'abuse report' });
  }
  return out;
}
