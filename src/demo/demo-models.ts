import { isTailorError } from '../core/errors.ts';
import type { Tailor } from '../main.ts';

export interface DemoModels { churn: { version: number; rocAuc: number } | string | null; clusters: number | string | null }

/**
 * The demo's models: a churn model (as of the end of the demo history, retrained weekly while
 * `tailor serve` runs) with its scores written to `churn_risk`, and k-means clusters (k by
 * silhouette) in the `cluster` feature, so that rules and templates have scores to read from the
 * first start. Each is skipped when the registry already has it; a demo too small to learn from
 * gets the reason instead (a string).
 */
export async function createDemoModels(t: Tailor, end: Date): Promise<DemoModels> {
  const have = new Set((await t.models.registry.list()).map((m) => m.name));
  const asOf = end.getTime();
  const reason = (e: unknown) => {
    if (isTailorError(e) && e.code === 'invalid_argument') return `skipped: ${e.message}`;
    throw e;
  };
  const churn = have.has('churn') ? null : await (async () => {
    const m = await t.models.predict.train({ target: 'churn', folds: 3, permutationRepeats: 2, retrainEveryDays: 7 }, asOf);
    await t.models.predict.score(m.id, asOf);
    return { version: m.version, rocAuc: (m.metrics.holdout as { rocAuc: number }).rocAuc };
  })().catch(reason);
  const clusters = have.has('clusters') ? null : await t.models.cluster.run({ algo: 'kmeans', nInit: 4 }, { asOf }).then((r) => r.metrics.k, reason);
  return { churn, clusters };
}
