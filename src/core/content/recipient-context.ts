import { TailorError } from '../errors.ts';
import type { ProfileQueriesPort } from '../profiles/ports.ts';
import type { SegmentQueriesPort } from '../segments/queries.ts';
import { recipientLinks } from '../tracking/tokens.ts';
import type { RecommendationsReader } from './recommendations/recs-service.ts';
import { renderContext, type ContextProfile } from './render-context.ts';
import type { TemplateDeps } from './template-service.ts';

export interface RecipientContextDeps {
  profiles: Pick<ProfileQueriesPort, 'resolve' | 'get'>;
  segments: Pick<SegmentQueriesPort, 'profileHistory'>;
  recommendations: RecommendationsReader;
  publicUrl: string;
  /** The HMAC secret of recipient links (TAILOR_SECRET, or one generated once and stored). */
  secret: () => Promise<string>;
}

/**
 * Everything a template sees for one recipient: traits, features and scores, current segments,
 * recommendations and signed links (render-context.ts gives it its shape).
 */
export function recipientContext(d: RecipientContextDeps): TemplateDeps['contextFor'] {
  return async (ref, extras) => {
    const id = await d.profiles.resolve({ id: ref });
    const doc = id ? await d.profiles.get(id, 0) : null;
    if (!doc) throw new TailorError('not_found', `no profile '${ref}'`, 'profile');
    const segments = (await d.segments.profileHistory(doc.id)).filter((m) => m.exitedAt === null && m.segmentName).map((m) => m.segmentName!);
    const { hourHistogram: _h, categoryCounts: _c, ...features } = doc.features;
    return renderContext({ id: doc.id, traits: doc.traits, features, segments }, {
      event: extras.event, campaign: extras.campaign,
      // Liquid names are snake_case, as in Shopify's and Braze's templates.
      recommendations: (await d.recommendations.load(doc.id)).map(({ imageUrl, ...p }) => ({ ...p, image_url: imageUrl })),
      links: recipientLinks(d.publicUrl, await d.secret(), doc.id, { campaign: extras.campaign?.id as string | undefined, template: extras.templateId }),
    });
  };
}

/** Many recipients' template-visible data in one go (src/store/content/render-profile-queries.ts). */
export interface RenderProfilesPort {
  /** Live profiles only: an id that is missing or merged away is absent from the map. */
  renderProfiles(profileIds: readonly string[], now: number): Promise<Map<string, ContextProfile>>;
}

/** What recipientContext adds per message: the triggering event, the campaign, the template (for links). */
export type ContextExtras = Parameters<TemplateDeps['contextFor']>[1];

/**
 * The batch form of recipientContext, for the sender: one read for a whole batch of recipients,
 * then each message's context is built from it (same shape as recipientContext's).
 */
export function batchRecipientContexts(d: Omit<RecipientContextDeps, 'profiles' | 'segments'> & { profiles: RenderProfilesPort; now: () => number }) {
  return async (profileIds: readonly string[]): Promise<Map<string, (extras: ContextExtras) => Record<string, unknown>>> => {
    const profiles = await d.profiles.renderProfiles(profileIds, d.now());
    const secret = await d.secret();
    const out = new Map<string, (extras: ContextExtras) => Record<string, unknown>>();
    for (const [id, p] of profiles) {
      const recommendations = (await d.recommendations.load(id)).map(({ imageUrl, ...r }) => ({ ...r, image_url: imageUrl }));
      out.set(id, (extras) => renderContext(p, {
        event: extras.event, campaign: extras.campaign, recommendations,
        links: recipientLinks(d.publicUrl, secret, id, { campaign: extras.campaign?.id as string | undefined, template: extras.templateId }),
      }));
    }
    return out;
  };
}
