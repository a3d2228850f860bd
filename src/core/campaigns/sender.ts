import type { CampaignContent } from './campaign-content.ts';
import { decideSend } from './decide-send.ts';
import type { CampaignRecord, CampaignStore, Mailer, MailResult, OutgoingMessage, RecipientLookup, SendQueue, SendRow, SendUpdate, SuppressionStore } from './ports.ts';
import { lookBackMs, policyFor, type GlobalPolicy } from './send-policy.ts';
import type { Throttle } from './throttle.ts';
import type { RenderedMessage } from '../content/render.ts';

/** A message the transport accepted: what the profile's `Email Delivered` event says. */
export interface SentMessage { row: SendRow; campaign: CampaignRecord; message: OutgoingMessage; at: number; response: string }

export interface SenderDeps {
  queue: SendQueue;
  campaigns: Pick<CampaignStore, 'find'>;
  lookup: RecipientLookup;
  suppressions: Pick<SuppressionStore, 'match' | 'add'>;
  content: Pick<CampaignContent, 'render'>;
  mailer: Mailer;
  throttle: Pick<Throttle, 'take'>;
  policy: GlobalPolicy;
  compose: (c: CampaignRecord, row: SendRow, rendered: { message: RenderedMessage; fromName: string | undefined }, to: string) => OutgoingMessage | Promise<OutgoingMessage>;
  /** Writes `Email Delivered` events for accepted messages (after their rows say `sent`). */
  delivered: (sent: readonly SentMessage[]) => Promise<void>;
  now: () => number;
  /** This sender's name in leases: unique per process (host, pid, random). */
  owner: string;
  leaseMs: number;
  /** Rows claimed per round. */
  batchSize: number;
  /** Messages in flight at once; also how many are marked `sending` together. */
  concurrency: number;
  /** Transient failures (4xx, lost connections) before a message is given up as failed. */
  maxAttempts: number;
}

/** Waits before the next attempt after a transient failure: 1, 2, 4 … minutes, at most an hour. */
export const retryDelayMs = (attempts: number): number => Math.min(3_600_000, 60_000 * 2 ** Math.max(0, attempts - 1));

/**
 * Works through due rows of the send queue, a claimed batch at a time:
 * 1. claim (rows become `rendering`, leased to this sender);
 * 2. decide per recipient just before sending (decide-send.ts): suppress, defer to the next
 *    allowed time, or send; render each message that goes;
 * 3. for each group of `concurrency` messages: mark them `sending` (committed before the transport
 *    is called), send, and settle them as `sent` after the server's 250 (or failed / deferred).
 * A crash leaves rows in `rendering` (nothing was sent: they go back to the queue) or `sending`
 * (the transport may or may not have them: reconcile.ts decides). Nothing else can send a row twice:
 * every write checks the lease, and the unique Message-ID makes a retry the same message.
 */
export class Sender {
  constructor(private readonly d: SenderDeps) {}

  /** One round; returns how many rows it claimed (0: nothing is due). */
  async runOnce(): Promise<number> {
    const d = this.d;
    const now = d.now();
    const rows = await d.queue.claim(d.owner, now, d.batchSize, now + d.leaseMs);
    if (!rows.length) return 0;

    const campaigns = new Map<string, CampaignRecord | null>();
    for (const id of new Set(rows.map((r) => r.campaignId))) campaigns.set(id, await d.campaigns.find(id));
    const segments = new Set<string>();
    for (const c of campaigns.values()) for (const s of [...(c?.spec.audience?.segments ?? []), ...(c?.spec.audience?.exclude ?? [])]) segments.add(s);
    const profileIds = [...new Set(rows.map((r) => r.profileId))];
    const facts = await d.lookup.facts(profileIds, [...segments]);
    const suppressed = await d.suppressions.match([...new Set([...facts.values()].map((f) => f.email).filter((e): e is string => !!e))]);
    const recent = await this.recentSends(profileIds, [...campaigns.values()], now);

    const settle: SendUpdate[] = [];
    const ready: { row: SendRow; campaign: CampaignRecord; message: OutgoingMessage }[] = [];
    for (const row of rows) {
      const c = campaigns.get(row.campaignId);
      // Paused or cancelled since the claim: back to the queue (a cancel moves it on).
      if (!c || c.status !== 'sending') {
        settle.push({ id: row.id, state: 'queued' });
        continue;
      }
      const f = facts.get(row.profileId);
      const mine = recent.get(row.profileId) ?? [];
      const exit = c.spec.exit;
      const exited = c.kind === 'triggered' && exit !== undefined && row.triggerAt !== null
        && await d.lookup.hadEvent(row.profileId, exit.event, row.triggerAt, exit.where);
      const decision = decideSend({
        campaign: c, facts: f, suppression: f?.email ? suppressed.get(f.email) ?? suppressed.get(f.email.toLowerCase()) : undefined,
        recent: { all: mine.map((s) => s.at), campaign: mine.filter((s) => s.campaignId === c.id).map((s) => s.at) },
        policy: policyFor(d.policy, c.spec), defaultZone: d.policy.defaultZone, exited, now,
      });
      if (decision.action === 'suppress') {
        settle.push({ id: row.id, state: 'suppressed', reason: decision.reason, detail: decision.detail, email: f?.email ?? null });
        continue;
      }
      if (decision.action === 'defer') {
        settle.push({ id: row.id, state: 'deferred', reason: decision.reason, detail: decision.detail, dueAt: decision.until });
        continue;
      }
      const rendered = await d.content.render(c, row, await this.eventOf(c, row));
      if (!rendered.ok) {
        settle.push({ id: row.id, state: 'failed', reason: 'render_failed', detail: rendered.error.slice(0, 1000), email: decision.email });
        continue;
      }
      // Two rows of one person in a batch count against each other's caps.
      if (c.kind !== 'transactional') recent.set(row.profileId, [...mine, { at: now, campaignId: c.id }]);
      ready.push({ row: { ...row, email: decision.email }, campaign: c, message: await d.compose(c, row, rendered, decision.email) });
    }
    await d.queue.settle(d.owner, settle, now);

    for (let i = 0; i < ready.length; i += d.concurrency) await this.sendGroup(ready.slice(i, i + d.concurrency));
    return rows.length;
  }

