import { TailorError } from '../errors.ts';
import { ruleKind, type EventRule, type Rule } from '../schemas/segment-rule.ts';

/** What a rule reads: real-time updates re-evaluate a segment only when one of these changed. */
export interface RuleDeps {
  /** Top-level trait keys. */
  traits: Set<string>;
  events: Set<string>;
  features: Set<string>;
  segments: Set<string>;
  consents: Set<string>;
}

export function ruleDeps(rule: Rule): RuleDeps {
  const d: RuleDeps = { traits: new Set(), events: new Set(), features: new Set(), segments: new Set(), consents: new Set() };
  const walk = (r: Rule): void => {
    switch (ruleKind(r)) {
      case 'all': for (const c of (r as { all: Rule[] }).all) walk(c); break;
      case 'any': for (const c of (r as { any: Rule[] }).any) walk(c); break;
      case 'not': walk((r as { not: Rule }).not); break;
      case 'trait': d.traits.add((r as { trait: string }).trait.split('.')[0]!); break;
      case 'feature': d.features.add((r as { feature: string }).feature); break;
      case 'event': {
        const e = r as EventRule;
        d.events.add(e.event);
        if (e.notFollowedBy) d.events.add(e.notFollowedBy.event);
        break;
      }
      case 'segment': d.segments.add((r as { segment: string }).segment); break;
      case 'consent': d.consents.add((r as { consent: string }).consent); break;
    }
  };
  walk(rule);
  return d;
}

/**
 * Segments ordered so that each comes after the segments it nests; a cycle is an error naming it.
 * `refs` maps a segment name to the names it references (unknown names are ignored: they have no members).
 */
export function dependencyOrder(refs: ReadonlyMap<string, Iterable<string>>): string[] {
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, path: string[]): void => {
    const s = state.get(name);
    if (s === 'done') return;
    if (s === 'visiting') {
      const cycle = [...path.slice(path.indexOf(name)), name].join(' → ');
      throw new TailorError('validation_failed', `segments reference each other in a cycle: ${cycle}`, 'rules');
    }
    state.set(name, 'visiting');
    for (const r of refs.get(name) ?? []) if (refs.has(r)) visit(r, [...path, name]);
    state.set(name, 'done');
    order.push(name);
  };
  for (const name of [...refs.keys()].sort()) visit(name, []);
  return order;
}

/** Throws if saving `next` among `others` would make segments nest each other in a cycle. */
export function checkCycles(others: readonly { name: string; rules: Rule }[], next: { name: string; rules: Rule }): void {
  const refs = new Map<string, Iterable<string>>(others.map((s) => [s.name, ruleDeps(s.rules).segments]));
  refs.set(next.name, ruleDeps(next.rules).segments);
  dependencyOrder(refs);
}
