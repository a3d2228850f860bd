import { compareCodePoints } from './code-point-order.ts';

/** The category with the most items; ties go to the smallest name in code-point order; null when there is none. */
export function topCategory(counts: Record<string, number>): string | null {
  let best: string | null = null;
  let bestN = -Infinity;
  for (const [c, n] of Object.entries(counts)) {
    if (n > bestN || (n === bestN && best !== null && compareCodePoints(c, best) < 0)) {
      best = c;
      bestN = n;
    }
  }
  return best;
}
