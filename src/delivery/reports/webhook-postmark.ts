import { z } from 'zod';
import type { DeliveryReport } from './delivery-report.ts';
import { statusCode } from './report-values.ts';
import { jsonBody, parseBody, reportEmail, reportTime } from './webhook-body.ts';

/**
 * Postmark's bounce, spam complaint and delivery webhooks ("Webhooks: Bounce webhook", "Spam
 * complaint webhook", "Delivery webhook"), one record per request. Bounce records carry a Type from
 * Postmark's "Bounce types" list; the ones below are the delivery failures, by whether they say
 * the address itself is bad.
 */
const HARD = new Set(['HardBounce', 'BadEmailAddress', 'ManuallyDeactivated', 'Blocked']);
const SOFT = new Set(['SoftBounce', 'Transient', 'DnsError', 'SpamNotification', 'DMARCPolicy', 'Unknown']);
// Not delivery failures, so not reports: AutoResponder, AddressChange, Subscribe, Unsubscribe,
// OpenRelayTest, VirusNotification, ChallengeVerification, Unconfirmed, SMTPApiError,
// InboundError, TemplateRenderingFailed.

const metadata = z.record(z.string(), z.unknown()).optional();

const record = z.discriminatedUnion('RecordType', [
  z.object({
    RecordType: z.enum(['Bounce', 'SpamComplaint']),
    Type: z.string(),
    Email: reportEmail,
    MessageID: z.string().optional(),
    BouncedAt: reportTime.optional(),
    Details: z.string().optional(),
    Description: z.string().optional(),
    Metadata: metadata,
  }),
  z.object({
    RecordType: z.literal('Delivery'),
    Recipient: reportEmail,
    MessageID: z.string().optional(),
    DeliveredAt: reportTime.optional(),
    Details: z.string().optional(),
    Metadata: metadata,
  }),
]);

export function postmarkReports(input: unknown): DeliveryReport[] {
  const r = parseBody(record, jsonBody(input, 'Postmark webhook'), 'Postmark webhook');
  const tailor = r.Metadata?.tailor_message;
  // Postmark's MessageID is its own id, the last resort: Metadata carries ours when we sent it.
  const ids = { messageId: (typeof tailor === 'string' && tailor.trim()) || r.MessageID || null, feedbackId: null, source: 'postmark' as const };
  if (r.RecordType === 'Delivery') {
    return [{ kind: 'delivered', email: r.Recipient, ...ids, at: r.DeliveredAt ?? null, status: statusCode(r.Details), reason: r.Details || 'delivered' }];
  }
  const common = { email: r.Email, ...ids, at: r.BouncedAt ?? null, status: statusCode(r.Details), reason: r.Details || r.Description || r.Type };
  // Older accounts send complaints as bounce records of Type SpamComplaint.
  if (r.RecordType === 'SpamComplaint' || r.Type === 'SpamComplaint') return [{ kind: 'complaint', ...common, reason: 'abuse' }];
  if (HARD.has(r.Type)) return [{ kind: 'bounce', severity: 'hard', ...common }];
  if (SOFT.has(r.Type)) return [{ kind: 'bounce', severity: 'soft', ...common }];
  return [];
}
