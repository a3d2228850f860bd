import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { isTailorError } from '../core/errors.ts';
import type { AuthKeys } from './auth.ts';
import { errorBody, STATUS } from './error-map.ts';
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
  logger?: Logger | undefined;
}

/** Builds the HTTP app. It never listens by itself: `tailor serve` (or a test) does. */
export function buildApp(deps: AppDeps): FastifyInstance {
  const app = Fastify({
    loggerInstance: deps.logger,
    bodyLimit: 512 * 1024,
    return503OnClosing: true,
    routerOptions: { maxParamLength: 256 }, // ids are at most 256 characters (core/schemas/safe-text.ts MAX_ID_LENGTH)
  }) as unknown as FastifyInstance;

  // JSON bodies, also as text/plain (sendBeacon), with a nesting limit.
  registerJsonParsers(app);

  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (isTailorError(err)) {
      return reply.status(STATUS[err.code]).send(errorBody(err.code, err.message, err.field));
    }
    const status = err.statusCode ?? 500;
    if (status === 413) return reply.status(413).send(errorBody('payload_too_large', 'the request body is too large'));
    if (status === 415) return reply.status(415).send(errorBody('unsupported_media_type', 'send application/json'));
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
  statusRoutes(app, deps.status);
  return app;
}
