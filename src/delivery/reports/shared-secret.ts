import { createHash, timingSafeEqual } from 'node:crypto';
import { TailorError } from '../../core/errors.ts';

export type HeaderBag = Record<string, string | undefined>;

/** A header by name, whatever case the caller's framework gave its names. */
export function header(headers: HeaderBag, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === lower && v !== undefined) return v;
  return undefined;
}

/** The password of an HTTP Basic Authorization header (any user name), or undefined. */
function basicPassword(authorization: string | undefined): string | undefined {
  const m = authorization ? /^\s*basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(authorization) : null;
  if (!m) return undefined;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon >= 0 ? decoded.slice(colon + 1) : undefined;
}

/**
 * Providers that cannot sign their requests in a way we can check without fetching anything (SES
 * through SNS, Postmark, our generic format) are given a URL with credentials in it
 * (https://tailor:SECRET@host/v1/webhooks/bounce?provider=ses), which they send as HTTP Basic; a
 * relay can send the X-Tailor-Webhook-Secret header instead. Both sides are hashed before the
 * constant-time compare, so neither the secret's length nor its prefix leaks through timing.
 */
export function verifySharedSecret(headers: HeaderBag, secret: string | undefined): void {
  if (!secret) throw new TailorError('unauthorized', 'no webhook secret is configured, so webhooks are refused');
  const given = header(headers, 'x-tailor-webhook-secret') ?? basicPassword(header(headers, 'authorization'));
  if (given === undefined) throw new TailorError('unauthorized', 'the webhook secret is missing (HTTP Basic password or X-Tailor-Webhook-Secret)', 'authorization');
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(secret, 'utf8').digest();
  if (!timingSafeEqual(a, b)) throw new TailorError('unauthorized', 'the webhook secret is wrong', 'authorization');
}
