import { performance } from 'node:perf_hooks';
import type { FeatureDependents } from '../core/features/feature-dependents.ts';
import { ClusterService } from '../core/ml/cluster-service.ts';
import { ClvService } from '../core/ml/clv/clv-service.ts';
import { LiveScoring } from '../core/ml/predict/live-scoring.ts';
import { PredictService } from '../core/ml/predict/service.ts';
import type { ProfileQueriesPort } from '../core/profiles/ports.ts';
import { scoresWithDependents } from '../core/ml/scores-with-dependents.ts';
import { DueScheduler } from '../jobs/due-scheduler.ts';
import { MlWorkerPool } from '../jobs/ml-worker-pool.ts';
import { retrainTarget } from '../jobs/retrain-target.ts';
import { loadClvOrders } from '../store/models/clv-order-queries.ts';
import { createLiveFeatureQueries } from '../store/models/live-feature-queries.ts';
import { createModelData } from '../store/models/model-data-store.ts';
import { saveModelFeatures } from '../store/models/model-features.ts';
import { createModelRegistry } from '../store/models/model-registry-store.ts';
import type { Base } from './base.ts';

/** How often the registry is re-read for retraining that another process scheduled. */
const MODEL_CHECK_MS = 10 * 60_000;

/**
 * Predictive models, clustering and CLV; the numeric work runs on worker threads. Saved scores
 * re-evaluate the segments over them. Live scoring (one profile or vector now, fresh scores at
 * render time) runs single rows in-process with one cache of compiled models for the process.
 */
export function wireModels(b: Base, dependents: FeatureDependents, profiles: Pick<ProfileQueriesPort, 'resolve'>) {
  const data = scoresWithDependents(createModelData(b.db, b.now), dependents);
  const registry = createModelRegistry(b.db);
  const compute = new MlWorkerPool();
  const predict = new PredictService(data, registry, compute, b.now);
  const live = new LiveScoring({ registry, features: createLiveFeatureQueries(b.db), resolveProfile: (ref) => profiles.resolve({ id: ref }), now: b.now });
  const models = { predict, cluster: new ClusterService(data, registry, compute, b.now), registry, live };
  const clv = new ClvService({
    store: { orders: (asOf) => loadClvOrders(b.db, asOf), saveFeature: (f, ids, values, at) => saveModelFeatures(b.db, f, ids, values, at) },
    dependents, now: b.now, elapsed: () => performance.now(),
  });
  const scheduler = new DueScheduler(retrainTarget(predict, b.now, b.onError), b.onError, MODEL_CHECK_MS);
  return { models, live, clv, scheduler, close: () => compute.close() };
}
