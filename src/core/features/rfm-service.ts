import type { FeatureDependents } from './feature-dependents.ts';
import { runRfm, type RfmPort, type RfmRun } from './rfm-run.ts';

/** `tailor rfm`: score every customer, save the rfm_* features, and let the segments over them follow. */
export class RfmService {
  constructor(private readonly deps: { store: RfmPort; dependents: FeatureDependents; now: () => number; elapsed: () => number }) {}

  async run(opts: { asOf?: number | undefined; windowDays: number; save: boolean }): Promise<RfmRun> {
    const now = this.deps.now();
    const run = await runRfm(this.deps.store, { asOf: opts.asOf ?? now, windowDays: opts.windowDays, save: opts.save, now }, this.deps.elapsed);
    if (opts.save) await this.deps.dependents.recomputeUsing((f) => f.startsWith('rfm_'));
    return run;
  }
}
