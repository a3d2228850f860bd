import { describe, expect, it } from 'vitest';
import { TailorError } from '../errors.ts';
import { correctedTimestamp } from './clock-skew.ts';
import { validateMessage } from './validate-message.ts';

const ctx = { receivedAt: Date.UTC(2026, 5, 1, 12), newMessageId: () => 'generated', source: 'test' };

describe('clock skew', () => {
  it('shifts by the device clock error when sentAt is known', () => {
    // device is 10 minutes fast: event at device 12:05, sent at device 12:10, received 12:00 server time
    const dev = (m: number) => Date.UTC(2026, 5, 1, 12, m);
    expect(correctedTimestamp(dev(5), dev(10), dev(0))).toBe(dev(-5));
  });
  it('trusts the timestamp without sentAt and uses receivedAt without either', () => {
    expect(correctedTimestamp(5, undefined, 100)).toBe(5);
    expect(correctedTimestamp(undefined, 50, 100)).toBe(100);
  });
});

describe('validateMessage', () => {
  it('fills the messageId, keeps numeric ids as strings and folds page category into properties', () => {
    const m = validateMessage({ userId: 42, name: 'Pricing', category: 'Docs', properties: { a: 1 } }, 'page', ctx);
    expect(m).toMatchObject({ type: 'page', messageId: 'generated', userId: '42', name: 'Pricing', properties: { a: 1, category: 'Docs' } });
  });

  it('takes the type from the body for batch items and names fields with the prefix', () => {
    const bad = () => validateMessage({ type: 'track', anonymousId: 'a', event: 7 }, undefined, { ...ctx, prefix: 'batch.2.' });
    expect(bad).toThrowError(TailorError);
    try {
      bad();
    } catch (e) {
      expect((e as TailorError).code).toBe('validation_failed');
      expect((e as TailorError).field).toBe('batch.2.event');
    }
    expect(() => validateMessage({ type: 'purchase', userId: 'u' }, undefined, ctx)).toThrow(/type must be one of/);
  });

  it('rejects unparseable and out-of-range times', () => {
    expect(() => validateMessage({ userId: 'u', event: 'E', timestamp: 'soon' }, 'track', ctx)).toThrow(/timestamp/);
    expect(() => validateMessage({ userId: 'u', event: 'E', timestamp: '9000-01-01T00:00:00Z', sentAt: '0001-01-01T00:00:00Z' }, 'track', ctx))
      .toThrow(/outside years/);
  });
});
