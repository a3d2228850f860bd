import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/databases.ts';
import { jsonRequest, openApp, WRITE_AUTH } from '../helpers/tailor.ts';

// README: batch-level `context` applies to items that do not set their own. Guards that this holds
// for Segment's consent object over HTTP: an item without a context takes the batch's consent, an
// item with its own context keeps only its own, and a segment on consent sees the result.
describe.each(dialects)('batch-level context.consent over HTTP on $name', ({ url }) => {
  let h: Awaited<ReturnType<typeof openApp>>;
  beforeAll(async () => {
    h = await openApp(await url());
    const r = await jsonRequest(h.app, 'POST', '/v1/batch', {
      context: { consent: { categoryPreferences: { email_marketing: true, analytics: false } } },
      batch: [
        { type: 'identify', userId: 'inherits', traits: { name: 'A' }, timestamp: '2026-02-01T00:00:00Z' },
        { type: 'track', userId: 'own', event: 'Viewed', timestamp: '2026-02-01T00:00:00Z',
          context: { consent: { categoryPreferences: { email_marketing: false } } } },
        { type: 'track', userId: 'own-no-consent', event: 'Viewed', timestamp: '2026-02-01T00:00:00Z', context: { ip: '10.0.0.1' } },
      ],
    }, WRITE_AUTH);
    expect(r.statusCode, r.body).toBe(200);
  });
  afterAll(async () => h?.close());

  const consents = async (userId: string) => {
    const r = await jsonRequest(h.app, 'GET', `/v1/profiles/lookup?userId=${userId}`);
    expect(r.statusCode, r.body).toBe(200);
    const c = r.json().consents as Record<string, { granted: boolean }>;
    return Object.fromEntries(Object.entries(c).map(([k, v]) => [k, v.granted]));
  };

  it('an item without a context takes the batch’s consent; an item with its own context keeps only its own', async () => {
    expect(await consents('inherits')).toEqual({ email_marketing: true, analytics: false });
    expect(await consents('own')).toEqual({ email_marketing: false });
    expect(await consents('own-no-consent')).toEqual({});
  });

  it('a consent segment selects exactly the profile that inherited the grant', async () => {
    const seg = await jsonRequest(h.app, 'POST', '/v1/segments', { name: 'mailable', rules: { consent: 'email_marketing' } });
    expect(seg.statusCode, seg.body).toBe(201);
    const members = (await jsonRequest(h.app, 'GET', `/v1/segments/${seg.json().id}/members`)).json();
    expect(members.members.map((m: { userId: string }) => m.userId)).toEqual(['inherits']);
  });
});
