import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signed link tokens for a recipient (DESIGN.md: `/u/:token` unsubscribe, `/t/o/:token` open,
 * `/t/c/:token` click): base64url JSON of what the link is for, a dot, and a truncated HMAC-SHA256
 * with TAILOR_SECRET. Only the server that knows the secret can mint or accept one, and a token
 * cannot be edited to point at another profile.
 */
export interface LinkClaims { p: string; k: 'unsubscribe' | 'preferences' | 'view'; c?: string | undefined; t?: string | undefined }

const SIG_BYTES = 16;

export function signToken(claims: LinkClaims, secret: string): string {
  const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${body}.${mac(body, secret)}`;
}

export function verifyToken(token: string, secret: string): LinkClaims | null {
  const dot = token.indexOf('.');
  if (dot < 1) return null;
  const body = token.slice(0, dot);
  const sig = Buffer.from(token.slice(dot + 1), 'base64url');
  const want = Buffer.from(mac(body, secret), 'base64url');
  if (sig.length !== want.length || !timingSafeEqual(sig, want)) return null;
  try {
    return JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as LinkClaims;
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
