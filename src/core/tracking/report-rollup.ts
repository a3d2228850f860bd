import { orderRevenue } from '../features/feature-event.ts';
import {
  CLICK_EVENTS, EMAIL_BOUNCED, EMAIL_MARKED_AS_SPAM, EMAIL_OPENED, isMachineHit, ORDER_COMPLETED, UNSUBSCRIBED,
} from './email-event-names.ts';
import type { Attribution, FollowedEvent, LinkRow, RollupCounter, RollupKey, RollupPlan, RollupRow, SendDims } from './report-ports.ts';
import { ROLLUP_COUNTERS } from './report-ports.ts';

/** The events the report follower reads. */
export const FOLLOWED_EVENTS: readonly string[] = [EMAIL_OPENED, ...CLICK_EVENTS, UNSUBSCRIBED, EMAIL_BOUNCED, EMAIL_MARKED_AS_SPAM, ORDER_COMPLETED];

/** Bits of report_touches.seen: what has already been counted once for a message. */
export const TOUCH = { openRaw: 1, openHuman: 2, clickRaw: 4, clickHuman: 8, bounce: 16, complaint: 32, unsubscribe: 64 } as const;

export const HOUR_MS = 3_600_000;
const hourOf = (ms: number) => Math.floor(ms / HOUR_MS) * HOUR_MS;
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const int = (v: unknown): number => (typeof v === 'number' && Number.isInteger(v) ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : 0);

/**
 * The message an event is about: tracking hits carry `email_id`, bounce and complaint reports
 * `message_id` (report-intake.ts).
 */
export const messageIdOf = (e: FollowedEvent): string | null => str(e.properties.email_id) ?? str(e.properties.message_id);
export const pairKey = (campaignId: string, profileId: string) => `${campaignId}|${profileId}`;

/** Where an event counts: the dimensions of its send row, and the key its "unique" bits are kept under. */
export interface Resolved { key: string; dims: Omit<RollupKey, 'hour'>; send: SendDims | null }

const dimsOf = (s: SendDims): Omit<RollupKey, 'hour'> => ({ campaignId: s.campaignId, step: s.step, arm: s.arm ?? '', segmentId: s.segmentId ?? '' });

/**
 * The send row tells an event's step, arm and segment; an unsubscribe names only its campaign, so
 * its row is the profile's latest sent one of that campaign. An event of a campaign whose row is
 * gone (deleted, erased) still counts, under the step and arm it carries and no segment. An event
 * with no campaign is not a campaign's.
 */
export function resolveEvent(e: FollowedEvent, sends: ReadonlyMap<string, SendDims>, sentTo: ReadonlyMap<string, SendDims>): Resolved | null {
  const messageId = messageIdOf(e);
  const byMessage = messageId ? sends.get(messageId) : undefined;
  if (byMessage) return { key: byMessage.messageId, dims: dimsOf(byMessage), send: byMessage };
  const campaignId = str(e.properties.campaign_id);
  if (!campaignId) return null;
  if (e.name === UNSUBSCRIBED) {
    const row = sentTo.get(pairKey(campaignId, e.profileId));
    if (row) return { key: row.messageId, dims: dimsOf(row), send: row };
  }
  const step = int(e.properties.step);
  return {
    key: messageId ?? `${campaignId}|${e.profileId}|${step}`,
    dims: { campaignId, step, arm: str(e.properties.arm) ?? '', segmentId: '' },
    send: null,
  };
}

const emptyCounters = (): Record<RollupCounter, number> => Object.fromEntries(ROLLUP_COUNTERS.map((c) => [c, 0])) as Record<RollupCounter, number>;

/**
 * Folds one batch of events into the counters it adds, the touch bits it sets and the attribution
 * it writes on orders. `touches` holds the bits recorded before this batch; a second hit of the
 * same kind on a message (in this batch or before) adds to the totals, never to the unique
 * counts. A bounce counts only for a message that was sent (so sent = delivered + bounced holds);
 * an order counts where `attributions` credits it, under the credited message's step, arm and segment.
 */
