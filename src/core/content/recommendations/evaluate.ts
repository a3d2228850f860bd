import { TailorError } from '../../errors.ts';
import { DAY_MS } from '../../features/catalog.ts';
import { ProfileItems } from './interactions.ts';
import { rankingMetrics, type RankingCase, type RankingMetrics } from './metrics.ts';
import { popularItems, segmentPopularity } from './popularity.ts';
import type { RecsPort } from './ports.ts';
import { recommend, type RecsModel } from './recommend.ts';
import { itemCosine } from './similarity.ts';
import { segmentsOf, toModel } from './build.ts';

/**
 * Time-split holdout. The model is trained on the interactions up to `cutoff`, as if built then; each
 * profile that bought something new in (cutoff, end] is a test user, and the items they bought then,
 * less those they had bought before (which no model may recommend back), are the relevant set.
 *
 * Both models serve lists the same way (bought items excluded, in-stock filter, diversity re-rank),
 * so the comparison isolates the scoring:
 * - cf: item-kNN, falling back to segment, then global popularity (what `recs build` stores);
 * - popular: the global popularity baseline (most popular items as of the cutoff).
 * Caveats: stock is today's, not the cutoff's; segment memberships are those current at the cutoff.
 */
export const HOLDOUT_DAYS = 30;
export const DEFAULT_K = 10;

export interface EvaluateOptions { cutoff?: number | undefined; end?: number | undefined; k?: number | undefined }

export interface EvaluationReport {
  cutoff: number;
  end: number;
  k: number;
  /** Profiles with history before the cutoff (the training matrix). */
  trainProfiles: number;
  /** Test users, and how many of them had no history before the cutoff (both models serve them popularity). */
  users: number;
  coldUsers: number;
  cf: RankingMetrics;
  popular: RankingMetrics;
  /** The same, over the test users with history before the cutoff only (cold users get popularity from both). */
  warm: { cf: RankingMetrics; popular: RankingMetrics };
  /** cf ÷ popular per metric (null when popularity scores 0). */
  ratio: { hitRate: number | null; recall: number | null; mrr: number | null };
}

export async function evaluateRecommendations(port: RecsPort, opts: EvaluateOptions = {}): Promise<EvaluationReport> {
  const k = opts.k ?? DEFAULT_K;
  const last = await port.lastInteractionAt();
  const end = opts.end ?? last;
  if (end === null || end === undefined) throw new TailorError('invalid_argument', 'there are no product interactions to evaluate on');
  const cutoff = opts.cutoff ?? end - HOLDOUT_DAYS * DAY_MS;
  if (!(cutoff < end)) throw new TailorError('invalid_argument', `the cutoff must lie before the last interaction (${new Date(end).toISOString()})`, 'cutoff');

  const train = new ProfileItems(cutoff);
  const later = new Map<string, Set<string>>();
  for await (const page of port.interactions(end)) {
    for (const i of page) {
      if (i.at <= cutoff) train.add(i);
      else if (i.kind === 'purchase') {
        const set = later.get(i.profileId) ?? new Set<string>();
        set.add(i.productId);
        later.set(i.profileId, set);
      }
    }
  }
  const memberships = await port.memberships(cutoff);
  const catalog = await port.catalog();
  const cfModel = toModel({
    neighbours: itemCosine(train.rows.values()),
    popular: popularItems(train.rows.values()),
    segments: segmentPopularity(train.rows, memberships),
  }, catalog);
  const popularModel: RecsModel = { ...cfModel, neighbours: new Map(), segments: new Map() };
  const bySegment = segmentsOf(memberships);

  const cf: RankingCase[] = [];
  const pop: RankingCase[] = [];
  const warm: boolean[] = [];
  for (const [profileId, items] of later) {
    const bought = train.bought.get(profileId);
    const relevant = new Set([...items].filter((x) => !bought?.has(x)));
    if (!relevant.size) continue;
    const weights = train.rows.get(profileId);
    warm.push(!!weights?.size);
    const h = { weights, bought, segments: bySegment.get(profileId) };
    cf.push({ ranked: recommend(h, cfModel, k).map((r) => r.item), relevant });
    pop.push({ ranked: recommend({ bought }, popularModel, k).map((r) => r.item), relevant });
  }
  const a = rankingMetrics(cf, k);
  const b = rankingMetrics(pop, k);
  const warmOnly = (cases: RankingCase[]) => rankingMetrics(cases.filter((_, i) => warm[i]), k);
  const ratio = (x: number, y: number) => (y > 0 ? x / y : null);
  return {
    cutoff, end, k, trainProfiles: train.rows.size, users: a.users, coldUsers: warm.filter((w) => !w).length,
    cf: a, popular: b, warm: { cf: warmOnly(cf), popular: warmOnly(pop) },
    ratio: { hitRate: ratio(a.hitRate, b.hitRate), recall: ratio(a.recall, b.recall), mrr: ratio(a.mrr, b.mrr) },
  };
}
