import type { SendMatch } from '../campaigns/report-intake.ts';
import { validateMessage } from '../ingest/validate-message.ts';
import type { Message } from '../schemas/segment-message.ts';
import { anonymizeIp } from './anonymize-ip.ts';
import { EMAIL_LINK_CLICKED, EMAIL_OPENED, type TrackingEventProperties } from './email-event-names.ts';
import { classifyClick, classifyOpen, clearedByLaterHuman, DECOY_LINK_ID, type PriorHit, type Verdict } from './machine-flags.ts';
import { identifyToken, IDENTIFY_PARAM } from './site-identify.ts';
import { verifyToken, type TokenClaims } from './tokens.ts';

/** A request to the pixel or the redirect, as the route saw it. */
export interface Hit { userAgent: string | null; ip: string | null; method: 'GET' | 'HEAD' }

/** A hit recorded on a message, for the classifier's view of what came before. */
export interface HitRecord extends PriorHit { messageId: string; eventId: string; reasons: string[] }

/** The send a hit is about, and how ingest reaches its (live) profile. */
export type TrackedSendMatch = Pick<SendMatch, 'profileId' | 'campaignId' | 'identity' | 'sentAt'>;

/** What the service needs from the store and ingest, declared here by its user. */
export interface TrackingDeps {
  secret(): Promise<string>;
  now(): number;
  newId(): string;
  send(messageId: string): Promise<TrackedSendMatch | null>;
  /** The campaign's name and experiment (cached by the caller: it is read per hit). */
  campaign(id: string): Promise<{ name: string; experiment: string | null } | null>;
  /** Earlier hits on a message, oldest first. */
  hits(messageId: string): Promise<HitRecord[]>;
  recordHit(hit: HitRecord): Promise<void>;
  /** Clears the machine flag of earlier open events (a human click proved a person read the message). */
  clearOpenFlags(eventIds: readonly string[]): Promise<void>;
  /** Tells the segments that follow a profile's events that its opens changed (the cleared flags). */
  opensChanged(profileId: string): void;
  /** The ingest use case: the event lands like any other, with features, segments and consents following it. */
  ingest(messages: Message[]): Promise<unknown>;
  /** IP addresses on events are truncated (IPv4 /24, IPv6 /48) when set. */
  anonymizeIp: boolean;
  /** Whether the redirect adds the site identify parameter (site-identify.ts). */
  identifyOnClick: boolean;
}

export const TRACKING_SOURCE = 'tracking';

export type OpenOutcome = { counted: boolean; verdict?: Verdict };
export type ClickOutcome = { ok: false } | { ok: true; location: string; counted: boolean; verdict?: Verdict };

/**
 * The open pixel and the click redirect (DESIGN.md: `/t/o/:token`, `/t/c/:token`). A hit with a
 * valid token becomes an ordinary `Email Opened` / `Email Link Clicked` event on the recipient's
 * profile, with campaign, step, arm, message and link, the user agent and IP, and the classifier's
 * flags (`machine_open`, `bot`) with its reasons: flagged events stay on the profile as raw counts,
 * and every human number leaves them out.
 *
 * The redirect goes only where the token's signed `u` claim says: nothing in the request (query,
 * headers, path) can change the destination, so it is never an open redirect. A token that does
 * not verify is refused (the route answers 400) and counts nothing. A valid token for a message
 * whose send row is gone (an erased profile) still redirects, and records nothing.
 */
export class TrackingService {
  constructor(private readonly d: TrackingDeps) {}

  async open(token: string, hit: Hit): Promise<OpenOutcome> {
    const c = verifyToken(token, await this.d.secret());
    if (!c || c.k !== 'open' || !c.m) return { counted: false };
    const at = this.d.now();
    const ctx = await this.context(c);
    if (!ctx) return { counted: false };
    const prior = await this.d.hits(c.m);
    const verdict = classifyOpen({ at, userAgent: hit.userAgent, ip: hit.ip, method: hit.method, deliveredAt: ctx.sentAt, prior });
    await this.write(EMAIL_OPENED, c, ctx, hit, at, verdict, undefined);
    return { counted: true, verdict };
  }

