import type { FastifyInstance, FastifyRequest } from 'fastify';
import { campaignDocument, sendDocument } from '../../core/campaigns/campaign-document.ts';
import type { CampaignService } from '../../core/campaigns/campaign-service.ts';
import type { ExplainDocument } from '../../core/campaigns/explain.ts';
import { SEND_STATES, type CampaignRecord, type SendState } from '../../core/campaigns/ports.ts';
import { TailorError } from '../../core/errors.ts';
import { normalizeEmail } from '../../core/identity/email.ts';
import { requireRole, type AuthKeys } from '../auth.ts';
import { intParam, jsonBody as body } from '../params.ts';

export interface CampaignRoutesService {
  campaigns: Pick<CampaignService, 'list' | 'get' | 'create' | 'update' | 'remove' | 'launch' | 'pause' | 'resume' | 'cancel' | 'counts' | 'sends' | 'scheduleAt'>;
  explain: (c: CampaignRecord, profileRef: string) => Promise<ExplainDocument>;
  testSend: (c: CampaignRecord, to: string, profileRef?: string) => Promise<{ profileId: string; messageId: string; response: string }>;
  /** The report (core/tracking/campaign-report.ts): send states, human and raw engagement, attribution. */
  report: (c: CampaignRecord) => Promise<unknown>;
}

const text = (v: unknown, field: string, required: boolean): string | undefined => {
  if (v === undefined || v === null || v === '') {
    if (required) throw new TailorError('missing_field', `${field} is required`, field);
    return undefined;
  }
  if (typeof v !== 'string') throw new TailorError('validation_failed', `${field} must be a string`, field);
  return v;
};

/**
 * Admin API over campaigns: CRUD of drafts, the state changes (launch, schedule, pause, resume,
 * cancel), a test send, the send rows, the report and explain for one person.
 */
export function campaignRoutes(app: FastifyInstance, svc: CampaignRoutesService, keys: AuthKeys): void {
  const admin = { preValidation: async (req: FastifyRequest) => void requireRole(req, keys, 'admin') };
  const c = svc.campaigns;
  const id = (req: FastifyRequest) => (req.params as { id: string }).id;
  const withCounts = async (r: CampaignRecord) => campaignDocument(r, await c.counts(r));

  app.get('/v1/campaigns', admin, async () => ({ campaigns: (await c.list()).map((r) => campaignDocument(r)) }));
  app.post('/v1/campaigns', admin, async (req, reply) => reply.status(201).send(await withCounts(await c.create(body(req)))));
  app.get('/v1/campaigns/:id', admin, async (req) => withCounts(await c.get(id(req))));
  app.patch('/v1/campaigns/:id', admin, async (req) => withCounts(await c.update(id(req), body(req))));
  app.delete('/v1/campaigns/:id', admin, async (req, reply) => {
    await c.remove(id(req));
    return reply.status(204).send();
  });

  app.post('/v1/campaigns/:id/launch', admin, async (req) => withCounts(await c.launch(id(req))));
  app.post('/v1/campaigns/:id/pause', admin, async (req) => withCounts(await c.pause(id(req))));
  app.post('/v1/campaigns/:id/resume', admin, async (req) => withCounts(await c.resume(id(req))));
  app.post('/v1/campaigns/:id/cancel', admin, async (req) => {
    const r = await c.cancel(id(req));
    return { ...(await withCounts(r.campaign)), cancelledSends: r.cancelled };
  });
  app.post('/v1/campaigns/:id/schedule', admin, async (req) => {
    const at = text(body(req).at, 'at', true)!;
    return withCounts(await c.scheduleAt(id(req), at));
  });

  app.post('/v1/campaigns/:id/test', admin, async (req) => {
    const b = body(req);
    const to = normalizeEmail(text(b.to, 'to', true));
    if (!to.ok) throw new TailorError('validation_failed', `to: ${to.reason}`, 'to');
    const r = await svc.testSend(await c.get(id(req)), to.value, text(b.profileId, 'profileId', false));
    return { to: to.value, ...r };
  });

  app.get('/v1/campaigns/:id/sends', admin, async (req) => {
    const q = req.query as { state?: string; limit?: string; after?: string };
    if (q.state !== undefined && !SEND_STATES.includes(q.state as SendState)) {
      throw new TailorError('invalid_argument', `state must be one of ${SEND_STATES.join(', ')}`, 'state');
    }
    const limit = intParam(q.limit, 'limit', 100, 1, 1000);
    const after = q.after === undefined ? undefined : intParam(q.after, 'after', 0, 0, Number.MAX_SAFE_INTEGER);
    const rows = await c.sends(await c.get(id(req)), { limit, after, state: q.state as SendState | undefined });
    // `next`: the `after` of the following page, null on the last one.
    return { sends: rows.map(sendDocument), next: rows.length === limit ? rows[rows.length - 1]!.id : null };
  });

  app.get('/v1/campaigns/:id/report', admin, async (req) => {
    return svc.report(await c.get(id(req)));
  });

  app.get('/v1/campaigns/:id/explain/:profileId', admin, async (req) =>
    svc.explain(await c.get(id(req)), (req.params as { profileId: string }).profileId));
}
