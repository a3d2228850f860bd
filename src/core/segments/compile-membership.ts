import type { Rule } from '../schemas/segment-rule.ts';
import { compileRule, type CompileContext } from './compile-sql.ts';
import { minDwellMs, stayRule, type SegmentOptions } from './options.ts';

const BASE = `SELECT p.id FROM profiles p LEFT JOIN profile_features f ON f.profile_id = p.id`;

/**
 * The batch form of `decide` (membership.ts): the profiles that are members after a recompute.
 * Non-members qualify by the rule; current members by the stay rule (hysteresis) or by not having
 * dwelt `minDwell` yet. Without anti-flapping options it is the rule alone: the rule's SQL appears
 * once, so the database evaluates it once.
 */
export function compileMembershipQuery(segmentId: string, rule: Rule, options: SegmentOptions, ctx: CompileContext): { sql: string; params: unknown[] } {
  const enter = compileRule(rule, ctx);
  const stay = stayRule(rule, options);
  const dwell = minDwellMs(options);
  if (stay === rule && dwell === 0) return { sql: `${BASE} WHERE p.merged_into IS NULL AND (${enter.sql})`, params: enter.params };
  const member = `LEFT JOIN segment_memberships m ON m.segment_id = ? AND m.profile_id = p.id AND m.exited_at IS NULL`;
  const held = dwell > 0 ? { sql: 'm.entered_at > ?', params: [ctx.now - dwell] } : { sql: 'FALSE', params: [] };
  if (stay === rule) {
    return {
      sql: `${BASE} ${member} WHERE p.merged_into IS NULL AND ((${enter.sql}) OR (m.profile_id IS NOT NULL AND ${held.sql}))`,
      params: [segmentId, ...enter.params, ...held.params],
    };
  }
  const s = compileRule(stay, ctx);
  return {
    sql: `${BASE} ${member} WHERE p.merged_into IS NULL AND ((m.profile_id IS NULL AND (${enter.sql})) OR (m.profile_id IS NOT NULL AND (${held.sql} OR (${s.sql}))))`,
    params: [segmentId, ...enter.params, ...held.params, ...s.params],
  };
}
