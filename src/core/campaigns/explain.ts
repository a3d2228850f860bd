import { TailorError } from '../errors.ts';
import { decideSend, MARKETING_PURPOSE, topicPurpose, type Decision } from './decide-send.ts';
import { sendDocument, type SendDocument } from './campaign-document.ts';
import type { CampaignRecord, CampaignStatus, CampaignStore, RecipientLookup, SendQueue, SuppressionStore } from './ports.ts';
import { lookBackMs, policyFor, type GlobalPolicy } from './send-policy.ts';

export interface ExplainDeps {
  sends: Pick<CampaignStore, 'sendsOf'>;
  lookup: Pick<RecipientLookup, 'facts' | 'hadEvent'>;
  suppressions: Pick<SuppressionStore, 'match'>;
  queue: Pick<SendQueue, 'recentSends'>;
  policy: GlobalPolicy;
  /** A profile id, user id or email → the profile id. */
  resolveProfile: (ref: string) => Promise<string | null>;
  now: () => number;
}

/** What would happen to this person if their message were sent now: the same checks as the sender, in the same order. */
export interface ExplainNow {
  action: Decision['action'];
  reason: string | null;
  detail: string | null;
  /** When a deferred message could go. */
  until: string | null;
  email: string | null;
  /** The audience segments (and excluded ones) the person is in now. */
  segments: { in: string[]; notIn: string[]; excludedIn: string[] };
  suppression: { kind: string; value: string; reason: string; source: string; since: string } | null;
  /** Consent as the sender reads it: true, false (withdrawn) or null (never given). */
  consent: Record<string, boolean | null>;
}

export interface ExplainDocument {
  campaign: { id: string; name: string; kind: string; status: CampaignStatus };
  profileId: string;
  /** Every row of this person in the campaign, oldest first. */
  sends: SendDocument[];
  /** Null once the campaign is over (sent, cancelled) or for a draft. */
  now: ExplainNow | null;
  /** The same, in words. */
  summary: string;
}

const LIVE: readonly CampaignStatus[] = ['scheduled', 'sending', 'paused'];

/** One row in words. */
function rowWords(s: SendDocument): string {
  const step = s.step > 0 ? ` (step ${s.step + 1})` : '';
  switch (s.state) {
    case 'sent': return `sent${step} to ${s.email ?? 'their address'} at ${s.sentAt}`;
    case 'suppressed': return `not sent${step}: ${s.reason} (${s.detail ?? 'no detail'})`;
    case 'failed': return `failed${step}: ${s.reason} (${s.detail ?? 'no detail'})`;
    case 'deferred': return `waiting${step} until ${s.dueAt}: ${s.reason} (${s.detail ?? 'no detail'})`;
    case 'cancelled': return `not sent${step}: the campaign was cancelled first`;
    default: return `${s.state}${step}, due ${s.dueAt}`;
  }
}

function nowWords(n: ExplainNow): string {
  if (n.action === 'send') return `if sent now it would go to ${n.email}`;
  if (n.action === 'defer') return `if sent now it would wait until ${n.until}: ${n.detail}`;
  return `if sent now it would be suppressed: ${n.reason} (${n.detail})`;
}

/**
 * Why a person did or did not get a campaign: their rows (state, reason, detail, times), and for a
 * live campaign what the sender would decide for them now, with the facts it decides on: the
 * audience segments they are in, a suppression entry for their address, their consent. Uses the
 * sender's own decision (decideSend), so the answer cannot drift from what sending does.
 */
export async function explainRecipient(d: ExplainDeps, c: CampaignRecord, profileRef: string): Promise<ExplainDocument> {
  const profileId = await d.resolveProfile(profileRef.trim());
  if (!profileId) throw new TailorError('not_found', `no profile '${profileRef}'`, 'profile');
  const rows = await d.sends.sendsOf(c.id, profileId);
  const sends = rows.map(sendDocument);
  // The exit condition is per trigger; the newest row's trigger is the one a next step would check.
  const now = LIVE.includes(c.status) ? await decideNow(d, c, profileId, rows.at(-1)?.triggerAt ?? null) : null;

  const words: string[] = [];
  if (!sends.length) {
    words.push(c.status === 'draft' ? 'the campaign is a draft: nothing was sent yet'
      : c.kind === 'triggered' ? 'no message yet: the trigger has not fired for this person since launch'
        : c.spec.audience && !c.spec.audience.profiles && !c.audienceDone ? 'not queued yet: the audience is still being resolved'
          : 'not queued: the person was not in the audience when it was resolved');
  }
  for (const s of sends) words.push(rowWords(s));
  if (now) words.push(nowWords(now));
  return { campaign: { id: c.id, name: c.name, kind: c.kind, status: c.status }, profileId, sends, now, summary: `${words.join('; ')}.` };
}

async function decideNow(d: ExplainDeps, c: CampaignRecord, profileId: string, lastTrigger: number | null): Promise<ExplainNow> {
  const include = c.spec.audience?.segments ?? [];
  const exclude = c.spec.audience?.exclude ?? [];
  const facts = (await d.lookup.facts([profileId], [...include, ...exclude])).get(profileId);
  const email = facts?.email ?? null;
  const suppression = email ? (await d.suppressions.match([email])).get(email) ?? (await d.suppressions.match([email.toLowerCase()])).get(email.toLowerCase()) : undefined;
  const policy = policyFor(d.policy, c.spec);
  const now = d.now();
  const back = lookBackMs([...policy.global.caps, ...policy.campaign.caps]);
  const mine = back ? (await d.queue.recentSends([profileId], now - back)).get(profileId) ?? [] : [];
  const exit = c.spec.exit;
  const exited = c.kind === 'triggered' && exit !== undefined && lastTrigger !== null && await d.lookup.hadEvent(profileId, exit.event, lastTrigger, exit.where);
  const decision = decideSend({
    campaign: c, facts, suppression, exited, now, defaultZone: d.policy.defaultZone, policy,
    recent: { all: mine.map((s) => s.at), campaign: mine.filter((s) => s.campaignId === c.id).map((s) => s.at) },
  });
  const has = (s: string) => facts?.segments.has(s) ?? false;
  const consent: Record<string, boolean | null> = { [MARKETING_PURPOSE]: facts?.consents.get(MARKETING_PURPOSE) ?? null };
  if (c.spec.topic) consent[topicPurpose(c.spec.topic)] = facts?.consents.get(topicPurpose(c.spec.topic)) ?? null;
  return {
    action: decision.action,
    reason: decision.action === 'send' ? null : decision.reason,
    detail: decision.action === 'send' ? null : decision.detail,
    until: decision.action === 'defer' ? new Date(decision.until).toISOString() : null,
    email,
    segments: { in: include.filter(has), notIn: include.filter((s) => !has(s)), excludedIn: exclude.filter(has) },
    suppression: suppression ? {
      kind: suppression.kind, value: suppression.value, reason: suppression.reason, source: suppression.source, since: new Date(suppression.createdAt).toISOString(),
    } : null,
    consent,
  };
}
