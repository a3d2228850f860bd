import { BEHAVIOURS, type Segment } from '../behaviours.ts';
import type { DemoCustomer } from '../customers.ts';
import { MINUTE } from '../local-time.ts';
import { rngFor, type Rng } from '../../core/prng.ts';
import { CHECK_BOOST, openTime } from './reading-habits.ts';
import type { DeliveredMessage } from './delivered-message.ts';

/**
 * DEMO RESPONDER (simulated people; product code and models never read this folder).
 *
 * What one person does with one delivered message, as requests to Tailor's public endpoints at
 * simulated instants: an Apple Mail (MPP) user's proxy fetches the pixel at delivery whatever the
 * person does; the person reads it at an inbox check (reading-habits.ts) or never; a human open
 * fetches the pixel (except with MPP, whose proxy already cached the image); some reads lead to a
 * click on one of the visible links, and some clicks (by behaviour type) to an order.
 */
export type Hit =
  | { at: number; kind: 'open' | 'click'; path: string; userAgent: string; ip: string; human: boolean }
  | { at: number; kind: 'order'; userId: string; orderId: string; revenue: number };

/** Chance that a click on the newsletter ends in an order, and the order's value range (EUR), by type. */
const ORDER_AFTER_CLICK: Record<Segment, { p: number; value: [number, number] }> = {
  frequent_buyer: { p: 0.3, value: [60, 180] },
  bargain_hunter: { p: 0.25, value: [20, 70] },
  window_shopper: { p: 0.04, value: [40, 120] },
  lapsed: { p: 0.08, value: [40, 120] },
  newcomer: { p: 0.15, value: [40, 140] },
};

/** Apple's proxy presents exactly this agent, from Apple's 17.0.0.0/8 (Apple, "Mail Privacy Protection"). */
export const MPP_AGENT = 'Mozilla/5.0';
/** People's mail clients and browsers; a customer keeps one. */
const CLIENT_AGENTS = [
  'Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148',
  'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Thunderbird/128.5.0',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
];
const BROWSER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
];

/** A person's own rates for the weekly newsletter, drawn once per customer from their type's ranges. */
export interface ReaderRates { open: number; click: number }

export function readerRates(seed: number, c: DemoCustomer): ReaderRates {
  const rng = rngFor(seed, 'responder-rates', c.index);
  const b = BEHAVIOURS[c.segment];
  // The live newsletter is personal picks (recommendations), which people click more than the
  // history's generic issues: their better of the two historical click rates, raised by half.
  const click = Math.max(rng.float(...b.clickNews), rng.float(...b.clickSale));
  return { open: Math.min(0.95, CHECK_BOOST * rng.float(...b.openNews)), click: Math.min(0.6, 1.5 * click) };
}

/**
 * The hits for one delivered message. `rng` is the message's own stream (seeded by its id), so the
 * same send gets the same response whatever else the simulation does. Hits after `until` are left out.
 */
export function planResponses(rng: Rng, c: DemoCustomer, rates: ReaderRates, m: DeliveredMessage, deliveredAt: number, until = Infinity): Hit[] {
  const hits: Hit[] = [];
  const home = homeIp(c.index);
  if (c.habits.appleMpp && m.pixel) {
    hits.push({ at: deliveredAt + rng.int(300, 3000), kind: 'open', path: m.pixel, userAgent: MPP_AGENT, ip: appleIp(rng), human: false });
  }
  const openAt = openTime(rng, c.habits, c.timezone, deliveredAt, rates.open, until);
  if (openAt === undefined) return hits;
  if (!c.habits.appleMpp && m.pixel) hits.push({ at: openAt, kind: 'open', path: m.pixel, userAgent: CLIENT_AGENTS[c.index % CLIENT_AGENTS.length]!, ip: home, human: true });
  if (!m.links.length || !rng.chance(rates.click)) return hits;
  const clickAt = openAt + rng.int(15, 180) * 1000;
  hits.push({ at: clickAt, kind: 'click', path: rng.pick(m.links), userAgent: BROWSER_AGENTS[c.index % BROWSER_AGENTS.length]!, ip: home, human: true });
  const o = ORDER_AFTER_CLICK[c.segment];
  if (rng.chance(o.p)) {
    hits.push({ at: clickAt + rng.int(3, 25) * MINUTE, kind: 'order', userId: c.userId, orderId: `ORD-R-${rng.hex(10)}`, revenue: Math.round(rng.float(...o.value) * 100) / 100 });
  }
  return hits.filter((h) => h.at < until);
}

/** A home address from the documentation ranges (RFC 5737): no real person's network. */
function homeIp(index: number): string {
  const nets = ['192.0.2', '198.51.100', '203.0.113'];
  return `${nets[index % 3]}.${1 + (Math.floor(index / 3) % 254)}`;
}

/** One of Apple's proxy addresses (17.0.0.0/8, Apple's own network). */
const appleIp = (rng: Rng): string => `17.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
