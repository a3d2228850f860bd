import { signToken, verifyToken } from './tokens.ts';

/**
 * The short-lived signed parameter a click redirect adds to the destination URL (as Klaviyo's
 * `_kx`): the site snippet posts it back with the browser's anonymous id, and Tailor then knows the
 * visitor is the recipient. It names only the profile and expires, so a forwarded link stops
 * identifying anyone after IDENTIFY_TTL_MS.
 */
export const IDENTIFY_PARAM = '_tailor';
export const IDENTIFY_TTL_MS = 30 * 60_000;

export function identifyToken(profileId: string, secret: string, now: number): string {
  return signToken({ p: profileId, k: 'identify', x: now + IDENTIFY_TTL_MS }, secret);
}

/** The profile an identify token names, or null when it is forged, of another kind, or expired. */
export function verifyIdentifyToken(token: string, secret: string, now: number): string | null {
  const c = verifyToken(token, secret);
  if (!c || c.k !== 'identify' || typeof c.x !== 'number' || c.x < now) return null;
  return c.p;
}
