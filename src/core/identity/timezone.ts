import type { Normalized } from './email.ts';

const CANONICAL = new Map<string, string>();
for (const tz of Intl.supportedValuesOf('timeZone')) CANONICAL.set(tz.toLowerCase(), tz);
CANONICAL.set('utc', 'UTC');
CANONICAL.set('etc/utc', 'UTC');
CANONICAL.set('gmt', 'UTC');

/** Timezone to an IANA name with its canonical spelling ("europe/paris" → "Europe/Paris"). */
export function normalizeTimezone(input: unknown): Normalized<string> {
  if (typeof input !== 'string') return { ok: false, reason: 'timezone must be a string' };
  const s = input.trim();
  const known = CANONICAL.get(s.toLowerCase());
  if (known) return { ok: true, value: known };
  try {
    // Links such as "US/Eastern" are valid IANA names the runtime resolves but does not list.
    const resolved = new Intl.DateTimeFormat('en', { timeZone: s }).resolvedOptions().timeZone;
    return { ok: true, value: resolved };
  } catch {
    return { ok: false, reason: 'timezone is not an IANA time zone name' };
  }
}
