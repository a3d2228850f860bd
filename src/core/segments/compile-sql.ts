import { ruleKind, type EventRule, type Op, type Rule } from '../schemas/segment-rule.ts';
import { compileComparison, jsonOperand } from './compile-comparison.ts';
import { compileEvent } from './compile-event.ts';
import { compileFeature } from './compile-feature.ts';
import { and, FALSE, not, or, param, profileIn, sql, type Sql, type SqlDialect } from './compile-fragment.ts';

/**
 * The batch interpreter of the rule language (SEMANTICS.md): a rule becomes one boolean SQL
 * expression over `p` (profiles) and `f` (profile_features, LEFT JOINed: all NULL without a row),
 * for SQLite and PostgreSQL. Every node compiles to TRUE or FALSE, never NULL, so `NOT` is plain
 * negation as in evaluate.ts. Every rule value is a bound parameter. test/segments/agreement.test.ts
 * holds this to the in-memory evaluator on both databases.
 */
export interface CompileContext {
  dialect: SqlDialect;
  /** The evaluation instant, epoch ms; windows and days-since features are cut here and bound. */
  now: number;
  /** Segment name → id, for nested `{segment}` rules; an unknown name has no members. */
  segmentIds: ReadonlyMap<string, string>;
}

export function compileRule(rule: Rule, ctx: CompileContext): { sql: string; params: unknown[] } {
  return node(rule, ctx);
}

function node(rule: Rule, ctx: CompileContext): Sql {
  const d = ctx.dialect;
  switch (ruleKind(rule)) {
    case 'all': return and((rule as { all: Rule[] }).all.map((r) => node(r, ctx)));
    case 'any': return or((rule as { any: Rule[] }).any.map((r) => node(r, ctx)));
    case 'not': return not(node((rule as { not: Rule }).not, ctx));
    case 'trait': {
      const r = rule as { trait: string; op: Op; value?: unknown };
      return compileComparison(jsonOperand(d, 'p.traits', r.trait), r.op, r.value);
    }
    case 'feature': return compileFeature(d, rule as { feature: string; op: Op; value?: unknown }, ctx.now);
    case 'event': return compileEvent(d, rule as EventRule, ctx.now);
    case 'segment': {
      const id = ctx.segmentIds.get((rule as { segment: string }).segment);
      if (id === undefined) return FALSE;
      return profileIn(d, sql`SELECT sm.profile_id FROM segment_memberships sm WHERE sm.segment_id = ${param(d, id, 'text')} AND sm.exited_at IS NULL`);
    }
    case 'consent':
      return profileIn(d, sql`SELECT cs.profile_id FROM consents cs WHERE cs.purpose = ${param(d, (rule as { consent: string }).consent, 'text')} AND cs.granted = 1`);
  }
}

/** Whether the rule reads features, i.e. needs the `f` join. */
function readsFeatures(rule: Rule): boolean {
  if ('all' in rule) return rule.all.some(readsFeatures);
  if ('any' in rule) return rule.any.some(readsFeatures);
  if ('not' in rule) return readsFeatures(rule.not);
  return 'feature' in rule;
}

function from(rule: Rule, ctx: CompileContext, select: string): { sql: string; params: unknown[] } {
  const e = node(rule, ctx);
  // The feature join is skipped when no node reads `f`: one join fewer over every profile.
  const join = readsFeatures(rule) ? ' LEFT JOIN profile_features f ON f.profile_id = p.id' : '';
  return { sql: `SELECT ${select} FROM profiles p${join} WHERE p.merged_into IS NULL AND (${e.sql})`, params: e.params };
}

/** The ids of the live (unmerged) profiles the rule selects. */
export const compileSegmentQuery = (rule: Rule, ctx: CompileContext) => from(rule, ctx, 'p.id');

/** How many live profiles the rule selects, as `n`. */
export const compileCountQuery = (rule: Rule, ctx: CompileContext) => from(rule, ctx, 'COUNT(*) AS n');
