import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from '../../src/config.ts';
import { createServer } from '../../src/http.ts';
import { dialects } from '../helpers/databases.ts';
import { createTestTailor, KEYS, WRITE_AUTH, type TestTailor } from '../helpers/tailor.ts';

// Real sockets on loopback against an app listening in this process: what a slow or keyless client
// costs the server, with the timeout set low (1 s) so that the test takes seconds.

interface Raw { socket: net.Socket; data: () => string; closed: Promise<number> }

function connect(port: number): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let data = '';
    socket.on('data', (d) => (data += d));
    socket.on('error', () => {});
    const started = Date.now();
    const closed = new Promise<number>((r) => socket.on('close', () => r(Date.now() - started)));
    socket.once('connect', () => resolve({ socket, data: () => data, closed }));
    socket.once('error', reject);
  });
}

const bodyOf = (response: string) => JSON.parse(response.slice(response.indexOf('\r\n\r\n') + 4));

describe.each(dialects)('slow and keyless clients on $name', ({ url }) => {
  let t: TestTailor;
  let app: FastifyInstance;
  let open = false;
  let port: number;
  const start = async (over: Partial<Config>) => {
    t = await createTestTailor(loadConfig({}, { db: await url(), ...over }));
    app = createServer(t, KEYS);
    open = true;
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as AddressInfo).port;
  };
  afterEach(async () => {
    if (!open) return;
    open = false;
    await app.close();
    await t.close();
  });

  it('cuts a body sent a byte at a time at the request timeout, with a 408 in the error shape, and /health still answers', async () => {
    await start({ requestTimeout: 1 });
    const clients = await Promise.all(Array.from({ length: 20 }, () => connect(port)));
    const body = JSON.stringify({ userId: 'slow', event: 'E' });
    const timers = clients.map(({ socket }, i) => {
      socket.write(`POST /v1/track HTTP/1.1\r\nHost: x\r\nAuthorization: ${i % 2 ? WRITE_AUTH : 'Basic bm8='}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`);
      let at = 0;
      return setInterval(() => { if (!socket.destroyed && at < body.length - 1) socket.write(body[at++]!); }, 100);
    });
    try {
      const health = await fetch(`http://127.0.0.1:${port}/health`);
      expect(health.status).toBe(200);
      const lived = await Promise.all(clients.map((c) => c.closed));
      // 1 s timeout, checked every 100 ms: cut well inside 3 s (without the fix: never, fastify's default is no limit).
      for (const ms of lived) expect(ms).toBeLessThan(3000);
      for (const [i, c] of clients.entries()) {
        if (i % 2) {
          expect(c.data()).toMatch(/^HTTP\/1\.1 408 /);
          expect(bodyOf(c.data())).toEqual({ error: { code: 'request_timeout', message: 'the request was not received in time' } });
        } else {
          // No valid key: refused before the body is read.
          expect(c.data()).toMatch(/^HTTP\/1\.1 401 /);
        }
      }
    } finally {
      for (const tm of timers) clearInterval(tm);
    }
  });

  it('refuses a request without a key, or with a wrong one, before reading its body', async () => {
    await start({});
    for (const auth of ['', 'Authorization: Basic d3Jvbmc6\r\n', `Authorization: Basic ${Buffer.from(`${KEYS.adminKey}:`).toString('base64')}\r\n`]) {
      const c = await connect(port);
      // Headers only: a 400 KB body is announced and never sent. The answer comes anyway.
      c.socket.write(`POST /v1/batch HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\nContent-Length: 400000\r\n\r\n`);
      await c.closed.catch(() => {});
      await new Promise((r) => setTimeout(r, 0));
      expect(c.data(), auth).toMatch(/^HTTP\/1\.1 401 /);
      expect(bodyOf(c.data()).error.code).toBe('unauthorized');
    }
    // No key and a body that is not JSON: 401, not a 400 about the JSON.
    for (const path of ['/v1/track', '/v1/batch', '/v1/segments', '/v1/segments/preview']) {
      const r = await fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{not json' });
      expect(r.status, path).toBe(401);
      expect(((await r.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
    }
    // No route: a 404 in the error shape, before the body too.
    const none = await fetch(`http://127.0.0.1:${port}/v1/nothing`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{not json' });
    expect(none.status).toBe(404);
    expect(((await none.json()) as { error: { code: string } }).error.code).toBe('not_found');
    // A key in the body still works for small bodies (Segment's clients, sendBeacon).
    const ok = await fetch(`http://127.0.0.1:${port}/v1/track`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ writeKey: KEYS.writeKey, userId: 'b', event: 'E' }) });
    expect(ok.status).toBe(200);
  });

  it('closes connections beyond maxConnections at once, and serves again when they go', async () => {
    await start({ maxConnections: 5 });
    const held = await Promise.all(Array.from({ length: 5 }, () => connect(port)));
    const extra = await connect(port);
    const lived = await extra.closed;
    expect(lived).toBeLessThan(1000);
    expect(extra.data()).toBe('');
    for (const c of held) c.socket.destroy();
    await Promise.all(held.map((c) => c.closed));
    await new Promise((r) => setTimeout(r, 50));
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
  });
});
