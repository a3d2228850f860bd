import { sha1, stableStringify } from './stable-hash.ts';

/**
 * Deterministic message ids make a re-import idempotent: the ingest pipeline skips a message whose
 * id is already stored. A row's id is derived from its content, so a changed row is applied again
 * and an unchanged one counts as a duplicate. Parts that vary between runs (the import time used
 * for rows without a timestamp) must never be hashed.
 */
export const orderMessageId = (orderId: string): string => `import:order:${orderId}`;

export const eventMessageId = (parts: unknown[]): string => `import:event:${sha1(stableStringify(parts))}`;

export const profileMessageId = (parts: unknown[]): string => `import:profile:${sha1(stableStringify(parts))}`;
