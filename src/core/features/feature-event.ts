import { CLICK_EVENT, OPEN_EVENT, ORDER_EVENT } from './catalog.ts';

/**
 * An event as the feature fold reads it. Stores may leave `properties` empty for events other than
 * orders: nothing else reads them.
 */
export interface FeatureEvent {
  profileId: string;
  messageId: string;
  type: string;
  name: string | null;
  timestamp: number;
  properties: Record<string, unknown>;
}

export type FeatureEventKind = 'order' | 'open' | 'click' | 'other';

/** Only track events count as orders, opens and clicks; a page named "Order Completed" is a page view. */
export function eventKind(e: Pick<FeatureEvent, 'type' | 'name'>): FeatureEventKind {
  if (e.type !== 'track') return 'other';
  return e.name === ORDER_EVENT ? 'order' : e.name === OPEN_EVENT ? 'open' : e.name === CLICK_EVENT ? 'click' : 'other';
}

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** `revenue` if it is a finite number, else `total` if it is, else 0 (Segment's e-commerce spec). */
export function orderRevenue(properties: Record<string, unknown>): number {
  const { revenue, total } = properties;
  return finite(revenue) ? revenue : finite(total) ? total : 0;
}

/**
 * The (category, quantity) lines of an order: products with a non-empty string category; quantity
 * is the product's `quantity` when it is a finite number, else 1.
 */
export function orderCategoryLines(properties: Record<string, unknown>): [string, number][] {
  const products = properties.products;
  if (!Array.isArray(products)) return [];
  const out: [string, number][] = [];
  for (const p of products) {
    if (p === null || typeof p !== 'object' || Array.isArray(p)) continue;
    const { category, quantity } = p as Record<string, unknown>;
    if (typeof category !== 'string' || category === '') continue;
    out.push([category, finite(quantity) ? quantity : 1]);
  }
  return out;
}
