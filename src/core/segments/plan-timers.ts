import { featureDef } from '../features/catalog.ts';
import { durationMs, ruleKind, type EventRule, type Rule } from '../schemas/segment-rule.ts';
import { daysSinceCrossing } from './evaluate.ts';
import { ruleFeatureValue } from './prepare-values.ts';
import { minDwellMs, stayRule } from './options.ts';
import type { SegmentRecord, SegmentStore, TimerWrite } from './ports.ts';

/**
 * After a batch recompute: for every profile whose standing could change with time alone, the first
 * instant it could. This is the set-based, conservative form of `evaluate`'s nextChangeAt (a timer
 * that fires early only costs one re-evaluation, which then sets the exact next timer):
 * - an event in a window leaves it at t + within; an event stamped in the future arrives at t;
 * - a days-since feature crosses a rule's threshold at a computable instant;
 * - a member may leave once minDwell has passed.
 * Windowed features (orders_90d, …) are not here: their rows expire on their own schedule, and the
 * refresh re-evaluates the profile.
 */
export async function planTimers(s: SegmentRecord, members: ReadonlyMap<string, number>, store: SegmentStore, now: number): Promise<TimerWrite[]> {
  const due = new Map<string, number>();
  const at = (id: string, t: number) => {
    const cur = due.get(id);
    if (t > now && (cur === undefined || t < cur)) due.set(id, t);
  };
  const seen = new Set<string>();
  const once = (key: string) => !seen.has(key) && seen.add(key);
  // Several conditions (and the stay rule's copies of them) may read the same column: read it once.
  const times = new Map<string, Promise<Map<string, number>>>();
  const featureTimes = (field: string) => {
    let t = times.get(field);
    if (!t) times.set(field, (t = store.featureTimes(field)));
    return t;
  };

  const walk = async (r: Rule): Promise<void> => {
    switch (ruleKind(r)) {
      case 'all': for (const c of (r as { all: Rule[] }).all) await walk(c); return;
      case 'any': for (const c of (r as { any: Rule[] }).any) await walk(c); return;
      case 'not': return walk((r as { not: Rule }).not);
      case 'event': {
        const e = r as EventRule;
        const names = e.notFollowedBy ? [e.event, e.notFollowedBy.event] : [e.event];
        for (const n of names) {
          if (!once(`future:${n}`)) continue;
          for (const [id, t] of await store.earliestEvents(n, now, null)) at(id, t);
        }
        if (e.within) {
          const w = durationMs(e.within);
          if (once(`window:${e.event}:${w}`)) for (const [id, t] of await store.earliestEvents(e.event, now - w, now)) at(id, t + w);
        }
        return;
      }
      case 'feature': {
        const f = r as { feature: string; op: never; value?: unknown };
        const src = featureDef(f.feature)?.source;
        if (!src || !('daysSince' in src)) return;
        const v = ruleFeatureValue(f.feature, f.value);
        for (const [id, t] of await featureTimes(src.daysSince)) {
          const c = daysSinceCrossing(t, now, f.op, v);
          if (c !== null) at(id, c);
        }
        return;
      }
      default: return;
    }
  };
  await walk(s.rules);
  const stay = stayRule(s.rules, s.options);
  if (stay !== s.rules) await walk(stay);
  const dwell = minDwellMs(s.options);
  if (dwell > 0) for (const [id, entered] of members) at(id, entered + dwell);
  return [...due].map(([profileId, dueAt]) => ({ segmentId: s.id, profileId, dueAt }));
}
