import { CLICK_EVENT, OPEN_EVENT } from '../../core/features/catalog.ts';
import { sqliteDoc } from '../../core/segments/compile-comparison.ts';
import { CLICK_EVENTS } from '../../core/tracking/email-event-names.ts';
import type { Dialect } from '../sql/database.ts';

/**
 * SQL predicates over `events e` for email engagement as features and send-time learning count
 * it: track events named `Email Opened`, or a click (`Email Link Clicked`, or the legacy
 * `Email Clicked`), that tracking did not flag as a machine open or a bot click
 * (core/tracking/email-event-names.ts: isMachineHit, which reads `true` only).
 */
const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;
const CLICKS = [...new Set([CLICK_EVENT, ...CLICK_EVENTS])];

export const isOpenSql = `(e.type = 'track' AND e.name = ${lit(OPEN_EVENT)})`;
export const isClickSql = `(e.type = 'track' AND e.name IN (${CLICKS.map(lit).join(', ')}))`;
/** Every name that can be an open or a click (for index-friendly filters). */
export const engagementNames = [OPEN_EVENT, ...CLICKS];

/** The event is not flagged `machine_open: true` or `bot: true`. */
export function humanSql(dialect: Dialect): string {
  if (dialect === 'postgres') {
    return `(NOT COALESCE(e.properties -> 'machine_open' = 'true'::jsonb, false) AND NOT COALESCE(e.properties -> 'bot' = 'true'::jsonb, false))`;
  }
  const doc = sqliteDoc('e.properties');
  return `(json_type(${doc}, '$.machine_open') IS NOT 'true' AND json_type(${doc}, '$.bot') IS NOT 'true')`;
}
