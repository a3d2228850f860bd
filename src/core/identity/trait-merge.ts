import type { Traits } from './normalize-traits.ts';

/**
 * The merge policy: each top-level trait keeps the value from the latest event by timestamp, ties
 * broken by messageId. Because the order (timestamp, messageId) is total, the result of applying a
 * set of writes does not depend on the order they arrive in. A `null` write is a tombstone: it wins
 * like any other write and removes the trait.
 */
export type Stamp = readonly [ts: number, messageId: string];
export type TraitStamps = Record<string, Stamp>;

export const newer = (a: Stamp, b: Stamp | undefined): boolean =>
  b === undefined || a[0] > b[0] || (a[0] === b[0] && a[1] > b[1]);

export interface TraitChange { field: string; oldValue: unknown; newValue: unknown }

/** Applies `incoming` written at `stamp` onto (traits, stamps), in place. Returns the changes. */
export function applyTraits(traits: Traits, stamps: TraitStamps, incoming: Traits, stamp: Stamp): TraitChange[] {
  const changes: TraitChange[] = [];
  for (const [field, value] of Object.entries(incoming)) {
    if (!newer(stamp, stamps[field])) continue;
    stamps[field] = stamp;
    const oldValue = traits[field];
    if (value === null) {
      if (field in traits) {
        delete traits[field];
        changes.push({ field, oldValue, newValue: null });
      }
    } else if (!sameValue(oldValue, value)) {
      traits[field] = value;
      changes.push({ field, oldValue: oldValue ?? null, newValue: value });
    }
  }
  return changes;
}

/** Merges the loser's traits into the survivor's (both with stamps), in place on the survivor. */
export function mergeTraits(
  into: { traits: Traits; stamps: TraitStamps },
  from: { traits: Traits; stamps: TraitStamps },
): TraitChange[] {
  const changes: TraitChange[] = [];
  for (const [field, stamp] of Object.entries(from.stamps)) {
    const value = field in from.traits ? from.traits[field] : null;
    changes.push(...applyTraits(into.traits, into.stamps, { [field]: value }, stamp));
  }
  return changes;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}
