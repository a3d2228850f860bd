/**
 * The synthetic shop behind the segment benchmarks: one profile at a time, from (seed, index) alone,
 * so any profile can be regenerated without the others and the data never depends on chunking.
 *
 * The model, in short:
 * - activity is long-tailed: a profile's share of the event budget is log-normal (σ = 1.5), so the
 *   median profile has ~3 events, the busiest a few thousand, and ~10 % have none (signed up only);
 * - events come in sessions: browsing (pages, product views, sometimes add to cart, sometimes an
 *   order, minutes or up to three days later) and email (open, sometimes a click, sometimes a visit);
 * - time: a profile is active from sign-up (or a year ago) to now, or until it churned; sessions lean
 *   towards the recent end (a growing shop) and follow a diurnal curve in the profile's local time;
 *   email opens cluster around a personal preferred hour (what send-time optimisation looks for);
 * - ~1.2 % of active profiles had a cart session in the 48 h before `now`, so that cart abandonment
 *   ("Product Added within 24h not followed by Order Completed within 24h") has thousands of members.
 */
import { CLICK_EVENT, DAY_MS, OPEN_EVENT, ORDER_EVENT, type FeatureRow } from '../../src/core/features/catalog.ts';
import { featuresFromEvents } from '../../src/core/features/features-from-events.ts';
import { mulberry32 } from './payloads.ts';

export const VIEW_EVENT = 'Product Viewed';
export const ADD_EVENT = 'Product Added';
export const SOURCE = 'bench';
export const CONSENT_PURPOSE = 'email_marketing';
const HOUR = 3_600_000;
const YEAR = 365 * DAY_MS;

export interface GenEvent {
  messageId: string;
  type: 'track' | 'page';
  name: string;
  timestamp: number;
  receivedAt: number;
  properties: Record<string, unknown>;
}

export interface GenProfile {
  index: number;
  id: string;
  userId: string;
  email: string;
  traits: Record<string, unknown>;
  signupAt: number;
  /** Context JSON shared by the profile's web events (one device). */
  context: string;
  consent: boolean;
  /** Sorted by timestamp. */
  events: GenEvent[];
  features: FeatureRow;
}

