import { TailorError } from '../errors.ts';
import { durationMs } from '../schemas/segment-rule.ts';
import type { CapSpec, QuietHoursSpec } from '../schemas/campaign.ts';
import type { Cap, QuietHours, SendPolicy } from './send-window.ts';

/** Global sending rules (config) on top of which each campaign adds its own caps and quiet hours. */
export interface GlobalPolicy { caps: Cap[]; quietHours: QuietHours | undefined; defaultZone: string }

/** "1/day,3/7d" → caps. */
export function parseCaps(text: string, field = 'frequencyCaps'): Cap[] {
  if (!text.trim()) return [];
  return text.split(',').map((part) => {
    const m = /^\s*(\d+)\/(day|[1-9]\d{0,5}[mhdw])\s*$/.exec(part);
    if (!m || Number(m[1]) < 1) throw new TailorError('invalid_config', `${field}: "${part.trim()}" is not a cap such as 1/day or 3/7d`, field);
    return m[2] === 'day' ? { max: Number(m[1]), per: 'day' as const } : { max: Number(m[1]), per: 'rolling' as const, windowMs: durationMs(m[2]!) };
  });
}

/** "21:00-08:00" → quiet hours; empty → none. Checked here so that a bad config fails at start-up, not per recipient. */
export function parseQuietHours(text: string, field = 'quietHours'): QuietHours | undefined {
  if (!text.trim()) return undefined;
  const m = /^\s*(([01]\d|2[0-3]):[0-5]\d)\s*-\s*(([01]\d|2[0-3]):[0-5]\d)\s*$/.exec(text);
  if (!m) throw new TailorError('invalid_config', `${field}: "${text.trim()}" is not quiet hours such as 21:00-08:00`, field);
  return m[1] === m[3] ? undefined : { start: m[1]!, end: m[3]! };
}

export const capFromSpec = (c: CapSpec): Cap => (c.per === 'day' ? { max: c.max, per: 'day' } : { max: c.max, per: 'rolling', windowMs: durationMs(c.window) });

/**
 * The rules one marketing message follows: the global caps and the campaign's (each cap counts
 * the messages it covers: global caps all marketing mail, a campaign's only its own), and the
 * campaign's quiet hours, else the global ones (`null` in a campaign turns them off).
 */
export function policyFor(global: GlobalPolicy, spec: { caps: CapSpec[]; quietHours?: QuietHoursSpec | null | undefined }): { global: SendPolicy; campaign: SendPolicy } {
  const quietHours = spec.quietHours === null ? undefined : spec.quietHours ?? global.quietHours;
  return { global: { quietHours, caps: global.caps }, campaign: { quietHours, caps: spec.caps.map(capFromSpec) } };
}

/** The longest window any of these caps looks back over (a day cap: two days, for zones far from UTC). */
export function lookBackMs(caps: readonly Cap[]): number {
  return Math.max(0, ...caps.map((c) => (c.per === 'day' ? 2 * 86_400_000 : c.windowMs)));
}
