import { describe, expect, it } from 'vitest';
import { tempSqlite } from '../helpers/databases.ts';
import { startServer } from '../helpers/server-process.ts';
import { ADMIN_AUTH, KEYS, WRITE_AUTH } from '../helpers/tailor.ts';

/** The fields of the replies this test reads. */
interface Reply { id: string; size: number; members: { userId: string }[] }

const keys = { TAILOR_WRITE_KEY: KEYS.writeKey, TAILOR_ADMIN_KEY: KEYS.adminKey };

// Slow tier: real time through a real `tailor serve` process (it waits the segment's one-minute
// window out). The same behaviour on an injected clock runs in test/segments/window-expiry-scheduler.test.ts.
describe('tailor serve keeps segments live', () => {
  it('enters on an event, and leaves when the window passes with no event (the scheduler, not a poll)', async () => {
    const s = await startServer({ TAILOR_DB: tempSqlite(), ...keys });
    const call = async (method: string, path: string, body?: unknown, auth = ADMIN_AUTH) => {
      const r = await fetch(`${s.base}${path}`, { method, headers: { authorization: auth, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
      return { status: r.status, json: (r.status === 204 ? {} : await r.json()) as Reply };
    };
    const members = async (id: string) => (await call('GET', `/v1/segments/${id}/members`)).json.members.map((m) => m.userId);
    const until = async (id: string, want: string[], ms: number) => {
      const end = Date.now() + ms;
      for (;;) {
        const got = await members(id);
        if (JSON.stringify(got) === JSON.stringify(want) || Date.now() > end) return got;
        await new Promise((r) => setTimeout(r, 200));
      }
    };
    try {
      const seg = await call('POST', '/v1/segments', { name: 'fresh carts', rules: { event: 'Product Added', within: '1m', notFollowedBy: { event: 'Order Completed', within: '1m' } } });
      expect(seg.status).toBe(201);
      const added = Date.now();
      expect((await call('POST', '/v1/track', { userId: 'kim', event: 'Product Added' }, WRITE_AUTH)).status).toBe(200);
      expect(await until(seg.json.id, ['kim'], 5_000)).toEqual(['kim']);
      // A minute after the cart, with no further event, kim leaves.
      expect(await until(seg.json.id, [], 75_000)).toEqual([]);
      expect(Date.now() - added).toBeGreaterThanOrEqual(60_000);
      const sizes = (await call('GET', `/v1/segments/${seg.json.id}/sizes`)).json;
      expect(sizes.size).toBe(0);
    } finally {
      s.proc.kill('SIGTERM');
    }
  }, 120_000);
});
