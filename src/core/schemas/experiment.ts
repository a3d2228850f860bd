import { z } from 'zod';
import { validationError } from './segment-rule.ts';
import { refuseUnsafeText } from './safe-text.ts';

/**
 * An experiment's definition. Either `variants` (A/B/n: the first is the control) or `factors`
 * (full-factorial multivariate: every combination of one level per factor is an arm, and the
 * combination of first levels is the control). What each arm changes is `content`, keyed by the
 * thing that varies (`{"subject": "…"}`, `{"send_time": "09:00"}`); the campaign sender reads it.
 */
export const VARIES = ['subject', 'preheader', 'from_name', 'content_block', 'template', 'send_time'] as const;
export const METRICS = ['open', 'click', 'conversion', 'revenue'] as const;
export type Metric = (typeof METRICS)[number];

const key = z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'a key is 1-40 letters, digits, "_" or "-"');
const Arm = z.strictObject({
  key,
  weight: z.number().positive().finite().default(1),
  content: z.record(z.string(), z.unknown()).default({}),
});
const distinctKeys = (arms: readonly { key: string }[]) => new Set(arms.map((a) => a.key)).size === arms.length;
const Arms = z.array(Arm).min(2).max(26).refine(distinctKeys, 'keys must be distinct');

const Factor = z.strictObject({ name: key, vary: z.enum(VARIES), levels: Arms });

/**
 * The effect the test is planned to detect on its primary metric, as `tailor experiment plan`
 * takes it (alpha, arms and holdout come from the experiment). It sets the always-valid test's
 * mixing scale τ (src/core/experiments/mixing-scale.ts) and the planned sample size shown with a
 * recommendation.
 */
const ExperimentPlan = z.strictObject({
  /** The control's expected rate (0–1), or its mean per recipient with `sd` (revenue). */
  baseline: z.number().positive().finite(),
  /** The smallest effect worth detecting: absolute (0.02 = two points) unless `relative`. */
  mde: z.number().positive().finite(),
  relative: z.boolean().default(false),
  /** Per-recipient standard deviation, for a revenue plan. */
  sd: z.number().positive().finite().optional(),
  power: z.number().min(0.5).lt(1).default(0.8),
});

export const ExperimentSpecSchema = z.strictObject({
  name: z.string().min(1).max(200).superRefine(refuseUnsafeText),
  description: z.string().max(2000).optional(),
  /** What the variants change (A/B/n); factors name their own. */
  vary: z.enum(VARIES).optional(),
  variants: Arms.optional(),
  factors: z.array(Factor).min(2).max(4).refine((fs) => distinctKeys(fs.map((f) => ({ key: f.name }))), 'factor names must be distinct').optional(),
  /** The audience: members of this segment when the test starts. */
  segment: z.string().min(1).max(200).superRefine(refuseUnsafeText).optional(),
  /** Share of the audience that receives nothing, to measure incremental conversions and revenue. */
  holdout: z.number().min(0).max(0.5).default(0),
  /** Share of the rest that is tested; the remainder later receives the winner. 1 = no winner send. */
  testFraction: z.number().gt(0).max(1).default(1),
  /** Hours between the test send and the automatic decision. */
  waitHours: z.number().positive().max(24 * 90).default(24),
  metric: z.enum(METRICS).default('click'),
  alpha: z.number().gt(0).max(0.2).default(0.05),
  /** `sequential`: always-valid p-values, decide whenever they cross α; `fixed`: only after waitHours. */
  rule: z.enum(['sequential', 'fixed']).default('sequential'),
  /**
   * mSPRT mixture scale, in standard deviations of the per-recipient metric. When absent it is the
   * planned effect size (`plan`), or 0.05 without a plan (mixing-scale.ts).
   */
  tau: z.number().positive().max(10).optional(),
  /** The planned minimum detectable effect on `metric`. */
  plan: ExperimentPlan.optional(),
  /** Beta prior for P(best) on rates; at least 1 each, so that the posterior density stays bounded. */
  prior: z.strictObject({ alpha: z.number().min(1).max(1e6), beta: z.number().min(1).max(1e6) }).default({ alpha: 1, beta: 1 }),
  /** Conversions and revenue count for this many hours after a recipient's send. */
  attributionHours: z.number().positive().max(24 * 90).default(120),
  /** No decision before every arm has this many recipients. */
  minPerArm: z.number().int().min(2).default(100),
}).superRefine((s, ctx) => {
  if ((s.variants === undefined) === (s.factors === undefined)) {
    ctx.addIssue({ code: 'custom', path: ['variants'], message: 'give either variants (A/B/n) or factors (multivariate), not both or neither' });
  }
  if (s.variants && !s.vary) ctx.addIssue({ code: 'custom', path: ['vary'], message: `name what the variants change: one of ${VARIES.join(', ')}` });
  if (s.factors && s.vary) ctx.addIssue({ code: 'custom', path: ['vary'], message: 'a multivariate test names what varies per factor, not at the top' });
  if (s.plan) checkPlan(s.plan, s.metric, ctx);
});

