import type { FeatureDependents } from '../features/feature-dependents.ts';
import type { ModelDataPort } from './predict/service.ts';

/** Model data whose saved scores also re-evaluate the segments over that feature (no event announces new scores). */
export function scoresWithDependents(data: ModelDataPort, dependents: FeatureDependents): ModelDataPort {
  return {
    ...data,
    saveScores: async (feature, ids, values) => {
      const written = await data.saveScores(feature, ids, values);
      await dependents.recomputeUsing((f) => f === feature);
      return written;
    },
  };
}
