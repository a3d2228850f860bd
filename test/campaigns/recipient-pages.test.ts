import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import type { CampaignRecord } from '../../src/core/campaigns/ports.ts';
import { signToken, type LinkClaims } from '../../src/core/tracking/tokens.ts';
import { CampaignSpecSchema } from '../../src/core/schemas/campaign.ts';
import { createServer } from '../../src/http.ts';
import { createCampaignStore } from '../../src/store/campaigns/campaign-store.ts';
import { toJson } from '../../src/store/sql/codec.ts';
import { dialects } from '../helpers/databases.ts';
import { ADMIN_AUTH, createTestTailor, jsonRequest, KEYS, WRITE_AUTH, type TestTailor } from '../helpers/tailor.ts';

const SECRET = 'recipient-pages-test-secret-0123456789';
const T0 = Date.UTC(2026, 2, 1, 9);
const XSS = '<script>alert(1)</script>';

function campaign(id: string, topic: string | undefined): CampaignRecord {
  const name = `campaign ${id}`;
  return {
    id, name, kind: 'broadcast', status: 'draft',
    spec: CampaignSpecSchema.parse({ name, audience: { segments: ['everyone'] }, template: 'news-mail', ...(topic ? { topic } : {}) }),
    audienceCursor: null, audienceDone: false, occurrence: null, nextRunAt: null, pinned: {}, launchedAt: null, finishedAt: null,
    createdAt: T0, updatedAt: T0,
  };
}

interface ProfileDoc {
  id: string;
  consents: Record<string, { granted: boolean }>;
  lastEvents: { name: string | null; properties: Record<string, unknown> }[];
}

/** A signature character changed to another one (the last character only carries some of the bits, so a middle one). */
const flip = (s: string, at: number): string => s.slice(0, at) + (s[at] === 'A' ? 'B' : 'A') + s.slice(at + 1);

