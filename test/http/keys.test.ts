import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createServer } from '../../src/http.ts';
import { dialects } from '../helpers/databases.ts';
import { ADMIN_AUTH, createTestTailor, jsonRequest, KEYS, openApp, WRITE_AUTH } from '../helpers/tailor.ts';

const basic = (key: string) => `Basic ${Buffer.from(`${key}:`).toString('base64')}`;

describe.each(dialects)('API keys on $name', ({ url }) => {
  it('takes the admin key only as a Bearer token: not as Basic, not as writeKey in a body', async () => {
    const h = await openApp(await url());
    try {
      const track = { userId: 'k', event: 'E' };
      const inBody = await jsonRequest(h.app, 'POST', '/v1/track', { ...track, writeKey: KEYS.adminKey }, null);
      expect(inBody.statusCode).toBe(401);
      expect(inBody.json()).toEqual({ error: { code: 'unauthorized', message: 'the admin key is accepted only as a Bearer token' } });
      expect((await jsonRequest(h.app, 'POST', '/v1/track', track, basic(KEYS.adminKey))).statusCode).toBe(401);
      expect((await jsonRequest(h.app, 'GET', '/v1/profiles', undefined, basic(KEYS.adminKey))).statusCode).toBe(401);
      // Bearer admin may ingest; the write key by Basic or in the body ingests; it never reads.
      expect((await jsonRequest(h.app, 'POST', '/v1/track', track, ADMIN_AUTH)).statusCode).toBe(200);
      expect((await jsonRequest(h.app, 'POST', '/v1/track', track, WRITE_AUTH)).statusCode).toBe(200);
      expect((await jsonRequest(h.app, 'POST', '/v1/track', { ...track, writeKey: KEYS.writeKey }, null)).statusCode).toBe(200);
      expect((await jsonRequest(h.app, 'GET', '/v1/profiles/k', undefined, WRITE_AUTH)).statusCode).toBe(403);
      expect((await jsonRequest(h.app, 'GET', '/v1/profiles/k', undefined, `Bearer ${KEYS.writeKey}`)).statusCode).toBe(403);
      expect((await jsonRequest(h.app, 'GET', '/v1/profiles/k')).statusCode).toBe(200);
    } finally {
      await h.close();
    }
  });

  it('refuses equal or weak keys when the server is built, and a configured key equal to the other stored one', async () => {
    const db = await url();
    const t = await createTestTailor(loadConfig({}, { db }));
    try {
      expect(() => createServer(t, { writeKey: KEYS.adminKey, adminKey: KEYS.adminKey })).toThrow(/the write key must differ from the admin key/);
      expect(() => createServer(t, { writeKey: 'wk_test_write_key', adminKey: KEYS.adminKey })).toThrow(/the write key: the key is too weak/);
      expect(() => createServer(t, { writeKey: KEYS.writeKey, adminKey: 'password' })).toThrow(/the admin key: the key is too weak/);
      const stored = await t.keys();
      expect(stored.generated).toBe(true);
      expect(() => createServer(t, stored)).not.toThrow();
    } finally {
      await t.close();
    }
    // TAILOR_WRITE_KEY set to the admin key that the store generated: refused at start-up.
    const { adminKey } = await (async () => {
      const t0 = await createTestTailor(loadConfig({}, { db }));
      try { return await t0.keys(); } finally { await t0.close(); }
    })();
    const t2 = await createTestTailor(loadConfig({ TAILOR_WRITE_KEY: adminKey }, { db }));
    try {
      await expect(t2.keys()).rejects.toThrow(/the write key must differ from the admin key/);
    } finally {
      await t2.close();
    }
  });
});
