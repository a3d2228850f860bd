import { randomUUID } from 'node:crypto';
import { TailorError } from '../errors.ts';
import type { CampaignContent } from './campaign-content.ts';
import { decideSend } from './decide-send.ts';
import type { CampaignRecord, CampaignStore, Mailer, MailResult, OutgoingMessage, RecipientLookup, SendQueue, SendRow, SendUpdate, SuppressionStore } from './ports.ts';
import { lookBackMs, policyFor, type GlobalPolicy } from './send-policy.ts';
import { addressOf } from './outgoing-message.ts';
import type { Throttle } from './throttle.ts';
import type { RenderedMessage } from '../content/render.ts';

/** A message the transport accepted: what the profile's `Email Delivered` event says. */
export interface SentMessage { row: SendRow; campaign: CampaignRecord; message: OutgoingMessage; at: number; response: string }

export interface SenderDeps {
  queue: SendQueue;
  campaigns: Pick<CampaignStore, 'find'>;
  lookup: RecipientLookup;
  suppressions: Pick<SuppressionStore, 'match' | 'add'>;
  content: Pick<CampaignContent, 'render' | 'prefetch' | 'firstArm'>;
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

/** A message ready for the transport, with its row and campaign. */
type Ready = { row: SendRow; campaign: CampaignRecord; message: OutgoingMessage };

/** Waits before the next attempt after a transient failure: 1, 2, 4 … minutes, at most an hour. */
export const retryDelayMs = (attempts: number): number => Math.min(3_600_000, 60_000 * 2 ** Math.max(0, attempts - 1));

/**
 * Works through due rows of the send queue, a claimed batch at a time:
 * 1. claim (rows become `rendering`, leased to this sender);
 * 2. decide per recipient just before sending (decide-send.ts): suppress, defer to the next
 *    allowed time, or send; render each message that goes;
 * 3. mark the batch `sending` (committed before the transport is called), send it through
 *    `concurrency` workers while the next batch is prepared, and settle each message as `sent`
 *    after the server's 250 (or failed / deferred), in rolling writes.
 * A crash leaves rows in `rendering` (nothing was sent: they go back to the queue) or `sending`
 * (the transport may or may not have them: reconcile.ts decides). Nothing else can send a row twice:
 * every write checks the lease, and the unique Message-ID makes a retry the same message.
 */
export class Sender {
  constructor(private readonly d: SenderDeps) {}

  /** The batch being sent, while the next one is prepared. */
  private inflight: Promise<void> | null = null;

  /**
   * One round: prepares the next batch (claim, decide, render) while the previous one is still
   * being sent, then hands it to the transport in the background. Returns how many rows it claimed;
   * 0 only once nothing is due and nothing is in flight.
   */
  async runOnce(): Promise<number> {
    let prepared: Awaited<ReturnType<Sender['prepare']>>;
    try {
      prepared = await this.prepare();
    } finally {
      const sending = this.inflight;
      this.inflight = null;
      await sending;
    }
    const { claimed, ready } = prepared;
    if (ready.length) {
      // Committed before the transport sees any of them, and before the next batch reads the
      // recent sends its caps count (rows in `sending` count).
      await this.d.queue.markSending(ready.map((g) => g.row.id), this.d.owner, this.d.now() + this.d.leaseMs, this.d.now());
      this.inflight = this.sendBatch(ready);
    }
    return claimed;
  }

  /** Waits for the batch in flight (a caller stopping the loop). */
  async idle(): Promise<void> {
    await this.inflight;
  }

  private async prepare(): Promise<{ claimed: number; ready: Ready[] }> {
    const d = this.d;
    const now = d.now();
    const rows = await d.queue.claim(d.owner, now, d.batchSize, now + d.leaseMs);
    if (!rows.length) return { claimed: 0, ready: [] };

    const campaigns = new Map<string, CampaignRecord | null>();
    for (const id of new Set(rows.map((r) => r.campaignId))) campaigns.set(id, await d.campaigns.find(id));
    const segments = new Set<string>();
    for (const c of campaigns.values()) for (const s of [...(c?.spec.audience?.segments ?? []), ...(c?.spec.audience?.exclude ?? [])]) segments.add(s);
    const profileIds = [...new Set(rows.map((r) => r.profileId))];
    const facts = await d.lookup.facts(profileIds, [...segments]);
    const suppressed = await d.suppressions.match([...new Set([...facts.values()].map((f) => f.email).filter((e): e is string => !!e))]);
    const recent = await this.recentSends(profileIds, [...campaigns.values()], now);
    await d.content.prefetch(profileIds);

    const settle: SendUpdate[] = [];
    const ready: Ready[] = [];
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
    return { claimed: rows.length, ready };
  }

