import { signToken } from '../tracking/tokens.ts';

/**
 * The unsubscribe headers of a marketing message (RFC 2369 `List-Unsubscribe`, RFC 8058 one-click).
 * Mailbox providers show their own "unsubscribe" button when both are present and the message is
 * DKIM-signed over them; pressing it POSTs `List-Unsubscribe=One-Click` to the HTTPS URL, which
 * must unsubscribe at once without a confirmation step (server/routes/recipient-pages.ts).
 */

/**
 * The one-click URL for one recipient of one campaign: the same signed token as the template's
 * `unsubscribe_url` (tracking/tokens.ts), without the template id, which one-click does not need.
 * One HMAC over a short string: cheap enough per message.
 */
export function unsubscribeUrl(publicUrl: string, secret: string, profileId: string, campaignId?: string): string {
  const token = signToken({ p: profileId, k: 'unsubscribe', ...(campaignId ? { c: campaignId } : {}) }, secret);
  return `${publicUrl.replace(/\/+$/, '')}/u/${token}`;
}

export interface UnsubscribeHeaderInput {
  /** The HTTPS one-click URL (`unsubscribeUrl`). */
  url: string;
  /** An address that unsubscribes whoever writes to it (optional; RFC 8058 needs only the URL). */
  mailto?: string | undefined;
}

/**
 * `List-Unsubscribe: <https://…/u/TOKEN>, <mailto:…?subject=unsubscribe>` and
 * `List-Unsubscribe-Post: List-Unsubscribe=One-Click`. A URL or address that cannot sit between
 * angle brackets in a header (whitespace, `<`, `>`, `,`, control characters) is a programming
 * error, thrown rather than sent as a header that splits or lies.
 */
export function unsubscribeHeaders(o: UnsubscribeHeaderInput): { 'List-Unsubscribe': string; 'List-Unsubscribe-Post': string } {
  if (!/^https?:\/\//i.test(o.url) || UNSAFE.test(o.url)) throw new Error(`not a usable List-Unsubscribe URL: ${JSON.stringify(o.url)}`);
  const parts = [`<${o.url}>`];
  const mailto = o.mailto?.trim();
  if (mailto) {
    if (UNSAFE.test(mailto) || !/^[^@?]+@[^@?]+$/.test(mailto)) throw new Error(`not a usable List-Unsubscribe address: ${JSON.stringify(o.mailto)}`);
    parts.push(`<mailto:${encodeURI(mailto)}?subject=unsubscribe>`);
  }
  return { 'List-Unsubscribe': parts.join(', '), 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };
}

const UNSAFE = /[\s<>,\u0000-\u001f\u007f]/;