/** 32-bit mix (murmur3 finaliser): per-profile seeds that are independent of each other. */
function mix(h: number): number {
  h ^= h >>> 16; h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13; h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
export const profileSeed = (seed: number, index: number, stream: number): number =>
  mix(mix(seed ^ 0x9e3779b9) ^ mix(index + 0x632be5ab * stream));

function normal(rnd: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
}

/**
 * Each profile's number of events: log-normal weights, scaled so that the total is exactly `events`
 * (cumulative rounding). 4 bytes per profile.
 */
export function eventBudgets(profiles: number, events: number, seed: number): Uint32Array {
  const w = new Float64Array(profiles);
  let sum = 0;
  for (let i = 0; i < profiles; i++) {
    const r = mulberry32(profileSeed(seed, i, 1));
    w[i] = Math.exp(1.5 * normal(r));
    sum += w[i]!;
  }
  const out = new Uint32Array(profiles);
  let cum = 0;
  let prev = 0;
  for (let i = 0; i < profiles; i++) {
    cum += (w[i]! / sum) * events;
    const r = i === profiles - 1 ? events : Math.round(cum);
    out[i] = r - prev;
    prev = r;
  }
  return out;
}

// Countries with their weight, region, UTC offset (hours, winter) and locale.
const COUNTRIES: [code: string, weight: number, region: string, tz: number, locale: string][] = [
  ['US', 26, 'NA', -5, 'en-US'], ['CA', 5, 'NA', -5, 'en-CA'], ['DE', 10, 'EU', 1, 'de-DE'], ['GB', 9, 'UK', 0, 'en-GB'],
  ['FR', 7, 'EU', 1, 'fr-FR'], ['NL', 4, 'EU', 1, 'nl-NL'], ['ES', 4, 'EU', 1, 'es-ES'], ['IT', 4, 'EU', 1, 'it-IT'],
  ['PL', 3, 'EU', 1, 'pl-PL'], ['SE', 2, 'EU', 1, 'sv-SE'], ['BE', 2, 'EU', 1, 'nl-BE'], ['AT', 2, 'EU', 1, 'de-AT'],
  ['IE', 1.5, 'EU', 0, 'en-IE'], ['DK', 1, 'EU', 1, 'da-DK'], ['FI', 1, 'EU', 2, 'fi-FI'], ['PT', 1, 'EU', 0, 'pt-PT'],
  ['CZ', 1, 'EU', 1, 'cs-CZ'], ['CH', 2, 'EMEA', 1, 'de-CH'], ['NO', 1, 'EMEA', 1, 'nb-NO'], ['AU', 3, 'APAC', 10, 'en-AU'],
  ['JP', 2, 'APAC', 9, 'ja-JP'], ['IN', 2, 'APAC', 5, 'en-IN'], ['SG', 1, 'APAC', 8, 'en-SG'], ['BR', 3, 'LATAM', -3, 'pt-BR'],
  ['MX', 2, 'LATAM', -6, 'es-MX'],
];
const COUNTRY_CUM = cumulative(COUNTRIES.map((c) => c[1]));
const FIRST = ['Anna', 'Ben', 'Clara', 'David', 'Emma', 'Felix', 'Grace', 'Hugo', 'Ines', 'Jonas', 'Kira', 'Liam', 'Mia', 'Noah',
  'Olivia', 'Paul', 'Quinn', 'Rosa', 'Sam', 'Tara', 'Umar', 'Vera', 'Wei', 'Xenia', 'Yusuf', 'Zoe', 'Lukas', 'Sofia', 'Mateo', 'Aiko'];
const LAST = ['Smith', 'Müller', 'García', 'Rossi', 'Martin', 'Jansen', 'Nowak', 'Andersson', 'Silva', 'Tanaka', 'Brown', 'Dubois',
  'Schmidt', 'López', 'Kowalski', 'Murphy', 'Novák', 'Virtanen', 'Nielsen', 'Patel', 'Kim', 'Santos', 'Wilson', 'Weber'];
const DOMAINS = ['gmail.com', 'outlook.com', 'yahoo.com', 'icloud.com', 'gmx.de', 'web.de', 'orange.fr', 'proton.me', 'example.org'];
const PLANS: [string, number][] = [['free', 55], ['basic', 25], ['pro', 15], ['enterprise', 5]];
const PLAN_CUM = cumulative(PLANS.map((p) => p[1]));
const TAGS = ['newsletter', 'sale-hunter', 'gift-buyer', 'early-adopter', 'wholesale', 'returns-often', 'loyalty', 'student'];
const CATEGORIES = ['accessories', 'bags', 'beauty', 'home', 'jackets', 'knitwear', 'outdoor', 'shirts', 'shoes', 'trousers'];
const PRICE: Record<string, [number, number]> = {
  accessories: [9, 60], bags: [30, 250], beauty: [8, 70], home: [15, 180], jackets: [70, 400], knitwear: [35, 160],
  outdoor: [25, 300], shirts: [20, 90], shoes: [45, 220], trousers: [35, 140],
};
const PAGES: [name: string, path: string][] = [['Home', '/'], ['Category', '/c/'], ['Search', '/search'], ['Product', '/p/'],
  ['Cart', '/cart'], ['Account', '/account'], ['Blog', '/blog/']];
const USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_7_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.81 Mobile Safari/537.36',
];
// Relative activity by local hour of day: quiet at night, a lunch bump, an evening peak.
const DIURNAL_CUM = cumulative([1, 0.6, 0.4, 0.3, 0.3, 0.5, 1.2, 2.5, 3.5, 4, 4.2, 4.5, 5.5, 5, 4.5, 4.3, 4.5, 5, 6, 7, 7.5, 6.5, 4.5, 2.5]);
const CURRENCY: Record<string, string> = { NA: 'USD', EU: 'EUR', UK: 'GBP', EMEA: 'EUR', APAC: 'USD', LATAM: 'USD' };

function cumulative(ws: number[]): number[] {
  const total = ws.reduce((a, b) => a + b, 0);
  let c = 0;
  return ws.map((w) => (c += w / total));
}
function pickCum(cum: number[], u: number): number {
  for (let i = 0; i < cum.length; i++) if (u < cum[i]!) return i;
  return cum.length - 1;
}

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

/**
 * UUIDv7-shaped ids that sort in generation order (a millisecond counter from 2025-01-01 plus the
 * index), so profiles append to the indexes on profile_id instead of landing all over them.
 */
