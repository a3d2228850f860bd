import { CATEGORIES, unitPrice, type DemoProduct } from './catalog.ts';
import type { Gender } from './customers.ts';
import type { Rng } from '../core/prng.ts';

/**
 * Chooses products the way a customer would: a category by their own interests, then a product by
 * popularity, restricted to what is made for them (women's, men's or unisex) and, for customers who
 * hunt for deals, to sale items when the category has any.
 */
type Group = 'women' | 'men' | 'all';

export interface PickOptions {
  group: Group;
  categoryWeights: readonly number[];
  saleAffinity: number;
  /** Draw this many and keep the cheapest (price-sensitive customers). */
  priceDraws?: number | undefined;
  category?: string | undefined;
  inStock?: boolean;
}

interface Pool { items: DemoProduct[]; weights: number[] }

export class ProductPicker {
  private readonly pools = new Map<string, { all: Pool; sale: Pool }>();

  constructor(products: readonly DemoProduct[]) {
    for (const group of ['women', 'men', 'all'] as const) {
      CATEGORIES.forEach((c, ci) => {
        const fits = products.filter((p) => p.category === c.name && (group === 'all' || p.audience === group || p.audience === 'unisex'));
        const sale = fits.filter((p) => p.salePrice !== undefined);
        this.pools.set(`${group}|${ci}`, { all: pool(fits), sale: pool(sale) });
      });
    }
  }

  static group(gender: Gender | undefined): Group {
    return gender === 'female' ? 'women' : gender === 'male' ? 'men' : 'all';
  }

  /**
   * A product for this customer. `category` forces the category (e.g. an email link's);
   * `inStock` excludes sold-out items (which can be viewed but not bought).
   */
  pick(rng: Rng, o: PickOptions): DemoProduct {
    let best = this.pickOne(rng, o);
    for (let i = 1; i < (o.priceDraws ?? 1); i++) {
      const p = this.pickOne(rng, o);
      if (unitPrice(p) < unitPrice(best)) best = p;
    }
    return best;
  }

  private pickOne(rng: Rng, o: PickOptions): DemoProduct {
    const forced = o.category === undefined ? -1 : CATEGORIES.findIndex((c) => c.name === o.category);
    const weights = o.categoryWeights.map((w, ci) => ((this.pools.get(`${o.group}|${ci}`)!.all.items.length ? w : 0)));
    const ci = forced >= 0 && this.pools.get(`${o.group}|${forced}`)!.all.items.length ? forced : rng.weighted(weights);
    const { all, sale } = this.pools.get(`${o.group}|${ci}`)!;
    const from = sale.items.length && rng.chance(o.saleAffinity) ? sale : all;
    let p = from.items[rng.weighted(from.weights)]!;
    for (let tries = 0; o.inStock && !p.inStock && tries < 8; tries++) p = all.items[rng.weighted(all.weights)]!;
    return p;
  }
}

function pool(items: DemoProduct[]): Pool {
  return { items, weights: items.map((p) => p.popularity) };
}
