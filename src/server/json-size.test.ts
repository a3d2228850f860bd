import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonFitsWithin } from './json-size.ts';

const bytes = (v: unknown) => Buffer.byteLength(JSON.stringify(v) ?? '');

describe('jsonFitsWithin', () => {
  it('never vouches for a value whose JSON is larger than the limit', () => {
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 6 }), fc.integer({ min: 0, max: 4000 }), (v, limit) => {
      if (jsonFitsWithin(v, limit)) expect(bytes(v)).toBeLessThanOrEqual(limit);
    }), { numRuns: 20_000 });
  });

  it('bounds escapes, non-ASCII text and long numbers', () => {
    for (const v of [{ s: '\u0001'.repeat(100) }, { s: '\ud800'.repeat(50) }, { s: 'é😀'.repeat(40) }, [-1.7976931348623157e308, 5e-324]]) {
      const b = bytes(v);
      expect(jsonFitsWithin(v, b - 1)).toBe(false);
    }
  });

  it('settles typical messages without serialising them', () => {
    const msg = { type: 'track', userId: 'u1', event: 'Product Viewed', properties: { sku: 'A', price: 9.99 }, context: { ip: '1.2.3.4' } };
    expect(jsonFitsWithin(msg, 32 * 1024)).toBe(true);
    expect(jsonFitsWithin({ d: new Date(0) }, 32 * 1024)).toBe(false);
    expect(jsonFitsWithin({ big: 'x'.repeat(40_000) }, 32 * 1024)).toBe(false);
  });
});
