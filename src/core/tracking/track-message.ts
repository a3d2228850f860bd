import type { RenderedMessage } from '../content/render.ts';
import { rewriteForTracking } from './link-rewrite.ts';
import { signToken, type TokenClaims } from './tokens.ts';

/** What a campaign asks of tracking (its `tracking` option, schemas/campaign.ts); unset: everything on. */
export interface TrackingSpec { opens: boolean; clicks: boolean; decoy: boolean; utm?: Readonly<Record<string, string>> | undefined }

/** The message being sent: whose it is and where it belongs, for the tokens. */
export interface TrackedSend { profileId: string; campaignId: string; step: number; arm: string | null; messageId: string }

/**
 * A rendered message made ready for tracking: its links through `/t/c/<token>`, the pixel
 * `/t/o/<token>`, each token signed with the secret and carrying profile, campaign, step, arm,
 * message id (and for a click the link id, its destination and the number of links). The
 * recipient pages and Tailor's own tracking URLs are never wrapped.
 */
export function trackMessage(message: RenderedMessage, send: TrackedSend, spec: TrackingSpec | undefined, publicUrl: string, secret: string): RenderedMessage {
  const s = spec ?? { opens: true, clicks: true, decoy: true };
  if (!s.opens && !s.clicks) return message;
  const base = publicUrl.replace(/\/+$/, '');
  const claims: TokenClaims = { p: send.profileId, k: 'open', c: send.campaignId, s: send.step, ...(send.arm ? { a: send.arm } : {}), m: send.messageId };
  const r = rewriteForTracking(message.html, message.text, {
    click: (l, u, n) => `${base}/t/c/${signToken({ ...claims, k: 'click', l, u, n }, secret)}`,
    open: () => `${base}/t/o/${signToken(claims, secret)}`,
  }, { opens: s.opens, clicks: s.clicks, decoy: s.decoy, utm: s.utm, skipPrefixes: [`${base}/u/`, `${base}/v/`, `${base}/t/`] });
  return { ...message, html: r.html, text: r.text };
}
