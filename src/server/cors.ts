import cors, { type FastifyCorsOptions } from '@fastify/cors';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

/**
 * The routes a page on another origin calls: the browser SDK's short ingest routes and its
 * settings (routes/browser-sdk.ts), and the site snippet's identify (routes/site-identify.ts).
 * Matched on the path, because a preflight `OPTIONS` reaches @fastify/cors's catch-all route, not
 * the route it asks about.
 */
const BROWSER_PATH = /^\/(?:v1\/[tipsgab]|v1\/projects\/[^/]+\/settings|t\/i)$/;

export const isBrowserPath = (url: string): boolean => BROWSER_PATH.test(url.split('?')[0] ?? '');

/**
 * CORS for the browser routes, for the configured origins only (TAILOR_CORS_ORIGINS; none by
 * default). Every other route, the admin API above all, never answers with CORS headers, and a
 * preflight to it is a 404. Registered before the auth and rate-limit hooks (server/app.ts) so that
 * a preflight, which carries no key, is answered first, and so that a refusal (401, 429) of a
 * browser request still carries the headers that let the page's SDK read it.
 */
export const browserCors = fp(async (app: FastifyInstance, opts: { origins: readonly string[] }) => {
  const allowed: FastifyCorsOptions = {
    origin: [...opts.origins],
    methods: ['GET', 'POST'],
    // analytics-next sends its key as HTTP Basic, and X-Retry-Count on a retry (shared-dispatcher.ts).
    allowedHeaders: ['Content-Type', 'Authorization', 'X-Retry-Count'],
    // The SDK honours Retry-After on a 429, which a cross-origin page can read only when exposed.
    exposedHeaders: ['Retry-After'],
    credentials: false,
    maxAge: 600,
  };
  const none: FastifyCorsOptions = { origin: false };
  await app.register(cors, {
    hook: 'onRequest',
    delegator: (req: FastifyRequest, cb: (e: Error | null, o: FastifyCorsOptions) => void) =>
      cb(null, opts.origins.length && isBrowserPath(req.url) ? allowed : none),
  });
}, { name: 'tailor-browser-cors' });
