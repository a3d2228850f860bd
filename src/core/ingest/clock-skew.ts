import { parseDate } from '../identity/dates.ts';

/**
 * Segment's clock-skew correction: a device whose clock is off stamps both the event
 * (originalTimestamp) and the send (sentAt) with the same error, so
 *   timestamp = receivedAt − (sentAt − originalTimestamp).
 * Without sentAt the client's timestamp is trusted as is; without any, receivedAt is used.
 */
export function correctedTimestamp(
  original: number | undefined,
  sentAt: number | undefined,
  receivedAt: number,
): number {
  if (original === undefined) return receivedAt;
  if (sentAt === undefined) return original;
  return receivedAt - (sentAt - original);
}

export function optionalTime(v: unknown, field: string): { ms?: number; error?: { field: string; reason: string } } {
  if (v === undefined || v === null || v === '') return {};
  const r = parseDate(v);
  return r.ok ? { ms: r.value } : { error: { field, reason: r.reason } };
}
