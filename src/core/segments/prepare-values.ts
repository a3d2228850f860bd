import { FEATURES } from '../features/catalog.ts';
import { parseDate } from '../identity/dates.ts';

/**
 * Rule values as both interpreters compare them; shared so that evaluate.ts and compile-sql.ts
 * cannot read a rule differently.
 *
 * A `time` feature (last_order_at, …) holds epoch ms, so a string in the rule is read as an ISO-8601
 * date or date-time (without an offset: UTC, never the server's zone) and becomes epoch ms. A string
 * that is not ISO-8601 ("March 7", "yesterday") stays a string: by the typing rule it then never
 * compares with the number (eq false, neq true), rather than being guessed at. Numbers are epoch ms already.
 */
export function ruleFeatureValue(name: string, v: unknown): unknown {
  if (FEATURES[name]?.kind !== 'time') return v;
  return Array.isArray(v) ? v.map(isoToMs) : isoToMs(v);
}

function isoToMs(x: unknown): unknown {
  if (typeof x !== 'string') return x;
  const r = parseDate(x);
  return r.ok ? r.value : x;
}
