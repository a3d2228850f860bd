import { createHash } from 'node:crypto';
import type { Message } from '../schemas/segment-message.ts';
import type { Suppression } from './ports.ts';

/**
 * Bounce and complaint intake: turns delivery reports (DSN and ARF emails, provider webhooks; the
 * parsers are in src/delivery/reports) into suppressions, `Email Bounced` / `Email Marked as Spam`
 * events on the profile, a withdrawn `email_marketing` consent for a complaint, and one row per
 * report in the report log.
 *
 * Rules:
 * - a hard bounce or a complaint suppresses the address at once;
 * - a soft bounce is recorded and counted; the address is suppressed (reason `soft_bounces`) once
 *   it has soft-bounced SOFT_BOUNCE_LIMIT different messages within SOFT_BOUNCE_WINDOW_MS. Counting
 *   messages, not reports, keeps the repeated "still delayed" notices an MTA sends about one
 *   message from adding up to a suppression;
 * - a delivered notice is recorded, nothing else (the sender writes `Email Delivered`).
 *
 * Idempotent: each report has a key (a hash of what it says), so a retried webhook or a mailbox
 * imported twice counts once. Suppressions are upserts and events have deterministic message ids
 * (ingest skips ids it holds), and the log is written last: a crash half-way through is repaired by
 * applying the same reports again.
 */

export type ReportSource = 'dsn' | 'arf' | 'generic' | 'ses' | 'sendgrid' | 'postmark';

/** One bounce, complaint or delivery notice, whatever its source (src/delivery/reports produces them). */
export interface DeliveryReport {
  kind: 'bounce' | 'complaint' | 'delivered';
  /** bounces only: 'hard' = permanent (5.x.x / Permanent), 'soft' = transient (4.x.x / Transient / Undetermined / delayed). */
  severity?: 'hard' | 'soft';
  /** The recipient address, lower-cased; null when the report redacts it (ARF reports often do). */
  email: string | null;
  /** Our own message id (without <>): the original message's `X-Tailor-Message`, else its `Message-ID`, else a provider's id; null if none. */
  messageId: string | null;
  /** The original message's Feedback-ID header, raw (`<campaignId>:<step>:<token>:tailor`); null if absent. */
  feedbackId: string | null;
  /** Epoch ms when the provider says it happened, else null (then: when it was applied). */
  at: number | null;
  /** An RFC 3463 status code such as "5.1.1" when known. */
  status: string | null;
  /** The diagnostic text (e.g. "smtp; 550 5.1.1 user unknown") or the complaint's feedback type ("abuse"). */
  reason: string;
  source: ReportSource;
}

/** The send a report is about. */
export interface SendMatch {
  messageId: string;
  campaignId: string;
  step: number;
  arm: string | null;
  profileId: string;
  /** The address it went to, as the send row holds it. */
  email: string | null;
  /** An identity of the (live) profile that ingest resolves to it; null when it has none (erased). */
  identity: { userId: string } | { anonymousId: string } | { email: string } | null;
  /** When the transport accepted it (null: not yet, or never). */
  sentAt: number | null;
}

/** What intake reads about sends. Each map is keyed by what was asked (ids; tokens; lower-cased addresses). */
export interface SendLookup {
  byMessageIds(ids: readonly string[]): Promise<Map<string, SendMatch>>;
  /** By the token of the message id (before the @) within a campaign step, what a Feedback-ID keeps; keyed by token. */
  byTokens(keys: readonly FeedbackKey[]): Promise<Map<string, SendMatch>>;
  /** The latest sent message to each address. */
  latestByEmail(emails: readonly string[]): Promise<Map<string, SendMatch>>;
}

export interface ReportRow {
  key: string;
  kind: DeliveryReport['kind'];
  severity: 'hard' | 'soft' | null;
  messageId: string | null;
  campaignId: string | null;
  profileId: string | null;
  email: string | null;
  status: string | null;
  reason: string;
  source: ReportSource;
  at: number;
}

/** The `delivery_reports` table. */
export interface ReportLog {
  /** Which of these keys are recorded already. */
  known(keys: readonly string[]): Promise<Set<string>>;
  /** Records rows, ignoring keys recorded meanwhile. */
  record(rows: readonly ReportRow[]): Promise<void>;
  /** Per address: the distinct messages (or report keys, when the message is unknown) that soft-bounced since `since`. */
  softBounces(emails: readonly string[], since: number): Promise<Map<string, Set<string>>>;
}

