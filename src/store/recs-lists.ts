import { diversify } from '../core/content/recommendations/diversity.ts';
import { fromJson } from './codec.ts';
import type { Database } from './database.ts';
import { inList, readRows } from './recs-read.ts';
import type { StoredItem } from './recs-store.ts';

export interface RecommendedProduct {
  id: string;
  name: string | null;
  category: string | null;
  price: number | null;
  currency: string | null;
  url: string | null;
  imageUrl: string | null;
  score: number;
  reason: 'cf' | 'segment-popular' | 'popular';
}

/**
 * A profile's stored list (`tailor recs build` / refresh), joined with the catalogue as it is now:
 * products that have gone out of stock or left the catalogue since the list was computed drop out,
 * and what is left is re-ranked for category diversity again (src/core/content/recommendations/diversity.ts). A profile
 * merged into another gets the survivor's list. Empty when none is stored.
 */
export async function loadRecommendations(db: Database, profileId: string, limit = 10): Promise<RecommendedProduct[]> {
  const [row] = await readRows(db, `SELECT items FROM profile_recommendations
    WHERE profile_id = COALESCE((SELECT merged_into FROM profiles WHERE id = ?), ?)`, [profileId, profileId]);
  if (!row) return [];
  const items = fromJson<StoredItem[]>(row.items) ?? [];
  if (!items.length) return [];
  const ids = inList(db, 'id', items.map((x) => x.id));
  const products = new Map((await readRows(db, `SELECT id, name, category, price, currency, url, image_url, in_stock
    FROM products WHERE ${ids.where}`, [ids.param])).map((p) => [p.id as string, p]));
  const available: RecommendedProduct[] = [];
  for (const x of items) {
    const p = products.get(x.id);
    if (!p || Number(p.in_stock) === 0) continue;
    available.push({
      id: x.id,
      name: (p.name as string | null) ?? null,
      category: (p.category as string | null) ?? null,
      price: p.price === null || p.price === undefined ? null : Number(p.price),
      currency: (p.currency as string | null) ?? null,
      url: (p.url as string | null) ?? null,
      imageUrl: (p.image_url as string | null) ?? null,
      score: x.score,
      reason: x.reason as RecommendedProduct['reason'],
    });
  }
  return diversify(available, (p) => p.category, limit);
}
