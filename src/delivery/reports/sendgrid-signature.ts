import { createPublicKey, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { TailorError } from '../../core/errors.ts';
import { header } from './shared-secret.ts';
import type { HeaderBag } from './shared-secret.ts';

const SIGNATURE = 'x-twilio-email-event-webhook-signature';
const TIMESTAMP = 'x-twilio-email-event-webhook-timestamp';

/** Older signatures are refused so that a captured request cannot be replayed later. */
export const MAX_SIGNATURE_AGE_MS = 10 * 60_000;

/** SendGrid shows the verification key as base64 DER (SPKI); a PEM copy of it works too. */
function publicKey(key: string): KeyObject {
  try {
    return key.includes('-----BEGIN')
      ? createPublicKey(key)
      : createPublicKey({ key: Buffer.from(key.replace(/\s+/g, ''), 'base64'), format: 'der', type: 'spki' });
  } catch {
    // A bad key is the operator's configuration, but the request is still not authenticated.
    throw new TailorError('unauthorized', 'the configured SendGrid verification key is not a valid public key');
  }
}

/**
 * SendGrid's Signed Event Webhook ("Getting Started with the Event Webhook Security Features"):
 * an ECDSA P-256 / SHA-256 signature, base64 DER, over the timestamp header followed by the raw
 * body exactly as received (re-serialised JSON would not verify).
 */
export function verifySendgridSignature(req: { headers: HeaderBag; rawBody: string; now: number }, key: string): void {
  const signature = header(req.headers, SIGNATURE);
  const timestamp = header(req.headers, TIMESTAMP);
  if (!signature || !timestamp) throw new TailorError('unauthorized', 'the SendGrid signature headers are missing', signature ? TIMESTAMP : SIGNATURE);
  if (!/^\d+$/.test(timestamp.trim())) throw new TailorError('unauthorized', 'the SendGrid signature timestamp is not a number', TIMESTAMP);
  const ageMs = req.now - Number(timestamp.trim()) * 1000;
  // Also refuse timestamps far in the future: a signer's clock that far ahead would let a
  // captured request be replayed for that long.
  if (Math.abs(ageMs) > MAX_SIGNATURE_AGE_MS) throw new TailorError('unauthorized', 'the SendGrid signature is too old', TIMESTAMP);
  const ok = verify('sha256', Buffer.from(timestamp + req.rawBody, 'utf8'), publicKey(key), Buffer.from(signature, 'base64'));
  if (!ok) throw new TailorError('unauthorized', 'the SendGrid signature does not match', SIGNATURE);
}
