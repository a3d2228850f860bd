import { normalizeCountry } from './country.ts';
import { normalizeDate } from './dates.ts';
import { normalizeEmail, undeliverableReason, type Normalized } from './email.ts';
import { normalizePhone } from './phone.ts';
import { normalizeTimezone } from './timezone.ts';

export type Traits = Record<string, unknown>;
export interface QualityIssue { field: string; value: unknown; reason: string }
export interface NormalizeOptions {
  defaultRegion?: string | undefined;
  /** The profile's traits as stored: their country is the region of a national phone number. */
  stored?: Traits | undefined;
}

type Rule = (value: unknown, opts: NormalizeOptions) => Normalized<unknown>;

const DATE_KEY = /(^birthday$|^dob$|_at$|[a-z]At$|_date$|[a-z]Date$)/;

function ruleFor(path: string): Rule | undefined {
  const leaf = path.slice(path.lastIndexOf('.') + 1);
  if (leaf === 'email') return normalizeEmail;
  if (leaf === 'phone' || leaf === 'mobile') return (v, o) => normalizePhone(v, o.defaultRegion);
  if (leaf === 'country' || leaf === 'country_code' || leaf === 'countryCode') return normalizeCountry;
  if (leaf === 'timezone' || leaf === 'time_zone') return normalizeTimezone;
  if (DATE_KEY.test(leaf)) return normalizeDate;
  return undefined;
}

/**
 * Normalises profile traits. Known fields are validated (email, phone, country, timezone, dates);
 * strings are trimmed everywhere. An invalid value is left out of the result and reported, so that
 * it is never stored on the profile as if it were valid (the raw event keeps it). A valid email
 * that cannot be delivered (email.ts `undeliverableReason`) is kept and reported as such.
 * `null` is kept: it means "unset this trait".
 */
export function normalizeTraits(traits: Traits, opts: NormalizeOptions = {}): { traits: Traits; issues: QualityIssue[] } {
  const issues: QualityIssue[] = [];
  const region = countryOf(traits) ?? (opts.stored ? countryOf(opts.stored) : undefined) ?? opts.defaultRegion;
  const out = walk(traits, '', { defaultRegion: region }, issues) as Traits;
  return { traits: out, issues };
}

/**
 * The region a national phone number is read in: the country given with it (`country`,
 * `country_code`, `countryCode`, or the same under `address`), else the profile's stored one,
 * else the configured default (TAILOR_DEFAULT_REGION). `020 7946 0958` with `country: "United
 * Kingdom"` is a London number whatever the server's default.
 */
function countryOf(traits: Traits): string | undefined {
  const address = traits.address && typeof traits.address === 'object' ? traits.address as Traits : {};
  for (const v of [traits.country, traits.country_code, traits.countryCode, address.country, address.country_code, address.countryCode]) {
    if (v === undefined || v === null) continue;
    const c = normalizeCountry(v);
    if (c.ok) return c.value;
  }
  return undefined;
}

const DROP = Symbol('drop');

function walk(value: unknown, path: string, opts: NormalizeOptions, issues: QualityIssue[]): unknown {
  if (value === null || value === undefined) return value;
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? v.trim() : v));
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (v === undefined) continue;
      const r = walk(v, path ? `${path}.${k}` : k, opts, issues);
      if (r !== DROP) out[k] = r;
    }
    return out;
  }
  const rule = path ? ruleFor(path) : undefined;
  if (rule) {
    const r = rule(value, opts);
    if (r.ok) {
      // Kept, since it is a valid address, but it is reported: no message will be sent to it.
      const undeliverable = rule === normalizeEmail ? undeliverableReason(r.value as string) : null;
      if (undeliverable) issues.push({ field: path, value, reason: `kept but undeliverable: ${undeliverable}` });
      return r.value;
    }
    issues.push({ field: path, value, reason: r.reason });
    return DROP;
  }
  return typeof value === 'string' ? value.trim() : value;
}
