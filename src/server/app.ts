import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { isTailorError } from '../core/errors.ts';
import { checkKeys, createAuthHooks, type AuthKeys } from './auth.ts';
import { clientErrorHandler, frameworkErrors } from './edge-errors.ts';
import { errorBody, STATUS } from './error-map.ts';
import { defaultMaxConnections, DEFAULT_LIMITS, MAX_HEADER_BYTES, type ServerLimits } from './limits.ts';
import { requestGuards } from './request-guards.ts';
import { registerJsonParsers } from './json-body.ts';
import { ingestRoutes, type IngestService } from './routes/ingest.ts';
import { profileRoutes, type ProfileService } from './routes/profiles.ts';
import { qualityRoutes, type QualityService } from './routes/quality.ts';
import { segmentRoutes, type SegmentService } from './routes/segments.ts';
import { experimentRoutes, type ExperimentRoutesService } from './routes/experiments.ts';
import { templateRoutes } from './routes/templates.ts';
import { modelRoutes, type ModelRoutesService } from './routes/models.ts';
import type { TemplateService } from '../core/content/template-service.ts';
import { statusRoutes, type StatusService } from './routes/status.ts';
import { recipientPagesRoutes, type RecipientPagesService } from './routes/recipient-pages.ts';
import { webhookRoutes, type WebhookService } from './routes/webhooks.ts';
import { campaignRoutes, type CampaignRoutesService } from './routes/campaigns.ts';
import { messageRoutes, type MessageRoutesService } from './routes/messages.ts';
import { trackingRoutes, type TrackingRoutesService } from './routes/tracking.ts';
import { browserCors } from './cors.ts';
import { browserSdkRoutes } from './routes/browser-sdk.ts';
import { siteIdentifyRoutes, type SiteIdentifyService } from './routes/site-identify.ts';

export interface AppDeps {
  keys: AuthKeys;
  ingest: IngestService;
  profiles: ProfileService;
  quality: QualityService;
  segments: SegmentService;
  experiments: ExperimentRoutesService;
  templates: TemplateService;
  models: ModelRoutesService;
  status: StatusService;
  /** The public unsubscribe, preferences and view-in-browser pages. */
  pages: RecipientPagesService;
  /** Bounce and complaint webhooks from mail providers (their own authentication). */
  webhooks: WebhookService;
  campaigns: CampaignRoutesService;
  /** Transactional messages (POST /v1/messages). */
  messages: MessageRoutesService;
  /** The open pixel and click redirect (`/t/o/:token`, `/t/c/:token`). */
  tracking: TrackingRoutesService;
  /** The site snippet's identify (a click from an email identifies the browser). */
  site: SiteIdentifyService;
  /** Where browsers reach this server (TAILOR_PUBLIC_URL): the browser SDK's settings point it here. */
  publicUrl: string;
  /** Origins whose pages may call the browser routes (TAILOR_CORS_ORIGINS); none when unset. */
  corsOrigins?: readonly string[] | undefined;
  logger?: Logger | undefined;
  /** Timeouts, the connection cap and rate limits; unset ones take the config's defaults. */
  limits?: Partial<ServerLimits> | undefined;
}

/** Builds the HTTP app. It never listens by itself: `tailor serve` (or a test) does. */
export function buildApp(deps: AppDeps): FastifyInstance {
  checkKeys(deps.keys);
  const limits: ServerLimits = { ...DEFAULT_LIMITS, maxConnections: deps.limits?.maxConnections ?? defaultMaxConnections(), ...deps.limits };
  const timeout = limits.requestTimeoutMs;
  const auth = createAuthHooks(deps.keys);
  const app = Fastify({
    loggerInstance: deps.logger,
    bodyLimit: 512 * 1024,
    return503OnClosing: true,
    // A whole request, headers and body, within the timeout, or a 408 and the connection closed: a
    // client sending a byte a second holds a socket and a descriptor for 30 s at most, not forever
    // (fastify's default is 0, no limit). Node checks open requests every connectionsCheckingInterval
    // (30 s by default, which would double the time), so check at a tenth of the timeout.
    requestTimeout: timeout,
    http: {
      maxHeaderSize: MAX_HEADER_BYTES,
      requestTimeout: timeout,
      headersTimeout: timeout,
      connectionsCheckingInterval: Math.min(2000, Math.max(100, Math.round(timeout / 10))),
    },
    frameworkErrors,
    clientErrorHandler,
    routerOptions: { maxParamLength: 256 }, // ids are at most 256 characters (core/schemas/safe-text.ts MAX_ID_LENGTH)
  }) as unknown as FastifyInstance;

  // Beyond the cap Node closes new connections as they arrive, before they cost a descriptor for long.
  app.server.maxConnections = limits.maxConnections;

  // JSON bodies, also as text/plain (sendBeacon), with a nesting limit.
  registerJsonParsers(app);
  // Before the guards: a preflight carries no key, and a refused browser request still gets its CORS headers.
  void app.register(browserCors, { origins: deps.corsOrigins ?? [] });
  void app.register(requestGuards, { keys: deps.keys, limits, auth });

  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (isTailorError(err)) {
      // Refused before its body was read (no key, a wrong key, a rate limit): close the connection
      // after the answer, rather than read a body no one will use.
      if (req.body === undefined && (req.headers['content-length'] || req.headers['transfer-encoding'])) void reply.header('connection', 'close');
      return reply.status(STATUS[err.code]).send(errorBody(err.code, err.message, err.field));
    }
    const status = err.statusCode ?? 500;
    if (status === 413) return reply.status(413).send(errorBody('payload_too_large', 'the request body is too large'));
    if (status === 415) return reply.status(415).send(errorBody('unsupported_media_type', 'send application/json'));
    // A request whose key was to be in its body, and whose body could not be read: it has no key.
    if (status >= 400 && status < 500 && auth.awaitsBodyKey(req)) return reply.status(401).send(errorBody('unauthorized', 'an API key is required'));
    if (status >= 400 && status < 500) {
      const json = err instanceof SyntaxError || /JSON|FST_ERR_CTP/.test(err.code ?? '') || /JSON/.test(err.message);
      return reply.status(400).send(json ? errorBody('invalid_json', 'the request body is not valid JSON') : errorBody('bad_request', err.message));
    }
    req.log.error({ err }, 'unhandled error');
    return reply.status(500).send(errorBody('internal_error', 'internal error'));
  });
  app.setNotFoundHandler((req, reply) =>
    reply.status(404).send(errorBody('not_found', `no route for ${req.method} ${req.url.split('?')[0]}`)));

  ingestRoutes(app, deps.ingest, deps.keys);
  profileRoutes(app, deps.profiles, deps.keys);
  qualityRoutes(app, deps.quality, deps.keys);
  segmentRoutes(app, deps.segments, deps.keys);
  experimentRoutes(app, deps.experiments, deps.keys);
  templateRoutes(app, deps.templates, deps.keys);
  modelRoutes(app, deps.models, deps.keys);
  statusRoutes(app, deps.status, deps.keys);
  recipientPagesRoutes(app, deps.pages);
  webhookRoutes(app, deps.webhooks);
  campaignRoutes(app, deps.campaigns, deps.keys);
  messageRoutes(app, deps.messages, deps.keys);
  trackingRoutes(app, deps.tracking);
  browserSdkRoutes(app, deps.ingest, deps.keys, deps.publicUrl);
  siteIdentifyRoutes(app, deps.site, deps.publicUrl);
  return app;
}