export function foldBatch(events: readonly FollowedEvent[], lookups: {
  sends: ReadonlyMap<string, SendDims>;
  sentTo: ReadonlyMap<string, SendDims>;
  touches: ReadonlyMap<string, number>;
  attributions: ReadonlyMap<number, Attribution>;
}): RollupPlan {
  const rollups = new Map<string, RollupRow>();
  const links = new Map<string, LinkRow>();
  const bits = new Map<string, { campaignId: string; before: number; now: number }>();
  const orders: RollupPlan['orders'] = [];

  const row = (dims: Omit<RollupKey, 'hour'>, at: number): RollupRow => {
    const hour = hourOf(at);
    const k = `${dims.campaignId}\u0000${dims.step}\u0000${dims.arm}\u0000${dims.segmentId}\u0000${hour}`;
    let r = rollups.get(k);
    if (!r) rollups.set(k, (r = { ...dims, hour, ...emptyCounters() }));
    return r;
  };
  /** Sets `bit` for the key; true when it was not set before (the first such touch). */
  const first = (key: string, campaignId: string, bit: number): boolean => {
    let b = bits.get(key);
    if (!b) {
      const before = lookups.touches.get(key) ?? 0;
      bits.set(key, (b = { campaignId, before, now: before }));
    }
    if (b.now & bit) return false;
    b.now |= bit;
    return true;
  };

  for (const e of events) {
    if (e.name === ORDER_COMPLETED) {
      const a = lookups.attributions.get(e.id);
      if (!a) continue;
      const s = a.email_id ? lookups.sends.get(a.email_id) : undefined;
      const r = row(s ? dimsOf(s) : { campaignId: a.campaign_id, step: a.step, arm: a.arm ?? '', segmentId: '' }, e.timestamp);
      r.conversions++;
      r.revenue += orderRevenue(e.properties);
      orders.push({ eventId: e.id, attribution: a });
      continue;
    }
    const res = resolveEvent(e, lookups.sends, lookups.sentTo);
    if (!res) continue;
    const { campaignId } = res.dims;
    const r = row(res.dims, e.timestamp);
    const human = !isMachineHit(e.properties);
    if (e.name === EMAIL_OPENED) {
      r.opensRaw++;
      if (first(res.key, campaignId, TOUCH.openRaw)) r.uniqueOpensRaw++;
      if (human) {
        r.opensHuman++;
        if (first(res.key, campaignId, TOUCH.openHuman)) r.uniqueOpensHuman++;
      }
    } else if (CLICK_EVENTS.includes(e.name)) {
      r.clicksRaw++;
      if (first(res.key, campaignId, TOUCH.clickRaw)) r.uniqueClicksRaw++;
      if (human) {
        r.clicksHuman++;
        if (first(res.key, campaignId, TOUCH.clickHuman)) r.uniqueClicksHuman++;
      }
      const linkId = str(e.properties.link_id) ?? '';
      const url = str(e.properties.url) ?? '';
      if (linkId || url) {
        const lk = `${campaignId}\u0000${linkId}\u0000${url}`;
        let l = links.get(lk);
        if (!l) links.set(lk, (l = { campaignId, linkId, url, clicksRaw: 0, clicksHuman: 0 }));
        l.clicksRaw++;
        if (human) l.clicksHuman++;
      }
    } else if (e.name === UNSUBSCRIBED) {
      if (first(res.key, campaignId, TOUCH.unsubscribe)) r.unsubscribes++;
    } else if (e.name === EMAIL_MARKED_AS_SPAM) {
      if (first(res.key, campaignId, TOUCH.complaint)) r.complaints++;
    } else if (e.name === EMAIL_BOUNCED) {
      if (res.send?.state === 'sent' && first(res.key, campaignId, TOUCH.bounce)) r.bounces++;
    }
  }

  const nonZero = (x: RollupRow) => ROLLUP_COUNTERS.some((c) => x[c] !== 0);
  return {
    rollups: [...rollups.values()].filter(nonZero),
    links: [...links.values()],
    touches: [...bits].filter(([, b]) => b.now !== b.before).map(([key, b]) => ({ key, campaignId: b.campaignId, bits: b.now })),
    orders,
  };
}