export interface ReportIntakeDeps {
  sends: SendLookup;
  log: ReportLog;
  suppressions: { add(entries: readonly Omit<Suppression, 'createdAt'>[], at: number): Promise<number> };
  ingest: (messages: Message[]) => Promise<unknown>;
  now: () => number;
}

export interface IntakeResult {
  /** New reports acted on (all kinds). */
  applied: number;
  hard: number;
  soft: number;
  complaints: number;
  delivered: number;
  /** New reports that no send matched (an address may still have been suppressed). */
  unmatched: number;
  /** Reports seen before (or twice in this batch): nothing done. */
  duplicates: number;
  /** Addresses suppressed by this call (new or refreshed entries). */
  suppressed: number;
}

export const SOFT_BOUNCE_LIMIT = 3;
export const SOFT_BOUNCE_WINDOW_MS = 30 * 86_400_000;
export const MARKETING_PURPOSE = 'email_marketing';
/** The `source` of the events intake writes. */
export const REPORT_EVENT_SOURCE = 'delivery-report';

export interface FeedbackKey { campaignId: string; step: number; token: string }

/** `<campaignId>:<step>:<token>:tailor` → its parts; null for a Feedback-ID that is not ours. */
export function parseFeedbackId(raw: string | null): FeedbackKey | null {
  if (!raw) return null;
  const parts = raw.trim().split(':');
  // The campaign id may itself hold a colon: the last three fields are fixed, the rest is the campaign.
  if (parts.length < 4 || parts[parts.length - 1] !== 'tailor') return null;
  const token = parts[parts.length - 2]!;
  const step = parts[parts.length - 3]!;
  const campaignId = parts.slice(0, -3).join(':');
  if (!/^\d+$/.test(step) || token === '' || campaignId === '') return null;
  return { campaignId, step: Number(step), token };
}

/** The dedupe key: the same report, however often it arrives, has the same key. */
export function reportKey(r: DeliveryReport): string {
  const parts = [r.source, r.kind, r.severity ?? '', r.email ?? '', r.messageId ?? '', r.feedbackId ?? '', r.status ?? '', r.at ?? '', r.reason];
  return createHash('sha256').update(parts.join('\u0000')).digest('base64url').slice(0, 32);
}

export class ReportIntake {
  constructor(private readonly d: ReportIntakeDeps) {}

