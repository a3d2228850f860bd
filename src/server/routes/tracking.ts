import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { TailorError } from '../../core/errors.ts';
import type { Hit, TrackingService } from '../../core/tracking/tracking-service.ts';

export type TrackingRoutesService = Pick<TrackingService, 'open' | 'click'>;

/** The smallest transparent GIF (1×1, 43 bytes). */
const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

/**
 * Public tracking (DESIGN.md): `GET /t/o/:token`, the open pixel, and `GET /t/c/:token`, the click
 * redirect. No key: the signed token is the authority. A token is longer than the router's
 * parameter limit (it signs the destination URL), so the routes take the rest of the path.
 *
 * The pixel always answers the GIF, whatever the token (a broken image helps no one), and counts
 * only a valid one. The redirect answers 302 to the URL signed in a valid token and 400 to anything
 * else: no part of the request can choose where it goes. HEAD requests (which scanners send) are
 * answered like GET, and the classifier sees the method. Neither answer may be cached anywhere,
 * or a second open would never reach us.
 */
export function trackingRoutes(app: FastifyInstance, svc: TrackingRoutesService): void {
  const config = { config: { auth: 'none' as const, limit: 'tracking' as const } };

  app.get('/t/o/*', config, async (req, reply) => {
    try {
      await svc.open(tokenOf(req), hitOf(req));
    } catch (e) {
      req.log.error({ err: e }, 'open not recorded');
    }
    return noStore(reply).type('image/gif').send(PIXEL);
  });

  app.get('/t/c/*', config, async (req, reply) => {
    const r = await svc.click(tokenOf(req), hitOf(req));
    if (!r.ok) throw new TailorError('invalid_argument', 'this link is not valid: it may have been cut short or changed', 'token');
    return noStore(reply).header('referrer-policy', 'no-referrer').redirect(r.location, 302);
  });
}

const tokenOf = (req: FastifyRequest): string => (req.params as { '*': string })['*'] ?? '';

const hitOf = (req: FastifyRequest): Hit => ({
  userAgent: typeof req.headers['user-agent'] === 'string' ? req.headers['user-agent'].slice(0, 512) : null,
  ip: req.ip ?? null,
  method: req.method === 'HEAD' ? 'HEAD' : 'GET',
});

const noStore = (reply: FastifyReply): FastifyReply =>
  reply.header('cache-control', 'no-store, no-cache, must-revalidate, private, max-age=0').header('pragma', 'no-cache').header('expires', '0');