  private async sendGroup(group: { row: SendRow; campaign: CampaignRecord; message: OutgoingMessage }[]): Promise<void> {
    const d = this.d;
    await d.queue.markSending(group.map((g) => g.row.id), d.owner, d.now() + d.leaseMs, d.now());
    const results = await Promise.all(group.map(async (g): Promise<MailResult> => {
      await d.throttle.take(g.message.to);
      try {
        return await d.mailer.send(g.message);
      } catch (e) {
        return { ok: false, permanent: false, code: null, response: (e as Error).message };
      }
    }));
    const at = d.now();
    const updates: SendUpdate[] = [];
    const sent: SentMessage[] = [];
    const bounced: string[] = [];
    results.forEach((r, i) => {
      const { row, campaign, message } = group[i]!;
      const attempts = row.attempts + 1;
      if (r.ok) {
        updates.push({ id: row.id, state: 'sent', sentAt: at, response: r.response.slice(0, 500), email: message.to, attempts, reason: null, detail: null });
        sent.push({ row, campaign, message, at, response: r.response });
      } else if (r.permanent) {
        updates.push({ id: row.id, state: 'failed', reason: 'hard_bounce', detail: r.response.slice(0, 1000), email: message.to, attempts });
        bounced.push(message.to);
      } else if (attempts >= d.maxAttempts) {
        updates.push({ id: row.id, state: 'failed', reason: 'retries_exhausted', detail: r.response.slice(0, 1000), email: message.to, attempts });
      } else {
        updates.push({ id: row.id, state: 'deferred', reason: 'transient_failure', detail: r.response.slice(0, 1000), dueAt: at + retryDelayMs(attempts), attempts });
      }
    });
    await d.queue.settle(d.owner, updates, at);
    // A 5xx at RCPT or DATA is a hard bounce: the address never gets marketing mail again.
    if (bounced.length) {
      await d.suppressions.add(bounced.map((value) => ({ kind: 'address' as const, value, reason: 'hard_bounce', source: 'smtp', detail: null })), at);
    }
    if (sent.length) await d.delivered(sent);
  }

  /**
   * What a row renders with as `event`: a transactional message's data, or a triggered step's
   * trigger event's properties with `all`, every event of the trigger's kind since the trigger,
   * oldest first (a cart-abandonment reminder lists the cart's items from it).
   */
  private async eventOf(c: CampaignRecord, row: SendRow): Promise<Record<string, unknown> | undefined> {
    const p = row.payload;
    if (!p) return undefined;
    if (p.data && typeof p.data === 'object') return p.data as Record<string, unknown>;
    const e = p.event as { name?: string; properties?: Record<string, unknown> } | undefined;
    if (!e || c.kind !== 'triggered' || row.triggerAt === null) return undefined;
    const all = e.name ? await this.d.lookup.eventsSince(row.profileId, e.name, row.triggerAt - 1, 50) : [];
    return { ...(e.properties ?? {}), all };
  }

  /** Earlier sends of these profiles inside the longest cap window of the campaigns at hand. */
  private async recentSends(profileIds: string[], campaigns: (CampaignRecord | null)[], now: number) {
    const caps = [...this.d.policy.caps];
    for (const c of campaigns) if (c) caps.push(...policyFor(this.d.policy, c.spec).campaign.caps);
    const back = lookBackMs(caps);
    return back ? await this.d.queue.recentSends(profileIds, now - back) : new Map<string, { at: number; campaignId: string }[]>();
  }
}
