import { signToken, verifyToken, type LinkClaims } from '../tracking/tokens.ts';
import type { TemplateService } from '../content/template-service.ts';
import { TailorError } from '../errors.ts';
import { validateMessage } from '../ingest/validate-message.ts';
import type { ProfileDocument, ProfileQueriesPort } from '../profiles/ports.ts';
import type { Message } from '../schemas/segment-message.ts';
import { MARKETING_PURPOSE, topicPurpose } from './decide-send.ts';
import type { TopicChoice } from './pages-html.ts';

/** What the recipient pages need of the rest of Tailor (wired in src/wiring/campaigns.ts). */
export interface RecipientPagesDeps {
  /** The HMAC secret of recipient links. */
  secret: () => Promise<string>;
  profiles: Pick<ProfileQueriesPort, 'resolve' | 'get'>;
  /** The distinct preference topics of all campaigns. */
  topics: () => Promise<string[]>;
  /** A campaign's name, topic and the template versions it pinned at launch, or null. */
  campaign: (id: string) => Promise<{ id: string; name: string; topic: string | null; pinned: Record<string, number> } | null>;
  templates: Pick<TemplateService, 'get' | 'preview'>;
  /** Ingest (the composition root's): consent changes are events, so features and segments see them. */
  ingest: (messages: Message[]) => Promise<unknown>;
  now: () => number;
  newMessageId: () => string;
}

/** A POST's fields, as the route parsed them from a form (urlencoded or multipart) or an empty body. */
export interface PageForm {
  /** `List-Unsubscribe=One-Click` (RFC 8058): a mailbox provider's button. */
  oneClick: boolean;
  /** The page's buttons: `all`, `topic`, `save`. */
  action?: string | undefined;
  topic?: string | undefined;
  /** Preferences: the topic boxes that were ticked, and the ones the page showed. */
  checked: readonly string[];
  shown: readonly string[];
  /** Preferences: the "marketing email" box. */
  marketing: boolean;
}

export type RecipientPage =
  | { kind: 'unsubscribe'; email: string | null; topic: string | null; preferencesToken: string }
  | { kind: 'preferences'; email: string | null; marketing: boolean; topics: TopicChoice[] };

export type SubmitResult =
  | { kind: 'unsubscribed'; email: string | null; topic: string | null; changed: string[]; preferencesToken: string }
  | { kind: 'saved'; changed: string[]; page: Extract<RecipientPage, { kind: 'preferences' }> }
  /** The profile no longer exists (erased): it gets no mail, so there is nothing to withdraw. */
  | { kind: 'gone' };

/** The event source of what these pages write (it becomes the consent record's source). */
export const PAGES_SOURCE = 'email-link';

const TOPIC = /^[a-z0-9][a-z0-9_-]{0,39}$/;
const TOPIC_PREFIX = topicPurpose('');

/**
 * The pages a recipient reaches from an email: unsubscribe (RFC 8058 one-click, and its
 * confirmation page), preferences, and view in browser. Every link is a signed token
 * (tracking/tokens.ts); a token that does not verify is a 400, whatever else is wrong with it.
 *
 * Reading a page never changes anything (link scanners fetch every GET). A change is an event on
 * the profile (`Unsubscribed`, Segment's email semantic event) carrying Segment's consent object,
 * so ingest updates the consent, the real-time queue updates segments, and the sender's
 * suppression sees it. A POST that would change nothing writes nothing: repeating one is harmless.
 */
export class RecipientPages {
  constructor(private readonly d: RecipientPagesDeps) {}

  /** GET /u/:token: the confirmation page of an unsubscribe link, or the preferences page. */
  async page(token: string): Promise<RecipientPage> {
    const claims = await this.claims(token, ['unsubscribe', 'preferences']);
    const doc = await this.profile(claims.p);
    if (!doc) throw new TailorError('not_found', 'this link leads to no one: the profile was erased', 'token');
    if (claims.k === 'preferences') return this.preferences(doc);
    return { kind: 'unsubscribe', email: emailOf(doc), topic: await this.topicOf(claims.c), preferencesToken: await this.preferencesToken(doc.id, claims.c) };
  }

