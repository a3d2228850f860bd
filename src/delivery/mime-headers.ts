import { createPrivateKey } from 'node:crypto';
import type { OutgoingMessage } from '../core/campaigns/ports.ts';

/**
 * The header fields a DKIM signature covers. nodemailer's own default list happens to include the
 * List-Unsubscribe pair today, but RFC 8058 one-click only counts when the signature covers both
 * List-Unsubscribe and List-Unsubscribe-Post, so the list is stated here rather than inherited
 * from a dependency that may change it. Fields a message lacks are left out of `h=` by the signer.
 */
export const DKIM_SIGNED_HEADERS = [
  'From', 'Sender', 'Reply-To', 'Subject', 'Date', 'Message-ID', 'To', 'Cc', 'MIME-Version',
  'Content-Type', 'Content-Transfer-Encoding', 'In-Reply-To', 'References',
  'List-Id', 'List-Unsubscribe', 'List-Unsubscribe-Post', 'Feedback-ID', 'X-Tailor-Message', 'Precedence',
].join(':');

/** DKIM settings for nodemailer (its `dkim` option), the key already read as PEM text. */
export interface DkimSettings {
  domainName: string;
  keySelector: string;
  privateKey: string;
}

/**
 * nodemailer's `dkim` option. The key is parsed once here: given as PEM text, the signer would
 * parse it again for every message, which costs three times the RSA signature itself.
 */
export const dkimOptions = (d: DkimSettings) => ({ ...d, privateKey: createPrivateKey(d.privateKey), headerFieldNames: DKIM_SIGNED_HEADERS });

/** The id as stored (no angle brackets), whichever form was given. */
export const bareMessageId = (id: string): string => id.trim().replace(/^<|>$/g, '');

/** The fields of a nodemailer message (transport or MailComposer) for one outgoing message. */
export function mailFields(m: OutgoingMessage) {
  return {
    messageId: `<${bareMessageId(m.messageId)}>`,
    from: m.from,
    ...(m.replyTo ? { replyTo: m.replyTo } : {}),
    to: m.to,
    subject: m.subject,
    html: m.html,
    text: m.text,
    headers: { ...m.headers },
    // Without this nodemailer would pick quoted-printable or base64 per part on its own anyway;
    // stated so the .eml and the SMTP copy are built the same way.
    textEncoding: 'quoted-printable' as const,
  };
}
