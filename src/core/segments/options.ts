import { z } from 'zod';
import { DurationSchema, durationMs, ruleKind, validationError, type Rule } from '../schemas/segment-rule.ts';

/**
 * Anti-flapping, per segment:
 * - `minDwell`: a member stays at least this long after entering, whatever the rule says meanwhile;
 * - `exitThresholds`: hysteresis on numeric features. While a profile is a member, each `feature`
 *   condition on a listed feature is tested against the exit value instead of its own value, e.g.
 *   enter at `monetary gte 500`, stay while `monetary gte 400`.
 */
export interface SegmentOptions {
  minDwell?: string | undefined;
  exitThresholds?: Record<string, number | [number, number]> | undefined;
}

const OptionsSchema = z.strictObject({
  minDwell: DurationSchema.optional(),
  exitThresholds: z.record(z.string().min(1), z.union([z.number().finite(), z.tuple([z.number().finite(), z.number().finite()])],
    { error: 'an exit threshold is a number, or [low, high] for between' })).optional(),
});

export function parseOptions(v: unknown, field = 'options'): SegmentOptions {
  const r = OptionsSchema.safeParse(v ?? {});
  if (r.success) return r.data;
  throw validationError(field, r.error);
}

export const minDwellMs = (o: SegmentOptions): number => (o.minDwell ? durationMs(o.minDwell) : 0);

/** The rule a current member is held to: feature thresholds swapped for their exit values. */
export function stayRule(rule: Rule, o: SegmentOptions): Rule {
  const t = o.exitThresholds;
  if (!t || Object.keys(t).length === 0) return rule;
  const swap = (r: Rule): Rule => {
    switch (ruleKind(r)) {
      case 'all': return { all: (r as { all: Rule[] }).all.map(swap) };
      case 'any': return { any: (r as { any: Rule[] }).any.map(swap) };
      case 'not': return { not: swap((r as { not: Rule }).not) };
      case 'feature': {
        const f = r as { feature: string; op: string; value?: unknown };
        const exit = Object.hasOwn(t, f.feature) ? t[f.feature] : undefined;
        if (exit === undefined || f.value === undefined) return r;
        const fits = f.op === 'between' ? Array.isArray(exit) : typeof exit === 'number' && ['gt', 'gte', 'lt', 'lte', 'eq', 'neq'].includes(f.op);
        return fits ? ({ ...f, value: exit } as Rule) : r;
      }
      default: return r;
    }
  };
  return swap(rule);
}
