import { randomUUID } from 'node:crypto';

/**
 * Realistic Segment `track` batches, pre-serialised before timing. Each template is a finished JSON
 * body with fixed-width slots for messageId and userId; `next()` copies a template and writes a
 * fresh, unique messageId and a userId drawn from the pool into the slots (a few bytes per event),
 * so the load generator spends almost nothing per request.
 */

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_7_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.81 Mobile Safari/537.36',
  'Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0',
];
const CATEGORIES = ['shoes', 'jackets', 'bags', 'accessories', 'shirts', 'trousers', 'knitwear', 'outdoor'];
const BRANDS = ['Northwind', 'Fabrikam', 'Contoso', 'Tailspin', 'Litware', 'Adatum'];
const CURRENCIES = ['EUR', 'GBP', 'USD'];

/** analytics-node's messageId shape, `node-next-<epoch ms>-<uuid v4>`: unique, roughly time-ordered. */
export const MSG_SLOT = '#'.repeat(13 + 1 + 36);
export const USER_SLOT = '@@@@@@@'; // 7 decimal digits: user index in the pool

function trackEvent(rnd: () => number, at: number): Record<string, unknown> {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const price = Math.round((5 + rnd() * 195) * 100) / 100;
  const sku = `SKU-${int(10000, 99999)}`;
  const category = pick(CATEGORIES);
  const r = rnd();
  let event: string;
  let properties: Record<string, unknown>;
  if (r < 0.45) {
    event = 'Product Viewed';
    properties = { product_id: sku, category, name: `${pick(BRANDS)} ${category} ${int(1, 90)}`, price, currency: pick(CURRENCIES) };
  } else if (r < 0.65) {
    event = 'Product Added';
    properties = { cart_id: `c${int(100000, 999999)}`, product_id: sku, price, quantity: int(1, 3), currency: pick(CURRENCIES) };
  } else if (r < 0.8) {
    event = 'Page Viewed';
    const p = `/${category}/${int(1, 400)}`;
    properties = { path: p, url: `https://shop.example.com${p}`, title: `${category} | Example Shop` };
  } else if (r < 0.9) {
    event = 'Checkout Started';
    properties = { order_id: `o${int(1000000, 9999999)}`, value: Math.round(price * 200) / 100, currency: pick(CURRENCIES), products: int(1, 5) };
  } else {
    event = 'Order Completed';
    properties = { order_id: `o${int(1000000, 9999999)}`, total: Math.round(price * 200 + 495) / 100, revenue: Math.round(price * 200) / 100, currency: pick(CURRENCIES), coupon: rnd() < 0.2 ? 'WINTER10' : null };
  }
  return {
    type: 'track',
    messageId: `node-next-${MSG_SLOT}`,
    userId: `user-${USER_SLOT}`,
    event,
    properties,
    context: {
      ip: `${int(1, 223)}.${int(0, 255)}.${int(0, 255)}.${int(1, 254)}`,
      userAgent: pick(USER_AGENTS),
      library: { name: 'analytics-node', version: '3.1.0' },
    },
    timestamp: new Date(at - int(0, 5000)).toISOString(),
  };
}

function slots(s: string, marker: string): number[] {
  const out: number[] = [];
  for (let i = s.indexOf(marker); i >= 0; i = s.indexOf(marker, i + marker.length)) out.push(i);
  return out;
}

interface Template { body: Buffer; msg: number[]; user: number[] }

export interface BodySource {
  /** The next request body, with unique message ids and users drawn from the pool. */
  next(): Buffer;
  /** Average serialised size of one event, bytes. */
  bytesPerEvent: number;
  /** Events whose user had not been sent before (an approximation of "new profile"). */
  newUserEvents(): number;
  resetCounters(): void;
}

export function bodySource(opts: { eventsPerRequest: number; templates: number; users: number; seed: number }): BodySource {
  const rnd = mulberry32(opts.seed);
  const at = Date.now();
  const templates: Template[] = [];
  let bytes = 0;
  for (let t = 0; t < opts.templates; t++) {
    const batch = Array.from({ length: opts.eventsPerRequest }, () => trackEvent(rnd, at));
    for (const e of batch) bytes += Buffer.byteLength(JSON.stringify(e));
    const json = JSON.stringify({ batch, sentAt: new Date(at).toISOString() });
    if (Buffer.byteLength(json) !== json.length) throw new Error('templates must be ASCII (slots are byte offsets)');
    const msg = slots(json, MSG_SLOT);
    const user = slots(json, USER_SLOT);
    if (msg.length !== opts.eventsPerRequest || user.length !== opts.eventsPerRequest) throw new Error('slot count mismatch');
    templates.push({ body: Buffer.from(json, 'latin1'), msg, user });
  }
  if (opts.users > 10_000_000) throw new Error('the user slot holds 7 digits');
  const seen = new Uint8Array(opts.users);
  let tpl = 0;
  let fresh = 0;
  return {
    bytesPerEvent: bytes / (opts.templates * opts.eventsPerRequest),
    next() {
      const t = templates[tpl++ % templates.length]!;
      const buf = Buffer.allocUnsafe(t.body.length);
      t.body.copy(buf);
      for (let i = 0; i < t.msg.length; i++) {
        buf.write(`${Date.now()}-${randomUUID()}`, t.msg[i]!, 'latin1');
        const u = Math.floor(rnd() * opts.users);
        if (!seen[u]) { seen[u] = 1; fresh++; }
        buf.write(String(u).padStart(7, '0'), t.user[i]!, 'latin1');
      }
      return buf;
    },
    newUserEvents: () => fresh,
    resetCounters: () => { fresh = 0; },
  };
}
