import { normalizeEmail, undeliverableReason } from '../identity/email.ts';
import type { CampaignRecord, RecipientFacts, Suppression } from './ports.ts';
import { nextAllowedTime, type Hold, type SendPolicy } from './send-window.ts';

/** The consent purpose that marketing mail needs, and the one of a preference topic. */
export const MARKETING_PURPOSE = 'email_marketing';
export const topicPurpose = (topic: string): string => `email:${topic}`;

export type Decision =
  | { action: 'send'; email: string }
  | { action: 'suppress'; reason: SuppressReason; detail: string }
  | { action: 'defer'; until: number; reason: 'quiet_hours' | 'frequency_cap'; detail: string };

export type SuppressReason = 'profile_gone' | 'no_email' | 'undeliverable_email' | 'suppressed_address' | 'no_consent' | 'unsubscribed' | 'unsubscribed_topic'
  | 'left_audience' | 'excluded' | 'exit_condition';

export interface DecideInput {
  campaign: Pick<CampaignRecord, 'kind' | 'spec'>;
  facts: RecipientFacts | undefined;
  suppression: Suppression | undefined;
  /** Earlier sends of this recipient: all marketing mail (global caps) and this campaign's (its caps). */
  recent: { all: readonly number[]; campaign: readonly number[] };
  policy: { global: SendPolicy; campaign: SendPolicy };
  defaultZone: string;
  /** Triggered campaigns: whether the exit condition already holds. */
  exited: boolean;
  now: number;
}

/**
 * Whether one message goes now, waits, or never goes, and why: checked for each recipient just
 * before sending (not when the audience was resolved), in this order. Transactional mail skips
 * consent, audience, caps and quiet hours; only a missing address and a suppressed one (a hard
 * bounce or a complaint) stop it.
 */
export function decideSend(d: DecideInput): Decision {
  const f = d.facts;
  if (!f || !f.exists) return { action: 'suppress', reason: 'profile_gone', detail: 'the profile was erased or merged away' };
  const email = f.email === null ? null : normalizeEmail(f.email);
  if (!email || !email.ok) return { action: 'suppress', reason: 'no_email', detail: email ? `email: ${email.reason}` : 'the profile has no email' };
  const undeliverable = undeliverableReason(email.value);
  if (undeliverable) return { action: 'suppress', reason: 'undeliverable_email', detail: `email ${email.value} is ${undeliverable}` };
  if (d.suppression) {
    return { action: 'suppress', reason: 'suppressed_address', detail: `${d.suppression.kind} ${d.suppression.value} is suppressed: ${d.suppression.reason} (${d.suppression.source})` };
  }
  if (d.campaign.kind === 'transactional') return { action: 'send', email: email.value };

  const marketing = f.consents.get(MARKETING_PURPOSE);
  if (marketing === false) return { action: 'suppress', reason: 'unsubscribed', detail: `${MARKETING_PURPOSE} consent withdrawn` };
  if (marketing !== true) return { action: 'suppress', reason: 'no_consent', detail: `no ${MARKETING_PURPOSE} consent` };
  const topic = d.campaign.spec.topic;
  if (topic && f.consents.get(topicPurpose(topic)) === false) return { action: 'suppress', reason: 'unsubscribed_topic', detail: `unsubscribed from topic ${topic}` };

  const audience = d.campaign.spec.audience;
  if (d.campaign.kind === 'broadcast' && audience) {
    const excluded = audience.exclude.find((s) => f.segments.has(s));
    if (excluded) return { action: 'suppress', reason: 'excluded', detail: `in excluded segment ${excluded}` };
    if (audience.segments.length && !audience.segments.some((s) => f.segments.has(s))) {
      return { action: 'suppress', reason: 'left_audience', detail: `no longer in ${audience.segments.join(' or ')}` };
    }
  }
  if (d.exited) return { action: 'suppress', reason: 'exit_condition', detail: `did ${d.campaign.spec.exit?.event ?? 'the exit event'} after the trigger` };

  // Global caps count all marketing mail, the campaign's only its own; both defer, never drop.
  const zone = f.zone;
  let at = d.now;
  const holds: Hold[] = [];
  for (let i = 0; i < 10; i++) {
    const g = nextAllowedTime({ at, zone, defaultZone: d.defaultZone, policy: d.policy.global, sentTimes: d.recent.all });
    const c = nextAllowedTime({ at: g.at, zone, defaultZone: d.defaultZone, policy: d.policy.campaign, sentTimes: d.recent.campaign });
    holds.push(...g.holds, ...c.holds);
    if (c.at === at) break;
    at = c.at;
  }
  if (at === d.now) return { action: 'send', email: email.value };
  const why = holds.some((h) => h.kind === 'cap') ? 'frequency_cap' : 'quiet_hours';
  const detail = holds.map((h) => (h.kind === 'cap' ? `cap ${h.cap.max}/${h.cap.per === 'day' ? 'day' : `${h.cap.windowMs / 3_600_000}h`}` : 'quiet hours')).filter((v, i, a) => a.indexOf(v) === i).join(', ');
  return { action: 'defer', until: at, reason: why, detail: `${detail} until ${new Date(at).toISOString()}` };
}
