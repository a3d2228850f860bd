import { diversify } from './diversity.ts';
import { fallbackSegment, type SegmentPopular } from './popularity.ts';
import { cfScores, ranked, type Scored } from './scoring.ts';
import type { Neighbours } from './similarity.ts';

export type RecReason = 'cf' | 'segment-popular' | 'popular';

export interface Recommendation { item: string; score: number; reason: RecReason }

/** A catalogue entry as the filters see it. */
export interface CatalogItem { id: string; category: string | null; inStock: boolean }

/** Everything a profile's list is computed from, apart from the profile's own history. */
export interface RecsModel {
  neighbours: Neighbours;
  /** Global popularity, best first. */
  popular: Scored[];
  /** Popularity per segment (segments of at least MIN_SEGMENT_MEMBERS members). */
  segments: ReadonlyMap<string, SegmentPopular>;
  catalog: ReadonlyMap<string, CatalogItem>;
}

export interface ProfileHistory {
  /** item → decayed interaction weight (ProfileItems row). */
  weights?: ReadonlyMap<string, number> | undefined;
  bought?: ReadonlySet<string> | undefined;
  /** Ids of the segments the profile is a member of. */
  segments?: readonly string[] | undefined;
}

/** Stored per profile: enough for a few out-of-stock items to drop out before a top 10 is served. */
export const LIST_SIZE = 20;

/**
 * One profile's list:
 * 1. CF candidates: the profile's item-kNN scores (scoring.ts), best first;
 * 2. then, to fill up (and the whole list for a profile without usable history), the most popular
 *    items among the members of the profile's largest segment, then the most popular overall;
 * 3. bought items are excluded, and so is anything not in the catalogue or out of stock;
 * 4. the result is re-ranked for category diversity (diversity.ts) and cut to `limit`.
 */
export function recommend(h: ProfileHistory, model: RecsModel, limit = LIST_SIZE): Recommendation[] {
  const out: Recommendation[] = [];
  const taken = new Set<string>();
  const usable = (item: string) => !taken.has(item) && !h.bought?.has(item) && model.catalog.get(item)?.inStock === true;
  const add = (list: readonly Scored[], reason: RecReason) => {
    for (const s of list) {
      if (!usable(s.item)) continue;
      taken.add(s.item);
      out.push({ item: s.item, score: s.score, reason });
    }
  };
  if (h.weights?.size) add(ranked(cfScores(h.weights, model.neighbours)), 'cf');
  // A diverse list of `limit` needs more than `limit` candidates to choose from.
  const want = limit * 2;
  if (out.length < want) {
    const seg = fallbackSegment(h.segments ?? [], model.segments);
    if (seg) add(seg.items, 'segment-popular');
  }
  if (out.length < want) add(model.popular, 'popular');
  return diversify(out, (r) => model.catalog.get(r.item)?.category ?? null, limit);
}
