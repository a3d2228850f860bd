import { describe, expect, it } from 'vitest';
import { dialects } from '../helpers/databases.ts';
import { startServer } from '../helpers/server-process.ts';
import { KEYS, openTailor, WRITE_AUTH, type TestTailor } from '../helpers/tailor.ts';

// An event is durable before the 200: kill -9 the server while requests are in flight, then every
// acknowledged messageId must be in the database.
describe.each(dialects)('durability under kill -9 on $name', ({ url }) => {
  it('loses no acknowledged event', async () => {
    const db = await url();
    const { proc, base } = await startServer({ TAILOR_DB: db, TAILOR_WRITE_KEY: KEYS.writeKey, TAILOR_ADMIN_KEY: KEYS.adminKey });
    const acked: string[] = [];
    let n = 0;
    let killed = false;
    const errors: string[] = [];
    const worker = async () => {
      while (!killed) {
        const ids = Array.from({ length: 20 }, () => `dur-${++n}`);
        const body = JSON.stringify({ batch: ids.map((messageId, i) => ({ type: 'track', userId: `user-${(n + i) % 50}`, event: 'Tick', messageId })) });
        try {
          const r = await fetch(`${base}/v1/batch`, { method: 'POST', headers: { authorization: WRITE_AUTH, 'content-type': 'application/json' }, body });
          if (r.status === 200) acked.push(...ids);
        } catch (e) {
          if (killed) return; // the server died mid-request: that batch was never acknowledged
          errors.push(String((e as Error).cause ?? e));
        }
      }
    };
    const workers = Array.from({ length: 4 }, worker);
    const deadline = Date.now() + 30_000;
    while (acked.length < 2000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    killed = true;
    const exited = new Promise((r) => (proc.exitCode !== null || proc.signalCode !== null ? r(null) : proc.once('exit', r)));
    proc.kill('SIGKILL');
    await exited;
    await Promise.all(workers);

    const t: TestTailor = await openTailor(db);
    try {
      const stored = new Set<string>();
      for (let i = 0; i < acked.length; i += 500) {
        const rows = await t.db.kysely.selectFrom('events').select('message_id').where('message_id', 'in', acked.slice(i, i + 500)).execute();
        for (const r of rows) stored.add(r.message_id);
      }
      const lost = acked.filter((id) => !stored.has(id));
      expect(errors).toEqual([]);
      expect(acked.length).toBeGreaterThanOrEqual(2000);
      expect(lost).toEqual([]);
    } finally {
      await t.close();
    }
  });
});
