import type { FastifyInstance, FastifyRequest } from 'fastify';
import { TailorError } from '../../core/errors.ts';
import { experimentDocument } from '../../core/experiments/document.ts';
import { plan } from '../../core/experiments/power.ts';
import { analyzeCounts, type ExperimentService } from '../../core/experiments/service.ts';
import { parsePlanInput } from '../../core/schemas/experiment.ts';
import { requireRole, type AuthKeys } from '../auth.ts';
import { intParam, jsonBody as body } from '../params.ts';

export type ExperimentRoutesService = Pick<ExperimentService, 'list' | 'get' | 'create' | 'update' | 'remove' | 'start' | 'record' | 'results' | 'decide' | 'sendList'>;

const GROUPS = ['holdout', 'test', 'rest'] as const;

/**
 * Admin API over experiments: CRUD while in draft, start on a segment or a list of profiles,
 * record counts, results (each request is a look), decide, the send list, and two stateless
 * helpers: analyse counts and plan a sample size.
 */
export function experimentRoutes(app: FastifyInstance, svc: ExperimentRoutesService, keys: AuthKeys): void {
  const admin = { preValidation: async (req: FastifyRequest) => void requireRole(req, keys, 'admin') };
  const id = (req: FastifyRequest) => (req.params as { id: string }).id;

  app.get('/v1/experiments', admin, async () => ({ experiments: (await svc.list()).map(experimentDocument) }));

  app.post('/v1/experiments', admin, async (req, reply) => reply.status(201).send(experimentDocument(await svc.create(body(req)))));

  app.post('/v1/experiments/analyze', admin, async (req) => analyzeCounts(body(req)));

  app.post('/v1/experiments/plan', admin, async (req) => plan(parsePlanInput(body(req))));

  app.get('/v1/experiments/:id', admin, async (req) => experimentDocument(await svc.get(id(req))));

  app.put('/v1/experiments/:id', admin, async (req) => experimentDocument(await svc.update(id(req), body(req))));

  // PATCH: the given fields over the current definition.
  app.patch('/v1/experiments/:id', admin, async (req) => {
    const cur = await svc.get(id(req));
    return experimentDocument(await svc.update(cur.id, { ...cur.spec, ...body(req) }));
  });

  app.delete('/v1/experiments/:id', admin, async (req, reply) => {
    await svc.remove(id(req));
    return reply.status(204).send();
  });

  app.post('/v1/experiments/:id/start', admin, async (req) => {
    const b = req.body === undefined || req.body === null ? {} : body(req);
    const ids = b.profileIds;
    if (ids !== undefined && !(Array.isArray(ids) && ids.every((x) => typeof x === 'string'))) {
      throw new TailorError('validation_failed', 'profileIds must be an array of profile ids', 'profileIds');
    }
    const r = await svc.start(id(req), ids as string[] | undefined);
    return { ...experimentDocument(r.experiment), groups: r.groups };
  });

  app.post('/v1/experiments/:id/counts', admin, async (req) => {
    const b = body(req);
    if (b.arms === undefined) throw new TailorError('missing_field', 'arms: give the counts per arm', 'arms');
    return experimentDocument(await svc.record(id(req), b.arms));
  });

  app.get('/v1/experiments/:id/results', admin, async (req) => {
    const q = req.query as { bootstrap?: string; resamples?: string };
    const r = await svc.results(id(req), { bootstrap: q.bootstrap === 'true' || q.bootstrap === '1', resamples: intParam(q.resamples, 'resamples', 2000, 100, 100_000) });
    return { experiment: experimentDocument(r.experiment), source: r.source, results: r.results };
  });

  app.post('/v1/experiments/:id/decide', admin, async (req) => {
    const b = req.body === undefined || req.body === null ? {} : body(req);
    const r = await svc.decide(id(req), b.force === true);
    return { experiment: experimentDocument(r.experiment), decision: r.decision, rolledOut: r.rolledOut, results: r.results };
  });

  app.get('/v1/experiments/:id/assignments', admin, async (req) => {
    const q = req.query as { group?: string; limit?: string; cursor?: string };
    if (q.group !== undefined && !GROUPS.includes(q.group as never)) throw new TailorError('invalid_argument', `group must be one of ${GROUPS.join(', ')}`, 'group');
    return svc.sendList(id(req), { group: q.group as (typeof GROUPS)[number] | undefined, limit: intParam(q.limit, 'limit', 1000, 1, 10_000), cursor: q.cursor });
  });
}
