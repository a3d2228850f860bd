import type { FastifyInstance } from 'fastify';
import type { VisitorIdentified } from '../../core/tracking/site-visitor.ts';
import { siteSnippet } from '../site-snippet.ts';

export interface SiteIdentifyService {
  /** Verifies `{token, anonymousId}` and ties the anonymous id to the token's recipient (core/tracking/site-visitor.ts). */
  identifyVisitor(body: unknown): Promise<VisitorIdentified>;
}

/** `{token, anonymousId}`: a token is a few hundred bytes. */
const IDENTIFY_BODY_LIMIT = 8 * 1024;
/** The snippet changes only with a new Tailor: an hour in caches, and a day of stale copies while one revalidates. */
const SNIPPET_CACHE = 'public, max-age=3600, stale-while-revalidate=86400';

/**
 * The site half of "a click from an email identifies the browser": `GET /t/tailor.js`, the snippet
 * a site loads beside analytics.js, and `POST /t/i`, where it posts the click's `_tailor` token
 * with the browser's anonymous id. No key (the signed, short-lived token is the authority);
 * rate-limited per IP address like every public route (request-guards.ts); CORS for the configured
 * origins (server/cors.ts).
 */
export function siteIdentifyRoutes(app: FastifyInstance, svc: SiteIdentifyService, publicUrl: string): void {
  const none = { config: { auth: 'none' as const } };
  const snippet = siteSnippet(publicUrl);

  app.get('/t/tailor.js', none, async (_req, reply) => reply
    .type('application/javascript; charset=utf-8')
    .header('cache-control', SNIPPET_CACHE)
    // Loaded by a <script> on the site's own origin: helmet's default (same-origin) would block it.
    .header('cross-origin-resource-policy', 'cross-origin')
    .send(snippet));

  app.post('/t/i', { ...none, bodyLimit: IDENTIFY_BODY_LIMIT }, async (req, reply) => {
    const r = await svc.identifyVisitor(req.body);
    void reply.header('cache-control', 'no-store');
    return { success: true, userId: r.userId };
  });
}
