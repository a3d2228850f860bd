import { DAY_MS, featureDef, featureValue, isWindowed } from '../features/catalog.ts';
import { durationMs, ruleKind, type Count, type EventRule, type Op, type PropFilter, type Rule } from '../schemas/segment-rule.ts';
import { compareValue, getPath } from './compare.ts';
import { countsForRule } from './human-events.ts';
import { ruleFeatureValue } from './prepare-values.ts';
import type { EvalEvent, ProfileData } from './profile-data.ts';

/**
 * The in-memory interpreter of the rule language for one profile (SEMANTICS.md). Besides the answer
 * it returns the earliest instant after `now` at which the answer could change with no new data, so
 * the scheduler can re-evaluate the profile exactly then instead of polling.
 */
export interface EvalResult { value: boolean; nextChangeAt: number | null }

/** What explain shows for one node: whether it passed and the values it saw. */
export interface ExplainNode {
  rule: string;
  passed: boolean;
  saw?: unknown;
  children?: ExplainNode[];
}

export function evaluate(rule: Rule, data: ProfileData, now: number): EvalResult {
  return run(rule, data, now, false);
}

export function explain(rule: Rule, data: ProfileData, now: number): ExplainNode {
  return run(rule, data, now, true).explain!;
}

interface Out extends EvalResult { explain?: ExplainNode }

const min = (a: number | null, b: number | null): number | null => (a === null ? b : b === null ? a : Math.min(a, b));

function run(rule: Rule, d: ProfileData, now: number, trace: boolean): Out {
  switch (ruleKind(rule)) {
    case 'all':
    case 'any': {
      const isAll = 'all' in rule;
      const kids = ((rule as { all?: Rule[]; any?: Rule[] }).all ?? (rule as { any: Rule[] }).any).map((r) => run(r, d, now, trace));
      const value = isAll ? kids.every((k) => k.value) : kids.some((k) => k.value);
      const next = kids.reduce<number | null>((m, k) => min(m, k.nextChangeAt), null);
      return out(value, next, trace, () => ({ rule: isAll ? 'all of' : 'any of', children: kids.map((k) => k.explain!) }));
    }
    case 'not': {
      const k = run((rule as { not: Rule }).not, d, now, trace);
      return out(!k.value, k.nextChangeAt, trace, () => ({ rule: 'not', children: [k.explain!] }));
    }
    case 'trait': {
      const r = rule as { trait: string; op: Op; value?: unknown };
      const x = getPath(d.traits, r.trait);
      return out(compareValue(x, r.op, r.value), null, trace, () => ({ rule: `trait ${r.trait} ${describe(r.op, r.value)}`, saw: x ?? null }));
    }
    case 'feature': return feature(rule as { feature: string; op: Op; value?: unknown }, d, now, trace);
    case 'event': {
      const r = rule as EventRule;
      return r.notFollowedBy ? notFollowedBy(r, d, now, trace) : eventCount(r, d, now, trace);
    }
    case 'segment': {
      const name = (rule as { segment: string }).segment;
      const member = d.segments.has(name);
      return out(member, null, trace, () => ({ rule: `member of segment ${JSON.stringify(name)}`, saw: member }));
    }
    case 'consent': {
      const purpose = (rule as { consent: string }).consent;
      const granted = d.consents.has(purpose);
      return out(granted, null, trace, () => ({ rule: `consent to ${JSON.stringify(purpose)}`, saw: granted }));
    }
  }
}

function out(value: boolean, nextChangeAt: number | null, trace: boolean, node: () => Omit<ExplainNode, 'passed'>): Out {
  return trace ? { value, nextChangeAt, explain: { ...node(), passed: value } } : { value, nextChangeAt };
}

function feature(r: { feature: string; op: Op; value?: unknown }, d: ProfileData, now: number, trace: boolean): Out {
  const x = featureValue(r.feature, d.features, now);
  // The agreement test found Date.parse reading non-ISO strings ("June 1, 2026", "20260601") and
  // zone-less times in the server's zone: both interpreters share prepare-values.ts's strict reading.
  const v = ruleFeatureValue(r.feature, r.value);
  const value = compareValue(x, r.op, v);
  let next: number | null = null;
  const def = featureDef(r.feature);
  if (def && 'daysSince' in def.source && d.features) {
    const t = d.features[def.source.daysSince];
    if (t !== null) next = daysSinceCrossing(t, now, r.op, v);
  } else if (isWindowed(r.feature) && d.features?.windowsExpireAt != null && d.features.windowsExpireAt > now) {
    next = d.features.windowsExpireAt;
  }
  return out(value, next, trace, () => ({ rule: `feature ${r.feature} ${describe(r.op, r.value)}`, saw: x }));
}

