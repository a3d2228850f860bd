import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { TailorError } from '../../core/errors.ts';
import type { SegmentEngine } from '../../core/segments/engine.ts';
import type { SegmentQueriesPort } from '../../core/segments/queries.ts';
import { segmentDocument } from '../../core/segments/segment-document.ts';
import { requireRole, type AuthKeys } from '../auth.ts';
import { intParam, jsonBody as body } from '../params.ts';
import { csvLine } from '../../core/csv-line.ts';

export interface SegmentService {
  engine: Pick<SegmentEngine, 'list' | 'get' | 'create' | 'update' | 'remove' | 'recompute' | 'preview' | 'explain'>;
  queries: Pick<SegmentQueriesPort, 'members' | 'allMembers' | 'describe' | 'sizes' | 'profileHistory'>;
  resolveProfile(ref: string): Promise<string | null>;
}

const timeParam = (v: string | undefined, field: string): number | undefined => {
  if (v === undefined || v === '') return undefined;
  const t = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  if (!Number.isFinite(t)) throw new TailorError('invalid_argument', `${field} must be an ISO date or epoch milliseconds`, field);
  return t;
};

/** Admin API over segments: CRUD, preview, members (JSON pages or CSV), size history, explain. */
export function segmentRoutes(app: FastifyInstance, svc: SegmentService, keys: AuthKeys): void {
  const admin = { preValidation: async (req: FastifyRequest) => void requireRole(req, keys, 'admin') };
  const id = (req: FastifyRequest) => (req.params as { id: string }).id;

  app.get('/v1/segments', admin, async () => ({ segments: (await svc.engine.list()).map(segmentDocument) }));

  app.post('/v1/segments', admin, async (req, reply) => {
    const b = body(req);
    const r = await svc.engine.create({ name: b.name as string, description: b.description as string | undefined, rules: b.rules, options: b.options });
    return reply.status(201).send({ ...segmentDocument(r.segment), warnings: r.warnings, computed: r.result });
  });

  app.post('/v1/segments/preview', admin, async (req) => {
    const b = body(req);
    if (b.rules === undefined) throw new TailorError('missing_field', 'rules: give the rule tree to preview', 'rules');
    const r = await svc.engine.preview(b.rules, 20);
    return { count: r.count, sample: await svc.queries.describe(r.sample) };
  });

  app.get('/v1/segments/:id', admin, async (req) => segmentDocument(await svc.engine.get(id(req))));

  const update = async (req: FastifyRequest) => {
    const b = body(req);
    const r = await svc.engine.update(id(req), {
      ...(b.name !== undefined ? { name: b.name as string } : {}),
      ...(b.description !== undefined ? { description: b.description as string | null } : {}),
      ...(b.rules !== undefined ? { rules: b.rules } : {}),
      ...(b.options !== undefined ? { options: b.options } : {}),
    });
    return { ...segmentDocument(r.segment), warnings: r.warnings, computed: r.result ?? null };
  };
  app.patch('/v1/segments/:id', admin, update);
  app.put('/v1/segments/:id', admin, update);

  app.delete('/v1/segments/:id', admin, async (req, reply) => {
    await svc.engine.remove(id(req));
    return reply.status(204).send();
  });

  app.post('/v1/segments/:id/recompute', admin, async (req) => svc.engine.recompute(id(req)));

  app.get('/v1/segments/:id/members', admin, async (req, reply) => {
    const s = await svc.engine.get(id(req));
    const q = req.query as Record<string, string | undefined>;
    if (q.format === 'csv') {
      reply.header('content-type', 'text/csv; charset=utf-8');
      reply.header('content-disposition', `attachment; filename="segment-${s.id}.csv"`);
      return reply.send(Readable.from(csvStream(svc.queries.allMembers(s.id))));
    }
    if (q.format !== undefined && q.format !== 'json') throw new TailorError('invalid_argument', 'format is json or csv', 'format');
    return svc.queries.members(s.id, { limit: intParam(q.limit, 'limit', 100, 1, 1000), cursor: q.cursor });
  });

  app.get('/v1/segments/:id/sizes', admin, async (req) => {
    const s = await svc.engine.get(id(req));
    const q = req.query as Record<string, string | undefined>;
    return { segmentId: s.id, size: s.size, history: await svc.queries.sizes(s.id, { from: timeParam(q.from, 'from'), to: timeParam(q.to, 'to') }) };
  });

  // A profile's memberships, current (exitedAt null) and past, newest first.
  app.get('/v1/profiles/:id/segments', admin, async (req) => {
    const live = await svc.resolveProfile(id(req));
    if (!live) throw new TailorError('not_found', 'no such profile', 'id');
    return { profileId: live, memberships: await svc.queries.profileHistory(live) };
  });

  app.get('/v1/segments/:id/explain/:profileId', admin, async (req) => {
    const { profileId } = req.params as { profileId: string };
    const live = await svc.resolveProfile(profileId);
    if (!live) throw new TailorError('not_found', 'no such profile', 'profileId');
    return svc.engine.explain(id(req), live);
  });
}

async function* csvStream(pages: AsyncIterable<{ profileId: string; userId: string | null; email: string | null; enteredAt: string }[]>) {
  yield csvLine(['profile_id', 'user_id', 'email', 'entered_at']);
  for await (const page of pages) yield page.map((m) => csvLine([m.profileId, m.userId, m.email, m.enteredAt])).join('');
}
