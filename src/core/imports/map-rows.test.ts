import { describe, expect, it } from 'vitest';
import { Columns } from './column-map.ts';
import { mapEvent } from './map-event.ts';
import { mapProduct } from './map-product.ts';
import { mapProfile } from './map-profile.ts';
import type { MapContext } from './types.ts';

const ctx: MapContext = { now: Date.UTC(2026, 0, 1), source: 'import', dateFormat: 'auto', inferTypes: true };
const json: MapContext = { ...ctx, inferTypes: false };

describe('mapProfile', () => {
  const cols = new Columns('profiles', { userId: 'id' });

  it('turns a row into an identify: ids out, every other column a trait, types inferred', () => {
    const r = mapProfile({ id: 'u1', email: 'A@Example.com', plan: 'pro', seats: '3', zip: '02134', vip: 'true', empty: '' }, cols, ctx);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toMatchObject({
      type: 'identify', userId: 'u1', timestamp: ctx.now, receivedAt: ctx.now, source: 'import',
      traits: { email: 'A@Example.com', plan: 'pro', seats: 3, zip: '02134', vip: true },
    });
    expect(r.value.traits).not.toHaveProperty('empty');
    expect(r.value.messageId).toMatch(/^import:profile:[0-9a-f]{40}$/);
  });

  // The rules of ingest over HTTP (clean-json.ts) hold for imported rows too: what PostgreSQL would
  // strip or refuse is repaired the same way on both dialects.
  it('repairs NUL and lone surrogates in trait values as ingest does', () => {
    const r = mapProfile({ id: 'u1', plan: 'p\u0000ro', city: 'Os\ud800lo' }, cols, ctx);
    expect(r.ok && r.value.traits).toMatchObject({ plan: 'pro', city: 'Os\ufffdlo' });
  });

  it('gives the same id to the same content and a new one to changed content', () => {
    const a = mapProfile({ id: 'u1', plan: 'pro', seats: '3' }, cols, ctx);
    const b = mapProfile({ seats: '3', plan: 'pro', id: 'u1' }, cols, { ...ctx, now: ctx.now + 1000 });
    const c = mapProfile({ id: 'u1', plan: 'free', seats: '3' }, cols, ctx);
    expect(a.ok && b.ok && a.value.messageId === b.value.messageId).toBe(true);
    expect(a.ok && c.ok && a.value.messageId !== c.value.messageId).toBe(true);
  });

  it('accepts email as the only id, but only a valid one', () => {
    expect(mapProfile({ email: 'x@example.com', name: 'X' }, cols, ctx).ok).toBe(true);
    expect(mapProfile({ email: 'not-an-email' }, cols, ctx)).toEqual({ ok: false, reason: expect.stringContaining('email is not valid') });
    expect(mapProfile({ name: 'nobody' }, cols, ctx)).toEqual({ ok: false, reason: expect.stringContaining('missing customer id') });
  });

  it('keeps JSON types and merges a traits object in JSON files', () => {
    const r = mapProfile({ userId: 'u2', traits: { plan: 'pro', age: 30 }, code: '12' }, new Columns('profiles', {}), json);
    expect(r.ok && r.value.traits).toEqual({ plan: 'pro', age: 30, code: '12' });
  });
});

describe('mapEvent', () => {
  const cols = new Columns('events', {});

  it('turns a row into a track with properties and a content-hash id', () => {
    const r = mapEvent({ userId: 'u1', event: 'Product Viewed', timestamp: '2024-01-05T10:00:00Z', sku: 'A-1', price: '9.99' }, cols, ctx);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toMatchObject({
      type: 'track', event: 'Product Viewed', userId: 'u1', timestamp: Date.parse('2024-01-05T10:00:00Z'),
      properties: { sku: 'A-1', price: 9.99 },
    });
    expect(r.value.messageId).toMatch(/^import:event:[0-9a-f]{40}$/);
  });

  it('uses a messageId column when there is one', () => {
    const r = mapEvent({ userId: 'u1', event: 'x', messageId: 'm-1' }, cols, ctx);
    expect(r.ok && r.value.messageId).toBe('m-1');
  });

  it('hashes the same row to the same id whatever the import time', () => {
    const row = { userId: 'u1', event: 'x', a: '1' };
    const a = mapEvent(row, cols, ctx);
    const b = mapEvent(row, cols, { ...ctx, now: ctx.now + 5000 });
    expect(a.ok && b.ok && a.value.messageId === b.value.messageId).toBe(true);
  });

  it('reads Segment-shaped JSON lines', () => {
    const r = mapEvent({ type: 'track', userId: 42, event: 'Signed Up', properties: { plan: 'pro' }, context: { ip: '1.2.3.4' } }, cols, json);
    expect(r.ok && r.value).toMatchObject({ userId: '42', properties: { plan: 'pro' }, context: { ip: '1.2.3.4' } });
  });

  it.each([
    [{ userId: 'u1' }, 'missing event name'],
    [{ event: 'x' }, 'missing customer id'],
    [{ userId: 'u1', event: 'x', timestamp: 'soon' }, 'timestamp is not a date'],
    [{ userId: 'u1', event: 'x', timestamp: '' }, 'timestamp is empty'],
    [{ userId: 'u1', event: 'x', properties: '{oops' }, 'properties must be a JSON object'],
    [{ userId: 'x'.repeat(600), event: 'x' }, 'userId is longer than 256'],
    [{ userId: 'a\u0000b', event: 'x' }, 'userId must not hold a NUL character'],
    [{ userId: '\ud800x', event: 'x' }, 'userId must not hold an unpaired UTF-16 surrogate'],
    [{ userId: 'u', event: 'a\u0000' }, 'event name must not hold a NUL character'],
    [{ userId: 'u', event: 'x', properties: JSON.stringify({ x: JSON.parse('['.repeat(40) + ']'.repeat(40)) }) }, 'properties nests deeper than 32 levels'],
  ])('rejects %j', (row, reason) => {
    const r = mapEvent(row, cols, ctx);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain(reason);
  });
});

describe('mapProduct', () => {
  const cols = new Columns('products', { id: 'StockCode', name: 'Description', price: 'UnitPrice' });

  it('maps catalogue columns and keeps the rest as attributes', () => {
    const r = mapProduct({ StockCode: '85123A', Description: 'WHITE HANGING HEART', UnitPrice: '2.55', brand: 'X', in_stock: 'no' }, cols, { ...ctx, currency: 'GBP' });
    expect(r).toEqual({ ok: true, value: {
      id: '85123A', name: 'WHITE HANGING HEART', category: null, price: 2.55, currency: 'GBP', url: null, imageUrl: null,
      inStock: false, attributes: { brand: 'X' },
    } });
  });

  it('rejects rows without an id or with a bad price', () => {
    expect(mapProduct({ Description: 'x' }, cols, ctx)).toEqual({ ok: false, reason: "missing product id (column 'StockCode')" });
    expect(mapProduct({ StockCode: '1', UnitPrice: 'cheap' }, cols, ctx)).toEqual({ ok: false, reason: 'price is not a number: "cheap"' });
  });
});
