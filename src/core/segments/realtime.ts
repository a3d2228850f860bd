import { dependencyOrder, ruleDeps, type RuleDeps } from './dependencies.ts';
import { evaluate } from './evaluate.ts';
import { decide } from './membership.ts';
import { stayRule } from './options.ts';
import type { LoadedProfile, MembershipWrite, SegmentRecord, TimerWrite } from './ports.ts';

/**
 * What changed about a profile, as keys: `trait:<key>`, `event:<name>`, `features`, `segment:<name>`,
 * `consent:<purpose>`, `due:<segment id>` (a timer fired), or `*` (everything: new or merged profile).
 */
export type ChangeSet = Set<string>;

export interface PlannedSegment { segment: SegmentRecord; deps: RuleDeps }

export const ENTERED_EVENT = 'segment.entered';
export const EXITED_EVENT = 'segment.exited';

/** Whether these changes can change membership of this segment (its rule reads one of them). */
export function affected(p: PlannedSegment, c: ChangeSet): boolean {
  if (c.has('*') || c.has(`due:${p.segment.id}`)) return true;
  const d = p.deps;
  for (const k of d.traits) if (c.has(`trait:${k}`)) return true;
  for (const e of d.events) if (c.has(`event:${e}`)) return true;
  if (d.features.size && c.has('features')) return true;
  for (const s of d.segments) if (c.has(`segment:${s}`)) return true;
  for (const p2 of d.consents) if (c.has(`consent:${p2}`)) return true;
  return false;
}

/**
 * Re-evaluates, for one profile, the segments (in dependency order) that its changes can affect.
 * A membership change cascades: it is added to the change set, and the segment.entered/exited event
 * joins the profile's events, so segments that nest this one or count those events see it at once.
 */
export function reevaluateProfile(
  profile: LoadedProfile,
  changes: ChangeSet,
  ordered: readonly PlannedSegment[],
  now: number,
): { memberships: MembershipWrite[]; timers: TimerWrite[] } {
  const memberships: MembershipWrite[] = [];
  const timers: TimerWrite[] = [];
  const { data, standing } = profile;
  const segments = new Set(data.segments);
  const events = [...data.events];
  for (const p of ordered) {
    if (!affected(p, changes)) continue;
    const s = p.segment;
    const enteredAt = standing.get(s.id);
    const member = enteredAt !== undefined;
    const rule = member ? stayRule(s.rules, s.options) : s.rules;
    const res = evaluate(rule, { ...data, segments, events }, now);
    const dec = decide(now, { member, enteredAt: enteredAt ?? null }, res, s.options);
    timers.push({ segmentId: s.id, profileId: data.profileId, dueAt: dec.nextCheckAt });
    if (dec.member === member) continue;
    memberships.push({ segmentId: s.id, segmentName: s.name, profileId: data.profileId, entered: dec.member, at: now });
    if (dec.member) {
      standing.set(s.id, now);
      segments.add(s.name);
    } else {
      standing.delete(s.id);
      segments.delete(s.name);
    }
    const name = dec.member ? ENTERED_EVENT : EXITED_EVENT;
    events.push({ name, timestamp: now, properties: { segment: s.name, segment_id: s.id } });
    changes.add(`segment:${s.name}`);
    changes.add(`event:${name}`);
  }
  return { memberships, timers };
}

/** Saved segments in dependency order (nested ones first), each with what its rule reads. */
export function planSegments(all: readonly SegmentRecord[]): PlannedSegment[] {
  const byName = new Map(all.map((s) => [s.name, s]));
  const order = dependencyOrder(new Map(all.map((s) => [s.name, ruleDeps(s.rules).segments])));
  return order.map((n) => byName.get(n)!).map((segment) => ({ segment, deps: ruleDeps(segment.rules) }));
}
