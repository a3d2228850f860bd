import { z } from 'zod';
import type { DeliveryReport } from './delivery-report.ts';
import { statusCode, stripAngles } from './report-values.ts';
import { jsonBody, parseBody, reportEmail } from './webhook-body.ts';

/**
 * SendGrid's Event Webhook ("Event Webhook Reference"): a JSON array of events, of which only the
 * delivery outcomes are reports. Opens, clicks and unsubscribes reach us through our own tracking.
 */
const event = z.object({
  email: reportEmail,
  event: z.string(),
  /** For event 'bounce': 'bounce' (the receiver refused the address) or 'blocked' (it refused the message). */
  type: z.string().optional(),
  status: z.string().optional(),
  reason: z.string().optional(),
  response: z.string().optional(),
  timestamp: z.number().finite().nonnegative(),
  'smtp-id': z.string().optional(),
  sg_message_id: z.string().optional(),
  /** A custom arg the SendGrid transport sets, which SendGrid echoes in every event. */
  tailor_message: z.string().optional(),
});

export function sendgridReports(input: unknown): DeliveryReport[] {
  const events = parseBody(z.array(event), jsonBody(input, 'SendGrid webhook'), 'SendGrid webhook');
  const reports: DeliveryReport[] = [];
  for (const e of events) {
    const smtpId = e['smtp-id'] ? stripAngles(e['smtp-id']) : '';
    const common = {
      email: e.email,
      // sg_message_id is SendGrid's own id, the last resort: smtp-id is the Message-ID we sent.
      messageId: e.tailor_message?.trim() || smtpId || e.sg_message_id || null,
      feedbackId: null,
      at: e.timestamp * 1000,
      status: statusCode(e.status) ?? statusCode(e.reason ?? e.response),
      reason: e.reason ?? e.response ?? e.event,
      source: 'sendgrid' as const,
    };
    switch (e.event) {
      case 'bounce':
        reports.push({ kind: 'bounce', severity: e.type === 'blocked' ? 'soft' : 'hard', ...common });
        break;
      case 'deferred':
        reports.push({ kind: 'bounce', severity: 'soft', ...common });
        break;
      case 'dropped':
        // SendGrid never tried: its reason says why. Its own suppression of a bounced or invalid
        // address is as good as a hard bounce, of a spam reporter as a complaint; anything else
        // (unsubscribed there, quota) only means this message did not go out.
        if (/spam/i.test(e.reason ?? '')) reports.push({ kind: 'complaint', ...common });
        else reports.push({ kind: 'bounce', severity: /bounce|invalid/i.test(e.reason ?? '') ? 'hard' : 'soft', ...common });
        break;
      case 'spamreport':
        reports.push({ kind: 'complaint', ...common, reason: 'abuse' });
        break;
      case 'delivered':
        reports.push({ kind: 'delivered', ...common });
        break;
      default:
        // processed, open, click, unsubscribe, group_unsubscribe, group_resubscribe
        break;
    }
  }
  return reports;
}
