import { TailorError } from '../errors.ts';
import type { ProfileQueriesPort } from '../profiles/ports.ts';
import type { SegmentQueriesPort } from '../segments/queries.ts';
import { recipientLinks } from './links.ts';
import type { RecommendationsReader } from './recommendations/recs-service.ts';
import { renderContext } from './render-context.ts';
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
