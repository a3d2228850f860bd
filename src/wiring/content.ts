import { batchRecipientContexts, recipientContext, type FreshScoresPort } from '../core/content/recipient-context.ts';
import { RecsService } from '../core/content/recommendations/recs-service.ts';
import { TemplateService } from '../core/content/template-service.ts';
import type { ProfileQueriesPort } from '../core/profiles/ports.ts';
import type { SegmentQueriesPort } from '../core/segments/queries.ts';
import { createRecommendationsReader } from '../store/content/recs-queries.ts';
import { createRecsStore } from '../store/content/recs-store.ts';
import { createTemplateStore } from '../store/content/template-store.ts';
import { createRenderProfileQueries } from '../store/content/render-profile-queries.ts';
import type { Base } from './base.ts';

/** Templates (rendered with each recipient's context) and recommendations. */
export function wireContent(b: Base, d: { profiles: ProfileQueriesPort; segments: SegmentQueriesPort; secret: () => Promise<string>; scores?: FreshScoresPort }) {
  const scores = d.scores ? { scores: d.scores } : {};
  const lists = createRecommendationsReader(b.db);
  const recs = new RecsService({ store: createRecsStore(b.db), lists, profiles: d.profiles, now: b.now });
  const contextFor = recipientContext({ profiles: d.profiles, segments: d.segments, recommendations: lists, publicUrl: b.config.publicUrl, secret: d.secret, ...scores });
  const templates = new TemplateService({ store: createTemplateStore(b.db), now: b.now, newId: b.newId, contextFor });
  const contextsFor = batchRecipientContexts({ profiles: createRenderProfileQueries(b.db), recommendations: lists, publicUrl: b.config.publicUrl, secret: d.secret, now: b.now, ...scores });
  return { templates, recs, contextFor, contextsFor };
}