function profileId(index: number, rnd: () => number): string {
  const ms = 1_735_689_600_000 + index;
  const r = () => hex(Math.floor(rnd() * 0x10000), 4);
  const t = hex(ms, 12);
  return `${t.slice(0, 8)}-${t.slice(8)}-7${r().slice(1)}-${hex(0x8000 | Math.floor(rnd() * 0x4000), 4)}-${r()}${r()}${r()}`;
}

export interface ModelParams { seed: number; now: number }

/** One profile with its events and its feature row. `budget` is its exact number of events. */
export function generateProfile(index: number, budget: number, p: ModelParams): GenProfile {
  const rnd = mulberry32(profileSeed(p.seed, index, 2));
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const round2 = (x: number) => Math.round(x * 100) / 100;
  const { now } = p;

  const id = profileId(index, rnd);
  const userId = `cust-${String(index).padStart(7, '0')}`;
  const [country, , region, tz, locale] = COUNTRIES[pickCum(COUNTRY_CUM, rnd())]!;
  const first = pick(FIRST);
  const last = pick(LAST);
  const email = `${first}.${last.normalize('NFKD').replace(/[^A-Za-z]/g, '')}${index}@${pick(DOMAINS)}`.toLowerCase();

  // Sign-up: 30 % before the year of history, the rest during it (leaning recent: a growing shop).
  // At least two days before `now`, so that every profile has room for whole sessions.
  const signupAt = rnd() < 0.3 ? now - YEAR - Math.floor(rnd() * 3 * YEAR) : Math.min(now - 2 * DAY_MS, now - Math.floor(YEAR * (1 - growth(rnd()))));
  const activeFrom = Math.max(signupAt, now - YEAR);
  // Half the profiles are still active; the others stopped at some point after they started.
  const churned = rnd() < 0.5;
  let activeTo = churned ? activeFrom + Math.floor(rnd() * (now - activeFrom)) : now;
  const recentCart = !churned && budget >= 3 && rnd() < 0.012;
  if (recentCart) activeTo = now;

  // Persona: email engagement, buying propensity, favourite categories, preferred hour for email.
  const subscriber = rnd() < 0.75;
  const emailShare = subscriber ? 0.1 + rnd() * 0.5 : 0;
  const clickRate = 0.05 + rnd() * 0.3;
  const cartRate = 0.2 + rnd() * 0.35;
  const buyRate = 0.3 + rnd() * 0.5;
  const favs = [pick(CATEGORIES), pick(CATEGORIES), pick(CATEGORIES)];
  const category = () => (rnd() < 0.75 ? favs[rnd() < 0.6 ? 0 : rnd() < 0.6 ? 1 : 2]! : pick(CATEGORIES));
  const preferredHour = pickCum(DIURNAL_CUM, rnd());
  const currency = CURRENCY[region]!;

  const traits: Record<string, unknown> = {
    email, first_name: first, last_name: last, country, region, locale,
    plan: PLANS[pickCum(PLAN_CUM, rnd())]![0], age: int(18, 75), vip: rnd() < 0.04,
    tags: TAGS.filter(() => rnd() < 0.15), signed_up_at: new Date(signupAt).toISOString(),
  };
  const context = JSON.stringify({
    ip: `${int(1, 223)}.${int(0, 255)}.${int(0, 255)}.${int(1, 254)}`, locale, userAgent: pick(USER_AGENTS),
    library: { name: 'analytics.js', version: '5.2.0' },
  });

  /** A time in [activeFrom, activeTo]: a day (leaning recent), then a local hour (diurnal or near `hour`). */
  const sessionTime = (hour?: number): number => {
    const day = activeFrom + Math.floor((activeTo - activeFrom) * growth(rnd()));
    const localHour = hour ?? pickCum(DIURNAL_CUM, rnd());
    const dayStart = day - (day % DAY_MS);
    let t = dayStart + (localHour - tz) * HOUR + Math.floor(rnd() * HOUR);
    while (t > activeTo) t -= DAY_MS;
    while (t < activeFrom) t += DAY_MS;
    return Math.min(t, activeTo);
  };

  const events: GenEvent[] = [];
  let seq = 0;
  let remaining = budget;
  const push = (t: number, type: 'track' | 'page', name: string, properties: Record<string, unknown>): boolean => {
    if (remaining <= 0) return false;
    if (t > now) return true; // not happened yet: skip, the budget goes to another session
    remaining--;
    events.push({ messageId: '', type, name, timestamp: t, receivedAt: t + 40 + Math.floor(rnd() * 1500), properties });
    return true;
  };
  const product = () => {
    const c = category();
    const [lo, hi] = PRICE[c]!;
    return { product_id: `SKU-${c.slice(0, 3).toUpperCase()}-${int(1000, 9999)}`, category: c, price: round2(lo + rnd() * (hi - lo)) };
  };
  const page = (t: number) => {
    const [name, path] = pick(PAGES);
    const full = path.endsWith('/') && path !== '/' ? `${path}${int(1, 500)}` : path;
    return push(t, 'page', name, { path: full, url: `https://shop.example.com${full}`, title: `${name} | Example Shop` });
  };

  const browse = (start: number, forceCart: boolean) => {
    let t = start;
    const step = () => (t += int(5, 180) * 1000);
    for (let i = int(0, 2); i > 0; i--) if (!page(step())) return;
    let viewed = product();
    for (let i = int(1, 4); i > 0; i--) {
      viewed = product();
      if (!push(step(), 'track', VIEW_EVENT, { ...viewed, currency })) return;
    }
    if (!forceCart && rnd() >= cartRate) return;
    const cartId = `cart-${index.toString(36)}-${seq++}`;
    const items = [{ ...viewed, quantity: rnd() < 0.8 ? 1 : int(2, 3) }];
    if (!push(step(), 'track', ADD_EVENT, { ...viewed, quantity: items[0]!.quantity, cart_id: cartId, currency })) return;
    while (rnd() < 0.3) {
      const extra = product();
      const item = { ...extra, quantity: 1 };
      items.push(item);
      if (!push(step(), 'track', ADD_EVENT, { ...extra, quantity: 1, cart_id: cartId, currency })) return;
    }
    if (rnd() >= buyRate) return; // abandoned
    // Most buy in the same visit; some come back hours or days later (inside or outside 24 h).
    const at = rnd() < 0.7 ? t + int(2, 30) * 60_000 : t + int(1, 72) * HOUR;
    const products = items.map(({ category: c, quantity, price }) => ({ category: c, quantity, price }));
    const revenue = round2(products.reduce((s, x) => s + x.quantity * x.price, 0));
    push(at, 'track', ORDER_EVENT, { order_id: `ord-${index.toString(36)}-${seq++}`, cart_id: cartId, revenue, currency, products });
  };
  const emailSession = (start: number) => {
    const campaign = `cmp-${Math.floor((start - (now - YEAR)) / (3 * DAY_MS))}`; // one campaign every 3 days
    if (!push(start, 'track', OPEN_EVENT, { campaign_id: campaign, email_id: `${campaign}-${index.toString(36)}` })) return;
    if (rnd() >= clickRate) return;
    const t = start + int(5, 600) * 1000;
    if (!push(t, 'track', CLICK_EVENT, { campaign_id: campaign, email_id: `${campaign}-${index.toString(36)}`, url: `https://shop.example.com/c/${category()}` })) return;
    if (rnd() < 0.5) browse(t + 2000, false);
  };

  const weekend = (t: number) => { const d = new Date(t).getUTCDay(); return d === 0 || d === 6; };
  if (recentCart) browse(now - Math.floor(rnd() * 48 * HOUR), true);
  while (remaining > 0) {
    if (rnd() < emailShare) {
      // Opens cluster around the preferred hour, and are rarer at weekends.
      let t = sessionTime(rnd() < 0.65 ? (preferredHour + Math.round(normal(rnd) * 1.2) + 24) % 24 : undefined);
      if (weekend(t) && rnd() < 0.4) t = sessionTime(preferredHour);
      emailSession(t);
    } else browse(sessionTime(), false);
  }

  events.sort((a, b) => a.timestamp - b.timestamp);
  const base = `bench-${p.seed}-${String(index).padStart(7, '0')}-`;
  for (let i = 0; i < events.length; i++) events[i]!.messageId = base + String(i).padStart(5, '0');
  return {
    index, id, userId, email, traits, signupAt, context, consent: subscriber || rnd() < 0.1, events,
    // The same computation as ingest's, so the stored rows are what Tailor itself would hold.
    features: featuresFromEvents(id, events.map((e) => ({ ...e, profileId: id })), now),
  };
}

/** Inverse CDF of a density growing like e^(1.2 x) on [0, 1]: more activity towards now. */
function growth(u: number): number {
  const g = 1.2;
  return Math.log(1 + u * (Math.exp(g) - 1)) / g;
}

