/**
 * The planted behaviour types. Each demo customer gets one, stored on the profile as the trait
 * `demo_segment`. It is ground truth for tests only (can clustering, RFM or predictions recover
 * it?): product features must never read it.
 *
 * The types are built to be separable on RFM and engagement features, with overlapping ranges
 * (noise) so that recovery is not trivial:
 * - frequent_buyer: many orders at a regular cadence, medium basket, recent.
 * - bargain_hunter: orders cluster after sale emails, sale items and coupons, low basket; clicks promos.
 * - window_shopper: many product views and add-to-carts, very few orders (cart abandonment).
 * - lapsed: active only in the first months of the window; nothing in the last ~5 months.
 * - newcomer: signed up in the last ~6 weeks, 0–1 orders.
 */
export const SEGMENTS = ['frequent_buyer', 'bargain_hunter', 'window_shopper', 'lapsed', 'newcomer'] as const;
export type Segment = (typeof SEGMENTS)[number];

export type Range = readonly [number, number];

export interface Behaviour {
  share: number;
  /** Sign-up, in days before the end of the window. */
  signupDaysAgo: Range;
  /**
   * Counts of orders, browse-only sessions and abandoned-cart sessions. With `perYear` they are for a
   * full year and scale down with a shorter active span; without it they are totals.
   */
  perYear: boolean;
  orders: Range;
  /** true: orders at a steady interval with small jitter; false: at random times. */
  regular: boolean;
  browse: Range;
  abandon: Range;
  itemsPerOrder: Range;
  /** Probability that a chosen product is a sale item (when the category has one). */
  saleAffinity: number;
  /** Price sensitivity: of this many candidate products, the customer looks at the cheapest. */
  priceDraws: number;
  /** Email open probability for sale campaigns and for newsletters, and click probability once opened. */
  openSale: Range;
  openNews: Range;
  clickSale: Range;
  clickNews: Range;
  /** Probability that a sale-email click leads to an order in that session (using the coupon). */
  buyOnSaleClick: number;
  /** Lapsed only: days of activity before going quiet. */
  activeDays?: Range;
}

export const BEHAVIOURS: Record<Segment, Behaviour> = {
  frequent_buyer: {
    share: 0.15, signupDaysAgo: [150, 1100], perYear: true, orders: [7, 13], regular: true, browse: [3, 6], abandon: [1, 3],
    itemsPerOrder: [1, 2], saleAffinity: 0.15, priceDraws: 1, openSale: [0.25, 0.5], openNews: [0.3, 0.55], clickSale: [0.08, 0.2], clickNews: [0.12, 0.25],
    buyOnSaleClick: 0,
  },
  bargain_hunter: {
    share: 0.2, signupDaysAgo: [90, 1100], perYear: true, orders: [0, 2], regular: false, browse: [2, 6], abandon: [1, 3],
    itemsPerOrder: [1, 3], saleAffinity: 0.85, priceDraws: 3, openSale: [0.45, 0.75], openNews: [0.05, 0.2], clickSale: [0.35, 0.6], clickNews: [0.02, 0.08],
    buyOnSaleClick: 0.4,
  },
  window_shopper: {
    share: 0.25, signupDaysAgo: [60, 900], perYear: true, orders: [0, 1], regular: false, browse: [4, 8], abandon: [4, 8],
    itemsPerOrder: [1, 1], saleAffinity: 0.3, priceDraws: 1, openSale: [0.15, 0.35], openNews: [0.15, 0.35], clickSale: [0.08, 0.2], clickNews: [0.08, 0.2],
    buyOnSaleClick: 0,
  },
  lapsed: {
    share: 0.2, signupDaysAgo: [230, 1100], perYear: false, orders: [1, 4], regular: false, browse: [2, 6], abandon: [0, 2],
    itemsPerOrder: [1, 2], saleAffinity: 0.3, priceDraws: 1, openSale: [0.15, 0.35], openNews: [0.15, 0.35], clickSale: [0.05, 0.15], clickNews: [0.05, 0.15],
    buyOnSaleClick: 0, activeDays: [50, 140],
  },
  newcomer: {
    share: 0.2, signupDaysAgo: [1, 40], perYear: false, orders: [0, 1], regular: false, browse: [1, 4], abandon: [0, 2],
    itemsPerOrder: [1, 2], saleAffinity: 0.3, priceDraws: 1, openSale: [0.35, 0.65], openNews: [0.35, 0.65], clickSale: [0.1, 0.25], clickNews: [0.1, 0.25],
    buyOnSaleClick: 0,
  },
};

const GOLDEN = 0.6180339887498949;

/**
 * The behaviour type of customer `index`. A golden-ratio (Weyl) sequence rather than independent
 * draws: the mix of any prefix of customers is within a fraction of a percent of the target shares,
 * and customer i's type does not depend on how many customers are generated.
 */
export function segmentFor(index: number, offset: number): Segment {
  const u = (offset + index * GOLDEN) % 1;
  let acc = 0;
  for (const s of SEGMENTS) {
    acc += BEHAVIOURS[s].share;
    if (u < acc) return s;
  }
  return SEGMENTS[SEGMENTS.length - 1]!;
}
