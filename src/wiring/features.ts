import { performance } from 'node:perf_hooks';
import { FeatureService } from '../core/features/feature-service.ts';
import type { FeatureDependents } from '../core/features/feature-dependents.ts';
import { RfmService } from '../core/features/rfm-service.ts';
import type { ProfileQueriesPort } from '../core/profiles/ports.ts';
import { createFeatureStore } from '../store/features/feature-store.ts';
import { createRfmStore } from '../store/features/rfm-store.ts';
import type { Base } from './base.ts';

/** Batch features: the full recompute, one profile's row, and RFM scoring. */
export function wireFeatures(b: Base, d: { profiles: ProfileQueriesPort; dependents: FeatureDependents }) {
  return {
    features: new FeatureService({ store: createFeatureStore(b.db), profiles: d.profiles, now: b.now }),
    rfm: new RfmService({ store: createRfmStore(b.db), dependents: d.dependents, now: b.now, elapsed: () => performance.now() }),
  };
}