  /** POST /u/:token: one-click, the unsubscribe page's buttons, or the preferences form. */
  async submit(token: string, form: PageForm): Promise<SubmitResult> {
    const claims = await this.claims(token, ['unsubscribe', 'preferences']);
    const doc = await this.profile(claims.p);
    if (!doc) return { kind: 'gone' };
    const source = form.oneClick || !form.action ? 'one-click' : 'page';

    if (!form.oneClick && form.action === 'save' && claims.k === 'preferences') {
      const known = new Set(await this.topicsFor(doc));
      const ticked = new Set(form.checked);
      const wanted = new Map<string, boolean>([[MARKETING_PURPOSE, form.marketing]]);
      // Only topics the page showed and the server knows: a topic added since the page was shown is left as it is.
      for (const t of new Set(form.shown)) if (known.has(t)) wanted.set(topicPurpose(t), ticked.has(t));
      const changed = await this.record(doc, wanted, claims, { source });
      const after = new Map(Object.entries(doc.consents).map(([p, c]) => [p, c.granted]));
      for (const [p, g] of wanted) after.set(p, g);
      return { kind: 'saved', changed, page: await this.preferences(doc, after) };
    }

    // A topic alone when the POST asks for one (and is not one-click, which is always everything).
    const topicOnly = !form.oneClick && form.action !== 'all' && form.topic !== undefined && form.topic !== '';
    if (topicOnly && !TOPIC.test(form.topic!)) throw new TailorError('validation_failed', 'topic: 1-40 lower-case letters, digits, "_" or "-"', 'topic');
    const topic = topicOnly ? form.topic! : null;
    const wanted = new Map([[topic ? topicPurpose(topic) : MARKETING_PURPOSE, false]]);
    const changed = await this.record(doc, wanted, claims, { source, ...(topic ? { topic } : {}) });
    return { kind: 'unsubscribed', email: emailOf(doc), topic, changed, preferencesToken: await this.preferencesToken(doc.id, claims.c) };
  }

  /** GET /v/:token: the message's HTML as this recipient got it (the template version the campaign pinned). */
  async view(token: string): Promise<{ html: string; subject: string }> {
    const claims = await this.claims(token, ['view']);
    if (!claims.t) throw new TailorError('not_found', 'this link names no message', 'token');
    const id = await this.d.profiles.resolve({ id: claims.p });
    if (!id) throw new TailorError('not_found', 'this message is no longer available', 'profile');
    const campaign = claims.c ? await this.d.campaign(claims.c) : null;
    const { template } = await this.d.templates.get(claims.t);
    const r = await this.d.templates.preview(template.id, id, {
      ...(campaign?.pinned[template.name] !== undefined ? { version: campaign.pinned[template.name] } : {}),
      ...(campaign ? { campaign: { id: campaign.id, name: campaign.name, topic: campaign.topic } } : {}),
    });
    if (!r.ok) throw new TailorError('not_found', 'this message cannot be shown', 'template');
    return { html: r.html, subject: r.subject };
  }

  /** The verified claims of a token of one of `kinds`; anything else is the same 400. */
  private async claims(token: string, kinds: readonly LinkClaims['k'][]): Promise<LinkClaims> {
    const c = verifyToken(token, await this.d.secret()) as Partial<LinkClaims> | null;
    const ok = c !== null && typeof c === 'object' && typeof c.p === 'string' && c.p !== '' && kinds.includes(c.k as LinkClaims['k'])
      && (c.c === undefined || typeof c.c === 'string') && (c.t === undefined || typeof c.t === 'string');
    if (!ok) throw new TailorError('invalid_argument', 'this link is not valid: it may have been cut short or changed', 'token');
    return c as LinkClaims;
  }

  private async profile(ref: string): Promise<ProfileDocument | null> {
    const id = await this.d.profiles.resolve({ id: ref });
    return id ? this.d.profiles.get(id, 0) : null;
  }

  private async topicOf(campaignId: string | undefined): Promise<string | null> {
    return campaignId ? (await this.d.campaign(campaignId))?.topic ?? null : null;
  }

