import { createHash } from 'node:crypto';

/**
 * The Message-ID of a (campaign, occurrence, step, recipient): the same every time it is computed,
 * so a message resent after a crash carries the id of the first attempt, the sends table's unique
 * key refuses a second row, and a receiver that collapses repeated ids (Gmail does) shows one.
 * Stored without the angle brackets.
 */
export function sendMessageId(key: { campaignId: string; occurrence: string; step: number; profileId: string }, domain: string): string {
  const h = createHash('sha256').update(`${key.campaignId}\u0000${key.occurrence}\u0000${key.step}\u0000${key.profileId}`).digest('base64url').slice(0, 26);
  return `${h}@${domain}`;
}

/** Transactional messages: one id per idempotency key. */
export function transactionalMessageId(idempotencyKey: string, domain: string): string {
  return `${createHash('sha256').update(`tx\u0000${idempotencyKey}`).digest('base64url').slice(0, 26)}@${domain}`;
}

/** The part of a message id that stays in a Feedback-ID or a report whose headers were cut (before the @). */
export const messageIdToken = (messageId: string): string => messageId.replace(/^<|>$/g, '').split('@')[0]!;
