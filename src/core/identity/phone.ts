import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import type { Normalized } from './email.ts';

/** Phone numbers to E.164. A national number needs a default region (config `defaultRegion`). */
export function normalizePhone(input: unknown, defaultRegion?: string): Normalized<string> {
  if (typeof input !== 'string' && typeof input !== 'number') return { ok: false, reason: 'phone must be a string' };
  const s = String(input).trim();
  if (!s) return { ok: false, reason: 'phone is empty' };
  const parsed = parsePhoneNumberFromString(s, defaultRegion as CountryCode | undefined);
  if (!parsed) return { ok: false, reason: defaultRegion ? 'phone does not parse' : 'phone does not parse (no default region set)' };
  if (!parsed.isValid()) return { ok: false, reason: 'phone is not a valid number' };
  return { ok: true, value: parsed.number };
}
