import { hourOfWeek, type FeatureRow } from './catalog.ts';
import { eventKind, orderCategoryLines, orderRevenue, type FeatureEvent } from './feature-event.ts';
import { topCategory } from './top-category.ts';

const min = (a: number | null, b: number) => (a === null || b < a ? b : a);
const max = (a: number | null, b: number) => (a === null || b > a ? b : a);

/**
 * Adds events to a row's all-time aggregates (counts, sums, first/last times, categories, send
 * hours). Every one of them is commutative, so events may arrive in any order, late ones included.
 * Events after `asOf` are left out: a row as of T sees only what had happened by T. The windowed
 * values are not touched (see windowedValues). Returns a new row.
 */
export function foldEvents(row: FeatureRow, events: Iterable<FeatureEvent>, asOf: number): FeatureRow {
  const out: FeatureRow = { ...row, categoryCounts: { ...row.categoryCounts }, hourHistogram: [...row.hourHistogram] };
  let categories = false;
  for (const e of events) {
    const t = e.timestamp;
    if (t > asOf) continue;
    out.firstEventAt = min(out.firstEventAt, t);
    out.lastEventAt = max(out.lastEventAt, t);
    const kind = eventKind(e);
    if (kind === 'order') {
      out.frequency++;
      out.monetary += orderRevenue(e.properties);
      out.firstOrderAt = min(out.firstOrderAt, t);
      out.lastOrderAt = max(out.lastOrderAt, t);
      for (const [c, n] of orderCategoryLines(e.properties)) {
        // A category may be named like an Object.prototype member (`__proto__`, `toString`): own properties only.
        const value = (Object.hasOwn(out.categoryCounts, c) ? out.categoryCounts[c]! : 0) + n;
        Object.defineProperty(out.categoryCounts, c, { value, enumerable: true, writable: true, configurable: true });
        categories = true;
      }
    } else if (kind === 'open' || kind === 'click') {
      if (kind === 'open') out.lastOpenAt = max(out.lastOpenAt, t);
      else out.lastClickAt = max(out.lastClickAt, t);
      out.hourHistogram[hourOfWeek(t)]!++;
    }
  }
  if (categories) out.topCategory = topCategory(out.categoryCounts);
  return out;
}
