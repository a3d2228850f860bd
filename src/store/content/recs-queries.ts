import { diversify } from '../../core/content/recommendations/diversity.ts';
import type { RecommendationsReader, RecommendedProduct } from '../../core/content/recommendations/recs-service.ts';
import { fromJson } from '../sql/codec.ts';
import type { Database } from '../sql/database.ts';
import { productFromRow } from '../imports/product-store.ts';
import { inIds } from '../sql/id-list.ts';
import type { StoredItem } from './recs-store.ts';

/**
 * A profile's stored list (`tailor recs build` / refresh), joined with the catalogue as it is now:
 * products that have gone out of stock or left the catalogue since the list was computed drop out,
 * and what is left is re-ranked for category diversity again (src/core/content/recommendations/diversity.ts). A profile
 * merged into another gets the survivor's list. Empty when none is stored.
 */
export async function loadRecommendations(db: Database, profileId: string, limit = 10): Promise<RecommendedProduct[]> {
  const [row] = await db.read(`SELECT items FROM profile_recommendations
    WHERE profile_id = COALESCE((SELECT merged_into FROM profiles WHERE id = ?), ?)`, [profileId, profileId]);
  if (!row) return [];
  const items = fromJson<StoredItem[]>(row.items) ?? [];
  if (!items.length) return [];
  const ids = inIds(db, 'id', items.map((x) => x.id));
  const products = new Map((await db.read(`SELECT * FROM products WHERE ${ids.where}`, [ids.param])).map((r) => [r.id as string, productFromRow(r)]));
  const available: RecommendedProduct[] = [];
  for (const x of items) {
    const p = products.get(x.id);
    if (!p || !p.inStock) continue;
    const { inStock: _s, attributes: _a, ...shown } = p;
    available.push({ ...shown, score: x.score, reason: x.reason as RecommendedProduct['reason'] });
  }
  return diversify(available, (p) => p.category, limit);
}

export function createRecommendationsReader(db: Database): RecommendationsReader {
  return { load: (profileId, limit) => loadRecommendations(db, profileId, limit) };
}
