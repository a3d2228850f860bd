import type { RenderedMessage } from '../content/render.ts';
import { messageIdToken } from './message-id.ts';
import type { CampaignRecord, OutgoingMessage, SendRow } from './ports.ts';

export interface ComposeDeps {
  /** The sender when a campaign names none (config `from`). */
  defaultFrom: string;
  /** List-Unsubscribe and List-Unsubscribe-Post for this recipient and campaign (RFC 8058). */
  listUnsubscribe: (profileId: string, campaignId: string) => Record<string, string>;
}

/** "Name <a@b>" or "a@b" → its address. */
export const addressOf = (mailbox: string): string => /<([^<>]+)>\s*$/.exec(mailbox)?.[1] ?? mailbox.trim();

/** A display name in a From header: quoted when it has specials (RFC 5322 §3.2.3), CR/LF removed. */
function withName(name: string, address: string): string {
  const clean = name.replace(/[\r\n]+/g, ' ').trim();
  if (!clean) return address;
  return /^[\w !#$%&'*+\-/=?^`{|}~]+$/.test(clean) ? `${clean} <${address}>` : `"${clean.replace(/["\\]/g, '\\$&')}" <${address}>`;
}

/**
 * The message a transport sends: the campaign's (or arm's) sender, the rendered parts, and the
 * headers every marketing message carries: the one-click unsubscribe pair (RFC 8058), a
 * `Feedback-ID` (campaign:step:message token:tailor, the form Gmail's feedback loop reports by)
 * and `X-Tailor-Message`, so that a bounce or complaint whose recipient is redacted still maps
 * back to its send. Transactional mail (receipts, confirmations) carries no List-Unsubscribe:
 * there is nothing to unsubscribe from.
 */
export function composeMessage(d: ComposeDeps, c: CampaignRecord, row: Pick<SendRow, 'profileId' | 'step' | 'messageId'>,
  rendered: { message: RenderedMessage; fromName: string | undefined }, to: string): OutgoingMessage {
  const from = c.spec.from ?? d.defaultFrom;
  const headers: Record<string, string> = {
    'Feedback-ID': `${c.id.slice(0, 20)}:${row.step}:${messageIdToken(row.messageId)}:tailor`,
    'X-Tailor-Message': row.messageId,
  };
  if (c.kind !== 'transactional') {
    Object.assign(headers, d.listUnsubscribe(row.profileId, c.id));
    headers.Precedence = 'bulk';
  }
  const m = rendered.message;
  return {
    messageId: row.messageId,
    from: rendered.fromName ? withName(rendered.fromName, addressOf(from)) : from,
    ...(c.spec.replyTo ? { replyTo: c.spec.replyTo } : {}),
    to,
    subject: m.subject,
    html: m.html,
    text: m.text,
    headers,
  };
}
