import type { DeliveryReport } from './delivery-report.ts';
import type { FieldBlock } from './header-blocks.ts';
import type { OriginalIds } from './original-headers.ts';
import { parseDate, reportAddress } from './report-values.ts';

/**
 * Feedback types that are not a recipient complaining: `not-spam` says the opposite (RFC 5965 §7.3),
 * and `auth-failure` (RFC 6591) is a receiver's SPF/DKIM/DMARC failure report about our mail, not
 * about a recipient. Counting either as a complaint would suppress people who never complained.
 */
const NOT_COMPLAINTS = new Set(['not-spam', 'auth-failure']);

/**
 * The complaint of an RFC 5965 feedback report, from its merged message/feedback-report fields.
 * Mailbox providers usually redact the recipient; then only the original headers identify the
 * message, and `email` stays null rather than being guessed from a (redacted) To header.
 */
export function arfReports(fields: FieldBlock, original: OriginalIds): DeliveryReport[] {
  const type = (fields.get('feedback-type') ?? '').split(/[\s;(]/)[0]!.toLowerCase();
  if (type === '' || NOT_COMPLAINTS.has(type)) return [];
  return [{
    kind: 'complaint',
    // Removal-Recipient comes from the pre-RFC ARF draft's opt-out reports; some loops still send it.
    email: reportAddress(fields.get('original-rcpt-to')) ?? reportAddress(fields.get('removal-recipient')),
    messageId: original.messageId,
    feedbackId: original.feedbackId,
    // Received-Date is the draft's name for Arrival-Date (RFC 5965 §3.5 keeps it for compatibility).
    at: parseDate(fields.get('arrival-date')) ?? parseDate(fields.get('received-date')),
    status: null,
    reason: type,
    source: 'arf',
  }];
}
