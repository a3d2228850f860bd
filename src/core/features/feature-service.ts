import { TailorError } from '../errors.ts';
import type { ProfileQueriesPort } from '../profiles/ports.ts';
import type { FeatureRow } from './catalog.ts';

export interface RecomputeSummary { profiles: number; removed: number; asOf: number; ms: number }

/** What the batch feature commands need from storage (src/store/features/feature-store.ts). */
export interface FeatureBatchPort {
  /** Recomputes every live profile's row as of `asOf` from its events, and removes rows of merged profiles. */
  recomputeAll(asOf: number, opts: { now: number; onProgress?: ((done: number, total: number) => void) | undefined }): Promise<RecomputeSummary>;
  /** The row as of `now`: the stored one while it is exact, else computed from the events. */
  current(profileId: string, now: number): Promise<FeatureRow>;
  /** The row as of a past instant, computed from the events up to it (batch-owned scores: the stored ones). */
  asOf(profileId: string, asOf: number): Promise<FeatureRow>;
}

/** `tailor features recompute|show`: rebuild every row, or read one profile's. */
export class FeatureService {
  constructor(private readonly deps: { store: FeatureBatchPort; profiles: Pick<ProfileQueriesPort, 'resolve'>; now: () => number }) {}

  recompute(asOf: number | undefined, onProgress?: (done: number, total: number) => void): Promise<RecomputeSummary> {
    const now = this.deps.now();
    return this.deps.store.recomputeAll(asOf ?? now, { now, onProgress });
  }

  /** One profile's row (by internal id, userId, anonymousId or email), now or as of `asOf`. */
  async show(ref: string, asOf?: number): Promise<{ profileId: string; at: number; row: FeatureRow }> {
    const profileId = await this.deps.profiles.resolve({ id: ref });
    if (!profileId) throw new TailorError('not_found', `no profile '${ref}'`, 'profile');
    const at = asOf ?? this.deps.now();
    const row = asOf === undefined ? await this.deps.store.current(profileId, at) : await this.deps.store.asOf(profileId, at);
    return { profileId, at, row };
  }
}
