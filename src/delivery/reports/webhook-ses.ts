import { z } from 'zod';
import type { DeliveryReport } from './delivery-report.ts';
import { ourMessageId } from './report-values.ts';
import { jsonBody, parseBody, reportEmail, reportTime } from './webhook-body.ts';

/**
 * Amazon SES notifications delivered through SNS ("Amazon SNS notification contents for Amazon
 * SES"). SNS wraps each one in an envelope whose Message is the notification as a JSON string.
 *
 * A new subscription first receives Type 'SubscriptionConfirmation': the operator confirms it by
 * visiting the envelope's SubscribeURL (or confirming the pending subscription in the SNS console).
 * We never fetch that URL ourselves: a server that fetches URLs named in request bodies can be made
 * to request anything (SSRF). For the same reason SNS's own message signature, which needs AWS's
 * signing certificate fetched from the SigningCertURL, is not checked: the endpoint is
 * authenticated with the shared secret instead (see verify-webhook.ts).
 */
const envelope = z.discriminatedUnion('Type', [
  z.object({ Type: z.literal('Notification'), Message: z.string() }),
  z.object({ Type: z.literal('SubscriptionConfirmation') }),
  z.object({ Type: z.literal('UnsubscribeConfirmation') }),
]);

const mail = z.object({
  messageId: z.string().optional(),
  timestamp: reportTime.optional(),
  /** Only present when the identity or configuration set includes the original headers. */
  headers: z.array(z.object({ name: z.string(), value: z.string() })).optional(),
}).optional();

// `notificationType` for identity notifications, `eventType` for configuration-set event publishing.
const typed = z.object({ notificationType: z.string().optional(), eventType: z.string().optional() });

const bounceMessage = z.object({
  mail,
  bounce: z.object({
    bounceType: z.enum(['Permanent', 'Transient', 'Undetermined']),
    bounceSubType: z.string().optional(),
    bouncedRecipients: z.array(z.object({ emailAddress: reportEmail, status: z.string().optional(), diagnosticCode: z.string().optional() })).min(1),
    timestamp: reportTime.optional(),
  }),
});

const complaintMessage = z.object({
  mail,
  complaint: z.object({
    complainedRecipients: z.array(z.object({ emailAddress: reportEmail })).min(1),
    complaintFeedbackType: z.string().optional(),
    timestamp: reportTime.optional(),
  }),
});

const deliveryMessage = z.object({
  mail,
  delivery: z.object({ recipients: z.array(reportEmail).min(1), smtpResponse: z.string().optional(), timestamp: reportTime.optional() }),
});

// Configuration-set events only; like a DSN's Action: delayed, a delay is a soft bounce.
const delayMessage = z.object({
  mail,
  deliveryDelay: z.object({
    delayType: z.string().optional(),
    delayedRecipients: z.array(z.object({ emailAddress: reportEmail, status: z.string().optional(), diagnosticCode: z.string().optional() })).min(1),
    timestamp: reportTime.optional(),
  }),
});

type Mail = z.output<typeof mail>;

/** The message identity shared by every recipient of one notification. */
function identity(m: Mail): Pick<DeliveryReport, 'messageId' | 'feedbackId' | 'source'> {
  const header = (name: string): string | null => m?.headers?.find((h) => h.name.toLowerCase() === name)?.value ?? null;
  const feedbackId = header('feedback-id');
  return {
    // SES's own mail.messageId is the last resort: it is the id SES returned when the mail was sent.
    messageId: ourMessageId({ tailorMessage: header('x-tailor-message'), messageId: header('message-id') }) ?? m?.messageId ?? null,
    feedbackId,
    source: 'ses',
  };
}

export function sesReports(input: unknown): DeliveryReport[] {
  const body = jsonBody(input, 'SES webhook');
  let message = body;
  let at = '';
  // With SNS raw message delivery switched on, the notification arrives without its envelope.
  const raw = typeof body === 'object' && body !== null && ('notificationType' in body || 'eventType' in body);
  if (!raw) {
    const env = parseBody(envelope, body, 'SES webhook');
    if (env.Type !== 'Notification') return [];
    message = jsonBody(env.Message, 'SES webhook Message');
    at = 'Message';
  }
  const { notificationType, eventType } = parseBody(typed, message, 'SES notification', at);
  switch (notificationType ?? eventType) {
    case 'Bounce': {
      const { mail: m, bounce: b } = parseBody(bounceMessage, message, 'SES notification', at);
      // Undetermined means SES could not tell from the response: treated as transient, so an
      // address is not suppressed without evidence.
      const severity = b.bounceType === 'Permanent' ? 'hard' : 'soft';
      return b.bouncedRecipients.map((r) => ({
        kind: 'bounce', severity, email: r.emailAddress, ...identity(m), at: b.timestamp ?? m?.timestamp ?? null,
        status: r.status ?? null, reason: r.diagnosticCode ?? [b.bounceType, b.bounceSubType].filter(Boolean).join(' '),
      }));
    }
    case 'Complaint': {
      const { mail: m, complaint: c } = parseBody(complaintMessage, message, 'SES notification', at);
      return c.complainedRecipients.map((r) => ({
        kind: 'complaint', email: r.emailAddress, ...identity(m), at: c.timestamp ?? m?.timestamp ?? null,
        status: null, reason: c.complaintFeedbackType ?? 'complaint',
      }));
    }
    case 'Delivery': {
      const { mail: m, delivery: d } = parseBody(deliveryMessage, message, 'SES notification', at);
      return d.recipients.map((email) => ({
        kind: 'delivered', email, ...identity(m), at: d.timestamp ?? m?.timestamp ?? null,
        status: null, reason: d.smtpResponse ?? 'delivered',
      }));
    }
    case 'DeliveryDelay': {
      const { mail: m, deliveryDelay: d } = parseBody(delayMessage, message, 'SES notification', at);
      return d.delayedRecipients.map((r) => ({
        kind: 'bounce', severity: 'soft', email: r.emailAddress, ...identity(m), at: d.timestamp ?? m?.timestamp ?? null,
        status: r.status ?? null, reason: r.diagnosticCode ?? d.delayType ?? 'delayed',
      }));
    }
    default:
      // Send, Reject, Open, Click, Subscription and the rest are not reports we act on.
      return [];
  }
}
