import type { FastifyInstance, FastifyRequest } from 'fastify';
import { TailorError } from '../../core/errors.ts';
import { parseDate } from '../../core/identity/dates.ts';
import type { ClusterService, ClusterSpecInput } from '../../core/ml/cluster-service.ts';
import type { LiveScoring } from '../../core/ml/predict/live-scoring.ts';
import type { PredictService } from '../../core/ml/predict/service.ts';
import type { PredictSpecInput } from '../../core/ml/predict/spec.ts';
import { modelDocument, type ModelKindName, type RegistryPort } from '../../core/ml/registry.ts';
import { requireRole, type AuthKeys } from '../auth.ts';
import { jsonBody as body } from '../params.ts';

export interface ModelRoutesService {
  predict: Pick<PredictService, 'train' | 'score' | 'model'>;
  cluster: Pick<ClusterService, 'run'>;
  registry: Pick<RegistryPort, 'list' | 'get'>;
  live: Pick<LiveScoring, 'predict'>;
}

/** `asOf` in a body: an ISO-8601 date or date-time, or absent (now). */
function asOfOf(b: Record<string, unknown>): number | undefined {
  if (b.asOf === undefined) return undefined;
  const d = typeof b.asOf === 'string' ? parseDate(b.asOf) : { ok: false as const };
  if (!d.ok) throw new TailorError('validation_failed', 'asOf must be an ISO-8601 date or date-time', 'asOf');
  return d.value;
}

/**
 * Admin API over the model registry: list and show versions, train a predictive model, score with
 * one, run a clustering. Training and clustering run on the model worker thread, so the server
 * keeps answering while they run; the request waits for the result. `predict` scores one profile
 * or one feature vector in-process in about a millisecond, for callers that decide at send time.
 */
export function modelRoutes(app: FastifyInstance, svc: ModelRoutesService, keys: AuthKeys): void {
  const admin = { preValidation: async (req: FastifyRequest) => void requireRole(req, keys, 'admin') };
  const ref = (req: FastifyRequest) => (req.params as { ref: string }).ref;

  app.get('/v1/models', admin, async (req) => {
    const q = req.query as { kind?: string; name?: string };
    if (q.kind !== undefined && q.kind !== 'predict' && q.kind !== 'cluster') throw new TailorError('validation_failed', 'kind must be predict or cluster', 'kind');
    const models = await svc.registry.list({ ...(q.kind ? { kind: q.kind as ModelKindName } : {}), ...(q.name ? { name: q.name } : {}) });
    return { models: models.map(modelDocument) };
  });

  app.get('/v1/models/:ref', admin, async (req) => {
    const m = await svc.registry.get(ref(req));
    if (!m) throw new TailorError('not_found', `no model '${ref(req)}'`, 'model');
    return modelDocument(m);
  });

  app.post('/v1/models/train', admin, async (req, reply) => {
    const { asOf: _a, ...spec } = body(req);
    const m = await svc.predict.train(spec as unknown as PredictSpecInput, asOfOf(body(req)));
    return reply.status(201).send(modelDocument(m));
  });

  app.post('/v1/models/cluster', admin, async (req, reply) => {
    const { asOf: _a, save, ...spec } = body(req);
    if (save !== undefined && typeof save !== 'boolean') throw new TailorError('validation_failed', 'save must be true or false', 'save');
    const asOf = asOfOf(body(req));
    const run = await svc.cluster.run(spec as ClusterSpecInput, { ...(asOf !== undefined ? { asOf } : {}), save: save !== false });
    return reply.status(run.model ? 201 : 200).send({ model: run.model ? modelDocument(run.model) : null, saved: run.saved, ...run.metrics, svg: run.svg });
  });

  app.post('/v1/models/:ref/score', admin, async (req) => {
    const b = req.body === undefined || req.body === null ? {} : body(req);
    const r = await svc.predict.score(ref(req), asOfOf(b));
    return { model: modelDocument(r.model), ...r.run };
  });

  // {profileId} or {features: {name: value, …}} → {model, version, score, …}; see LiveScoring.predict.
  app.post('/v1/models/:ref/predict', admin, async (req) => svc.live.predict(ref(req), req.body ?? null));
}
