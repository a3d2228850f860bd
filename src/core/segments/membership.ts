import { minDwellMs, type SegmentOptions } from './options.ts';

/** A profile's current standing in one segment. */
export interface Standing { member: boolean; enteredAt: number | null }

/**
 * Whether a profile is a member after an evaluation. A non-member enters when the rule holds; a
 * member stays while the stay rule holds (hysteresis), and in any case until `minDwell` has passed.
 */
export function decide(
  now: number,
  current: Standing,
  rule: { value: boolean; nextChangeAt: number | null },
  options: SegmentOptions,
): { member: boolean; nextCheckAt: number | null } {
  if (!current.member) return { member: rule.value, nextCheckAt: rule.nextChangeAt };
  if (rule.value) return { member: true, nextCheckAt: rule.nextChangeAt };
  const dwellUntil = dwellEnd(current.enteredAt ?? now, now, options);
  if (dwellUntil !== null) return { member: true, nextCheckAt: dwellUntil };
  return { member: false, nextCheckAt: rule.nextChangeAt };
}

/** When a member who entered at `enteredAt` may leave, if that is still ahead. */
function dwellEnd(enteredAt: number, now: number, o: SegmentOptions): number | null {
  const d = minDwellMs(o);
  return d > 0 && enteredAt + d > now ? enteredAt + d : null;
}
