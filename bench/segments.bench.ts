/**
 * Segment benchmarks on 1M profiles / 10M events (by default), SQLite and PostgreSQL.
 *
 *   npm run bench:segments
 *
 * Step 1 makes sure the data set exists: generated once per (size, seed, now) into bench/.cache/
 * (SQLite) and a schema `bench_seg_…` (PostgreSQL), then reused; see bench/lib/segment-setup.ts for
 * the knobs (BENCH_PROFILES, BENCH_EVENTS, BENCH_DIALECTS, TAILOR_BENCH_PG_URL, BENCH_SEED, BENCH_NOW).
 * `node --import tsx bench/segment-data.bench.ts` generates it again and measures that.
 * Step 2 resets the segment state (resetSegmentState) and measures, per dialect, with the clock at
 * the data set's `now`: batch computes, the real-time path, and RFM.
 */
import { runRfm } from '../src/core/features/rfm-run.ts';
import { createRfmStore } from '../src/store/features/rfm-store.ts';
import { machineInfo } from './lib/machine.ts';
import { CART, engineLatency, FIVE_CONDITIONS, httpToMembership, openBenchTailor, percentile, processLatency, recomputeRun } from './lib/segment-benchmarks.ts';
import { resetSegmentState } from './lib/segment-cache.ts';
import { fmt, prepareSegmentData, printDataTable, segmentBenchEnv } from './lib/segment-setup.ts';

console.log('Tailor segment benchmarks\n');
console.log(machineInfo());
const env = segmentBenchEnv();

// (1) The data: generated on first use, reused afterwards.
const sets = await prepareSegmentData(env);
printDataTable(env, sets);

const ms = (x: number) => `${fmt(x, x < 10 ? 2 : 0)} ms`;
const dist = (xs: number[]) => `p50 ${ms(percentile(xs, 50))}, p99 ${ms(percentile(xs, 99))}, max ${ms(Math.max(...xs))} (n=${xs.length})`;
const sample = (n: number, max: number, seed: number) => {
  let s = seed;
  const out = new Set<number>();
  while (out.size < Math.min(n, max)) out.add((s = (s * 48271) % 2147483647) % max);
  return [...out];
};

// (2) The benchmarks, per dialect.
for (const set of sets) {
  const t = await openBenchTailor(set.url, () => env.spec.now);
  try {
    await resetSegmentState(t.db, set.stats);
    console.log(`\n## ${set.dialect}\n`);
    const rows: [string, string][] = [];

    const eu = await recomputeRun(t, 'bench eu', { trait: 'region', op: 'eq', value: 'EU' });
    rows.push([`trait segment (region = EU), ${fmt(eu.size)} members`, `first compute ${ms(eu.firstMs)}, recompute ${ms(eu.againMs)}`]);
    const cart = await recomputeRun(t, 'bench cart', CART);
    if (cart.size !== set.stats.cartAbandoners) throw new Error(`cart abandoners: ${cart.size}, the generator counted ${set.stats.cartAbandoners}`);
    rows.push([`cart abandonment (24h, not followed 24h), ${fmt(cart.size)} members (= generator's count)`, `first compute ${ms(cart.firstMs)}, recompute ${ms(cart.againMs)}`]);
    const five = await recomputeRun(t, 'bench five', FIVE_CONDITIONS);
    rows.push([`5 conditions (trait, count in window, notFollowedBy, feature, nested), ${fmt(five.size)} members`, `first compute ${ms(five.firstMs)}, recompute ${ms(five.againMs)}`]);

    const ids = (await t.db.transaction((sql) => sql.all<{ id: string }>('SELECT id FROM profiles ORDER BY id'))).map((r) => r.id);
    const picked = sample(2000, ids.length, 7).map((i) => ids[i]!);
    rows.push(['engine: one profile after an event, 3 segments (data loaded)', dist(await engineLatency(t, picked))]);
    rows.push(['process: load + evaluate + write, one profile', dist(await processLatency(t, picked.slice(0, 300)))]);
    const users = sample(400, env.spec.profiles, 11).map((i) => `cust-${String(i).padStart(7, '0')}`);
    rows.push(['HTTP 200 → cart membership row visible (in-process server)', dist(await httpToMembership(t, 'bench cart', users.slice(0, 200)))]);

    const rfm1 = await runRfm(createRfmStore(t.db), { asOf: env.spec.now, windowDays: 365, save: true, now: env.spec.now }, () => performance.now());
    const rfm2 = await runRfm(createRfmStore(t.db), { asOf: env.spec.now, windowDays: 365, save: true, now: env.spec.now }, () => performance.now());
    const total = (r: typeof rfm1) => Object.values(r.timings).reduce((a, b) => a + b, 0);
    rows.push([`RFM over ${fmt(rfm1.summary.totals.customers)} customers`, `first run ${ms(total(rfm1))} (${Object.entries(rfm1.timings).map(([k, v]) => `${k} ${ms(v)}`).join(', ')}), re-run ${ms(total(rfm2))}`]);

    const w = Math.max(...rows.map((r) => r[0].length));
    for (const [k, v] of rows) console.log(`${k.padEnd(w)}  ${v}`);
    await resetSegmentState(t.db, set.stats);
  } finally {
    await t.close();
  }
}
