import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { TailorError } from '../core/errors.ts';
import { createAuthHooks, headerKey, neededRole, roleOf, type AuthKeys } from './auth.ts';
import type { ServerLimits } from './limits.ts';

/**
 * What every request passes before its route: security headers (helmet), the key check (before
 * the body is read, server/auth.ts), rate limits, and `Cache-Control: no-store` on the API. A
 * plugin without encapsulation (fastify-plugin), so its hooks are the root's and apply to every
 * route, those added after it included.
 */
export const requestGuards = fp(async (app: FastifyInstance, opts: { keys: AuthKeys; limits: ServerLimits; auth: ReturnType<typeof createAuthHooks> }) => {
  await app.register(helmet, {
    // The page at `/` and the dashboard to come are the only HTML: scripts and styles from this
    // origin only (inline styles allowed: the status page has one), never framed by anyone.
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"], baseUri: ["'self'"], formAction: ["'self'"], frameAncestors: ["'none'"], objectSrc: ["'none'"],
        scriptSrc: ["'self'"], styleSrc: ["'self'", "'unsafe-inline'"], imgSrc: ["'self'", 'data:'], upgradeInsecureRequests: null,
      },
    },
    xFrameOptions: { action: 'deny' },
    // HSTS belongs to whatever terminates TLS in front of Tailor; over plain HTTP browsers ignore it.
    strictTransportSecurity: false,
  });
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_req, ctx) => new TailorError('rate_limited', `too many requests: retry in ${ctx.after}`),
  });

  app.addHook('onRequest', opts.auth.onRequest);

  // Ingest is counted per key (all senders with the write key share it), or per IP address when the
  // key is to come from the body; the public pages per IP address. Admin routes are not limited.
  const perKey = (req: FastifyRequest) => {
    const role = roleOf(headerKey(req), opts.keys);
    return role ? `key:${role}` : `ip:${req.ip}`;
  };
  const { ingestPerMinute, publicPerMinute, trackingPerMinute } = opts.limits;
  const ingest = ingestPerMinute > 0 ? app.rateLimit({ max: ingestPerMinute, timeWindow: 60_000, keyGenerator: perKey }) : undefined;
  const pub = publicPerMinute > 0 ? app.rateLimit({ max: publicPerMinute, timeWindow: 60_000 }) : undefined;
  const tracking = trackingPerMinute > 0 ? app.rateLimit({ max: trackingPerMinute, timeWindow: 60_000 }) : undefined;
  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    if (!req.routeOptions.url) return;
    const needed = neededRole(req);
    const limiter = needed === 'write' ? ingest : needed !== undefined ? undefined : req.routeOptions.config?.limit === 'tracking' ? tracking : pub;
    if (limiter) await limiter.call(app, req, reply);
  });

  app.addHook('preValidation', opts.auth.preValidation);

  // Answers under /v1 are about people (profiles, segment members) or the account: no cache,
  // shared or private, may keep them.
  app.addHook('onSend', async (req, reply) => {
    if (req.url.startsWith('/v1/') && !reply.hasHeader('cache-control')) void reply.header('cache-control', 'no-store');
  });
}, { name: 'tailor-request-guards' });
