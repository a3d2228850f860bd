import type { FastifyInstance } from 'fastify';
import { TailorError } from '../../core/errors.ts';
import { MAX_MESSAGE_BYTES, validateMessage } from '../../core/ingest/validate-message.ts';
import type { MessageType } from '../../core/schemas/segment-message.ts';
import { roleOf, type AuthKeys } from '../auth.ts';
import { ingestBatch, MAX_BATCH_BYTES, type IngestService } from './ingest.ts';


/**
 * The short paths of Segment's browser SDK (analytics-next posts to `${apiHost}/${type[0]}`,
 * plugins/segmentio/index.ts): `/v1/t`, `/v1/i`, … and `/v1/b` for its batching dispatcher.
 */
export const SHORT_ROUTES: Record<string, MessageType> = { t: 'track', i: 'identify', p: 'page', s: 'screen', g: 'group', a: 'alias' };

/**
 * What the official browser SDK needs from Segment, answered by Tailor: its short ingest routes
 * and its settings (`GET /v1/projects/:writeKey/settings`, which analytics-next fetches from its
 * `cdnURL`). The SDK sends JSON as `text/plain` (the app parses it as JSON: json-body.ts) with the
 * write key both as HTTP Basic and as `writeKey` in the body; either is accepted, by the app's
 * auth hooks, exactly as on the long routes, with the same validation and error bodies.
 */
export function browserSdkRoutes(app: FastifyInstance, svc: IngestService, keys: AuthKeys, publicUrl: string): void {
  const write = { config: { auth: 'write' as const } };

  for (const [letter, type] of Object.entries(SHORT_ROUTES)) {
    app.post(`/v1/${letter}`, { bodyLimit: MAX_MESSAGE_BYTES, ...write }, async (req) => {
      const m = validateMessage(req.body, type, { receivedAt: svc.now(), newMessageId: svc.newMessageId, source: 'api' });
      await svc.ingest([m]);
      return { success: true };
    });
  }

  // The same as POST /v1/batch (routes/ingest.ts).
  app.post('/v1/b', { bodyLimit: MAX_BATCH_BYTES, ...write }, async (req) => ingestBatch(req.body, svc));

  const settings = sdkSettings(publicUrl);
  // No key in a header here: the write key is the path (it is public: every page that loads the SDK
  // shows it). Only the write key gets settings; any other path is a 404, as for a project that
  // does not exist. The admin key never is a write key (auth.ts).
  app.get('/v1/projects/:writeKey/settings', { config: { auth: 'none' } }, async (req, reply) => {
    const { writeKey } = req.params as { writeKey: string };
    if (roleOf({ key: writeKey, via: 'basic' }, keys) !== 'write') throw new TailorError('not_found', 'no project with this write key', 'writeKey');
    // Pages fetch this on every load; a minute of caching spares most requests and lets a change show soon.
    void reply.header('cache-control', 'public, max-age=60');
    return settings(writeKey);
  });
}

/**
 * The settings document analytics-next reads at load (browser/settings.ts CDNSettings): only the
 * Segment.io destination, pointed at this server; no device-mode destinations, middleware or
 * remote plugins, so the SDK loads no further bundles; its metrics sampling off, so it posts
 * nothing to Segment's own API.
 */
function sdkSettings(publicUrl: string) {
  const u = new URL(publicUrl);
  const apiHost = `${u.host}${u.pathname.replace(/\/+$/, '')}/v1`;
  const protocol = u.protocol === 'http:' ? 'http' : 'https';
  return (writeKey: string) => ({
    integrations: {
      'Segment.io': {
        apiKey: writeKey, apiHost, protocol,
        unbundledIntegrations: [], addBundledMetadata: true, maybeBundledConfigIds: {},
        versionSettings: { version: '4.4.7', componentTypes: ['browser'] },
      },
    },
    plan: {
      track: { __default: { enabled: true, integrations: {} } },
      identify: { __default: { enabled: true } },
      group: { __default: { enabled: true } },
    },
    edgeFunction: {},
    analyticsNextEnabled: true,
    middlewareSettings: {},
    enabledMiddleware: {},
    metrics: { sampleRate: 0 },
    legacyVideoPluginsEnabled: false,
    remotePlugins: [],
  });
}
