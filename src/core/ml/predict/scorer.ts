import { getPath } from '../../segments/compare.ts';
import type { ColumnSpec, Row } from '../feature-matrix.ts';
import { transform } from '../feature-matrix.ts';
import { fromJson, predict, type SupervisedModel } from '../supervised/model.ts';
import type { PredictModel } from './service.ts';
import { DEFAULT_PREDICTORS, type PredictSpec } from './spec.ts';
import { TARGETS, type StoreTarget, type TargetDef } from './targets.ts';

/** The profile feature a model's scoring run writes (null: none), as `PredictService.score` decides it. */
export function writesOf(spec: PredictSpec): 'churn_risk' | 'purchase_propensity' | 'predicted_revenue_90d' | null {
  const def = spec.target.startsWith('trait:') ? null : TARGETS[spec.target as StoreTarget];
  return spec.writes === undefined ? def?.writes ?? null : spec.writes;
}

/**
 * One stored model version made ready to score single rows on the calling thread: the model JSON is
 * validated once, and each score is the same fitted transform and prediction that batch scoring
 * runs, for one row. A GBT of 100 trees scores a row in microseconds, so no worker thread is needed
 * (posting to one costs more than the prediction).
 */
export interface Scorer {
  id: string;
  name: string;
  version: number;
  target: string;
  algo: string;
  /** What the model reads, in order: features and traits by name, with their kinds. */
  columns: readonly ColumnSpec[];
  /** Names among `columns` that are profile features (the rest are traits). */
  features: ReadonlySet<string>;
  /** Store targets score only the profiles they are defined for (churn: customers); traits and CSV models score every row. */
  eligible(row: Row): boolean;
  score(row: Row): number;
  /** Many rows in one matrix: the per-call set-up of the trees is paid once. */
  scoreMany(rows: readonly Row[]): Float64Array;
  /** A profile's input row: its features (as templates and rules see them) and its traits (by path). */
  rowOf(features: Readonly<Record<string, unknown>>, traits: Readonly<Record<string, unknown>>): Row;
}

export function compileScorer(m: PredictModel): Scorer {
  const model: SupervisedModel = fromJson(m.artifact.model);
  const t = m.artifact.transform;
  const def: TargetDef | null = m.spec.target.startsWith('trait:') ? null : TARGETS[m.spec.target as StoreTarget] ?? null;
  const features = new Set(m.spec.features ?? DEFAULT_PREDICTORS);
  const columns = m.artifact.columns;
  return {
    id: m.id, name: m.name, version: m.version, target: m.target, algo: m.algo, columns, features,
    eligible: (r) => !def || def.eligible(Number(r.frequency ?? 0), (r.tenure_days as number | null | undefined) ?? null),
    score: (r) => predict(model, transform(t, [r]).scaled)[0]!,
    scoreMany: (rows) => (rows.length ? predict(model, transform(t, rows).scaled) : new Float64Array(0)),
    rowOf: (f, traits) => {
      const r: Record<string, unknown> = {};
      for (const c of columns) r[c.name] = features.has(c.name) ? f[c.name] : getPath(traits, c.name);
      // Eligibility reads these whether or not the model does (as batch scoring's snapshot does).
      if (def) {
        r.frequency = f.frequency;
        r.tenure_days = f.tenure_days;
      }
      return r;
    },
  };
}
