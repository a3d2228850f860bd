import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../src/config.ts';
import type { Message } from '../../src/core/schemas/segment-message.ts';
import { validateMessage } from '../../src/core/ingest/validate-message.ts';
import type { Config } from '../../src/config.ts';
import { createServer } from '../../src/http.ts';
import { createTailor, openStore, type Tailor, type TailorOptions } from '../../src/main.ts';
import type { Database } from '../../src/store/sql/database.ts';

// Strong enough for the server's rule (at least 128 bits: src/core/key-strength.ts), fixed so that tests can name them.
export const KEYS = { writeKey: 'wk_test_Vq7Lr2Xc9Nb4Tz8Kw3Hm6Pd', adminKey: 'ak_test_Ys5Fg1Jn8Qe3Wu7Rb2Lc9Tx' };
export const WRITE_AUTH = `Basic ${Buffer.from(`${KEYS.writeKey}:`).toString('base64')}`;
export const ADMIN_AUTH = `Bearer ${KEYS.adminKey}`;

/** A Tailor with a handle on its database, for tests that look at or write the tables directly. */
export type TestTailor = Tailor & { db: Database };

export async function createTestTailor(config: Config, opts: Omit<TailorOptions, 'database'> = {}): Promise<TestTailor> {
  const { db } = await openStore(config);
  return Object.assign(await createTailor(config, { ...opts, database: db }), { db });
}

export async function openTailor(db: string, now?: () => number, onError?: (e: unknown) => void): Promise<TestTailor> {
  return createTestTailor(loadConfig({}, { db }), { ...(now ? { clock: { now } } : {}), ...(onError ? { onError } : {}) });
}

export async function openApp(db: string) {
  const t = await openTailor(db);
  const app = createServer(t, KEYS);
  return { t, app, close: async () => { await app.close(); await t.close(); } };
}

/** A JSON request to an app in-process, with the admin key unless `auth` says otherwise (null: none). */
export function jsonRequest(app: FastifyInstance, method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, payload?: unknown, auth: string | null = ADMIN_AUTH) {
  return app.inject({
    method, url: path,
    headers: { ...(auth ? { authorization: auth } : {}), ...(payload !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(payload !== undefined ? { payload: JSON.stringify(payload) } : {}),
  });
}

let seq = 0;
/** Builds a validated message the way the HTTP layer would. */
export function msg(raw: Record<string, unknown>, receivedAt = Date.UTC(2026, 0, 1)): Message {
  return validateMessage({ messageId: `m-${++seq}`, ...raw }, undefined, {
    receivedAt, newMessageId: () => `gen-${++seq}`, source: 'test',
  });
}