  async apply(reports: readonly DeliveryReport[]): Promise<IntakeResult> {
    const out: IntakeResult = { applied: 0, hard: 0, soft: 0, complaints: 0, delivered: 0, unmatched: 0, duplicates: 0, suppressed: 0 };
    const now = this.d.now();

    // 1. Drop what was seen: earlier (the log) or in this batch.
    const keyed = reports.map((r) => ({ r, key: reportKey(r) }));
    const known = await this.d.log.known([...new Set(keyed.map((k) => k.key))]);
    const fresh: typeof keyed = [];
    const inBatch = new Set<string>();
    for (const k of keyed) {
      if (known.has(k.key) || inBatch.has(k.key)) out.duplicates++;
      else {
        inBatch.add(k.key);
        fresh.push(k);
      }
    }
    if (!fresh.length) return out;

    // 2. The send each report is about: by our message id, by the Feedback-ID's token, else the latest send to the address.
    const byId = await this.d.sends.byMessageIds([...new Set(fresh.map((k) => k.r.messageId).filter((v): v is string => !!v))]);
    const feedback = new Map(fresh.map((k) => [k.key, parseFeedbackId(k.r.feedbackId)]));
    const tokens = [...feedback.values()].filter((f): f is FeedbackKey => f !== null);
    const byToken = tokens.length ? await this.d.sends.byTokens(tokens) : new Map<string, SendMatch>();
    const matchOf = (k: { r: DeliveryReport; key: string }): SendMatch | undefined => {
      const f = feedback.get(k.key);
      return (k.r.messageId ? byId.get(k.r.messageId) : undefined) ?? (f ? byToken.get(f.token) : undefined);
    };
    const byAddressNeeded = [...new Set(fresh.filter((k) => !matchOf(k) && k.r.email).map((k) => k.r.email!))];
    const byEmail = byAddressNeeded.length ? await this.d.sends.latestByEmail(byAddressNeeded) : new Map<string, SendMatch>();

    const items = fresh.map((k) => {
      const send = matchOf(k) ?? (k.r.email ? byEmail.get(k.r.email) : undefined);
      const email = k.r.email ?? send?.email?.trim().toLowerCase() ?? null;
      // Never after now: a provider's clock ahead of ours must not put the event (or a consent change) in the future.
      const at = Math.min(k.r.at ?? now, now);
      return { ...k, send, email, at };
    });

    // 3. Soft bounces: this batch's plus those recorded within the window, by distinct message.
    const softEmails = [...new Set(items.filter((i) => i.r.kind === 'bounce' && i.r.severity !== 'hard' && i.email).map((i) => i.email!))];
    const soft = softEmails.length ? await this.d.log.softBounces(softEmails, now - SOFT_BOUNCE_WINDOW_MS) : new Map<string, Set<string>>();

    const suppress = new Map<string, Omit<Suppression, 'createdAt'>>();
    const events: Message[] = [];
    for (const i of items) {
      const { r, send, email } = i;
      out.applied++;
      if (!send) out.unmatched++;
      const messageId = send?.messageId ?? r.messageId;
      const detail = [r.status, r.reason, messageId ? `message ${messageId}` : null].filter(Boolean).join('; ').slice(0, 500);
      if (r.kind === 'delivered') {
        out.delivered++;
        continue;
      }
      if (r.kind === 'complaint') {
        out.complaints++;
        if (email) suppress.set(email, { kind: 'address', value: email, reason: 'complaint', source: r.source, detail });
      } else if (r.severity === 'hard') {
        out.hard++;
        // A complaint on the same address stays the reason: it is the stronger one.
        if (email && suppress.get(email)?.reason !== 'complaint') suppress.set(email, { kind: 'address', value: email, reason: 'hard_bounce', source: r.source, detail });
      } else {
        out.soft++;
        if (email) {
          const seen = soft.get(email) ?? new Set<string>();
          seen.add(messageId ?? i.key);
          soft.set(email, seen);
          if (seen.size >= SOFT_BOUNCE_LIMIT && !suppress.has(email)) {
            suppress.set(email, { kind: 'address', value: email, reason: 'soft_bounces', source: r.source,
              detail: `${seen.size} soft bounces within ${SOFT_BOUNCE_WINDOW_MS / 86_400_000} days; last: ${detail}`.slice(0, 500) });
          }
        }
      }
      const ev = send?.identity ? reportEvent(i.key, r, send, send.identity, i.at, now) : null;
      if (ev) events.push(ev);
    }

    // 4. Act (idempotent), then record: see the header comment.
    if (suppress.size) out.suppressed = suppress.size;
    if (suppress.size) await this.d.suppressions.add([...suppress.values()], now);
    if (events.length) await this.d.ingest(events);
    await this.d.log.record(items.map((i) => ({
      key: i.key, kind: i.r.kind, severity: i.r.kind === 'bounce' ? i.r.severity ?? 'soft' : null,
      messageId: i.send?.messageId ?? i.r.messageId, campaignId: i.send?.campaignId ?? null, profileId: i.send?.profileId ?? null,
      email: i.email, status: i.r.status, reason: i.r.reason.slice(0, 2000), source: i.r.source, at: i.at,
    })));
    return out;
  }
}

/** Segment's email semantic event for a bounce or a complaint, addressed to the send's profile. */
function reportEvent(key: string, r: DeliveryReport, send: SendMatch, identity: NonNullable<SendMatch['identity']>, at: number, now: number): Message {
  const base = {
    type: 'track' as const,
    // Deterministic: applying the same report again writes nothing new.
    messageId: `report-${key}`,
    // Ingest needs a user or anonymous id. A profile known only by its address is reached through
    // its email identity, with an anonymous id derived from the address (the same one every time).
    ...('email' in identity ? { anonymousId: `email:${identity.email}` } : identity),
    timestamp: at,
    receivedAt: now,
    source: REPORT_EVENT_SOURCE,
  };
  const who = 'email' in identity ? { traits: { email: identity.email } } : {};
  const common = { campaign_id: send.campaignId, message_id: send.messageId, step: send.step, ...(send.arm ? { arm: send.arm } : {}), source: r.source };
  if (r.kind === 'complaint') {
    return {
      ...base,
      event: 'Email Marked as Spam',
      properties: { ...common, feedback_type: r.reason },
      // A complaint is the clearest "stop": the marketing consent is withdrawn with it.
      context: { ...who, consent: { categoryPreferences: { [MARKETING_PURPOSE]: false } } },
    };
  }
  return {
    ...base,
    event: 'Email Bounced',
    properties: { ...common, bounce_type: r.severity ?? 'soft', status: r.status, reason: r.reason.slice(0, 1000) },
    ...('traits' in who ? { context: who } : {}),
  };
}
