/**
 * Top-k ranking metrics over users, each with a ranked list and the set of items they went on to buy:
 * - hit-rate@k: the share of users with at least one bought item in their top k;
 * - recall@k: per user, the share of their bought items found in the top k, averaged over users;
 * - MRR (@k): per user, 1 / the rank of the first bought item in the top k (0 when none), averaged.
 */
export interface RankingCase { ranked: readonly string[]; relevant: ReadonlySet<string> }
export interface RankingMetrics { hitRate: number; recall: number; mrr: number; users: number }

export function rankingMetrics(cases: readonly RankingCase[], k: number): RankingMetrics {
  let hits = 0;
  let recall = 0;
  let rr = 0;
  let users = 0;
  for (const c of cases) {
    if (!c.relevant.size) continue;
    users++;
    const top = c.ranked.slice(0, k);
    const found = top.filter((x) => c.relevant.has(x)).length;
    const first = top.findIndex((x) => c.relevant.has(x));
    if (found) hits++;
    recall += found / c.relevant.size;
    if (first >= 0) rr += 1 / (first + 1);
  }
  return users ? { hitRate: hits / users, recall: recall / users, mrr: rr / users, users } : { hitRate: 0, recall: 0, mrr: 0, users: 0 };
}