/**
 * When `floor((now - t) / day)` next makes the comparison flip. It can only flip next to one of the
 * rule's numbers (gt n flips at ⌊n⌋+1, gte n at ⌈n⌉, eq n at n and n+1, …), so only those day counts are tried.
 */
export function daysSinceCrossing(t: number, now: number, op: Op, v: unknown): number | null {
  const k0 = Math.floor((now - t) / DAY_MS);
  const v0 = compareValue(k0, op, v);
  const candidates = new Set<number>();
  for (const n of Array.isArray(v) ? v : [v]) {
    if (typeof n !== 'number') continue;
    for (const c of [Math.floor(n), Math.floor(n) + 1, Math.ceil(n), Math.ceil(n) + 1]) if (c > k0) candidates.add(c);
  }
  for (const c of [...candidates].sort((a, b) => a - b)) if (compareValue(c, op, v) !== v0) return t + c * DAY_MS;
  return null;
}


/** Whether an event's properties pass every filter of `where` (none: it passes). */
export const passes = (e: Pick<EvalEvent, 'properties'>, where: PropFilter[] | undefined): boolean =>
  !where || where.every((f) => compareValue(getPath(e.properties, f.property), f.op, f.value));

/** Events that can count at `now` (name, where, t <= now, t > now - within), and the earliest future one. */
function matching(d: ProfileData, name: string, where: PropFilter[] | undefined, now: number, within: number | undefined) {
  const inWindow: EvalEvent[] = [];
  let nextArrival: number | null = null;
  for (const e of d.events) {
    if (e.name !== name || !passes(e, where) || !countsForRule(name, where, e.properties)) continue;
    if (e.timestamp > now) nextArrival = min(nextArrival, e.timestamp);
    else if (within === undefined || e.timestamp > now - within) inWindow.push(e);
  }
  return { inWindow, nextArrival };
}

function countSatisfied(n: number, c: Count | undefined): boolean {
  if (!c) return n >= 1;
  if ('eq' in c) return n === c.eq;
  if ('gt' in c) return n > c.gt;
  if ('gte' in c) return n >= c.gte;
  if ('lt' in c) return n < c.lt;
  return n <= c.lte;
}

function eventCount(r: EventRule, d: ProfileData, now: number, trace: boolean): Out {
  const within = r.within === undefined ? undefined : durationMs(r.within);
  const { inWindow, nextArrival } = matching(d, r.event, r.where, now, within);
  let next = nextArrival;
  if (within !== undefined) for (const e of inWindow) next = min(next, e.timestamp + within);
  const value = countSatisfied(inWindow.length, r.count);
  return out(value, next, trace, () => ({
    rule: `event ${JSON.stringify(r.event)}${whereText(r.where)}${r.within ? ` within ${r.within}` : ''} count ${countText(r.count)}`,
    saw: { count: inWindow.length, latest: latest(inWindow) },
  }));
}

function notFollowedBy(r: EventRule, d: ProfileData, now: number, trace: boolean): Out {
  const nf = r.notFollowedBy!;
  const within = r.within === undefined ? undefined : durationMs(r.within);
  const follow = durationMs(nf.within);
  const a = matching(d, r.event, r.where, now, within);
  const b = matching(d, nf.event, nf.where, now, undefined);
  let next = min(a.nextArrival, b.nextArrival);
  let unfollowed: EvalEvent | undefined;
  for (const e of a.inWindow) {
    if (within !== undefined) next = min(next, e.timestamp + within);
    const end = Math.min(e.timestamp + follow, now);
    const followed = b.inWindow.some((x) => x.timestamp > e.timestamp && x.timestamp <= end);
    if (!followed && (!unfollowed || e.timestamp > unfollowed.timestamp)) unfollowed = e;
  }
  return out(unfollowed !== undefined, next, trace, () => ({
    rule: `event ${JSON.stringify(r.event)}${whereText(r.where)}${r.within ? ` within ${r.within}` : ''} not followed by ${JSON.stringify(nf.event)}${whereText(nf.where)} within ${nf.within}`,
    saw: { candidates: a.inWindow.length, unfollowedAt: unfollowed ? new Date(unfollowed.timestamp).toISOString() : null },
  }));
}

function latest(es: EvalEvent[]): string | null {
  let t: number | null = null;
  for (const e of es) t = t === null ? e.timestamp : Math.max(t, e.timestamp);
  return t === null ? null : new Date(t).toISOString();
}

const describe = (op: string, v: unknown): string => (v === undefined ? op : `${op} ${JSON.stringify(v)}`);
const whereText = (w: PropFilter[] | undefined): string =>
  w?.length ? ` where ${w.map((f) => `${f.property} ${describe(f.op, f.value)}`).join(' and ')}` : '';
const countText = (c: Count | undefined): string => {
  const [k, v] = Object.entries(c ?? { gte: 1 })[0]!;
  return `${k} ${v}`;
};
