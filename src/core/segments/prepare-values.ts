import { featureDef } from '../features/catalog.ts';
import { TailorError } from '../errors.ts';
import { parseDate } from '../identity/dates.ts';
import type { Rule } from '../schemas/segment-rule.ts';

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
  if (featureDef(name)?.kind !== 'time') return v;
  return Array.isArray(v) ? v.map(isoToMs) : isoToMs(v);
}

function isoToMs(x: unknown): unknown {
  if (typeof x !== 'string') return x;
  const r = parseDate(x);
  return r.ok ? r.value : x;
}

/**
 * Rejects a time-feature comparison whose string is not an ISO-8601 date (it could never match, and
 * is nearly always a typo), naming the path of the value.
 */
export function checkTimeValues(rule: Rule, at = 'rules'): void {
  if ('all' in rule) rule.all.forEach((r, i) => checkTimeValues(r, `${at}.all[${i}]`));
  else if ('any' in rule) rule.any.forEach((r, i) => checkTimeValues(r, `${at}.any[${i}]`));
  else if ('not' in rule) checkTimeValues(rule.not, `${at}.not`);
  else if ('feature' in rule && featureDef(rule.feature)?.kind === 'time') {
    const values = Array.isArray(rule.value) ? rule.value : [rule.value];
    values.forEach((v, i) => {
      if (typeof v === 'string' && typeof isoToMs(v) === 'string') {
        const field = Array.isArray(rule.value) ? `${at}.value[${i}]` : `${at}.value`;
        throw new TailorError('validation_failed', `${field}: ${rule.feature} is a time; give an ISO-8601 date such as "2026-06-01", not ${JSON.stringify(v)}`, field);
      }
    });
  }
}
