import type { AddressInfo } from 'node:net';
import { Analytics } from '@segment/analytics-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProfileDocument } from '../../src/core/profiles/ports.ts';
import { dialects } from '../helpers/databases.ts';
import { ADMIN_AUTH, KEYS, openApp } from '../helpers/tailor.ts';

// The official Segment Node client, pointed at Tailor through its host option, over real HTTP.
describe.each(dialects)('the official Segment Node client against Tailor on $name', ({ url }) => {
  let h: Awaited<ReturnType<typeof openApp>>;
  let base: string;
  beforeAll(async () => {
    h = await openApp(await url());
    await h.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => h.close());

  it('sends identify, track, page and alias; the profile shows traits and events; alias merged the anonymous profile', async () => {
    const analytics = new Analytics({ writeKey: KEYS.writeKey, host: base, flushAt: 3, flushInterval: 50 });
    const failures: unknown[] = [];
    analytics.on('error', (e) => failures.push(e));
    analytics.page({ anonymousId: 'browser-42', name: 'Landing', properties: { path: '/summer' } });
    analytics.track({ anonymousId: 'browser-42', event: 'Product Viewed', properties: { product_id: 'sku-1', price: 49 } });
    analytics.identify({ userId: 'cust-42', traits: { email: 'Zoe@Example.org', name: 'Zoe', country: 'ie' } });
    analytics.track({ userId: 'cust-42', event: 'Order Completed', properties: { order_id: 'o-1', total: 49, currency: 'EUR' } });
    analytics.alias({ previousId: 'browser-42', userId: 'cust-42' });
    await analytics.closeAndFlush({ timeout: 10_000 });
    expect(failures).toEqual([]);

    const get = async (path: string) => (await (await fetch(base + path, { headers: { authorization: ADMIN_AUTH } })).json()) as ProfileDocument;
    const profile = await get('/v1/profiles/cust-42');
    expect(profile.traits).toEqual({ email: 'Zoe@example.org', name: 'Zoe', country: 'IE' });
    expect(profile.eventCounts.byType).toEqual({ page: 1, track: 2, identify: 1, alias: 1 });
    expect(profile.eventCounts.byName).toEqual({ 'Product Viewed': 1, 'Order Completed': 1 });
    expect(profile.mergedFrom).toHaveLength(1);
    expect((await get('/v1/profiles/browser-42')).id).toBe(profile.id);
    const viewed = profile.lastEvents.find((e) => e.name === 'Product Viewed')!;
    expect(viewed.properties).toEqual({ product_id: 'sku-1', price: 49 });
    expect((viewed.context as { library: { name: string } }).library.name).toBe('@segment/analytics-node');
  });
});
