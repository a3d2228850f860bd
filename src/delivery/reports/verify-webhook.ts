import { TailorError } from '../../core/errors.ts';
import type { WebhookProvider } from './parse-webhook.ts';
import { verifySendgridSignature } from './sendgrid-signature.ts';
import { verifySharedSecret } from './shared-secret.ts';
import type { HeaderBag } from './shared-secret.ts';

export interface WebhookRequest {
  headers: HeaderBag;
  /** The body exactly as received: signatures are over these bytes, not over parsed JSON. */
  rawBody: string;
  /** Epoch ms, the caller's clock (a Clock port in production), for the signature's age. */
  now: number;
}

export interface WebhookSecrets {
  sharedSecret?: string | undefined;
  sendgridPublicKey?: string | undefined;
}

/**
 * Authenticates a webhook request before its body is believed; throws TailorError('unauthorized').
 *
 * - generic, ses, postmark: the shared secret (HTTP Basic password or X-Tailor-Webhook-Secret).
 *   SES's SNS messages are signed too, but checking that needs AWS's certificate fetched from a
 *   URL in the message, which a self-hosted server should not do implicitly; SNS sends the
 *   credentials of an https://user:secret@host endpoint as HTTP Basic instead.
 * - sendgrid: its ECDSA signature when a verification key is configured; without one, the shared
 *   secret (SendGrid also sends credentials in the webhook URL as HTTP Basic).
 */
export function verifyWebhook(provider: WebhookProvider, req: WebhookRequest, secrets: WebhookSecrets): void {
  switch (provider) {
    case 'sendgrid':
      if (secrets.sendgridPublicKey) return verifySendgridSignature(req, secrets.sendgridPublicKey);
      return verifySharedSecret(req.headers, secrets.sharedSecret);
    case 'generic':
    case 'ses':
    case 'postmark':
      return verifySharedSecret(req.headers, secrets.sharedSecret);
    default:
      throw new TailorError('unauthorized', `unknown webhook provider ${JSON.stringify(provider)}`, 'provider');
  }
}
