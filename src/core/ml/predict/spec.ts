import { z } from 'zod';
import { FEATURES } from '../../features/catalog.ts';

/**
 * A predictive model's training spec, as the CLI and `POST /v1/models/train` give it. Defaults are
 * filled here, so the registry stores the complete spec that produced a version (retraining reuses it).
 *
 * The default predictors of every store target (churn, purchase_30d, revenue_90d) include email
 * engagement — opens_30d, clicks_30d (the feature module counts human opens and clicks only) and
 * days_since_open — so models learn from tracking as soon as it fills them. A profile with no email
 * events has 0 opens and clicks (a count, truly zero) and no days_since_open: that one is imputed
 * with the training median plus the indicator column `days_since_open_missing` ("never opened" is
 * information, feature-matrix.ts). `features` in the spec replaces the list, to leave them out.
 */
export const DEFAULT_PREDICTORS = ['recency_days', 'frequency', 'monetary', 'aov', 'tenure_days', 'orders_90d', 'revenue_90d',
  'opens_30d', 'clicks_30d', 'days_since_open', 'top_category'];

/** The column kinds of catalog features, whatever the training rows hold (feature-matrix.ts inferColumns). */
export const catalogKinds = (features: readonly string[]): Record<string, 'number' | 'category'> =>
  Object.fromEntries(features.map((f) => [f, FEATURES[f]?.kind === 'number' ? 'number' as const : 'category' as const]));

/** Features a model may read: the event-derived ones (not RFM or other models' outputs, which are computed as of now only). */
export const PREDICTOR_FEATURES = Object.keys(FEATURES).filter((f) => FEATURES[f]!.kind !== 'time' && !/^(rfm_|cluster$|churn_risk$|purchase_propensity$|predicted_revenue_90d$|p_alive$|clv$)/.test(f));

const target = z.union([z.enum(['churn', 'purchase_30d', 'revenue_90d']), z.string().regex(/^trait:[A-Za-z0-9_.-]+$/, 'a target is churn, purchase_30d, revenue_90d or trait:<name>')]);

export const predictSpecSchema = z.object({
  name: z.string().min(1).max(100).regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . - only').optional(),
  target,
  algo: z.enum(['logistic', 'forest', 'gbt', 'ridge']).optional(),
  features: z.array(z.enum(PREDICTOR_FEATURES as [string, ...string[]])).min(1).optional(),
  traits: z.array(z.string().min(1)).default([]),
  horizonDays: z.number().int().min(1).max(3650).optional(),
  holdout: z.enum(['time', 'random']).optional(),
  testFraction: z.number().gt(0).lt(1).default(0.2),
  folds: z.number().int().min(0).max(20).default(5),
  seed: z.number().int().default(1),
  threshold: z.number().gt(0).lt(1).default(0.5),
  scaling: z.enum(['standard', 'minmax', 'none']).default('standard'),
  params: z.object({
    trees: z.number().int().min(1).max(2000).optional(),
    maxDepth: z.number().int().min(1).max(64).optional(),
    /** Rows per leaf (forest and boosting); 'auto' (the forest's default): chosen by CV within the training rows (supervised/forest-leaf.ts). */
    minSamplesLeaf: z.union([z.number().int().min(1), z.literal('auto')]).optional(),
    /** Forest: features tried per split: sqrt (default, as scikit-learn), all, a count ≥ 1 or a fraction in (0, 1). */
    maxFeatures: z.union([z.enum(['sqrt', 'all']), z.number().gt(0)]).optional(),
    learningRate: z.number().gt(0).max(1).optional(),
    c: z.number().gt(0).optional(),
    alpha: z.number().min(0).optional(),
  }).strict().default({}),
  permutationRepeats: z.number().int().min(1).max(50).default(5),
  retrainEveryDays: z.number().int().min(1).max(365).nullable().default(null),
  writes: z.enum(['churn_risk', 'purchase_propensity', 'predicted_revenue_90d']).nullable().optional(),
}).strict();

export type PredictSpecInput = z.input<typeof predictSpecSchema>;
export type PredictSpec = z.output<typeof predictSpecSchema>;
