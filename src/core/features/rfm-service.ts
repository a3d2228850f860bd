import type { OnPhase } from '../progress.ts';
import type { FeatureDependents } from './feature-dependents.ts';
import { runRfm, type RfmPort, type RfmRun } from './rfm-run.ts';

/** `tailor rfm`: score every customer, save the rfm_* features, and let the segments over them follow. */
export class RfmService {
  constructor(private readonly deps: { store: RfmPort; dependents: FeatureDependents; now: () => number; elapsed: () => number }) {}

  async run(opts: { asOf?: number | undefined; windowDays: number; save: boolean; onPhase?: OnPhase | undefined }): Promise<RfmRun> {
    const now = this.deps.now();
    const total = opts.save ? 4 : 2;
    const run = await runRfm(this.deps.store, { asOf: opts.asOf ?? now, windowDays: opts.windowDays, save: opts.save, now },
      this.deps.elapsed, opts.onPhase && ((done, _total, phase) => opts.onPhase!(done, total, phase)));
    if (opts.save) {
      opts.onPhase?.(3, total, 'segments over rfm_*');
      await this.deps.dependents.recomputeUsing((f) => f.startsWith('rfm_'));
    }
    opts.onPhase?.(total, total, 'done');
    return run;
  }
}
