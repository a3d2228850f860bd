import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { QualityReport } from '../../core/status/ports.ts';
import { requireRole, type AuthKeys } from '../auth.ts';
import { intParam } from '../params.ts';

export interface QualityService { report(recent: number): Promise<QualityReport> }

export function qualityRoutes(app: FastifyInstance, svc: QualityService, keys: AuthKeys): void {
  app.get('/v1/quality', { preValidation: async (req: FastifyRequest) => void requireRole(req, keys, 'admin') }, async (req) => {
    const q = req.query as Record<string, string | undefined>;
    return svc.report(intParam(q.recent, 'recent', 20, 0, 1000));
  });
}
