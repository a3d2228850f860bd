/**
 * Implicit feedback: what a profile did with a product, turned into one weight per (profile, item).
 *
 * Each event contributes KIND_WEIGHT[kind] × 2^(−age / HALF_LIFE): a purchase says more than an
 * add-to-cart, which says more than a view, and last month says more than last year. The weights of
 * all of a profile's events on an item add up. Events after the as-of instant are ignored, so a model
 * can be built (and evaluated) as of any moment in the past.
 */
import { DAY_MS, ORDER_EVENT } from '../../features/catalog.ts';

export type InteractionKind = 'view' | 'add' | 'purchase';

export interface Interaction {
  profileId: string;
  productId: string;
  kind: InteractionKind;
  /** Epoch ms. */
  at: number;
}

export const VIEW_EVENT = 'Product Viewed';
export const ADD_EVENT = 'Product Added';

/** The Segment e-commerce events that count, and what kind of interaction each is. */
export const INTERACTION_EVENTS: Readonly<Record<string, InteractionKind>> = {
  [VIEW_EVENT]: 'view', [ADD_EVENT]: 'add', [ORDER_EVENT]: 'purchase',
};

/**
 * purchase 5 > add-to-cart 3 > view 1. A purchase is the signal we want to predict; an add-to-cart is
 * most of the way there; a view is cheap and frequent (most views come in sessions that buy nothing),
 * so many views are needed to outweigh one purchase.
 */
export const KIND_WEIGHT: Readonly<Record<InteractionKind, number>> = { view: 1, add: 3, purchase: 5 };

/** 60 days: a purchase 2 months ago counts half, 6 months ago an eighth; fashion interest moves with the season. */
export const HALF_LIFE_DAYS = 60;
export const HALF_LIFE_MS = HALF_LIFE_DAYS * DAY_MS;

/** 2^(−age / half-life); an event at (or, by clock skew, after) the as-of instant counts fully. */
export function decay(ageMs: number, halfLifeMs = HALF_LIFE_MS): number {
  return ageMs <= 0 ? 1 : 0.5 ** (ageMs / halfLifeMs);
}

export function interactionWeight(kind: InteractionKind, at: number, asOf: number, halfLifeMs = HALF_LIFE_MS): number {
  return KIND_WEIGHT[kind] * decay(asOf - at, halfLifeMs);
}

/** The product ids of an order's `products[]` (Segment's `product_id`); lines without one are skipped. */
export function orderProductIds(properties: unknown): string[] {
  const products = (properties as { products?: unknown } | null)?.products;
  if (!Array.isArray(products)) return [];
  const out: string[] = [];
  for (const line of products) {
    const id = productId((line as { product_id?: unknown } | null)?.product_id);
    if (id !== null) out.push(id);
  }
  return out;
}

/** A product id as stored in the catalogue: a non-empty string, or a number written as one. */
export function productId(v: unknown): string | null {
  if (typeof v === 'string') return v.length ? v : null;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return null;
}

/**
 * The item × profile matrix, one sparse row per profile: item → decayed weight, and the items the
 * profile has bought (never recommended back).
 */
export class ProfileItems {
  readonly rows = new Map<string, Map<string, number>>();
  readonly bought = new Map<string, Set<string>>();

  constructor(readonly asOf: number, readonly halfLifeMs = HALF_LIFE_MS) {}

  add(i: Interaction): void {
    if (i.at > this.asOf) return;
    let row = this.rows.get(i.profileId);
    if (!row) this.rows.set(i.profileId, (row = new Map()));
    row.set(i.productId, (row.get(i.productId) ?? 0) + interactionWeight(i.kind, i.at, this.asOf, this.halfLifeMs));
    if (i.kind === 'purchase') {
      let set = this.bought.get(i.profileId);
      if (!set) this.bought.set(i.profileId, (set = new Set()));
      set.add(i.productId);
    }
  }

  addAll(list: Iterable<Interaction>): this {
    for (const i of list) this.add(i);
    return this;
  }
}