  async click(token: string, hit: Hit): Promise<ClickOutcome> {
    const secret = await this.d.secret();
    const c = verifyToken(token, secret);
    if (!c || c.k !== 'click' || !c.m || !c.u || !c.l) return { ok: false };
    const dest = httpUrl(c.u);
    if (!dest) return { ok: false };
    const at = this.d.now();
    const ctx = await this.context(c);
    if (!ctx) return { ok: true, location: dest, counted: false };
    const prior = await this.d.hits(c.m);
    const verdict = classifyClick({
      at, userAgent: hit.userAgent, ip: hit.ip, method: hit.method, deliveredAt: ctx.sentAt, prior, linkId: c.l,
      linkCount: Math.max(1, ctx.linkCount),
    });
    await this.write(EMAIL_LINK_CLICKED, c, ctx, hit, at, verdict, { link_id: c.l, url: c.u });
    // A person clicked: opens flagged only for coming soon after delivery were that person.
    if (!verdict.machine) {
      const cleared = prior.filter((p) => p.kind === 'open' && p.machine && clearedByLaterHuman(p.reasons)).map((p) => p.eventId);
      if (cleared.length) {
        await this.d.clearOpenFlags(cleared);
        this.d.opensChanged(ctx.profileId);
      }
    }
    const location = this.d.identifyOnClick && !verdict.machine && c.l !== DECOY_LINK_ID
      ? withParam(dest, IDENTIFY_PARAM, identifyToken(c.p, secret, at))
      : dest;
    return { ok: true, location, counted: true, verdict };
  }

  private async context(c: TokenClaims) {
    const send = await this.d.send(c.m!);
    // The token names its profile; a send row of another profile means a token minted elsewhere.
    // A profile with no identity left was erased: nothing is recorded about it.
    if (!send || send.profileId !== c.p || !send.identity) return null;
    const campaign = await this.d.campaign(send.campaignId);
    return { ...send, campaign, linkCount: typeof c.n === 'number' ? c.n : 1 };
  }

  private async write(name: string, c: TokenClaims, ctx: NonNullable<Awaited<ReturnType<TrackingService['context']>>>, hit: Hit, at: number,
    verdict: Verdict, link: { link_id: string; url: string } | undefined): Promise<void> {
    const isOpen = name === EMAIL_OPENED;
    const properties: TrackingEventProperties = {
      campaign_id: ctx.campaignId,
      ...(ctx.campaign ? { campaign_name: ctx.campaign.name } : {}),
      step: c.s ?? 0,
      arm: c.a ?? null,
      email_id: c.m!,
      ...(ctx.campaign?.experiment ? { experiment_id: ctx.campaign.experiment } : {}),
      ...link,
      user_agent: hit.userAgent,
      ip: hit.ip && this.d.anonymizeIp ? anonymizeIp(hit.ip) : hit.ip,
      ...(verdict.machine ? (isOpen ? { machine_open: true } : { bot: true }) : {}),
      ...(verdict.reasons.length ? { flag_reasons: verdict.reasons } : {}),
      ...(hit.method === 'HEAD' ? { method: 'HEAD' } : {}),
    } as TrackingEventProperties;
    const eventId = `email-${isOpen ? 'opened' : 'clicked'}:${this.d.newId()}`;
    const identity = ctx.identity!;
    // A profile known only by its address is reached through its email, with an anonymous id derived
    // from it (the same one report-intake.ts uses), since a message needs a user or anonymous id.
    const raw = {
      type: 'track', event: name, messageId: eventId, timestamp: new Date(at).toISOString(),
      ...('email' in identity ? { anonymousId: `email:${identity.email}`, context: { traits: { email: identity.email } } } : identity),
      properties,
    };
    await this.d.ingest([validateMessage(raw, undefined, { receivedAt: at, newMessageId: () => eventId, source: TRACKING_SOURCE })]);
    await this.d.recordHit({
      messageId: c.m!, eventId, at, kind: isOpen ? 'open' : 'click', ...(link ? { linkId: link.link_id } : {}), machine: verdict.machine, reasons: verdict.reasons,
    });
  }
}

/** An http(s) URL as the WHATWG parser writes it (no control characters can reach a header), or null. */
function httpUrl(s: string): string | null {
  try {
    const u = new URL(s);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.toString() : null;
  } catch {
    return null;
  }
}

/** `url` with one query parameter set (any value it had is replaced). */
function withParam(url: string, key: string, value: string): string {
  const u = new URL(url);
  u.searchParams.set(key, value);
  return u.toString();
}
