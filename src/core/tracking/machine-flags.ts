import { cidrMatcher, parseIp, type Ip } from './ip-ranges.ts';
import {
  APPLE_MPP_AGENT, APPLE_NETWORKS, AUTOMATION_AGENTS, CRAWLER_AGENTS, firstMatch, GATEWAY_NETWORKS, MICROSOFT_FILTER_NETWORKS,
  READING_PROXY_AGENTS, SCANNER_AGENTS,
} from './known-agents.ts';

/**
 * Machine opens and bot clicks (issue 15): whether a tracking hit was a person, from documented
 * signals only, with every signal that fired named in the verdict so a report can say why. Pure:
 * the tracking service passes the hit and the earlier hits on the same message.
 *
 * Reasons:
 * - opens: `apple_mpp_agent`, `apple_network`, `scanner_agent`, `automation_agent`, `crawler_agent`,
 *   `no_agent`, `scanner_network`, `head_request`, `soon_after_delivery`;
 * - clicks: the same agent reasons plus `bare_agent`, and `decoy_link`, `near_decoy`, `link_burst`,
 *   `scanner_network`, `head_request`, `soon_after_delivery`.
 */
export interface PriorHit { at: number; kind: 'open' | 'click'; linkId?: string; machine: boolean }
export interface OpenHit {
  at: number; userAgent: string | null; ip: string | null; method: 'GET' | 'HEAD'; deliveredAt: number | null;
  /** earlier hits on the same message, oldest first */
  prior: PriorHit[];
}
export interface ClickHit extends OpenHit {
  linkId: string;
  /** tracked links in the message, the decoy excluded */
  linkCount: number;
}
export interface Verdict { machine: boolean; reasons: string[] }

/** The link id of the invisible link send-time rewriting adds to each message. */
export const DECOY_LINK_ID = 'decoy';

/**
 * An open this soon after delivery is a prefetch. A person's open needs the receiving server to file
 * the message, the client to sync it (push or IDLE: seconds), the person to notice and open it;
 * prefetching proxies and gateways fetch in the same second the message lands (listmonk#1025: half of
 * the opens "within a minute", most at once). 5 s keeps the rare person who is watching the inbox
 * mostly out, and clearedByLaterHuman gives such a person back if they then click.
 */
export const OPEN_SOON_MS = 5_000;

/**
 * A click this soon after delivery is a scanner. Scanners follow links while the message is being
 * delivered or just after (resend/resend-node#901, gophish#973: clicks within one or two seconds of
 * the send, sometimes before the receiving server has even accepted the message, hence any negative
 * gap counts too). A person must also open the message and read to the link: the fastest plausible
 * path, someone waiting for a confirmation email, takes about ten seconds, so 10 s.
 */
export const CLICK_SOON_MS = 10_000;

/** Every link of a message clicked within this span is a scanner following all links (issue 15). */
export const BURST_MS = 1_000;

/** A click this soon after a decoy click on the same message is the same scanner's pass. */
export const NEAR_DECOY_MS = 10_000;

const isApple = cidrMatcher(APPLE_NETWORKS.cidrs);
const isGateway = cidrMatcher(GATEWAY_NETWORKS.cidrs);
const isMicrosoftFilter = cidrMatcher(MICROSOFT_FILTER_NETWORKS.cidrs);
const addr = (ip: string | null): Ip | null => (ip ? parseIp(ip) : null);

/** Reasons from the user agent that apply to both kinds of hit. */
function agentReasons(ua: string | null, reasons: string[]): void {
  const agent = ua?.trim() ?? '';
  if (agent === '') { reasons.push('no_agent'); return; }
  if (firstMatch(agent, SCANNER_AGENTS)) reasons.push('scanner_agent');
  if (firstMatch(agent, AUTOMATION_AGENTS)) reasons.push('automation_agent');
  if (firstMatch(agent, CRAWLER_AGENTS)) reasons.push('crawler_agent');
}

const soon = (h: OpenHit, ms: number): boolean => h.deliveredAt !== null && h.at - h.deliveredAt < ms;

export function classifyOpen(h: OpenHit): Verdict {
  const reasons: string[] = [];
  const ua = h.userAgent?.trim() ?? '';
  const ip = addr(h.ip);
  if (APPLE_MPP_AGENT.test(ua)) reasons.push('apple_mpp_agent');
  if (isApple(ip)) reasons.push('apple_network');
  agentReasons(h.userAgent, reasons);
  // Gateways only; Microsoft's filtering blocks are left out for opens (see known-agents.ts).
  if (isGateway(ip)) reasons.push('scanner_network');
  if (h.method === 'HEAD') reasons.push('head_request');
  // A reading proxy (Gmail's, Yahoo's) fetches because a person opened the message, however soon.
  if (soon(h, OPEN_SOON_MS) && !firstMatch(ua, READING_PROXY_AGENTS)) reasons.push('soon_after_delivery');
  return { machine: reasons.length > 0, reasons };
}

export function classifyClick(h: ClickHit): Verdict {
  const reasons: string[] = [];
  const ua = h.userAgent?.trim() ?? '';
  // No browser sends the bare `Mozilla/5.0`; a click with it is a script (or MPP-style stripping).
  if (APPLE_MPP_AGENT.test(ua)) reasons.push('bare_agent');
  agentReasons(h.userAgent, reasons);
  if (h.linkId === DECOY_LINK_ID) reasons.push('decoy_link');
  const clicks = h.prior.filter((p) => p.kind === 'click');
  if (h.linkId !== DECOY_LINK_ID && clicks.some((p) => p.linkId === DECOY_LINK_ID && h.at - p.at >= 0 && h.at - p.at <= NEAR_DECOY_MS)) {
    reasons.push('near_decoy');
  }
  if (isBurst(h, clicks)) reasons.push('link_burst');
  const ip = addr(h.ip);
  if (isGateway(ip) || isMicrosoftFilter(ip)) reasons.push('scanner_network');
  if (h.method === 'HEAD') reasons.push('head_request');
  if (soon(h, CLICK_SOON_MS)) reasons.push('soon_after_delivery');
  return { machine: reasons.length > 0, reasons };
}

/**
 * Whether this click completes "every link clicked within a second": the distinct real links
 * clicked in the BURST_MS up to now, this one included, cover all `linkCount` links. A message with
 * a single link never bursts (one click on it is what a person does).
 */
function isBurst(h: ClickHit, clicks: readonly PriorHit[]): boolean {
  if (h.linkCount < 2 || h.linkId === DECOY_LINK_ID) return false;
  const links = new Set([h.linkId]);
  for (const p of clicks) {
    if (p.linkId !== undefined && p.linkId !== DECOY_LINK_ID && h.at - p.at >= 0 && h.at - p.at <= BURST_MS) links.add(p.linkId);
  }
  return links.size >= h.linkCount;
}

/** Reasons that rest on timing alone: a person's later click on the message proves they were that open. */
const TIMING_ONLY = new Set(['soon_after_delivery']);

/** Whether a machine verdict on an open rests only on timing, so a later human click on the same message should clear it. */
export function clearedByLaterHuman(reasons: readonly string[]): boolean {
  return reasons.length > 0 && reasons.every((r) => TIMING_ONLY.has(r));
}
