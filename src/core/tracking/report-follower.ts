import { attributeOrder, MAX_WINDOW_MS } from './attribution.ts';
import { ORDER_COMPLETED, UNSUBSCRIBED } from './email-event-names.ts';
import type { Attribution, FollowedEvent, ReportFollowerPort, TouchCandidate } from './report-ports.ts';
import { FOLLOWED_EVENTS, foldBatch, messageIdOf, resolveEvent } from './report-rollup.ts';

/** Events per batch (one transaction each). */
export const FOLLOW_BATCH = 2000;
/**
 * Only events received at least this long ago are read, as the trigger scan does
 * (core/campaigns/triggers.ts): on PostgreSQL an id is handed out at insert and becomes visible at
 * commit, so a reader that went up to the newest id could pass over a smaller one committed a
 * moment later. A batch stops at the first event not yet settled, so that it never steps over one.
 */
export const FOLLOW_SETTLE_MS = 5000;
/** Batches per follow() call at most, so that one call does not hold its caller for long. */
const MAX_BATCHES = 50;
/**
 * Ids one batch looks through at most. Most events are not email events (page views, orders of
 * people never mailed): without a bound, a follower with nothing to do would read every event
 * since the last email event at each look. With it, a batch that finds fewer than its limit moves
 * the cursor to the end of its span, once that end is settled.
 */
export const FOLLOW_SPAN = 50_000;

export interface ReportFollowerDeps { port: ReportFollowerPort; now: () => number; batch?: number; settleMs?: number }

/**
 * Keeps campaign report rollups current: reads the tracking events after its cursor, decides the
 * attribution of orders, folds the batch into counters (report-rollup.ts), and writes counters,
 * touch bits, the orders' attribution and the cursor in ONE transaction, compare-and-set on the
 * cursor. A batch replayed after a crash (nothing of it committed) or read by two processes at
 * once is therefore counted once. Returns the events processed (read and settled).
 */
export class ReportFollower {
  constructor(private readonly d: ReportFollowerDeps) {}

  async follow(): Promise<number> {
    let total = 0;
    for (let i = 0; i < MAX_BATCHES; i++) {
      const n = await this.once();
      if (n === null) break;
      total += n;
    }
    return total;
  }

  /** One batch: the events processed, or null when the cursor did not move (nothing settled, or another process took the batch). */
  private async once(): Promise<number | null> {
    const { port } = this.d;
    const limit = this.d.batch ?? FOLLOW_BATCH;
    const from = await port.cursor();
    const top = await port.lastEventWithin(from, FOLLOW_SPAN);
    if (!top) return null;
    const read = await port.eventsAfter(from, top.id, FOLLOWED_EVENTS, limit);
    const settledBy = this.d.now() - (this.d.settleMs ?? FOLLOW_SETTLE_MS);
    const cut = read.findIndex((e) => e.receivedAt > settledBy);
    const events = cut < 0 ? read : read.slice(0, cut);
    // Every followed event up to the span's end was read (and is settled): the cursor may go to the
    // end, past the events of other names, once that end is settled too.
    const whole = cut < 0 && read.length < limit && top.receivedAt <= settledBy;
    const to = whole ? top.id : events.length ? events[events.length - 1]!.id : from;
    if (to === from) return null;

    const attributions = await this.attribute(events.filter((e) => e.name === ORDER_COMPLETED));
    const messageIds = new Set<string>();
    for (const e of events) {
      const m = messageIdOf(e);
      if (m && e.name !== ORDER_COMPLETED) messageIds.add(m);
    }
    for (const a of attributions.values()) if (a.email_id) messageIds.add(a.email_id);
    const sends = await port.sendsByMessage([...messageIds]);
    const pairs = events.filter((e) => e.name === UNSUBSCRIBED && typeof e.properties.campaign_id === 'string')
      .map((e) => ({ campaignId: e.properties.campaign_id as string, profileId: e.profileId }));
    const sentTo = pairs.length ? await port.sentTo(pairs) : new Map();
    const keys = new Set<string>();
    for (const e of events) {
      if (e.name === ORDER_COMPLETED) continue;
      const r = resolveEvent(e, sends, sentTo);
      if (r) keys.add(r.key);
    }
    const touches = keys.size ? await port.touches([...keys]) : new Map<string, number>();
    const plan = foldBatch(events, { sends, sentTo, touches, attributions });
    const won = await port.apply(from, to, plan, this.d.now());
    return won ? events.length : null;
  }

  /**
   * Credits each order with the profile's last human touch (attribution.ts), from the opens and
   * clicks stored up to the order's time, within the longest window a campaign may set.
   */
  private async attribute(orders: readonly FollowedEvent[]): Promise<Map<number, Attribution>> {
    const out = new Map<number, Attribution>();
    if (!orders.length) return out;
    const times = orders.map((o) => o.timestamp);
    const candidates = await this.d.port.touchCandidates([...new Set(orders.map((o) => o.profileId))],
      Math.min(...times) - MAX_WINDOW_MS, Math.max(...times));
    if (!candidates.length) return out;
    const windows = await this.d.port.windows([...new Set(candidates.map((c) => c.campaignId))]);
    const byProfile = new Map<string, TouchCandidate[]>();
    for (const c of candidates) {
      const list = byProfile.get(c.profileId);
      if (list) list.push(c);
      else byProfile.set(c.profileId, [c]);
    }
    for (const o of orders) {
      const a = attributeOrder(o.timestamp, byProfile.get(o.profileId) ?? [], windows);
      if (a) out.set(o.id, a);
    }
    return out;
  }
}
