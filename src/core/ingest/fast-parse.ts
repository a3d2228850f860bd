import { isSafeText, MAX_ID_LENGTH } from '../schemas/safe-text.ts';
import type { MessageType, RawMessage } from '../schemas/segment-message.ts';

/**
 * The schemas of segment-message.ts, hand-written for the inputs they accept, because running zod
 * on every message is a large share of ingest CPU. It returns exactly what zod's parse would return
 * for the fields validateMessage reads (ids trimmed or stringified, records copied), or undefined
 * for anything it does not vouch for, including every invalid message: the caller then runs the zod
 * schema, which decides and words the error. A property test holds the two together.
 */
export function fastParse(raw: Record<string, unknown>, type: MessageType): RawMessage | undefined {
  const messageId = optionalId(raw.messageId);
  const userId = nullishId(raw.userId);
  const anonymousId = nullishId(raw.anonymousId);
  const context = nullishRecord(raw.context);
  const integrations = nullishRecord(raw.integrations);
  if (messageId === BAD || userId === BAD || anonymousId === BAD || context === BAD || integrations === BAD) return undefined;
  if (!isTime(raw.timestamp) || !isTime(raw.originalTimestamp) || !isTime(raw.sentAt)) return undefined;
  if (raw.writeKey !== undefined && typeof raw.writeKey !== 'string') return undefined;
  // Keys outside the type's schema pass through untouched, as zod's looseObject passes them.
  const out = {
    event: raw.event, name: raw.name, category: raw.category, groupId: raw.groupId, previousId: raw.previousId,
    traits: raw.traits, properties: raw.properties,
    messageId, userId, anonymousId, context, integrations,
    timestamp: raw.timestamp as RawMessage['timestamp'],
    originalTimestamp: raw.originalTimestamp as RawMessage['originalTimestamp'],
    sentAt: raw.sentAt as RawMessage['sentAt'],
  } as RawMessage;
  switch (type) {
    case 'track': {
      const event = typeof raw.event === 'string' ? raw.event.trim() : undefined;
      const properties = nullishRecord(raw.properties);
      if (event === undefined || event.length < 1 || event.length > 256 || !isSafeText(event) || properties === BAD) return undefined;
      out.event = event;
      out.properties = properties;
      return out;
    }
    case 'identify': {
      const traits = nullishRecord(raw.traits);
      if (traits === BAD || !nullishString(raw.name)) return undefined;
      out.traits = traits;
      out.name = raw.name as string | null | undefined;
      return out;
    }
    case 'page':
    case 'screen': {
      const properties = nullishRecord(raw.properties);
      if (properties === BAD || !nullishString(raw.name) || !nullishString(raw.category) || (typeof raw.name === 'string' && !isSafeText(raw.name))) return undefined;
      out.properties = properties;
      out.name = raw.name as string | null | undefined;
      out.category = raw.category as string | null | undefined;
      return out;
    }
    default:
      // group and alias are rare: zod handles them.
      return undefined;
  }
}

const BAD = Symbol('bad');

/** z.union([z.string().trim().min(1).max(MAX_ID_LENGTH).superRefine(safe), z.number().finite()]).transform(String) */
function id(v: unknown): string | typeof BAD {
  if (typeof v === 'string') {
    const t = v.trim();
    return t.length >= 1 && t.length <= MAX_ID_LENGTH && isSafeText(t) ? t : BAD;
  }
  return typeof v === 'number' && Number.isFinite(v) ? String(v) : BAD;
}

const optionalId = (v: unknown) => (v === undefined ? undefined : id(v));
const nullishId = (v: unknown) => (v === undefined || v === null ? v : id(v));

/** z.union([z.string(), z.number()]).nullish(); zod 4's number() rejects NaN and ±Infinity. */
const isTime = (v: unknown) => v === undefined || v === null || typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v));

const nullishString = (v: unknown) => v === undefined || v === null || typeof v === 'string';

/**
 * z.record(z.string(), z.unknown()).nullish(): a plain object, copied key by key. Objects that
 * zod's plain-object test or its `__proto__` handling could treat differently go to zod.
 */
function nullishRecord(v: unknown): Record<string, unknown> | null | undefined | typeof BAD {
  if (v === undefined || v === null) return v;
  if (typeof v !== 'object' || Array.isArray(v) || Object.getPrototypeOf(v) !== Object.prototype) return BAD;
  if (Object.hasOwn(v, '__proto__') || Object.hasOwn(v, 'constructor') || Object.getOwnPropertySymbols(v).length) return BAD;
  return { ...(v as Record<string, unknown>) };
}
