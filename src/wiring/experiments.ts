import { ExperimentService } from '../core/experiments/service.ts';
import { DueScheduler } from '../jobs/due-scheduler.ts';
import { createExperimentStore } from '../store/experiments/experiment-store.ts';
import type { Base } from './base.ts';

/** How often running sequential experiments are looked at (always-valid p-values allow any number of looks). */
const EXPERIMENT_LOOK_MS = 5 * 60_000;

/** Experiments, and the scheduler that decides them when due. */
export function wireExperiments(b: Base, audience: (segment: string) => Promise<string[]>, emails?: (profileIds: string[]) => Promise<Map<string, string | null>>) {
  // A test started after the scheduler's last look may come due before its next look (up to 5
  // minutes later): wake the scheduler for its decideAt.
  const wake = { notify: (_t: number): void => undefined };
  const experiments = new ExperimentService({
    store: createExperimentStore(b.db), now: b.now, newId: b.newId, audience, ...(emails ? { emails } : {}), onStarted: (t) => wake.notify(t),
  });
  const scheduler = new DueScheduler({
    tick: async () => (await experiments.tick()).length,
    nextDue: () => experiments.nextDue(),
    now: b.now,
  }, b.onError, EXPERIMENT_LOOK_MS);
  wake.notify = (t) => scheduler.notify(t);
  return { experiments, scheduler };
}