describe.each(dialects)('recipient pages on $name', ({ url }) => {
  let t: TestTailor;
  let app: FastifyInstance;

  beforeAll(async () => {
    t = await createTestTailor(loadConfig({}, { db: await url(), secret: SECRET }));
    app = createServer(t, KEYS);
    const campaigns = createCampaignStore(t.db);
    await campaigns.insert(campaign('c-news', 'news'));
    await campaigns.insert(campaign('c-deals', 'deals'));
    await campaigns.insert(campaign('c-plain', undefined));
  });
  afterAll(async () => {
    await app?.close();
    await t?.close();
  });

  const ingest = async (batch: Record<string, unknown>[]) => {
    const r = await jsonRequest(app, 'POST', '/v1/batch', { batch }, WRITE_AUTH);
    expect(r.statusCode, r.body).toBe(200);
    await t.realtime.drain();
  };

  /** A subscribed person: email_marketing and the news topic granted, a while ago. */
  const person = async (userId: string, traits: Record<string, unknown> = {}, consent: Record<string, boolean> = { email_marketing: true, 'email:news': true }): Promise<string> => {
    await ingest([{ type: 'identify', userId, traits: { email: `${userId}@example.com`, ...traits }, timestamp: '2026-02-01T00:00:00Z',
      context: { consent: { categoryPreferences: consent } } }]);
    const r = await jsonRequest(app, 'GET', `/v1/profiles/lookup?userId=${userId}`);
    expect(r.statusCode, r.body).toBe(200);
    return r.json().id;
  };

  const profile = async (id: string): Promise<ProfileDoc> => {
    await t.realtime.drain();
    const r = await jsonRequest(app, 'GET', `/v1/profiles/${id}`, undefined, ADMIN_AUTH);
    expect(r.statusCode, r.body).toBe(200);
    return r.json();
  };
  const consents = async (id: string) => Object.fromEntries(Object.entries((await profile(id)).consents).map(([k, v]) => [k, v.granted]));
  const unsubscribes = async (id: string) => (await profile(id)).lastEvents.filter((e) => e.name === 'Unsubscribed');

  const token = (claims: LinkClaims, secret = SECRET) => signToken(claims, secret);

  /** A POST without any key, as a mailbox provider or a browser sends it. */
  const post = (path: string, body: string | undefined, contentType?: string, headers: Record<string, string> = {}) => app.inject({
    method: 'POST', url: path,
    headers: { ...(contentType ? { 'content-type': contentType } : {}), ...headers },
    ...(body !== undefined ? { payload: body } : {}),
  });
  const get = (path: string) => app.inject({ method: 'GET', url: path });

  const expectNoRedirectNoCookie = (r: LightMyRequestResponse) => {
    expect(r.statusCode, r.body).toBeGreaterThanOrEqual(200);
    expect(r.statusCode).toBeLessThan(300);
    expect(r.headers.location).toBeUndefined();
    expect(r.headers['set-cookie']).toBeUndefined();
  };

  it('GET of an unsubscribe link shows a confirmation page and changes nothing', async () => {
    const id = await person('reader');
    const before = await consents(id);
    const u = `/u/${token({ p: id, k: 'unsubscribe', c: 'c-news' })}`;
    for (let i = 0; i < 3; i++) {
      const r = await get(u);
      expect(r.statusCode, r.body).toBe(200);
      expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(r.headers['cache-control']).toBe('no-store');
      expect(r.body).toContain('r•••@example.com');
      expect(r.body).not.toContain('reader@example.com');
      expect(r.body).toMatch(/<form method="post">/);
      expect(r.body).toContain('Unsubscribe from news emails');
      expect(r.body).not.toMatch(/<script/i);
      // The CSP lets the page's form post to its own origin.
      expect(r.headers['content-security-policy']).toContain("form-action 'self'");
    }
    const pref = await get(`/u/${token({ p: id, k: 'preferences' })}`);
    expect(pref.statusCode, pref.body).toBe(200);
    expect(await consents(id)).toEqual(before);
    expect(before.email_marketing).toBe(true);
    expect(await unsubscribes(id)).toEqual([]);
  });

  it('POST List-Unsubscribe=One-Click unsubscribes at once: 200, no redirect, no cookie, no key; a repeat is harmless', async () => {
    const id = await person('one-click');
    const u = `/u/${token({ p: id, k: 'unsubscribe', c: 'c-news' })}`;
    const r = await post(u, 'List-Unsubscribe=One-Click', 'application/x-www-form-urlencoded');
    expect(r.statusCode, r.body).toBe(200);
    expectNoRedirectNoCookie(r);
    expect(await consents(id)).toEqual({ email_marketing: false, 'email:news': true });
    const events = await unsubscribes(id);
    expect(events).toHaveLength(1);
    expect(events[0]!.properties).toEqual({ campaign_id: 'c-news', source: 'one-click' });

    const again = await post(u, 'List-Unsubscribe=One-Click', 'application/x-www-form-urlencoded');
    expect(again.statusCode, again.body).toBe(200);
    expectNoRedirectNoCookie(again);
    expect(await consents(id)).toEqual({ email_marketing: false, 'email:news': true });
    expect(await unsubscribes(id)).toHaveLength(1);
  });

  it('one-click also comes as multipart/form-data, or with an empty body', async () => {
    const multi = await person('multipart');
    const body = '--XyZ\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--XyZ--\r\n';
    const r = await post(`/u/${token({ p: multi, k: 'unsubscribe' })}`, body, 'multipart/form-data; boundary=XyZ');
    expectNoRedirectNoCookie(r);
    expect((await consents(multi)).email_marketing).toBe(false);

    const empty = await person('empty-body');
    const e = await post(`/u/${token({ p: empty, k: 'unsubscribe' })}`, undefined);
    expectNoRedirectNoCookie(e);
    expect((await consents(empty)).email_marketing).toBe(false);
  });

  it('the page’s button unsubscribes from everything and answers with a page', async () => {
    const id = await person('button');
    const r = await post(`/u/${token({ p: id, k: 'unsubscribe' })}`, 'action=all', 'application/x-www-form-urlencoded', { accept: 'text/html' });
    expectNoRedirectNoCookie(r);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.body).toContain('You are unsubscribed');
    expect((await unsubscribes(id))[0]!.properties).toEqual({ source: 'page' });
    expect((await consents(id)).email_marketing).toBe(false);
  });

  it('a topic unsubscribe withdraws only that topic and leaves email_marketing alone', async () => {
    const id = await person('topic-only');
    const r = await post(`/u/${token({ p: id, k: 'unsubscribe', c: 'c-news' })}`, 'action=topic&topic=news', 'application/x-www-form-urlencoded');
    expectNoRedirectNoCookie(r);
    expect(await consents(id)).toEqual({ email_marketing: true, 'email:news': false });
    expect((await unsubscribes(id))[0]!.properties).toEqual({ campaign_id: 'c-news', topic: 'news', source: 'page' });
  });

  describe('tampered tokens get a 400, never a change or a 500', () => {
    let id: string;
    let good: string;
    beforeAll(async () => {
      id = await person('target');
      good = token({ p: id, k: 'unsubscribe', c: 'c-news' });
    });

    const bad = () => {
      const dot = good.indexOf('.');
      const forged = Buffer.from(JSON.stringify({ p: 'someone-else', k: 'unsubscribe' })).toString('base64url');
      return {
        'a flipped signature character': flip(good, dot + 5),
        'a flipped body character': flip(good, 3),
        'a truncated signature': good.slice(0, -4),
        'no signature': good.slice(0, dot),
        'another secret': token({ p: id, k: 'unsubscribe' }, 'some-other-secret-0123456789'),
        'a body swapped for another profile': `${forged}${good.slice(dot)}`,
        'a view token': token({ p: id, k: 'view', t: 'x' }),
        garbage: 'not-a-token',
        'a dot between junk': 'a.b',
        'an empty signature': `${good.slice(0, dot)}.`,
      };
    };

    it('POST: the error shape, consent untouched', async () => {
      for (const [what, tok] of Object.entries(bad())) {
        const r = await post(`/u/${encodeURIComponent(tok)}`, 'List-Unsubscribe=One-Click', 'application/x-www-form-urlencoded');
        expect(r.statusCode, `${what}: ${r.body}`).toBe(400);
        expect(r.json(), what).toMatchObject({ error: { code: 'invalid_argument', field: 'token' } });
        expect(typeof r.json().error.message).toBe('string');
      }
      expect((await consents(id)).email_marketing).toBe(true);
      expect(await unsubscribes(id)).toEqual([]);
    });

    it('GET: a 400 HTML page', async () => {
      for (const [what, tok] of Object.entries(bad())) {
        const r = await get(`/u/${encodeURIComponent(tok)}`);
        expect(r.statusCode, `${what}: ${r.body}`).toBe(400);
        expect(r.headers['content-type'], what).toBe('text/html; charset=utf-8');
        expect(r.body).toContain('This link is not valid');
      }
      const v = await get(`/v/${flip(token({ p: id, k: 'view', t: 'x' }), 2)}`);
      expect(v.statusCode).toBe(400);
      expect(v.headers['content-type']).toBe('text/html; charset=utf-8');
    });

    it('the good token still works afterwards', async () => {
      const r = await post(`/u/${good}`, 'List-Unsubscribe=One-Click', 'application/x-www-form-urlencoded');
      expectNoRedirectNoCookie(r);
      expect((await consents(id)).email_marketing).toBe(false);
    });
  });

  describe('preferences', () => {
    let id: string;
    let u: string;
    beforeAll(async () => {
      // A topic the profile has a record for though no campaign has it, and one with a hostile name.
      id = await person('prefs', {}, { email_marketing: true, 'email:news': true, 'email:weekly': true, [`email:${XSS}`]: true });
      u = `/u/${token({ p: id, k: 'preferences', c: 'c-news' })}`;
    });

    const boxes = (html: string) => [...html.matchAll(/<input type="checkbox" name="(topic|email_marketing)" value="([^"]*)"( checked)?>/g)]
      .map((m) => `${m[1] === 'topic' ? m[2] : 'email_marketing'}${m[3] ? ':on' : ':off'}`);

    it('lists every campaign topic and the profile’s own, with their state, escaped', async () => {
      const r = await get(u);
      expect(r.statusCode, r.body).toBe(200);
      expect(boxes(r.body)).toEqual(['email_marketing:on', '&lt;script&gt;alert(1)&lt;/script&gt;:on', 'deals:on', 'news:on', 'weekly:on']);
      expect(r.body).not.toContain(XSS);
      expect(r.body).toContain('Unsubscribe from all');
    });

    it('a save sets each shown topic and email_marketing from the boxes', async () => {
      const r = await post(u, 'action=save&email_marketing=yes&topic=deals&topic=weekly&shown=news&shown=deals&shown=weekly',
        'application/x-www-form-urlencoded', { accept: 'text/html' });
      expectNoRedirectNoCookie(r);
      expect(r.body).toContain('Your preferences are saved');
      expect(await consents(id)).toEqual({ email_marketing: true, 'email:news': false, 'email:deals': true, 'email:weekly': true, [`email:${XSS}`]: true });
      expect(boxes((await get(u)).body)).toEqual(['email_marketing:on', '&lt;script&gt;alert(1)&lt;/script&gt;:on', 'deals:on', 'news:off', 'weekly:on']);
    });

    it('"unsubscribe from all", then re-subscribing from the page', async () => {
      const all = await post(u, 'action=all', 'application/x-www-form-urlencoded');
      expectNoRedirectNoCookie(all);
      expect((await consents(id)).email_marketing).toBe(false);
      expect(boxes((await get(u)).body)[0]).toBe('email_marketing:off');

      const back = await post(u, 'action=save&email_marketing=yes&topic=news&shown=news', 'application/x-www-form-urlencoded');
      expectNoRedirectNoCookie(back);
      const c = await consents(id);
      expect(c.email_marketing).toBe(true);
      expect(c['email:news']).toBe(true);
      expect((await profile(id)).lastEvents.some((e) => e.name === 'Email Preferences Updated')).toBe(true);
    });

    it('a hostile stored email is escaped on the pages', async () => {
      // Ingest refuses such an address, so it is written as stored data could hold it (an old import, say).
      const hostile = await person('hostile');
      const email = `${XSS}@<img src=x onerror=alert(2)>.example`;
      await t.db.transaction((sql) => sql.run('UPDATE profiles SET traits = ? WHERE id = ?', [toJson({ email }), hostile]));
      for (const k of ['unsubscribe', 'preferences'] as const) {
        const r = await get(`/u/${token({ p: hostile, k })}`);
        expect(r.statusCode, r.body).toBe(200);
        expect(r.body, k).toContain('&lt;•••@&lt;img src=x onerror=alert(2)&gt;.example');
        expect(r.body, k).not.toMatch(/<script|<img/i);
      }
    });
  });

  describe('view in browser', () => {
    let templateId: string;
    beforeAll(async () => {
      const r = await jsonRequest(app, 'POST', '/v1/templates', {
        name: 'hello-page', kind: 'marketing', subject: 'Hi {{ profile.first_name }}', format: 'html',
        body: '<p>Hello {{ profile.first_name }}, from {{ campaign.name | default: "us" }}</p>',
      });
      expect(r.statusCode, r.body).toBe(201);
      templateId = r.json().id;
    });

    it('renders the template for that person, their values escaped', async () => {
      const ada = await person('ada', { first_name: 'Ada' });
      const r = await get(`/v/${token({ p: ada, k: 'view', t: templateId, c: 'c-news' })}`);
      expect(r.statusCode, r.body).toBe(200);
      expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(r.body).toContain('Hello Ada, from campaign c-news');

      const mallory = await person('mallory', { first_name: XSS });
      const m = await get(`/v/${token({ p: mallory, k: 'view', t: templateId })}`);
      expect(m.statusCode, m.body).toBe(200);
      expect(m.body).toContain('Hello &lt;script&gt;');
      expect(m.body).not.toContain(XSS);
      expect(m.headers['content-security-policy']).toContain("default-src 'none'");
    });

    it('an unknown template or profile is a 404 page; an unsubscribe token is a 400', async () => {
      const ada = await person('ada2', { first_name: 'Ada' });
      const noTemplate = await get(`/v/${token({ p: ada, k: 'view', t: 'no-such-template' })}`);
      expect(noTemplate.statusCode).toBe(404);
      expect(noTemplate.headers['content-type']).toBe('text/html; charset=utf-8');
      const noProfile = await get(`/v/${token({ p: 'no-such-profile', k: 'view', t: templateId })}`);
      expect(noProfile.statusCode).toBe(404);
      expect(noProfile.headers['content-type']).toBe('text/html; charset=utf-8');
      expect((await get(`/v/${token({ p: ada, k: 'unsubscribe', t: templateId })}`)).statusCode).toBe(400);
    });
  });
});
