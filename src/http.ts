import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { VERSION, type Tailor } from './main.ts';
import { buildApp } from './server/app.ts';
import type { AuthKeys } from './server/auth.ts';

// The HTTP half of the composition root, apart from main.ts so that a CLI command that needs no
// server does not load fastify and every route.

/** Wires the HTTP app over a Tailor instance. */
export function createServer(t: Tailor, keys: AuthKeys, logger?: Logger): FastifyInstance {
  return buildApp({
    keys,
    logger,
    limits: {
      requestTimeoutMs: t.config.requestTimeout * 1000,
      ...(t.config.maxConnections ? { maxConnections: t.config.maxConnections } : {}),
      ingestPerMinute: t.config.rateLimitIngest,
      publicPerMinute: t.config.rateLimitPublic,
      trackingPerMinute: t.config.rateLimitTracking,
    },
    ingest: { ingest: (m) => t.ingest(m), newMessageId: t.newMessageId, now: () => t.clock.now() },
    profiles: t.profiles,
    segments: { engine: t.segments, queries: t.segmentQueries, resolveProfile: (ref) => t.profiles.resolve({ id: ref }) },
    experiments: t.experiments,
    templates: t.templates,
    models: t.models,
    quality: { report: (recent) => t.status.qualityReport(recent) },
    pages: t.campaigns.pages,
    webhooks: t.campaigns.reports,
    campaigns: { campaigns: t.campaigns.campaigns, explain: t.campaigns.explain, testSend: t.campaigns.testSend, report: (c) => t.reports.reports.report(c) },
    messages: t.campaigns.transactional,
    tracking: t.tracking,
    site: t.site,
    publicUrl: t.config.publicUrl,
    corsOrigins: t.config.corsOrigins,
    status: { counts: () => t.status.counts(), ping: () => t.status.ping(), dialect: t.dialect, version: VERSION },
  });
}