  private async preferencesToken(profileId: string, campaignId: string | undefined): Promise<string> {
    return signToken({ p: profileId, k: 'preferences', ...(campaignId ? { c: campaignId } : {}) }, await this.d.secret());
  }

  /** Campaign topics and any topic the profile has a consent record for. */
  private async topicsFor(doc: ProfileDocument): Promise<string[]> {
    const own = Object.keys(doc.consents).filter((p) => p.startsWith(TOPIC_PREFIX) && p.length > TOPIC_PREFIX.length).map((p) => p.slice(TOPIC_PREFIX.length));
    return [...new Set([...(await this.d.topics()), ...own])].sort();
  }

  private async preferences(doc: ProfileDocument, consents?: Map<string, boolean>): Promise<Extract<RecipientPage, { kind: 'preferences' }>> {
    const granted = (p: string) => consents ? consents.get(p) : doc.consents[p]?.granted;
    return {
      kind: 'preferences',
      email: emailOf(doc),
      // Marketing mail needs the consent granted; a topic is on unless withdrawn.
      marketing: granted(MARKETING_PURPOSE) === true,
      topics: (await this.topicsFor(doc)).map((name) => ({ name, subscribed: granted(topicPurpose(name)) !== false })),
    };
  }

  /**
   * Writes one event carrying the wanted consents, if any differs from what is stored; returns the
   * purposes that changed. Its time is now, or just after the latest stored record of those
   * purposes when that is later (a client's clock ahead of ours): consent is "latest wins", and a
   * click on an unsubscribe link is the latest word.
   */
  private async record(doc: ProfileDocument, wanted: Map<string, boolean>, claims: LinkClaims, props: { source: string; topic?: string }): Promise<string[]> {
    const changed = [...wanted].filter(([p, g]) => doc.consents[p]?.granted !== g).map(([p]) => p);
    if (!changed.length) return [];
    const now = this.d.now();
    let at = now;
    for (const p of wanted.keys()) {
      const prev = doc.consents[p];
      if (prev) at = Math.max(at, Date.parse(prev.updatedAt) + 1);
    }
    const withdrawsOnly = changed.every((p) => wanted.get(p) === false);
    const raw: Record<string, unknown> = {
      type: 'track',
      event: withdrawsOnly ? 'Unsubscribed' : 'Email Preferences Updated',
      messageId: this.d.newMessageId(),
      timestamp: new Date(at).toISOString(),
      ...addressOf(doc),
      properties: {
        ...(claims.c ? { campaign_id: claims.c } : {}),
        ...(props.topic ? { topic: props.topic } : {}),
        source: props.source,
        ...(wanted.size > 1 ? { preferences: Object.fromEntries(wanted) } : {}),
      },
    };
    raw.context = { ...(raw.context as object | undefined), consent: { categoryPreferences: Object.fromEntries(wanted) } };
    await this.d.ingest([validateMessage(raw, undefined, { receivedAt: now, newMessageId: this.d.newMessageId, source: PAGES_SOURCE })]);
    return changed;
  }
}

function emailOf(doc: ProfileDocument): string | null {
  const t = doc.traits.email;
  if (typeof t === 'string' && t.trim() !== '') return t;
  return doc.identities.find((i) => i.kind === 'email')?.value ?? null;
}

/**
 * How a message reaches this profile through ingest, which resolves identities, not profile ids:
 * its user id, else its anonymous id, else its email (with an anonymous id made from the profile
 * id, since a message needs one of the two ids; it resolves to the profile through the email).
 */
function addressOf(doc: ProfileDocument): Record<string, unknown> {
  const user = doc.identities.find((i) => i.kind === 'user_id');
  if (user) return { userId: user.value };
  const anon = doc.identities.find((i) => i.kind === 'anonymous_id');
  if (anon) return { anonymousId: anon.value };
  const email = doc.identities.find((i) => i.kind === 'email')?.value;
  if (email) return { anonymousId: `tailor-profile:${doc.id}`, context: { traits: { email } } };
  throw new TailorError('not_found', 'this profile has no identity to record the change on', 'profile');
}
