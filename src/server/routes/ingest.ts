import type { FastifyInstance } from 'fastify';
import { TailorError } from '../../core/errors.ts';
import type { IngestResult } from '../../core/ingest/ingest-messages.ts';
import { MAX_MESSAGE_BYTES, validateMessage } from '../../core/ingest/validate-message.ts';
import type { Message, MessageType } from '../../core/schemas/segment-message.ts';
import type { AuthKeys } from '../auth.ts';
import { jsonFitsWithin } from '../json-size.ts';

export interface IngestService {
  ingest(messages: Message[]): Promise<IngestResult>;
  newMessageId(): string;
  now(): number;
}

export const MAX_BATCH_BYTES = 500 * 1024;
const SINGLE: MessageType[] = ['identify', 'track', 'page', 'screen', 'group', 'alias'];

/** Segment-compatible HTTP Tracking API. A message is stored (durably) before the 200. */
export function ingestRoutes(app: FastifyInstance, svc: IngestService, _keys: AuthKeys): void {
  // The write key (or the admin key as a Bearer token) is checked by the app's auth hooks
  // (server/auth.ts) before the body is read; a key in the body right after it is parsed.
  const auth = { config: { auth: 'write' as const } };

  for (const type of SINGLE) {
    app.post(`/v1/${type}`, { bodyLimit: MAX_MESSAGE_BYTES, ...auth }, async (req) => {
      const m = validateMessage(req.body, type, { receivedAt: svc.now(), newMessageId: svc.newMessageId, source: 'api' });
      await svc.ingest([m]);
      return { success: true };
    });
  }

  app.post('/v1/batch', { bodyLimit: MAX_BATCH_BYTES, ...auth }, async (req) => ingestBatch(req.body, svc));
}

/**
 * A batch request (`POST /v1/batch`, the browser SDK's `/v1/b`): every item validated, with its
 * path in errors, and the batch ingested in one transaction.
 */
export async function ingestBatch(payload: unknown, svc: IngestService): Promise<{ success: true }> {
  const body = payload as Record<string, unknown> | null;
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new TailorError('validation_failed', 'body must be a JSON object');
  if (body.batch === undefined) throw new TailorError('missing_field', 'batch is required', 'batch');
  if (!Array.isArray(body.batch)) throw new TailorError('validation_failed', 'batch must be an array', 'batch');
  const receivedAt = svc.now();
  const shared = pickShared(body);
  const messages = body.batch.map((item: unknown, i: number) => {
    const prefix = `batch.${i}.`;
    if (item && typeof item === 'object' && !jsonFitsWithin(item, MAX_MESSAGE_BYTES)
      && Buffer.byteLength(JSON.stringify(item)) > MAX_MESSAGE_BYTES) {
      throw new TailorError('payload_too_large', `batch.${i} is larger than 32 KB`, `batch.${i}`);
    }
    const merged = item && typeof item === 'object' && !Array.isArray(item) ? { ...shared, ...(item as object) } : item;
    return validateMessage(merged, undefined, { receivedAt, newMessageId: svc.newMessageId, source: 'api', prefix });
  });
  if (messages.length) await svc.ingest(messages);
  return { success: true };
}

/** Batch-level sentAt, context and integrations apply to every item that does not set its own. */
function pickShared(body: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of ['sentAt', 'context', 'integrations'] as const) if (body[k] !== undefined) out[k] = body[k];
  return out;
}
