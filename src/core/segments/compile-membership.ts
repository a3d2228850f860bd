import type { Rule } from '../schemas/segment-rule.ts';
import { compileRule, type CompileContext } from './compile-sql.ts';
import { minDwellMs, stayRule, type SegmentOptions } from './options.ts';

/**
 * The batch form of `decide` (membership.ts): the profiles that are members after a recompute.
 * Non-members qualify by the rule; current members by the stay rule (hysteresis) or by not having
 * dwelt `minDwell` yet.
 */
export function compileMembershipQuery(segmentId: string, rule: Rule, options: SegmentOptions, ctx: CompileContext): { sql: string; params: unknown[] } {
  const enter = compileRule(rule, ctx);
  const stay = compileRule(stayRule(rule, options), ctx);
  const dwell = minDwellMs(options);
  const params: unknown[] = [segmentId, ...enter.params];
  let held = stay.sql;
  const heldParams = [...stay.params];
  if (dwell > 0) {
    held = `m.entered_at > ? OR (${stay.sql})`;
    heldParams.unshift(ctx.now - dwell);
  }
  params.push(...heldParams);
  const sql = `SELECT p.id FROM profiles p
    LEFT JOIN profile_features f ON f.profile_id = p.id
    LEFT JOIN segment_memberships m ON m.segment_id = ? AND m.profile_id = p.id AND m.exited_at IS NULL
    WHERE p.merged_into IS NULL AND ((m.profile_id IS NULL AND (${enter.sql})) OR (m.profile_id IS NOT NULL AND (${held})))`;
  return { sql, params };
}
