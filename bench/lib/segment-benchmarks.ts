import type { AddressInfo } from 'node:net';
import { loadConfig } from '../../src/config.ts';
import { reevaluateProfile, type ChangeSet, type PlannedSegment } from '../../src/core/segments/realtime.ts';
import { ruleDeps } from '../../src/core/segments/dependencies.ts';
import { createSegmentStore } from '../../src/store/segments/segment-store.ts';
import { createServer } from '../../src/http.ts';
import { createTailor, openStore, type Tailor } from '../../src/main.ts';
import type { Database } from '../../src/store/sql/database.ts';
import { ADMIN_KEY, WRITE_KEY } from './server.ts';

/**
 * The segment engine's benchmarks over a prepared data set (segment-cache.ts). Each returns plain
 * numbers; segments.bench.ts prints them.
 */

export const FIVE_CONDITIONS = {
  all: [
    { trait: 'plan', op: 'in', value: ['pro', 'enterprise'] },
    { event: 'Product Viewed', within: '30d', count: { gte: 2 } },
    { event: 'Product Added', within: '7d', notFollowedBy: { event: 'Order Completed', within: '24h' } },
    { feature: 'monetary', op: 'gte', value: 20 },
    { segment: 'bench eu' },
  ],
};

export const CART = { event: 'Product Added', within: '24h', notFollowedBy: { event: 'Order Completed', within: '24h' } };

const BENCH_KEYS = { writeKey: WRITE_KEY, adminKey: ADMIN_KEY };

/** A Tailor with a handle on its database: the benchmarks time and check the tables directly. */
export type BenchTailor = Tailor & { db: Database };

export async function openBenchTailor(url: string, now: () => number): Promise<BenchTailor> {
  const config = loadConfig({}, { db: url, writeKey: BENCH_KEYS.writeKey, adminKey: BENCH_KEYS.adminKey });
  const { db } = await openStore(config);
  return Object.assign(await createTailor(config, { clock: { now }, database: db }), { db });
}

export interface RecomputeRun { name: string; size: number; firstMs: number; againMs: number }

/** Creates a segment (the first, full computation: every member enters) and recomputes it (no change). */
export async function recomputeRun(t: BenchTailor, name: string, rules: unknown): Promise<RecomputeRun> {
  const created = await t.segments.create({ name, rules });
  const again = await t.segments.recompute(name);
  return { name, size: created.result.size, firstMs: created.result.ms, againMs: again.ms };
}

export const percentile = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

/**
 * The engine alone: one profile's re-evaluation after an `Product Added` event against every saved
 * segment, with its data already loaded (what `process` does per profile between its two queries).
 */
export async function engineLatency(t: BenchTailor, profileIds: string[]): Promise<number[]> {
  const all = await t.segments.list();
  const names = new Map(all.map((s) => [s.id, s.name]));
  const ordered: PlannedSegment[] = all.map((segment) => ({ segment, deps: ruleDeps(segment.rules) }));
  const eventNames = [...new Set(ordered.flatMap((p) => [...p.deps.events]))];
  const store = createSegmentStore(t.db);
  const loaded = await store.loadProfiles(profileIds, eventNames, names);
  const out: number[] = [];
  const now = t.clock.now();
  for (const id of profileIds) {
    const p = loaded.get(id);
    if (!p) continue;
    const changes: ChangeSet = new Set(['event:Product Added', 'features']);
    const t0 = performance.now();
    reevaluateProfile({ data: p.data, standing: new Map(p.standing) }, changes, ordered, now);
    out.push(performance.now() - t0);
  }
  return out;
}

/** One profile through the whole real-time path: load, evaluate, write (one `process` call). */
export async function processLatency(t: BenchTailor, profileIds: string[]): Promise<number[]> {
  const out: number[] = [];
  for (const id of profileIds) {
    const t0 = performance.now();
    await t.segments.process(new Map([[id, new Set(['event:Product Added', 'features'])]]));
    out.push(performance.now() - t0);
  }
  return out;
}

/**
 * From the HTTP 200 of a `Product Added` track call to the cart-abandonment membership row being
 * visible in the database, for users not yet in the segment. The server runs in this process on
 * the real event loop; the row is polled with the store's own connection.
 */
export async function httpToMembership(t: BenchTailor, segmentName: string, userIds: string[]): Promise<number[]> {
  const app = createServer(t, BENCH_KEYS);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const auth = `Basic ${Buffer.from(`${BENCH_KEYS.writeKey}:`).toString('base64')}`;
  const seg = await t.segments.get(segmentName);
  const out: number[] = [];
  try {
    for (const userId of userIds) {
      const profileId = await t.profiles.resolve({ userId });
      if (!profileId) throw new Error(`no profile for ${userId}`);
      if (await isMember(t, seg.id, profileId)) continue;
      const r = await fetch(`${base}/v1/track`, {
        method: 'POST', headers: { authorization: auth, 'content-type': 'application/json' },
        body: JSON.stringify({ userId, event: 'Product Added', properties: { sku: 'bench' }, timestamp: new Date(t.clock.now()).toISOString() }),
      });
      const t0 = performance.now();
      if (r.status !== 200) throw new Error(`track answered ${r.status}`);
      for (;;) {
        if (await isMember(t, seg.id, profileId)) break;
        if (performance.now() - t0 > 10_000) throw new Error(`no membership row for ${userId} after 10 s`);
        await new Promise((res) => setImmediate(res));
      }
      out.push(performance.now() - t0);
    }
  } finally {
    await app.close();
  }
  return out;
}

const isMember = async (t: BenchTailor, segmentId: string, profileId: string) => (await t.db.transaction((sql) =>
  sql.all('SELECT 1 FROM segment_memberships WHERE segment_id = ? AND profile_id = ? AND exited_at IS NULL', [segmentId, profileId]))).length > 0;