  /**
   * A test of a campaign's content: rendered for a real profile, sent to `to` with the subject
   * prefixed `[Test] ` and a fresh message id (an experiment campaign shows its first arm). No
   * row, no suppression or consent check, no delivered event: it is not a send of the campaign. The
   * List-Unsubscribe headers are dropped and the body's unsubscribe, preferences and view links
   * are inert, since they would act on the profile rendered for, not the tester.
   */
  async testSend(c: CampaignRecord, profileId: string, to: string): Promise<{ messageId: string; response: string }> {
    const token = `test-${randomUUID()}`;
    const now = this.d.now();
    const row: SendRow = {
      id: 0, campaignId: c.id, occurrence: 'test', step: 0, profileId, messageId: `${token}@localhost`, state: 'rendering', dueAt: now, attempts: 0,
      reason: null, detail: null, arm: await this.d.content.firstArm(c), email: to, inDoubt: false, leaseOwner: null, leaseUntil: null, sentAt: null,
      response: null, triggerAt: null, payload: null, createdAt: now, updatedAt: now,
    };
    const rendered = await this.d.content.render(c, row, undefined, { inertLinks: true });
    if (!rendered.ok) throw new TailorError('validation_failed', `the campaign does not render for ${profileId}: ${rendered.error}`, 'template');
    const composed = await this.d.compose(c, row, rendered, to);
    // The id's domain is the sender's, as for every other message (known only once composed).
    const messageId = `${token}@${addressOf(composed.from).split('@')[1] ?? 'localhost'}`;
    const headers = Object.fromEntries(Object.entries(composed.headers).filter(([k]) => !/^list-unsubscribe/i.test(k))
      .map(([k, v]) => [k, v === row.messageId ? messageId : v]));
    const r = await this.d.mailer.send({ ...composed, messageId, headers, subject: `[Test] ${composed.subject}` });
    if (!r.ok) throw new TailorError(r.permanent ? 'invalid_argument' : 'conflict', `the transport refused the test message: ${r.response}`, 'to');
    return { messageId, response: r.response };
  }

  /**
   * Sends a batch (already marked `sending`) through `concurrency` workers that each take the next
   * message as soon as their last one is answered, and settles the answers as they come, in
   * rolling writes: a message the server took is recorded `sent` within one write's time, so a
   * crash leaves few messages whose fate is unknown (reconcile.ts).
   */
  private async sendBatch(ready: readonly Ready[]): Promise<void> {
    const d = this.d;
    const done: { g: Ready; r: MailResult; at: number }[] = [];
    let writing: Promise<void> | null = null;
    // A failed write leaves its rows `sending` under this lease, for the reconciler; the batch goes
    // on, and the first failure is thrown at its end.
    let failure: unknown;
    const flush = async (): Promise<void> => {
      while (done.length) await this.record(done.splice(0, done.length));
    };
    const kick = () => {
      writing ??= flush().catch((e: unknown) => { failure ??= e; }).finally(() => { writing = null; });
    };
    let next = 0;
    const worker = async () => {
      while (next < ready.length) {
        const g = ready[next++]!;
        await d.throttle.take(g.message.to);
        let r: MailResult;
        try {
          r = await d.mailer.send(g.message);
        } catch (e) {
          r = { ok: false, permanent: false, code: null, response: (e as Error).message };
        }
        done.push({ g, r, at: d.now() });
        kick();
      }
    };
    await Promise.all(Array.from({ length: Math.min(d.concurrency, ready.length) }, worker));
    while (writing || done.length) {
      kick();
      await writing;
    }
    if (failure !== undefined) throw failure;
  }

  /** Settles answered messages: sent, failed (5xx: the address is suppressed) or deferred for a retry. */
  private async record(results: readonly { g: Ready; r: MailResult; at: number }[]): Promise<void> {
    const d = this.d;
    const updates: SendUpdate[] = [];
    const sent: SentMessage[] = [];
    const bounced: string[] = [];
    for (const { g: { row, campaign, message }, r, at } of results) {
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
    }
    const at = d.now();
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
