import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { dialects, PG_URL } from '../helpers/databases.ts';
import { openApp, WRITE_AUTH } from '../helpers/tailor.ts';

// A /v1/batch near the 500 KB limit: 4,500 identifies, each with a userId and an email. With a lock
// per identity (9,000), PostgreSQL's shared lock table (max_locks_per_transaction 64 × connections
// by default, for the whole cluster) ran out: "out of shared memory", 500.
const ITEMS = 4500;
/** The identity lock space and bucket count of store/ingest/ingest-store.ts. */
const LOCK_SPACE = 0x7a11;
const LOCK_BUCKETS = 1024;

/** Polls pg_locks for Tailor's granted identity locks in the test database until stopped; returns the most seen at once. */
function watchIdentityLocks(): { stop: () => Promise<number> } {
  const client = new pg.Client({ connectionString: PG_URL });
  let max = 0;
  let running = true;
  const done = (async () => {
    await client.connect();
    while (running) {
      const r = await client.query<{ n: string }>(
        "SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = $1 AND objsubid = 2 AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
        [LOCK_SPACE]);
      max = Math.max(max, Number(r.rows[0]!.n));
      await new Promise((res) => setTimeout(res, 10));
    }
    await client.end();
  })();
  return { stop: async () => ((running = false), await done, max) };
}

describe.each(dialects)('a 4,500-identify batch on $name', ({ name, url }) => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => close?.());

  it('is stored whole, holding a bounded number of locks', async () => {
    const h = await openApp(await url());
    close = h.close;
    const batch = Array.from({ length: ITEMS }, (_, n) => ({ type: 'identify', userId: `bulk-${n}`, traits: { email: `bulk.${n}@example.com`, plan: 'gold', city: 'Leeds' } }));
    const payload = JSON.stringify({ batch });
    expect(Buffer.byteLength(payload)).toBeGreaterThan(480 * 1024);
    const locks = name === 'postgres' ? watchIdentityLocks() : undefined;
    const r = await h.app.inject({ method: 'POST', url: '/v1/batch', payload, headers: { 'content-type': 'application/json', authorization: WRITE_AUTH } });
    const maxLocks = await locks?.stop();
    expect(r.statusCode, r.body).toBe(200);
    expect((await h.t.status.counts()).profiles).toBe(ITEMS);
    expect((await h.t.status.counts()).identities).toBe(2 * ITEMS);
    // The locks are exclusive: whatever else runs on this database, no more than one per bucket is held at once.
    if (maxLocks !== undefined) {
      expect(maxLocks).toBeGreaterThan(0);
      expect(maxLocks).toBeLessThanOrEqual(LOCK_BUCKETS);
    }
  }, 120_000);
});
