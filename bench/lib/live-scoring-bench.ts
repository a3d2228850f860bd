/**
 * Live scoring (issue 15, part 7): latency of `POST /v1/models/:ref/predict` and the cost of fresh
 * scores at send time, on a SQLite file with synthetic shop data and the default models (GBT, 100
 * trees, the default predictors) trained through the service as `tailor predict train` does.
 *
 * 1. predict: 1,000 calls each of {features} and {profileId} (different profiles), through
 *    `app.inject` and through a real loopback server (fetch, keep-alive); p50 / p95 / p99.
 * 2. fresh scores: the batch read the sender does per batch (`renderProfiles`, 500 recipients), then
 *    `LiveScoring.fresh` on it when no recipient changed since scoring (one registry read and one
 *    feature-time read) and when all did (two models re-score every recipient); the difference per
 *    recipient is the cost.
 *
 * Run alone: `npx tsx bench/lib/live-scoring-bench.ts [customers]` (default 5000).
 */
import { mkdtempSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config.ts';
import { createServer } from '../../src/http.ts';
import { createTailor, type Tailor } from '../../src/main.ts';
import type { Message } from '../../src/core/schemas/segment-message.ts';
import { validateMessage } from '../../src/core/ingest/validate-message.ts';
import { openDatabase } from '../../src/store/sql/database.ts';
import { createRenderProfileQueries } from '../../src/store/content/render-profile-queries.ts';
import { machineInfo } from './machine.ts';
import { mulberry32 } from './payloads.ts';

const DAY = 86_400_000;
const KEYS = { writeKey: 'wk_bench_Vq7Lr2Xc9Nb4Tz8Kw3Hm6Pd', adminKey: 'ak_bench_Ys5Fg1Jn8Qe3Wu7Rb2Lc9Tx' };

/** Wall-clock percentiles (ms), and the process's CPU time per call (ms): on a busy machine the tail is mostly waiting for a core. */
export interface Percentiles { p50: number; p95: number; p99: number; mean: number; cpu: number }
export interface LiveScoringResult {
  customers: number;
  trainMs: number;
  inject: { features: Percentiles; profile: Percentiles };
  loopback: { features: Percentiles; profile: Percentiles };
  batch: { size: number; readMs: number; freshNoneMs: number; freshAllMs: number; perRecipientUs: number; registryListMs: number };
  /** One row through the compiled churn model (transform + 100 trees), in-process. */
  scoreRowUs: number;
}

function percentiles(ms: number[], cpu: number): Percentiles {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99), mean: s.reduce((a, b) => a + b, 0) / s.length, cpu };
}


/** Customers over 400 days: orders at a personal rate that some stop (so churn is learnable), human opens and clicks. */
function shop(customers: number, end: number): Message[] {
  const r = mulberry32(1);
  const out: Message[] = [];
  let seq = 0;
  const m = (raw: Record<string, unknown>) => validateMessage({ messageId: `b-${++seq}`, ...raw }, undefined, { receivedAt: end, newMessageId: () => `g-${++seq}`, source: 'bench' });
  for (let i = 0; i < customers; i++) {
    const userId = `c${i}`;
    const first = end - Math.floor(r() * 400) * DAY;
    const stop = r() < 0.4 ? first + r() * (end - first) : end;
    const every = (5 + r() * 60) * DAY;
    out.push(m({ type: 'identify', userId, timestamp: new Date(first).toISOString(), traits: { email: `${userId}@bench.test`, plan: r() < 0.5 ? 'pro' : 'basic' } }));
    for (let t = first + r() * every; t < stop; t += every * (0.5 + r())) {
      out.push(m({ type: 'track', event: 'Order Completed', userId, timestamp: new Date(t).toISOString(), properties: { revenue: Math.round(20 + r() * 200) } }));
      if (r() < 0.5) out.push(m({ type: 'track', event: 'Email Opened', userId, timestamp: new Date(t - DAY).toISOString(), properties: {} }));
      if (r() < 0.3) out.push(m({ type: 'track', event: 'Email Link Clicked', userId, timestamp: new Date(t - DAY / 2).toISOString(), properties: {} }));
    }
  }
  return out;
}

