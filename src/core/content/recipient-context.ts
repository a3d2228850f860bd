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
  /** Fresh model scores for recipients whose features changed since the last scoring run (absent: stored scores as they are). */
  scores?: FreshScoresPort;
}

/**
 * Model scores recomputed for the profiles whose features changed after the scoring run that
 * stored them (src/core/ml/predict/live-scoring.ts): a recipient who just ordered is not sent the
 * "we miss you" block on last week's churn risk. Unchanged profiles are absent from the map.
 */
export interface FreshScoresPort {
  fresh(profiles: readonly ContextProfile[]): Promise<Map<string, Record<string, number | null>>>;
}

/** The profile with its fresh scores in place of the stored ones. */
const withScores = (p: ContextProfile, fresh: Record<string, number | null> | undefined): ContextProfile =>
  (fresh ? { ...p, features: { ...p.features, ...fresh } } : p);

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
    const p: ContextProfile = { id: doc.id, traits: doc.traits, features, segments };
    const fresh = d.scores ? (await d.scores.fresh([p])).get(p.id) : undefined;
    return renderContext(withScores(p, fresh), {
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
    // One registry read and one feature-time read for the batch; only changed recipients are re-scored.
    const fresh = d.scores && profiles.size ? await d.scores.fresh([...profiles.values()]) : new Map<string, Record<string, number | null>>();
    const out = new Map<string, (extras: ContextExtras) => Record<string, unknown>>();
    for (const [id, stored] of profiles) {
      const p = withScores(stored, fresh.get(id));
      const recommendations = (await d.recommendations.load(id)).map(({ imageUrl, ...r }) => ({ ...r, image_url: imageUrl }));
      out.set(id, (extras) => renderContext(p, {
        event: extras.event, campaign: extras.campaign, recommendations,
        links: recipientLinks(d.publicUrl, secret, id, { campaign: extras.campaign?.id as string | undefined, template: extras.templateId }),
      }));
    }
    return out;
  };
}
