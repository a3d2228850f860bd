import { TailorError } from '../errors.ts';
import { validateMessage } from '../ingest/validate-message.ts';
import { MAX_ID_LENGTH } from '../schemas/safe-text.ts';
import type { Message } from '../schemas/segment-message.ts';
import { verifyIdentifyToken } from './site-identify.ts';

/** What identifying a site visitor needs: the link secret, the recipient's identities, and ingest. */
export interface SiteVisitorDeps {
  secret: () => Promise<string>;
  /** The identities of the live profile an id names (following merges), or null when there is none (erased). */
  identities: (profileId: string) => Promise<readonly { kind: string; value: string }[] | null>;
  ingest: (messages: Message[]) => Promise<unknown>;
  now: () => number;
  newMessageId: () => string;
}

/** What the site snippet gets back: the recipient's user id, for `analytics.identify`, when the profile has one. */
export interface VisitorIdentified {
  userId: string | null;
}

/** Tokens are a few hundred characters; anything much longer is not one (and is not worth an HMAC). */
const MAX_TOKEN_LENGTH = 2048;

/**
 * "A click from an email identifies the browser": the site snippet posts the `_tailor` token the
 * click redirect added and the browser's anonymous id. A valid, unexpired token names the
 * recipient; an identify that ties the anonymous id to the recipient's user id (or else email) then
 * merges the visitor's profile, and the events it already has, into the recipient through the
 * ordinary ingest path. The answer carries the user id only, never the email: whoever holds a
 * forwarded link learns nothing about the person it was sent to.
 */
export async function identifyVisitor(body: unknown, deps: SiteVisitorDeps): Promise<VisitorIdentified> {
  const { token, anonymousId } = parseBody(body);
  const profileId = verifyIdentifyToken(token, await deps.secret(), deps.now());
  if (!profileId) throw new TailorError('validation_failed', 'the token is not valid or has expired', 'token');
  const ids = await deps.identities(profileId);
  const userId = ids?.find((i) => i.kind === 'user_id')?.value ?? null;
  const email = ids?.find((i) => i.kind === 'email')?.value ?? null;
  // An erased recipient, or one known by anonymous ids only: nothing to tie the visitor to.
  if (!userId && !email) throw new TailorError('not_found', 'the recipient of this link is no longer known', 'token');
  const identify = validateMessage({
    type: 'identify', anonymousId, ...(userId ? { userId } : { traits: { email } }),
    context: { library: { name: 'tailor.js' } },
  }, 'identify', { receivedAt: deps.now(), newMessageId: deps.newMessageId, source: 'site' });
  await deps.ingest([identify]);
  return { userId };
}

function parseBody(body: unknown): { token: string; anonymousId: string } {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new TailorError('validation_failed', 'body must be a JSON object');
  const { token, anonymousId } = body as Record<string, unknown>;
  if (token === undefined || token === '') throw new TailorError('missing_field', 'token is required', 'token');
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) throw new TailorError('validation_failed', 'the token is not valid or has expired', 'token');
  if (anonymousId === undefined || anonymousId === '') throw new TailorError('missing_field', 'anonymousId is required', 'anonymousId');
  if (typeof anonymousId !== 'string' || anonymousId.length > MAX_ID_LENGTH) {
    throw new TailorError('validation_failed', `anonymousId must be a string of at most ${MAX_ID_LENGTH} characters`, 'anonymousId');
  }
  return { token, anonymousId };
}
