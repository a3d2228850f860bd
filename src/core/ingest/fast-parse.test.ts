import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MESSAGE_TYPES, schemaByType, type MessageType } from '../schemas/segment-message.ts';
import { fastParse } from './fast-parse.ts';

const FIELDS = ['messageId', 'userId', 'anonymousId', 'event', 'name', 'category', 'groupId', 'previousId', 'traits',
  'properties', 'context', 'integrations', 'timestamp', 'originalTimestamp', 'sentAt'] as const;

const idLike = fc.oneof(
  fc.string(), fc.constantFrom('', ' ', '  u1 ', 'u1', 'x'.repeat(512), 'y'.repeat(513), ` ${'z'.repeat(512)} `),
  fc.integer(), fc.double(), fc.constantFrom(NaN, Infinity, -Infinity), fc.constant(null), fc.constant(undefined), fc.boolean(),
);
const recordLike = fc.oneof(
  fc.dictionary(fc.string(), fc.jsonValue()), fc.constant(null), fc.constant(undefined), fc.array(fc.integer()),
  fc.string(), fc.integer(),
  fc.constant(JSON.parse('{"__proto__": {"a": 1}, "b": 2}')),
  fc.constant(JSON.parse('{"constructor": "x", "b": 2}')),
  fc.constant(Object.assign(Object.create(null), { a: 1 })),
  fc.constant({ [Symbol('s')]: 1, a: 1 }),
  fc.constant(new Date(0)),
);
const timeLike = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.constantFrom(NaN, Infinity, -Infinity), fc.constant(null), fc.constant(undefined), fc.boolean(), fc.constant({}));

const message = fc.record({
  messageId: idLike, userId: idLike, anonymousId: idLike, groupId: idLike, previousId: idLike,
  event: fc.oneof(fc.string(), fc.constantFrom('', '  ', ' Signed Up ', 'e'.repeat(257)), fc.integer(), fc.constant(undefined)),
  name: fc.oneof(fc.string(), fc.constant(null), fc.constant(undefined), fc.integer()),
  category: fc.oneof(fc.string(), fc.constant(null), fc.constant(undefined), fc.integer()),
  traits: recordLike, properties: recordLike, context: recordLike, integrations: recordLike,
  timestamp: timeLike, originalTimestamp: timeLike, sentAt: timeLike,
  writeKey: fc.oneof(fc.string(), fc.constant(undefined), fc.integer()),
  extra: fc.jsonValue(),
}, { requiredKeys: [] });

describe('fastParse', () => {
  it('agrees with the zod schemas wherever it answers', () => {
    fc.assert(fc.property(message, fc.constantFrom(...MESSAGE_TYPES), (raw, type: MessageType) => {
      const fast = fastParse(raw as Record<string, unknown>, type);
      if (fast === undefined) return;
      const zod = schemaByType[type].safeParse(raw);
      expect(zod.success).toBe(true);
      const data = zod.data as Record<string, unknown>;
      for (const f of FIELDS) expect((fast as Record<string, unknown>)[f], f).toStrictEqual(data[f]);
    }), { numRuns: 20_000 });
  });

  it('answers for an ordinary track message', () => {
    const raw = {
      type: 'track', messageId: ' m1 ', userId: 42, event: ' Order Completed ', properties: { total: 9.5 },
      context: { ip: '10.0.0.1' }, timestamp: '2026-11-22T10:00:00.000Z', sentAt: '2026-11-22T10:00:01.000Z',
    };
    const fast = fastParse(raw, 'track');
    expect(fast).toMatchObject({ messageId: 'm1', userId: '42', event: 'Order Completed', properties: { total: 9.5 } });
    expect(fast!.context).not.toBe(raw.context);
  });
});