export async function liveScoringBenchmark(opts: { customers: number }): Promise<LiveScoringResult> {
  const end = Date.UTC(2026, 10, 1);
  let now = end;
  const dir = mkdtempSync(join(tmpdir(), 'tailor-live-'));
  const file = join(dir, 'tailor.db');
  const db = await openDatabase(file);
  const t: Tailor = await createTailor(loadConfig({}, { db: file }), { database: db, clock: { now: () => now } });
  try {
    const messages = shop(opts.customers, end);
    for (let i = 0; i < messages.length; i += 5000) await t.ingest(messages.slice(i, i + 5000));
    await t.realtime.drain();
    const t0 = performance.now();
    await t.models.predict.train({ target: 'churn', folds: 0, permutationRepeats: 1 });
    await t.models.predict.train({ target: 'purchase_30d', folds: 0, permutationRepeats: 1 });
    const trainMs = performance.now() - t0;
    await t.models.predict.score('churn');
    await t.models.predict.score('purchase_30d');
    const ids = (await t.profiles.list({ limit: opts.customers })).profiles.map((p) => p.id);

    const vector = { recency_days: 12, frequency: 4, monetary: 320, aov: 80, tenure_days: 200, orders_90d: 1, revenue_90d: 80, opens_30d: 2, clicks_30d: 1, days_since_open: 3, top_category: null };
    const calls = 1000;
    const app = createServer(t, KEYS);
    const auth = { authorization: `Bearer ${KEYS.adminKey}`, 'content-type': 'application/json' };
    const timed = async (call: (i: number) => Promise<void>): Promise<Percentiles> => {
      for (let i = 0; i < 50; i++) await call(i); // warm-up: JIT, the compiled-model cache
      const ms: number[] = [];
      const cpu0 = process.cpuUsage();
      for (let i = 0; i < calls; i++) {
        const s = performance.now();
        await call(i);
        ms.push(performance.now() - s);
      }
      const cpu = process.cpuUsage(cpu0);
      return percentiles(ms, (cpu.user + cpu.system) / 1000 / calls);
    };
    const inject = async (body: unknown) => {
      const r = await app.inject({ method: 'POST', url: '/v1/models/churn/predict', headers: auth, payload: JSON.stringify(body) });
      if (r.statusCode !== 200) throw new Error(`predict answered ${r.statusCode}: ${r.body}`);
    };
    const injectFeatures = await timed(() => inject({ features: vector }));
    const injectProfile = await timed((i) => inject({ profileId: ids[i % ids.length] }));
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    const post = async (body: unknown) => {
      const r = await fetch(`${address}/v1/models/churn/predict`, { method: 'POST', headers: auth, body: JSON.stringify(body) });
      if (r.status !== 200) throw new Error(`predict answered ${r.status}: ${await r.text()}`);
      await r.arrayBuffer();
    };
    const loopFeatures = await timed(() => post({ features: vector }));
    const loopProfile = await timed((i) => post({ profileId: ids[i % ids.length] }));
    await app.close();

    // Fresh scores on the sender's batch read.
    const size = Math.min(500, ids.length);
    const batchIds = ids.slice(0, size);
    const render = createRenderProfileQueries(db);
    const reps = 20;
    let readMs = 0;
    let freshNoneMs = 0;
    let freshAllMs = 0;
    const profiles = [...(await render.renderProfiles(batchIds, now)).values()];
    if ((await t.models.live.fresh(profiles)).size !== 0) throw new Error('recipients look changed right after scoring');
    for (let i = 0; i < reps; i++) {
      const s = performance.now();
      await render.renderProfiles(batchIds, now);
      readMs += performance.now() - s;
      const s2 = performance.now();
      await t.models.live.fresh(profiles);
      freshNoneMs += performance.now() - s2;
    }
    // Every recipient's row written after the scoring runs (as an RFM run or new events would).
    now += 1000;
    await db.transaction((sql) => sql.run('UPDATE profile_features SET updated_at = ?', [now]));
    const all = await t.models.live.fresh(profiles);
    if (all.size !== size || Object.keys(all.get(batchIds[0]!) ?? {}).length !== 2) throw new Error(`expected ${size} recipients re-scored by 2 models, got ${all.size}`);
    for (let i = 0; i < reps; i++) {
      const s = performance.now();
      await t.models.live.fresh(profiles);
      freshAllMs += performance.now() - s;
    }
    const per = (ms: number) => ms / reps;
    let registryListMs = 0;
    for (let i = 0; i < reps; i++) {
      const s = performance.now();
      await t.models.registry.list({ kind: 'predict' });
      registryListMs += performance.now() - s;
    }
    const scorer = await t.models.live.scorer('churn');
    const row = scorer.rowOf(profiles[0]!.features, profiles[0]!.traits);
    for (let i = 0; i < 1000; i++) scorer.score(row);
    const s3 = performance.now();
    for (let i = 0; i < 10_000; i++) scorer.score(row);
    const scoreRowUs = ((performance.now() - s3) / 10_000) * 1000;
    return {
      customers: opts.customers, trainMs,
      inject: { features: injectFeatures, profile: injectProfile },
      loopback: { features: loopFeatures, profile: loopProfile },
      batch: { size, readMs: per(readMs), freshNoneMs: per(freshNoneMs), freshAllMs: per(freshAllMs), perRecipientUs: ((per(freshAllMs) - per(freshNoneMs)) / size) * 1000, registryListMs: per(registryListMs) },
      scoreRowUs,
    };
  } finally {
    await t.close();
  }
}

export function describeLiveScoring(r: LiveScoringResult): string[][] {
  const p = (x: Percentiles) => `p50 ${x.p50.toFixed(2)} ms, p95 ${x.p95.toFixed(2)} ms, p99 ${x.p99.toFixed(2)} ms (CPU ${x.cpu.toFixed(2)} ms/call)`;
  const b = r.batch;
  return [
    [`predict {features}, churn GBT 100 trees, 1,000 calls (${r.customers} customers)`, `${r.inject.features.p50.toFixed(2)} ms`, '-', '-', `app.inject ${p(r.inject.features)}; loopback HTTP ${p(r.loopback.features)}`],
    ['predict {profileId}, same model, 1,000 profiles', `${r.inject.profile.p50.toFixed(2)} ms`, '-', '-', `app.inject ${p(r.inject.profile)}; loopback HTTP ${p(r.loopback.profile)}`],
    [`fresh scores, batch of ${b.size} recipients, 2 models`, `${b.perRecipientUs.toFixed(1)} µs/recipient`, '-', '-',
      `batch read ${b.readMs.toFixed(1)} ms; fresh with none changed ${b.freshNoneMs.toFixed(2)} ms (registry list ${b.registryListMs.toFixed(2)} ms), with all changed ${b.freshAllMs.toFixed(1)} ms; one row through the GBT alone ${r.scoreRowUs.toFixed(1)} µs`],
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(machineInfo());
  console.log(`load:    ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} (1, 5, 15 min)`);
  const r = await liveScoringBenchmark({ customers: Number(process.argv[2] ?? 5000) });
  for (const row of describeLiveScoring(r)) console.log(row.join(' | '));
  console.log(JSON.stringify(r, null, 2));
}
