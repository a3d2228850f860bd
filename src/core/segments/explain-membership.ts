import { evaluate, explain, type ExplainNode } from './evaluate.ts';
import { decide } from './membership.ts';
import { stayRule } from './options.ts';
import type { LoadedProfile, SegmentRecord } from './ports.ts';

/** Why a profile is, or is not, a member: the rule tree node by node, and the anti-flapping state. */
export interface ExplainResult {
  segment: { id: string; name: string };
  profileId: string;
  at: string;
  member: boolean;
  enteredAt: string | null;
  rulePasses: boolean;
  wouldBeMember: boolean;
  heldBy: 'minDwell' | null;
  usesExitThresholds: boolean;
  nextCheckAt: string | null;
  tree: ExplainNode;
}

const iso = (t: number | null | undefined): string | null => (t === null || t === undefined ? null : new Date(t).toISOString());

export function explainMembership(s: SegmentRecord, p: LoadedProfile, now: number): ExplainResult {
  const enteredAt = p.standing.get(s.id);
  const member = enteredAt !== undefined;
  // A member is held to the stay rule (exit thresholds), as the real-time path does.
  const rule = member ? stayRule(s.rules, s.options) : s.rules;
  const res = evaluate(rule, p.data, now);
  const dec = decide(now, { member, enteredAt: enteredAt ?? null }, res, s.options);
  return {
    segment: { id: s.id, name: s.name },
    profileId: p.data.profileId,
    at: new Date(now).toISOString(),
    member,
    enteredAt: iso(enteredAt),
    rulePasses: res.value,
    wouldBeMember: dec.member,
    heldBy: member && !res.value && dec.member ? 'minDwell' : null,
    usesExitThresholds: rule !== s.rules,
    nextCheckAt: iso(dec.nextCheckAt),
    tree: explain(rule, p.data, now),
  };
}
