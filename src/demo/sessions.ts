import { cents, CURRENCY, SHOP_URL, unitPrice, type DemoProduct } from './catalog.ts';
import type { DemoEvent } from './demo-event.ts';
import type { ProductPicker } from './product-picker.ts';
import type { Rng } from '../core/prng.ts';

/**
 * One visit to the shop as Segment e-commerce events (v2 spec): a landing page, product views and,
 * depending on the kind, add-to-cart, checkout and the completed order.
 * - browse: views only;
 * - abandon: adds to cart, sometimes starts checkout, never orders (cart abandonment);
 * - purchase: ends with Order Completed.
 */
export type SessionKind = 'browse' | 'abandon' | 'purchase';

export interface Shopper {
  rng: Rng;
  picker: ProductPicker;
  group: 'women' | 'men' | 'all';
  categoryWeights: readonly number[];
  saleAffinity: number;
  priceDraws: number;
  itemsPerOrder: readonly [number, number];
  /** Makes order and cart ids; unique per customer. */
  nextId: (kind: 'order' | 'cart') => string;
}

export interface Landing { url: string; name: string; category?: string | undefined }

export interface SessionPlan {
  kind: SessionKind;
  start: number;
  landing?: Landing | undefined;
  coupon?: { code: string; percent: number } | undefined;
}

const REFERRERS = ['https://www.google.com/', 'https://www.google.com/', 'https://www.instagram.com/', 'https://www.pinterest.com/', ''];
const FREE_SHIPPING_FROM = 50;
const SHIPPING = 4.95;

export function sessionEvents(s: Shopper, plan: SessionPlan): DemoEvent[] {
  const { rng } = s;
  const events: DemoEvent[] = [];
  let at = plan.start;
  const step = () => (at += rng.int(15, 150) * 1000);
  const landing = plan.landing ?? organicLanding(s);
  const url = new URL(landing.url);
  const referrer = plan.landing ? '' : rng.pick(REFERRERS);
  events.push({ type: 'page', channel: 'web', at, name: landing.name, properties: {
    path: url.pathname, url: landing.url, title: `${landing.name} | Tailor Demo Shop`, ...(referrer ? { referrer } : {}),
  } });

  const pick = (inStock: boolean) => s.picker.pick(rng, {
    group: s.group, categoryWeights: s.categoryWeights, saleAffinity: s.saleAffinity, priceDraws: s.priceDraws, inStock,
    category: landing.category !== undefined && rng.chance(0.7) ? landing.category : undefined,
  });
  const views = plan.kind === 'browse' ? rng.int(1, 3) : rng.int(1, 2);
  const viewed: DemoProduct[] = [];
  for (let n = 0; n < views; n++) {
    const p = pick(false);
    viewed.push(p);
    step();
    events.push({ type: 'track', channel: 'web', at, event: 'Product Viewed', properties: productProps(p) });
  }
  if (plan.kind === 'browse') return events;

  const cartId = s.nextId('cart');
  const want = plan.kind === 'purchase' ? rng.int(s.itemsPerOrder[0], s.itemsPerOrder[1]) : rng.int(1, 2);
  const cart: { p: DemoProduct; quantity: number }[] = [];
  for (let i = 0; i < want; i++) {
    const seen = viewed[i];
    const p = seen && seen.inStock ? seen : pick(true);
    if (cart.some((c) => c.p.id === p.id)) continue;
    if (!viewed.includes(p)) {
      step();
      events.push({ type: 'track', channel: 'web', at, event: 'Product Viewed', properties: productProps(p) });
    }
    const quantity = rng.chance(0.9) ? 1 : 2;
    cart.push({ p, quantity });
    step();
    events.push({ type: 'track', channel: 'web', at, event: 'Product Added', properties: { ...productProps(p), url: p.url, image_url: p.imageUrl, quantity, cart_id: cartId } });
  }
  if (plan.kind === 'abandon' && !rng.chance(0.35)) return events;

  const orderId = s.nextId('order');
  const lines = cart.map(({ p, quantity }) => ({ ...productProps(p), quantity }));
  const gross = cents(cart.reduce((a, c) => a + unitPrice(c.p) * c.quantity, 0));
  const discount = plan.coupon ? cents((gross * plan.coupon.percent) / 100) : 0;
  const revenue = cents(gross - discount);
  const shipping = revenue >= FREE_SHIPPING_FROM ? 0 : SHIPPING;
  const coupon = plan.coupon ? { coupon: plan.coupon.code } : {};
  step();
  events.push({ type: 'track', channel: 'web', at, event: 'Checkout Started', properties: {
    order_id: orderId, value: revenue, revenue, shipping, discount, ...coupon, currency: CURRENCY, products: lines,
  } });
  if (plan.kind === 'abandon') return events;

  at += rng.int(60, 400) * 1000;
  // Segment: revenue excludes shipping and tax; total is what the customer paid. Prices include VAT.
  events.push({ type: 'track', channel: 'server', at, event: 'Order Completed', properties: {
    order_id: orderId, checkout_id: cartId, total: cents(revenue + shipping), subtotal: revenue, revenue, shipping, tax: 0,
    discount, ...coupon, currency: CURRENCY, products: lines,
  } });
  return events;
}

function productProps(p: DemoProduct): Record<string, unknown> {
  return { product_id: p.id, sku: p.sku, name: p.name, category: p.category, brand: p.brand, variant: p.color, price: unitPrice(p), currency: CURRENCY };
}

function organicLanding(s: Shopper): Landing {
  if (s.rng.chance(0.45)) return { url: `${SHOP_URL}/`, name: 'Home' };
  const category = s.picker.pick(s.rng, { group: s.group, categoryWeights: s.categoryWeights, saleAffinity: 0 }).category;
  if (s.saleAffinity > 0.5 && s.rng.chance(0.6)) return { url: `${SHOP_URL}/sale`, name: 'Sale' };
  return { url: `${SHOP_URL}/c/${category}`, name: 'Category', category };
}