/** A rate plan needs rates below 1; a revenue plan needs the spread its effect is measured in. */
function checkPlan(p: ExperimentPlanInput, metric: Metric, ctx: z.RefinementCtx): void {
  if (metric === 'revenue') {
    if (p.sd === undefined) ctx.addIssue({ code: 'custom', path: ['plan', 'sd'], message: 'a revenue plan needs sd, the per-recipient standard deviation of revenue' });
    return;
  }
  if (p.sd !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['plan', 'sd'], message: `the ${metric} rate is planned from its baseline rate; sd is for a revenue plan` });
    return;
  }
  const target = p.baseline + (p.relative ? p.baseline * p.mde : p.mde);
  if (p.baseline >= 1) ctx.addIssue({ code: 'custom', path: ['plan', 'baseline'], message: 'a baseline rate is between 0 and 1' });
  else if (target >= 1) ctx.addIssue({ code: 'custom', path: ['plan', 'mde'], message: `baseline + mde = ${target} is not a rate below 1` });
}

export type ExperimentPlanInput = z.output<typeof ExperimentPlan>;
export type ExperimentSpecInput = z.input<typeof ExperimentSpecSchema>;
export type ExperimentSpec = z.output<typeof ExperimentSpecSchema>;

export function parseExperimentSpec(v: unknown, field = 'experiment'): ExperimentSpec {
  const r = ExperimentSpecSchema.safeParse(v);
  if (!r.success) throw validationError(field, r.error);
  return r.data;
}

/** Counts observed outside Tailor (or by hand), per arm or for the holdout. */
const count = z.number().int().min(0).max(1e12);
export const ArmCountsSchema = z.strictObject({
  key,
  recipients: count,
  opens: count.default(0),
  clicks: count.default(0),
  conversions: count.default(0),
  /** Total revenue of the arm's recipients. */
  revenue: z.number().finite().min(0).default(0),
  /** Σ revenue² over recipients, or the sample sd (n − 1) of revenue per recipient: either gives Welch's test its spread. */
  revenueSumSquares: z.number().finite().min(0).optional(),
  revenueSd: z.number().finite().min(0).optional(),
}).superRefine((a, ctx) => {
  for (const k of ['opens', 'clicks', 'conversions'] as const) {
    if (a[k] > a.recipients) ctx.addIssue({ code: 'custom', path: [k], message: `${k} (${a[k]}) cannot exceed recipients (${a.recipients})` });
  }
  if (a.revenueSumSquares !== undefined && a.revenueSd !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['revenueSd'], message: 'give revenueSumSquares or revenueSd, not both' });
  }
});
export const CountsSchema = z.array(ArmCountsSchema).min(1).max(1000);
export type ArmCounts = z.output<typeof ArmCountsSchema>;

export function parseCounts(v: unknown, field = 'arms'): ArmCounts[] {
  const r = CountsSchema.safeParse(v);
  if (!r.success) throw validationError(field, r.error);
  return r.data;
}

/** `tailor experiment plan` / POST /v1/experiments/plan. */
export const PlanInputSchema = z.strictObject({
  baseline: z.number().positive().finite(),
  mde: z.number().positive().finite(),
  relative: z.boolean().default(false),
  sd: z.number().positive().finite().optional(),
  alpha: z.number().gt(0).max(0.2).default(0.05),
  power: z.number().min(0.5).lt(1).default(0.8),
  arms: z.number().int().min(2).max(26).default(2),
  holdout: z.number().min(0).max(0.5).default(0),
}).superRefine((p, ctx) => {
  if (p.sd !== undefined) return;
  const target = p.baseline + (p.relative ? p.baseline * p.mde : p.mde);
  if (p.baseline >= 1) ctx.addIssue({ code: 'custom', path: ['baseline'], message: 'a baseline rate is between 0 and 1 (give sd to plan a mean such as revenue)' });
  else if (target >= 1) ctx.addIssue({ code: 'custom', path: ['mde'], message: `baseline + mde = ${target} is not a rate below 1` });
});

export function parsePlanInput(v: unknown): z.output<typeof PlanInputSchema> {
  const r = PlanInputSchema.safeParse(v);
  if (!r.success) throw validationError('plan', r.error);
  return r.data;
}

/** Counts to analyse without a stored experiment: the arms (first = control) and the analysis options. */
export const AnalyzeInputSchema = z.strictObject({
  arms: z.unknown(),
  metric: z.enum(METRICS).optional(),
  alpha: z.number().gt(0).max(0.2).optional(),
  rule: z.enum(['sequential', 'fixed']).optional(),
  tau: z.number().positive().max(10).optional(),
  /** The planned effect, as in an experiment (checked there against the metric). */
  plan: z.unknown().optional(),
  prior: z.strictObject({ alpha: z.number().min(1).max(1e6), beta: z.number().min(1).max(1e6) }).optional(),
  minPerArm: z.number().int().min(2).optional(),
});
