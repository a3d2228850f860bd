import PostalMime from 'postal-mime';
import type { Attachment, Email } from 'postal-mime';
import { ourMessageId } from './report-values.ts';

/** What a report's copy of the original message tells us about which message it was. */
export interface OriginalIds {
  messageId: string | null;
  feedbackId: string | null;
}

/**
 * The part types that carry the original message (RFC 3464 §2, RFC 5965 §2 (d), RFC 6533 for the
 * internationalised forms): a whole message/rfc822, or only its header block.
 */
const ORIGINAL_TYPES = new Set(['message/rfc822', 'text/rfc822-headers', 'message/global', 'message/global-headers']);

export const attachmentText = (a: Attachment): string =>
  typeof a.content === 'string' ? a.content : new TextDecoder().decode(a.content);

/**
 * Reads X-Tailor-Message, Message-ID and Feedback-ID from the report's third part. The part is a
 * message (or a bare header block) in its own right, so postal-mime parses it again: it unfolds the
 * headers and stops at the first non-header line the way mail scanners do.
 */
export async function originalIds(report: Email): Promise<OriginalIds> {
  const part = report.attachments.find((a) => ORIGINAL_TYPES.has(a.mimeType));
  if (!part) return { messageId: null, feedbackId: null };
  const original = await PostalMime.parse(attachmentText(part));
  const header = (name: string): string | null => original.headers.find((h) => h.key === name)?.value.trim() || null;
  const feedbackId = header('feedback-id');
  return { messageId: ourMessageId({ tailorMessage: header('x-tailor-message'), messageId: header('message-id') }), feedbackId };
}
