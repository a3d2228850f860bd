import { TailorError } from '../../errors.ts';
import { ORDER_EVENT } from '../../features/catalog.ts';
import type { FeatureDependents } from '../../features/feature-dependents.ts';
import type { PurchaseModelName } from './model.ts';
import { runClv, type ClvRun } from './run.ts';
import { DAY_MS, type TimeUnit, type TransactionLog } from './summary.ts';

export interface ClvFitOptions {
  /** Last day of the calibration period (default: the data's end). */
  calibrationEnd?: number | undefined;
  /** Last day of the holdout period (default: the data's end, when it is after the calibration end). */
  holdoutEnd?: number | undefined;
  unit: TimeUnit;
  horizon: number;
  discountRate: number;
  model: PurchaseModelName;
}

export interface SavedFeature { written: number; cleared: number }

/** What CLV on the store's own orders needs (src/store/models/clv-order-queries.ts, model-features.ts). */
export interface ClvStorePort {
  /** Every order up to `asOf`: customer, time, revenue. */
  orders(asOf: number): Promise<TransactionLog>;
  /** Sets the feature for these profiles and clears it for every other one, in one transaction. */
  saveFeature(feature: 'p_alive' | 'clv', profileIds: readonly string[], values: ArrayLike<number>, at: number): Promise<SavedFeature>;
}

/**
 * Fits BG/NBD (or Pareto/NBD) and Gamma-Gamma on a transaction log; the calibration and holdout
 * ends default from the data's end. The models' own range errors (no customers, no repeat purchase)
 * are the input's fault.
 */
export function fitClv(log: TransactionLog, opts: ClvFitOptions, dataEnd: number, elapsed: () => number = () => 0): ClvRun {
  const calibrationEnd = opts.calibrationEnd ?? dataEnd;
  let holdoutEnd = opts.holdoutEnd;
  if (holdoutEnd === undefined && Math.floor(dataEnd / DAY_MS) > Math.floor(calibrationEnd / DAY_MS)) holdoutEnd = dataEnd;
  if (holdoutEnd !== undefined && Math.floor(holdoutEnd / DAY_MS) <= Math.floor(calibrationEnd / DAY_MS)) {
    throw new TailorError('invalid_argument', '--holdout-end must be a later day than the calibration end', 'holdoutEnd');
  }
  try {
    return runClv(log, {
      calibrationEnd, ...(holdoutEnd === undefined ? {} : { holdoutEnd }),
      unit: opts.unit, horizon: opts.horizon, annualDiscountRate: opts.discountRate, model: opts.model,
    }, elapsed);
  } catch (e) {
    if (e instanceof RangeError) throw new TailorError('invalid_argument', e.message, 'transactions');
    throw e;
  }
}

/** `tailor clv fit` on the store: fit on the orders up to `asOf`; with `save`, write p_alive and clv and let segments over them follow. */
export class ClvService {
  constructor(private readonly deps: { store: ClvStorePort; dependents: FeatureDependents; now: () => number; elapsed: () => number }) {}

  async fitStore(opts: ClvFitOptions & { asOf?: number | undefined; save: boolean }):
    Promise<{ run: ClvRun; orders: number; asOf: number; saved: { p_alive: SavedFeature; clv: SavedFeature } | null }> {
    const asOf = opts.asOf ?? this.deps.now();
    const log = await this.deps.store.orders(asOf);
    if (log.ids.length === 0) throw new TailorError('invalid_argument', `no "${ORDER_EVENT}" events up to ${new Date(asOf).toISOString()}`, 'asOf');
    const run = fitClv(log, opts, asOf, this.deps.elapsed);
    if (!opts.save) return { run, orders: log.at.length, asOf, saved: null };
    const now = this.deps.now();
    const ids = run.summary.ids;
    const saved = {
      p_alive: await this.deps.store.saveFeature('p_alive', ids, run.scores.pAlive, now),
      clv: await this.deps.store.saveFeature('clv', ids, run.scores.clv, now),
    };
    await this.deps.dependents.recomputeUsing((f) => f === 'p_alive' || f === 'clv');
    return { run, orders: log.at.length, asOf, saved };
  }
}
