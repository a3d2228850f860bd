import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TransactionalSender } from '../../core/campaigns/transactional.ts';
import { requireRole, type AuthKeys } from '../auth.ts';
import { jsonBody as body } from '../params.ts';

export type MessageRoutesService = Pick<TransactionalSender, 'send' | 'status'>;

/**
 * Transactional messages: one message now, exactly once per idempotency key. A new message is
 * 202 (queued, the send loop sends it); a repeated key is 200 with `duplicate: true` and the
 * first message's status.
 */
export function messageRoutes(app: FastifyInstance, svc: MessageRoutesService, keys: AuthKeys): void {
  const admin = { preValidation: async (req: FastifyRequest) => void requireRole(req, keys, 'admin') };
  app.post('/v1/messages', admin, async (req, reply) => {
    const r = await svc.send(body(req));
    return reply.status(r.duplicate ? 200 : 202).send(r);
  });
  app.get('/v1/messages/:messageId', admin, async (req) => svc.status((req.params as { messageId: string }).messageId));
}
