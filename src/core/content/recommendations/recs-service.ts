import { TailorError } from '../../errors.ts';
import type { ProductRecord } from '../../imports/map-product.ts';
import type { ProfileQueriesPort } from '../../profiles/ports.ts';
import type { OnPhase } from '../../progress.ts';
import { buildRecommendations, refreshRecommendations, type BuildResult } from './build.ts';
import { evaluateRecommendations, type EvaluateOptions, type EvaluationReport } from './evaluate.ts';
import type { RecsPort } from './ports.ts';

export type RecommendedProduct = Omit<ProductRecord, 'inStock' | 'attributes'> & { score: number; reason: 'cf' | 'segment-popular' | 'popular' };

/**
 * A profile's stored list joined with the catalogue as it is now (src/store/content/recs-queries.ts):
 * products out of stock or gone drop out, and what is left is re-ranked for category diversity.
 */
export interface RecommendationsReader {
  load(profileId: string, limit?: number): Promise<RecommendedProduct[]>;
}

/** Recommendations as use cases: build, a profile's list, the holdout evaluation, and the real-time refresh. */
export class RecsService {
  constructor(private readonly deps: {
    store: RecsPort; lists: RecommendationsReader; profiles: Pick<ProfileQueriesPort, 'resolve'>; now: () => number;
  }) {}

  build(asOf?: number, onPhase?: OnPhase): Promise<BuildResult> {
    const now = this.deps.now();
    return buildRecommendations(this.deps.store, { asOf: asOf ?? now, now, onPhase });
  }

  /** The list of a profile given by internal id, userId, anonymousId or email. */
  async show(ref: string, limit: number): Promise<{ profileId: string; recommendations: RecommendedProduct[] }> {
    const profileId = await this.deps.profiles.resolve({ id: ref });
    if (!profileId) throw new TailorError('not_found', `no profile '${ref}'`, 'profile');
    return { profileId, recommendations: await this.deps.lists.load(profileId, limit) };
  }

  /** The list of a known profile id (a merged-away id gets the survivor's). */
  list(profileId: string, limit?: number): Promise<RecommendedProduct[]> {
    return this.deps.lists.load(profileId, limit);
  }

  evaluate(opts: EvaluateOptions): Promise<EvaluationReport> {
    return evaluateRecommendations(this.deps.store, opts);
  }

  /** Recomputes the lists of these profiles from the stored model (a no-op until a model is built). */
  refresh(profileIds: readonly string[]) {
    return refreshRecommendations(this.deps.store, profileIds, this.deps.now());
  }
}
