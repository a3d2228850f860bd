/**
 * Category diversity by greedy re-ranking. The rule: among any first 10·b positions of a list (b = 1,
 * 2, …) at most MAX_PER_CATEGORY·b items come from one category; so a top 10 spans at least three
 * categories. At each position the best-ranked remaining item whose category is under its cap is
 * taken; when none is (too few categories among the candidates), the best-ranked remaining item is
 * taken anyway: diversity re-orders, it never leaves a slot empty. Items without a category count as
 * one category of their own.
 */
export const MAX_PER_CATEGORY = 4;
export const DIVERSITY_BLOCK = 10;

export function diversify<T>(ranked: readonly T[], categoryOf: (x: T) => string | null, limit: number,
  maxPerCategory = MAX_PER_CATEGORY, block = DIVERSITY_BLOCK): T[] {
  const left = ranked.slice();
  const used = new Map<string | null, number>();
  const out: T[] = [];
  while (out.length < limit && left.length) {
    const cap = maxPerCategory * (Math.floor(out.length / block) + 1);
    let k = left.findIndex((x) => (used.get(categoryOf(x)) ?? 0) < cap);
    if (k < 0) k = 0;
    const [x] = left.splice(k, 1);
    const c = categoryOf(x!);
    used.set(c, (used.get(c) ?? 0) + 1);
    out.push(x!);
  }
  return out;
}
