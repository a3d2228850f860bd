import { describe, expect, it } from 'vitest';
import { tempSqlite } from '../helpers/databases.ts';
import { startServer } from '../helpers/server-process.ts';
import { ADMIN_AUTH, KEYS } from '../helpers/tailor.ts';

// Slow tier: a real `tailor serve` process, and real time. The experiment scheduler that serve
// starts decides an experiment at its planned time with no call from anyone. The same behaviour on
// an injected clock is in test/experiments/service.test.ts.
describe('tailor serve decides experiments', () => {
  it('the scheduler started by serve decides an experiment at its planned time, with no call from anyone', async () => {
    const s = await startServer({ TAILOR_DB: tempSqlite(), TAILOR_WRITE_KEY: KEYS.writeKey, TAILOR_ADMIN_KEY: KEYS.adminKey });
    const call = async (method: string, path: string, body?: unknown) => {
      const r = await fetch(`${s.base}${path}`, { method, headers: { authorization: ADMIN_AUTH, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
      return { status: r.status, json: (await r.json()) as { id: string; status: string; decision: { winner: string; basis: string } | null; decideAt: string; decidedAt: string | null } };
    };
    try {
      // 0.0005 h = 1.8 s: the planned decision comes due while the test waits.
      const created = await call('POST', '/v1/experiments', { name: 'soon', vary: 'subject', metric: 'click', rule: 'fixed', waitHours: 0.0005, minPerArm: 100,
        variants: [{ key: 'A', content: { subject: 'a' } }, { key: 'B', content: { subject: 'b' } }] });
      expect(created.status).toBe(201);
      const counts = await call('POST', `/v1/experiments/${created.json.id}/counts`, { arms: [{ key: 'A', recipients: 5000, clicks: 200 }, { key: 'B', recipients: 5000, clicks: 300 }] });
      expect(counts.status).toBe(200);
      const deadline = Date.now() + 30_000;
      let x = (await call('GET', `/v1/experiments/${created.json.id}`)).json;
      while (x.status !== 'decided' && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
        x = (await call('GET', `/v1/experiments/${created.json.id}`)).json;
      }
      expect(x.status).toBe('decided');
      expect(x.decision).toMatchObject({ winner: 'B', basis: 'significant' });
      expect(Date.parse(x.decidedAt!)).toBeGreaterThanOrEqual(Date.parse(x.decideAt));
    } finally {
      s.proc.kill('SIGTERM');
    }
  }, 180_000);
});
