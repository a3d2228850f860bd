import type { Neighbours } from './similarity.ts';

/** An item with a score, best first in any list of them. */
export interface Scored { item: string; score: number }

/**
 * A profile's item-kNN scores: score(i) = Σ_j sim(j, i) · w(u, j) over the items j in the profile's
 * history and the stored neighbours i of each. Items never co-occurring with the history get no score.
 * The history's own items are scored only as neighbours of one another; exclusion of bought items
 * is the caller's (recommend.ts).
 */
export function cfScores(history: ReadonlyMap<string, number>, neighbours: Neighbours): Map<string, number> {
  const scores = new Map<string, number>();
  for (const [j, w] of history) {
    for (const n of neighbours.get(j) ?? []) scores.set(n.item, (scores.get(n.item) ?? 0) + n.sim * w);
  }
  return scores;
}

/** Best first; equal scores by item id, so that lists do not depend on Map order. */
export function ranked(scores: ReadonlyMap<string, number>): Scored[] {
  return [...scores].map(([item, score]) => ({ item, score })).sort(byScore);
}

export const byScore = (a: Scored, b: Scored): number => b.score - a.score || (a.item < b.item ? -1 : a.item > b.item ? 1 : 0);
