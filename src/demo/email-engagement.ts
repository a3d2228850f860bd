import type { Behaviour } from './behaviours.ts';
import type { DemoCampaign } from './campaigns.ts';
import type { DemoCustomer } from './customers.ts';
import type { DemoEvent } from './demo-event.ts';
import { HOUR } from './local-time.ts';
import { CHECK_BOOST, openTime } from './responder/reading-habits.ts';
import type { Rng } from '../core/prng.ts';
import type { SessionPlan } from './sessions.ts';

/**
 * Opens and clicks of the campaigns a customer received (those sent after sign-up). Opens follow
 * the customer's reading habits (responder/reading-habits.ts): at an inbox check, mostly the daily
 * one at their habitual local hour (weekday or weekend), and less likely the longer the campaign has
 * sat in the inbox; so the history holds the signal a send-time model learns from, and the same
 * model answers the demo's live sends. A click opens a shop session on the linked page (pushed onto
 * `plans`); for bargain hunters a sale click often ends in an order with the campaign's coupon.
 */
const LATE_OPEN_RATE = 0.03;

export function email(
  rng: Rng,
  campaigns: readonly DemoCampaign[],
  c: DemoCustomer,
  b: Behaviour,
  window: { quietFrom: number; end: number },
  plans: SessionPlan[],
): DemoEvent[] {
  const events: DemoEvent[] = [];
  // Each customer's own rates, drawn once: people differ within a type.
  const openSale = rng.float(...b.openSale);
  const openNews = rng.float(...b.openNews);
  const clickSale = rng.float(...b.clickSale);
  const clickNews = rng.float(...b.clickNews);
  for (const k of campaigns) {
    if (k.sentAt < c.signupAt) continue;
    const sale = k.kind === 'sale';
    const quiet = k.sentAt >= window.quietFrom;
    const rate = Math.min(0.95, CHECK_BOOST * (quiet ? LATE_OPEN_RATE : sale ? openSale : openNews));
    const openAt = openTime(rng, c.habits, c.timezone, k.sentAt, rate, window.end);
    if (openAt === undefined) continue;
    const ref = { campaign_id: k.id, campaign_name: k.name, email_subject: k.subject };
    events.push({ type: 'track', channel: 'server', at: openAt, event: 'Email Opened', properties: ref });
    if (quiet || !rng.chance(sale ? clickSale : clickNews)) continue;
    const clickAt = openAt + rng.int(5, 120) * 1000;
    const link = rng.chance(0.6) ? k.links[0]! : k.links[1 + rng.weighted(c.categoryWeights)]!;
    if (clickAt + HOUR >= window.end) continue;
    events.push({ type: 'track', channel: 'server', at: clickAt, event: 'Email Clicked', properties: { ...ref, link_url: link.url } });
    const buys = sale && rng.chance(b.buyOnSaleClick);
    plans.push({
      kind: buys ? 'purchase' : 'browse',
      start: clickAt + rng.int(2, 20) * 1000,
      landing: { url: link.url, name: link.category ? 'Category' : sale ? 'Sale' : 'New In', category: link.category },
      coupon: buys && k.coupon ? { code: k.coupon, percent: k.discount } : undefined,
    });
  }
  return events;
}
