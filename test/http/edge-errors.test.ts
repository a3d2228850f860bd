import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/databases.ts';
import { ADMIN_AUTH, openApp } from '../helpers/tailor.ts';

// What fastify's router and Node's HTTP parser refuse, before any route: in the error shape too.

/** One raw request over a real socket; resolves with the whole answer when the server closes. */
function raw(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => s.write(text));
    let out = '';
    s.on('data', (d) => (out += d));
    s.on('error', reject);
    s.on('close', () => resolve(out));
  });
}

describe.each(dialects)('errors outside the routes on $name', ({ url }) => {
  let h: Awaited<ReturnType<typeof openApp>>;
  beforeEach(async () => {
    h = await openApp(await url());
  });
  afterEach(async () => h.close());

  it('answers an over-long id with 414 and a bad %-escape with 400, in the error shape', async () => {
    const long = await h.app.inject({ url: `/v1/profiles/${'x'.repeat(300)}`, headers: { authorization: ADMIN_AUTH } });
    expect(long.statusCode).toBe(414);
    expect(long.json()).toEqual({ error: { code: 'uri_too_long', message: 'a path segment of the URL is too long' } });
    const bad = await h.app.inject({ url: '/v1/profiles/%E0%A4%A', headers: { authorization: ADMIN_AUTH } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toEqual({ error: { code: 'bad_url', message: 'the URL has an invalid %-escape' } });
    const none = await h.app.inject({ url: '/nowhere' });
    expect(none.statusCode).toBe(404);
    expect(none.json().error.code).toBe('not_found');
  });

  it('answers headers over 16 KB and malformed HTTP in the error shape, then closes', async () => {
    await h.app.listen({ port: 0, host: '127.0.0.1' });
    const port = (h.app.server.address() as AddressInfo).port;
    const big = await raw(port, `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20 * 1024)}\r\n\r\n`);
    expect(big).toMatch(/^HTTP\/1\.1 431 /);
    expect(JSON.parse(big.slice(big.indexOf('\r\n\r\n') + 4))).toEqual({ error: { code: 'headers_too_large', message: 'the request line and headers are larger than 16 KB' } });
    const junk = await raw(port, 'NOT HTTP AT ALL\r\n\r\n');
    expect(junk).toMatch(/^HTTP\/1\.1 400 /);
    expect(JSON.parse(junk.slice(junk.indexOf('\r\n\r\n') + 4)).error.code).toBe('bad_request');
    // Under the limit is fine.
    expect(await raw(port, `GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Big: ${'a'.repeat(8 * 1024)}\r\n\r\n`)).toMatch(/^HTTP\/1\.1 200 /);
  });
});
