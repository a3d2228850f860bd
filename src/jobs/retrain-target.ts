import type { PredictService } from '../core/ml/predict/service.ts';
import type { SchedulerTarget } from './due-scheduler.ts';

/** After a failed retraining (too little data, say), the model is tried again this much later, not in a tight loop. */
const RETRY_MS = 60 * 60_000;

/**
 * Scheduled retraining as a DueScheduler target: every active predictive model with
 * `retrainEveryDays` is retrained with its stored spec when its interval has passed, and the new
 * version scores the profiles at once. Failures are reported and retried an hour later.
 */
export function retrainTarget(predict: PredictService, now: () => number, onError: (e: unknown) => void): SchedulerTarget {
  const retryAt = new Map<string, number>();
  return {
    now,
    async tick() {
      const due = (await predict.due(now())).filter((m) => (retryAt.get(m.id) ?? 0) <= now());
      for (const m of due) {
        try {
          await predict.retrain(m);
          retryAt.delete(m.id);
        } catch (e) {
          retryAt.set(m.id, now() + RETRY_MS);
          onError(e);
        }
      }
      return due.length - [...due].filter((m) => retryAt.has(m.id)).length;
    },
    async nextDue() {
      const t = await predict.nextDue();
      if (t === null) return null;
      const waits = [...retryAt.values()];
      return waits.length ? Math.max(t, Math.min(...waits)) : t;
    },
  };
}
