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

// Ordinary valid messages of the four types the fast path serves (group and alias always go to zod):
// string or finite-number ids, plain records with ordinary keys, string or number times.
const ordinaryKey = fc.string({ minLength: 1, maxLength: 12 }).filter((k) => k !== '__proto__' && k !== 'constructor');
const ordinaryRecord = fc.dictionary(ordinaryKey, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4, noNullPrototype: true });
const ordinaryId = fc.oneof(
  fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s.trim().length > 0),
  fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }),
);
const ordinaryTime = fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), fc.integer({ min: 0, max: 4e12 }));
const FAST_TYPES = ['identify', 'track', 'page', 'screen'] as const;
const ordinary = fc.constantFrom(...FAST_TYPES).chain((type) => fc.record({
  type: fc.constant(type),
  messageId: ordinaryId, userId: ordinaryId, anonymousId: fc.option(ordinaryId, { nil: undefined }),
  timestamp: fc.option(ordinaryTime, { nil: undefined }), sentAt: fc.option(ordinaryTime, { nil: undefined }),
  context: fc.option(ordinaryRecord, { nil: undefined }), integrations: fc.option(ordinaryRecord, { nil: undefined }),
  ...(type === 'track' ? { event: fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s.trim().length > 0), properties: ordinaryRecord } : {}),
  ...(type === 'identify' ? { traits: ordinaryRecord } : {}),
  ...(type === 'page' || type === 'screen' ? { name: fc.option(fc.string(), { nil: undefined }), properties: ordinaryRecord } : {}),
}, { requiredKeys: ['type', 'messageId', 'userId', ...(type === 'track' ? ['event' as const] : [])] }));

// A mutation replaces one field with an adversarial value (the arbitraries above), or deletes it.
const mutation = fc.oneof(
  fc.record({ field: fc.constantFrom('messageId', 'userId', 'anonymousId', 'groupId', 'previousId'), value: idLike }),
  fc.record({ field: fc.constantFrom('traits', 'properties', 'context', 'integrations'), value: recordLike }),
  fc.record({ field: fc.constantFrom('timestamp', 'originalTimestamp', 'sentAt'), value: timeLike }),
  fc.record({ field: fc.constantFrom('event', 'name', 'category'), value: fc.oneof(fc.string(), fc.constantFrom('', '  ', ' Signed Up ', 'e'.repeat(257)), fc.integer(), fc.constant(null)) }),
  fc.record({ field: fc.constantFrom('writeKey', 'extra'), value: fc.oneof(fc.string(), fc.integer(), fc.jsonValue()) }),
  fc.record({ field: fc.constantFrom(...FIELDS), value: fc.constant(undefined) }),
);
const mutated = fc.tuple(ordinary, fc.array(mutation, { maxLength: 3 }), fc.constantFrom(...MESSAGE_TYPES)).map(([base, muts, other]) => {
  const raw: Record<string, unknown> = { ...base };
  for (const m of muts) raw[m.field] = m.value;
  // Mostly the message's own type; sometimes another (a page message sent to /v1/track, say).
  const type = muts.length % 2 === 1 && muts.length > 1 ? other : base.type;
  return { raw, type, mutations: muts.length };
});

function expectAgreement(fast: ReturnType<typeof fastParse>, raw: Record<string, unknown>, type: MessageType,
  zod = schemaByType[type].safeParse(raw)): void {
  expect(zod.success).toBe(true);
  const pick = (o: Record<string, unknown>) => Object.fromEntries(FIELDS.map((f) => [f, o[f]]));
  expect(pick(fast as Record<string, unknown>)).toStrictEqual(pick(zod.data as Record<string, unknown>));
}

describe('fastParse', () => {
  // Guards the fast path's purpose: if it declined ordinary messages, ingest would silently fall back
  // to zod for everything and the agreement property below would test nothing.
  it('answers every ordinary valid identify, track, page and screen message, as zod would', () => {
    fc.assert(fc.property(ordinary, (raw) => {
      const fast = fastParse(raw, raw.type);
      expect(fast).toBeDefined();
      expectAgreement(fast, raw, raw.type);
    }), { numRuns: 3_000 });
  });

  // Guards that the fast path never accepts what zod rejects, and never answers differently. The
  // messages are valid ones with up to three fields mutated, so both sides of the boundary are
  // exercised; the share of runs where the fast path answered is asserted, so that a property which
  // holds only because the fast path declined everything fails.
  it('agrees with the zod schemas wherever it answers, on mutated valid messages', () => {
    let runs = 0;
    let answered = 0;
    let zodAccepted = 0;
    let answeredMutated = 0;
    fc.assert(fc.property(mutated, ({ raw, type, mutations }) => {
      runs++;
      const fast = fastParse(raw, type);
      const zod = schemaByType[type].safeParse(raw);
      if (zod.success) zodAccepted++;
      if (fast === undefined) return;
      answered++;
      if (mutations > 0) answeredMutated++;
      expectAgreement(fast, raw, type, zod);
    }), { numRuns: 10_000 });
    expect(answered / runs).toBeGreaterThan(0.5); // measured: 0.63
    expect(answeredMutated).toBeGreaterThan(2_500); // measured: 3,700 of 10,000
    // What zod accepts and the fast path declines is the exotic remainder (__proto__ keys, null-prototype objects, …).
    expect(answered / zodAccepted).toBeGreaterThan(0.9); // measured: 0.95
  });

  // The adversarial generator of the original test, kept: it reaches inputs (symbols, Dates, odd
  // prototypes) that mutation of valid messages reaches less often.
  it('agrees with the zod schemas on arbitrary objects wherever it answers', () => {
    fc.assert(fc.property(message, fc.constantFrom(...MESSAGE_TYPES), (raw, type: MessageType) => {
      const fast = fastParse(raw as Record<string, unknown>, type);
      if (fast !== undefined) expectAgreement(fast, raw as Record<string, unknown>, type);
    }), { numRuns: 5_000 });
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
