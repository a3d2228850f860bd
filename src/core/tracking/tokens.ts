import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signed tokens for a recipient's links (DESIGN.md: `/u/:token` unsubscribe, `/v/:token` view,
 * `/t/o/:token` open pixel, `/t/c/:token` click redirect, and the short-lived `identify` token a
 * click hands to the site): base64url JSON of what the link is for, a dot, and a truncated
 * HMAC-SHA256 with TAILOR_SECRET. Only the server that knows the secret can mint or accept one, and
 * a token cannot be edited to point at another profile or another URL.
 */
export type TokenKind = 'unsubscribe' | 'preferences' | 'view' | 'open' | 'click' | 'identify';

export interface TokenClaims {
  /** The profile. */
  p: string;
  k: TokenKind;
  /** Campaign id. */
  c?: string | undefined;
  /** Template id (recipient pages). */
  t?: string | undefined;
  /** Campaign step. */
  s?: number | undefined;
  /** Experiment arm. */
  a?: string | undefined;
  /** The message's Message-ID (its send row). */
  m?: string | undefined;
  /** Link id within the message (`0`, `1`, … in document order; `decoy` for the hidden link). */
  l?: string | undefined;
  /** The click's destination, signed with the rest so the redirect can never point elsewhere. */
  u?: string | undefined;
  /** How many tracked links the message has (click tokens; the classifier's "every link at once"). */
  n?: number | undefined;
  /** Expiry, epoch ms (identify tokens). */
  x?: number | undefined;
}

/** The claims a recipient-page token carries (the kinds before tracking). */
export type LinkClaims = TokenClaims & { k: 'unsubscribe' | 'preferences' | 'view' };

const SIG_BYTES = 16;

export function signToken(claims: TokenClaims, secret: string): string {
  const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${body}.${mac(body, secret)}`;
}

/** The claims of a token whose signature holds, or null (a tampered, truncated or foreign token). */
export function verifyToken(token: string, secret: string): TokenClaims | null {
  const dot = token.indexOf('.');
  if (dot < 1) return null;
  const body = token.slice(0, dot);
  const sig = Buffer.from(token.slice(dot + 1), 'base64url');
  const want = Buffer.from(mac(body, secret), 'base64url');
  if (sig.length !== want.length || !timingSafeEqual(sig, want)) return null;
  try {
    const c = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as TokenClaims;
    return c && typeof c === 'object' && typeof c.p === 'string' && typeof c.k === 'string' ? c : null;
  } catch {
    return null;
  }
}

const mac = (body: string, secret: string): string => createHmac('sha256', secret).update(body).digest().subarray(0, SIG_BYTES).toString('base64url');

/** The three per-recipient links every template may use. */
export function recipientLinks(publicUrl: string, secret: string, profileId: string, ids: { campaign?: string | undefined; template?: string | undefined }) {
  const base = publicUrl.replace(/\/+$/, '');
  const token = (k: LinkClaims['k']) => signToken({ p: profileId, k, c: ids.campaign, t: ids.template }, secret);
  return {
    unsubscribe_url: `${base}/u/${token('unsubscribe')}`,
    preferences_url: `${base}/u/${token('preferences')}`,
    view_in_browser_url: `${base}/v/${token('view')}`,
  };
}
