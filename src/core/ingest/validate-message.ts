import type { z } from 'zod';
import { TailorError } from '../errors.ts';
import { schemaByType, type Message, type MessageType, type RawMessage, MESSAGE_TYPES } from '../schemas/segment-message.ts';
import { MAX_TIME, MIN_TIME } from '../identity/dates.ts';
import { correctedTimestamp, optionalTime } from './clock-skew.ts';
import { fastParse } from './fast-parse.ts';
import { cleanJson } from './clean-json.ts';

export const MAX_MESSAGE_BYTES = 32 * 1024;

export interface ValidateContext {
  receivedAt: number;
  newMessageId: () => string;
  source: string;
  /** Path prefix for error fields, e.g. `batch.3.` */
  prefix?: string;
}

/** Validates one Segment message of a known type (or with `type` inside, for batch items). */
export function validateMessage(input: unknown, type: MessageType | undefined, ctx: ValidateContext): Message {
  const prefix = ctx.prefix ?? '';
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new TailorError('validation_failed', `${prefix || 'body'} must be a JSON object`, prefix.replace(/\.$/, '') || undefined);
  }
  const raw = input as Record<string, unknown>;
  const t = type ?? raw.type;
  if (typeof t !== 'string' || !(MESSAGE_TYPES as readonly string[]).includes(t)) {
    throw new TailorError(t === undefined ? 'missing_field' : 'validation_failed',
      t === undefined ? `${prefix}type is required` : `${prefix}type must be one of ${MESSAGE_TYPES.join(', ')}`, `${prefix}type`);
  }
  const mt = t as MessageType;
  let m = fastParse(raw, mt);
  if (!m) {
    const parsed = schemaByType[mt].safeParse(raw);
    if (!parsed.success) throw fromZod(parsed.error, raw, prefix);
    m = parsed.data as RawMessage;
  }
  if (!m.userId && !m.anonymousId) {
    throw new TailorError('missing_field', `${prefix}userId or anonymousId is required`, `${prefix}userId`);
  }
  const ts = optionalTime(m.timestamp ?? m.originalTimestamp, `${prefix}timestamp`);
  const sent = optionalTime(m.sentAt, `${prefix}sentAt`);
  const bad = ts.error ?? sent.error;
  if (bad) throw new TailorError('validation_failed', `${bad.field}: ${bad.reason}`, bad.field);
  const timestamp = correctedTimestamp(ts.ms, sent.ms, ctx.receivedAt);
  if (timestamp < MIN_TIME || timestamp > MAX_TIME) {
    throw new TailorError('validation_failed', `${prefix}sentAt: the clock-skew corrected timestamp is outside years 0001-9999`, `${prefix}sentAt`);
  }
  return {
    type: mt,
    messageId: m.messageId ?? ctx.newMessageId(),
    userId: m.userId ?? undefined,
    anonymousId: m.anonymousId ?? undefined,
    event: m.event,
    name: m.name ?? undefined,
    groupId: m.groupId,
    previousId: m.previousId,
    traits: mt === 'identify' || mt === 'group' ? cleanJson(m.traits ?? {}, `${prefix}traits`) : undefined,
    properties: mt === 'track' || mt === 'page' || mt === 'screen'
      ? cleanJson({ ...(m.properties ?? {}), ...(m.category ? { category: m.category } : {}) }, `${prefix}properties`) : undefined,
    context: m.context ? cleanJson(m.context, `${prefix}context`) : undefined,
    integrations: m.integrations ? cleanJson(m.integrations, `${prefix}integrations`) : undefined,
    timestamp,
    originalTimestamp: ts.ms,
    sentAt: sent.ms,
    receivedAt: ctx.receivedAt,
    source: ctx.source,
  };
}

function fromZod(err: z.ZodError, raw: Record<string, unknown>, prefix: string): TailorError {
  const issue = err.issues[0]!;
  const path = issue.path.map(String).join('.');
  const field = `${prefix}${path}`;
  const missing = issue.path.length === 1 && raw[String(issue.path[0])] === undefined;
  return missing
    ? new TailorError('missing_field', `${field} is required`, field)
    : new TailorError('validation_failed', `${field}: ${issue.message}`, field);
}
