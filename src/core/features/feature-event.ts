import { CLICK_EVENTS, isMachineHit } from '../tracking/email-event-names.ts';
import { CLICK_EVENT, OPEN_EVENT, ORDER_EVENT } from './catalog.ts';

/**
 * An event as the feature fold reads it. Stores may leave `properties` empty for events other than
 * orders, opens and clicks, and for opens and clicks may give only the machine flags.
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

const CLICKS = new Set([CLICK_EVENT, ...CLICK_EVENTS]);

/**
 * Only track events count as orders, opens and clicks; a page named "Order Completed" is a page
 * view. Opens and clicks are human ones: a machine open or a bot click (flagged by tracking) stays
 * on the profile but counts for no feature.
 */
export function eventKind(e: Pick<FeatureEvent, 'type' | 'name'> & { properties?: Record<string, unknown> }): FeatureEventKind {
  if (e.type !== 'track') return 'other';
  if (e.name === ORDER_EVENT) return 'order';
  const kind = e.name === OPEN_EVENT ? 'open' : e.name !== null && CLICKS.has(e.name) ? 'click' : 'other';
  return kind !== 'other' && isMachineHit(e.properties) ? 'other' : kind;
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
