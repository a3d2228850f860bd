import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { siteSnippet } from './site-snippet.ts';

type Middleware = (m: { payload: { obj: Record<string, unknown> }; next: (p: unknown) => void }) => void;

/** Runs the snippet in a bare context with a fake page: the address, history, analytics and fetch. */
async function run(href: string, o: { scriptSrc?: string; answer?: unknown; analytics?: boolean } = {}) {
  const replaced: string[] = [];
  const posted: { url: string; init: { body: string; headers: Record<string, string> } }[] = [];
  const identified: string[] = [];
  const middleware: Middleware[] = [];
  const analytics = {
    ready: (cb: () => void) => setTimeout(cb, 0),
    user: () => ({ anonymousId: () => 'anon-1', id: () => null }),
    addSourceMiddleware: (fn: Middleware) => { middleware.push(fn); },
    identify: (id: string) => { identified.push(id); },
  };
  const window = {
    location: { href },
    history: { state: null, replaceState: (_s: unknown, _t: string, u: string) => { replaced.push(u); } },
    ...(o.analytics === false ? {} : { analytics }),
  };
  const fetch = async (url: string, init: { body: string; headers: Record<string, string> }) => {
    posted.push({ url, init });
    return { ok: true, json: async () => o.answer ?? { success: true, userId: 'u-1' } };
  };
  const document = { currentScript: o.scriptSrc === undefined ? null : { src: o.scriptSrc } };
  vm.runInNewContext(siteSnippet('https://tailor.example/base/'), { window, document, fetch, URL, Promise, setTimeout, Date });
  await new Promise((r) => setTimeout(r, 30));
  /** What an event's page context looks like after the snippet's middleware. */
  const through = (obj: Record<string, unknown>) => {
    let out: unknown;
    for (const fn of middleware) fn({ payload: { obj }, next: (p) => { out = p; } });
    return (out as { obj: Record<string, unknown> } | undefined)?.obj ?? obj;
  };
  return { replaced, posted, identified, middleware, through };
}

describe('the site snippet', () => {
  it('clears the token from the address, posts it with the anonymous id, and identifies with the answer', async () => {
    const r = await run('https://shop.example/p?utm=e&_tailor=tok.sig#top', { scriptSrc: 'https://cdn.tailor.example/t/tailor.js?v=1' });
    expect(r.replaced).toEqual(['/p?utm=e#top']);
    expect(r.posted).toHaveLength(1);
    expect(r.posted[0]!.url).toBe('https://cdn.tailor.example/t/i');
    expect(JSON.parse(r.posted[0]!.init.body)).toEqual({ token: 'tok.sig', anonymousId: 'anon-1' });
    expect(r.posted[0]!.init.headers['Content-Type']).toBe('text/plain');
    expect(r.identified).toEqual(['u-1']);
  });

  it('falls back to the public URL when its own address is unknown, and identifies no one without a user id', async () => {
    const r = await run('https://shop.example/?_tailor=tok.sig', { answer: { success: true, userId: null } });
    expect(r.replaced).toEqual(['/']);
    expect(r.posted[0]!.url).toBe('https://tailor.example/base/t/i');
    expect(r.identified).toEqual([]);
  });

  it('does nothing on a page without the parameter', async () => {
    const r = await run('https://shop.example/p?x_tailor=1&utm=e', { scriptSrc: 'https://t.example/t/tailor.js' });
    expect(r).toMatchObject({ replaced: [], posted: [], identified: [], middleware: [] });
  });

  it('scrubs the token from page contexts recorded before it ran, and nothing else', async () => {
    const r = await run('https://shop.example/p?a=1&_tailor=tok.sig&b=2', { scriptSrc: 'https://t.example/t/tailor.js' });
    const cases: [string, string][] = [
      ['https://shop.example/p?a=1&_tailor=tok.sig&b=2', 'https://shop.example/p?a=1&b=2'],
      ['https://shop.example/p?_tailor=tok.sig&b=2', 'https://shop.example/p?b=2'],
      ['https://shop.example/p?a=1&_tailor=tok.sig#h', 'https://shop.example/p?a=1#h'],
      ['https://shop.example/p?_tailor=tok.sig', 'https://shop.example/p'],
      ['?_tailor=tok.sig', ''],
      ['https://shop.example/p?x_tailor=1', 'https://shop.example/p?x_tailor=1'],
    ];
    for (const [before, after] of cases) {
      const page = { url: before, search: before.includes('?') ? before.slice(before.indexOf('?')) : '', referrer: before };
      const e = r.through({ type: 'page', context: { page: { ...page } }, properties: { ...page } });
      expect((e.context as { page: { url: string } }).page.url, before).toBe(after);
      expect((e.properties as { referrer: string }).referrer, before).toBe(after);
    }
    const track = r.through({ type: 'track', properties: { url: 'https://x/?_tailor=kept-in-properties-of-a-track' } });
    expect((track.properties as { url: string }).url).toContain('_tailor');
  });
});
