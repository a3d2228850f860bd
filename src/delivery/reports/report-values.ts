/**
 * Small readers for the values that reports of every source carry in slightly different spellings:
 * status codes, addresses, dates and message ids.
 */

/** An RFC 3463 status code ("5.1.1", Microsoft's "5.1.10") found anywhere in `text`, e.g. "5.0.0 (permanent failure)". */
export function statusCode(text: string | undefined | null): string | null {
  const m = text ? /\b([245]\.\d{1,3}\.\d{1,3})\b/.exec(text) : null;
  return m ? m[1]! : null;
}

/** The severity a status code implies: only a 5.x.x says the address itself is bad. */
export const severityOfStatus = (status: string | null): 'hard' | 'soft' | null =>
  status?.startsWith('5') ? 'hard' : status?.startsWith('4') ? 'soft' : null;

/**
 * The address of `rfc822; Bob@Example.org`, `<bob@example.org>` or a bare address, lower-cased, or
 * null when it is not a mail address (an `x400;` recipient, `<>`, a redaction without an @).
 */
export function reportAddress(value: string | undefined | null): string | null {
  if (!value) return null;
  let v = value.trim();
  const semi = v.indexOf(';');
  if (semi >= 0) {
    const type = v.slice(0, semi).trim().toLowerCase();
    // RFC 3464 address types: rfc822, and utf-8 for RFC 6533 internationalised addresses.
    if (type !== 'rfc822' && type !== 'utf-8') return null;
    v = v.slice(semi + 1).trim();
  }
  v = stripAngles(v).toLowerCase();
  return /^[^@\s]+@[^@\s]+$/.test(v) ? v : null;
}

/** A header date or ISO 8601 string as epoch ms, or null when it does not parse. */
export function parseDate(value: string | undefined | null): number | null {
  if (!value) return null;
  // RFC 5322 dates may end in a comment ("+0000 (UTC)"), which Date.parse rejects.
  const t = Date.parse(value.replace(/\([^)]*\)\s*$/, '').trim());
  return Number.isFinite(t) ? t : null;
}

/** `<id@host>` → `id@host`; message ids are stored without their angle brackets. */
export const stripAngles = (v: string): string => v.trim().replace(/^<\s*/, '').replace(/\s*>$/, '');

/**
 * Our message id from the original message's headers: X-Tailor-Message, else Message-ID. The
 * Feedback-ID is not a message id (`<campaignId>:<step>:<token>:tailor` keeps only the token): it
 * travels separately in DeliveryReport.feedbackId and intake matches its token.
 */
export function ourMessageId(h: { tailorMessage?: string | null; messageId?: string | null }): string | null {
  const pick = (v: string | null | undefined): string | null => {
    const s = v ? stripAngles(v) : '';
    return s === '' ? null : s;
  };
  return pick(h.tailorMessage) ?? pick(h.messageId);
}
