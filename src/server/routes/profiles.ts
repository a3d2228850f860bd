import type { FastifyInstance, FastifyRequest } from 'fastify';
import { TailorError } from '../../core/errors.ts';
import type { ProfileQueriesPort } from '../../core/profiles/ports.ts';
import { textIssue } from '../../core/schemas/safe-text.ts';
import { pathIssue } from '../../core/schemas/segment-rule.ts';
import { requireRole, type AuthKeys } from '../auth.ts';
import { intParam } from '../params.ts';

export type ProfileService = Pick<ProfileQueriesPort, 'resolve' | 'get' | 'list' | 'history'>;

/** Admin read API over profiles. */
export function profileRoutes(app: FastifyInstance, svc: ProfileService, keys: AuthKeys): void {
  const admin = { preValidation: async (req: FastifyRequest) => void requireRole(req, keys, 'admin') };

  const load = async (ref: Parameters<ProfileService['resolve']>[0]) => {
    const id = await svc.resolve(ref);
    const doc = id ? await svc.get(id) : null;
    if (!doc) throw new TailorError('not_found', 'no such profile');
    return doc;
  };

  // `trait.<path>=value` filters by trait equality; `email=` finds the profile with that email.
  app.get('/v1/profiles', admin, async (req) => {
    const q = req.query as Record<string, string | undefined>;
    const traits: Record<string, string> = {};
    for (const [k, v] of Object.entries(q)) {
      if (!k.startsWith('trait.') || k.length <= 6 || typeof v !== 'string') continue;
      // Paths as rules take them; values as ingest stores them (PostgreSQL would drop a NUL, SQLite not).
      const issue = pathIssue(k.slice(6)) ?? textIssue(v);
      if (issue) throw new TailorError('validation_failed', `${k}: ${issue}`, k);
      traits[k.slice(6)] = v;
    }
    return svc.list({ limit: intParam(q.limit, 'limit', 50, 1, 1000), cursor: q.cursor, traits, email: q.email });
  });

  app.get('/v1/profiles/lookup', admin, async (req) => {
    const q = req.query as Record<string, string | undefined>;
    if (!q.email && !q.userId && !q.anonymousId) throw new TailorError('missing_field', 'give email, userId or anonymousId', 'email');
    return load({ email: q.email, userId: q.userId, anonymousId: q.anonymousId });
  });

  app.get('/v1/profiles/:id', admin, async (req) => {
    const { id } = req.params as { id: string };
    return load({ id });
  });

  app.get('/v1/profiles/:id/history', admin, async (req) => {
    const { id } = req.params as { id: string };
    const q = req.query as Record<string, string | undefined>;
    const live = await svc.resolve({ id });
    if (!live) throw new TailorError('not_found', 'no such profile');
    const cursor = q.cursor === undefined ? undefined : intParam(q.cursor, 'cursor', 0, 0, Number.MAX_SAFE_INTEGER);
    return { profileId: live, ...(await svc.history(live, { limit: intParam(q.limit, 'limit', 100, 1, 1000), cursor })) };
  });
}
