import { TailorError } from '../../core/errors.ts';
import type { DeliveryReport } from './delivery-report.ts';
import { genericReports } from './webhook-generic.ts';
import { postmarkReports } from './webhook-postmark.ts';
import { sendgridReports } from './webhook-sendgrid.ts';
import { sesReports } from './webhook-ses.ts';

export type WebhookProvider = 'generic' | 'ses' | 'sendgrid' | 'postmark';

/**
 * The reports in one webhook request body (already authenticated by verifyWebhook). A body of the
 * right shape that reports nothing we act on (an SNS subscription confirmation, an open event)
 * gives []; a body of the wrong shape throws TailorError('validation_failed') with the field.
 */
export function parseWebhook(provider: WebhookProvider, body: unknown): DeliveryReport[] {
  switch (provider) {
    case 'generic': return genericReports(body);
    case 'ses': return sesReports(body);
    case 'sendgrid': return sendgridReports(body);
    case 'postmark': return postmarkReports(body);
    default:
      // The provider usually comes from the request's URL, so the types do not guarantee it.
      throw new TailorError('validation_failed', `unknown webhook provider ${JSON.stringify(provider)}`, 'provider');
  }
}
