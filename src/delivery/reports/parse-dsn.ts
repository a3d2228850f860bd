import PostalMime from 'postal-mime';
import type { DeliveryReport } from './delivery-report.ts';
import { mergeBlocks, parseHeaderBlocks } from './header-blocks.ts';
import type { FieldBlock } from './header-blocks.ts';
import { attachmentText, originalIds } from './original-headers.ts';
import type { OriginalIds } from './original-headers.ts';
import { arfReports } from './parse-arf.ts';
import { parseDate, reportAddress, severityOfStatus, statusCode } from './report-values.ts';

const DSN_PARTS = new Set(['message/delivery-status', 'message/global-delivery-status']);
const ARF_PART = 'message/feedback-report';

/**
 * The reports in one whole RFC 5322 message: an RFC 3464 DSN gives one report per failed, delayed
 * or delivered recipient, an RFC 5965 ARF report one complaint, anything else none (a bounce
 * mailbox also receives auto-replies and spam, which are not reports).
 */
export async function parseReportEmail(raw: string | Buffer): Promise<DeliveryReport[]> {
  // Forced, so the original message is always an attachment to read headers from, even when a
  // mislabelled report part keeps postal-mime from noticing that this is a report and it would
  // otherwise inline the message/rfc822 part into the text.
  const email = await PostalMime.parse(raw, { forceRfc822Attachments: true });
  const contentType = email.headers.find((h) => h.key === 'content-type')?.value ?? '';
  if (!/^\s*multipart\/report\s*(;|$)/i.test(contentType)) return [];
  const reportType = /;\s*report-type\s*=\s*"?([\w-]+)/i.exec(contentType)?.[1]?.toLowerCase();

  const dsnPart = email.attachments.find((a) => DSN_PARTS.has(a.mimeType));
  const arfPart = email.attachments.find((a) => a.mimeType === ARF_PART);
  // report-type is required, but a missing one should not lose a report whose part type says what it is.
  if ((reportType === 'delivery-status' || (!reportType && dsnPart)) && dsnPart) {
    return dsnReports(parseHeaderBlocks(attachmentText(dsnPart)), await originalIds(email));
  }
  if ((reportType === 'feedback-report' || (!reportType && arfPart)) && arfPart) {
    return arfReports(mergeBlocks(parseHeaderBlocks(attachmentText(arfPart))), await originalIds(email));
  }
  return [];
}

/** The recipient blocks of a delivery-status part (RFC 3464 §2.3), after the per-message block (§2.2). */
function dsnReports(blocks: FieldBlock[], original: OriginalIds): DeliveryReport[] {
  const isRecipient = (b: FieldBlock): boolean => b.has('final-recipient') || b.has('original-recipient') || b.has('action');
  const perMessage = blocks.find((b) => !isRecipient(b)) ?? new Map<string, string>();
  const arrival = parseDate(perMessage.get('arrival-date'));
  const reports: DeliveryReport[] = [];
  for (const b of blocks.filter(isRecipient)) {
    const action = (b.get('action') ?? '').split(/[\s;(]/)[0]!.toLowerCase();
    // The Original-Recipient is the address we sent to; the Final-Recipient may be what an alias
    // or forward turned it into, which no profile of ours holds.
    const email = reportAddress(b.get('original-recipient')) ?? reportAddress(b.get('final-recipient'));
    const status = statusCode(b.get('status')) ?? statusCode(b.get('diagnostic-code'));
    const base = {
      email,
      messageId: original.messageId,
      feedbackId: original.feedbackId,
      // Arrival-Date is per message; a report without one still dates each attempt.
      at: arrival ?? parseDate(b.get('last-attempt-date')),
      status,
      reason: b.get('diagnostic-code') ?? (status ? `${action} ${status}` : action),
      source: 'dsn' as const,
    };
    if (action === 'failed') {
      // A failure without a usable status is still a failure: without evidence that it was
      // transient it counts as permanent, as the MTA that gave up did.
      reports.push({ kind: 'bounce', severity: severityOfStatus(status) ?? 'hard', ...base });
    } else if (action === 'delayed') {
      reports.push({ kind: 'bounce', severity: 'soft', ...base });
    } else if (action === 'delivered' || action === 'relayed' || action === 'expanded') {
      reports.push({ kind: 'delivered', ...base });
    }
  }
  return reports;
}
