/**
 * Generates the segment benchmarks' data set on each dialect, even when a cached one exists, and
 * prints the time it took (events/s, rows/s), the size and the shape of the data; then checks it
 * by SQL (row counts, cart abandonment, a sample of feature rows against the events).
 *
 *   node --import tsx bench/segment-data.bench.ts
 *
 * Knobs (environment): see bench/lib/segment-setup.ts. BENCH_PROFILES=10000 BENCH_EVENTS=100000 for a
 * quick run; BENCH_VERIFY=0 skips the checks.
 */
import { openDatabase } from '../src/store/sql/database.ts';
import { machineInfo } from './lib/machine.ts';

import { fmt, prepareSegmentData, printDataTable, segmentBenchEnv } from './lib/segment-setup.ts';
import { verifySegmentData } from './lib/segment-verify.ts';

console.log('Tailor segment data generator (direct writes, no ingest)\n');
console.log(machineInfo());
const env = segmentBenchEnv();
const sets = await prepareSegmentData(env, { force: true });
printDataTable(env, sets);

if (process.env.BENCH_VERIFY !== '0') {
  console.log('\nChecks by SQL:\n');
  for (const set of sets) {
    const db = await openDatabase(set.url);
    try {
      const r = await verifySegmentData(db, env.spec, set.stats);
      console.log(`- ${set.dialect}: ${r.problems.length ? `${r.problems.length} PROBLEMS` : 'ok'} (row counts ${fmt(r.ms.counts / 1000, 1)} s; `
        + `cart abandonment by SQL ${fmt(r.ms.abandonment)} ms; ${r.checkedProfiles} feature rows against their events ${fmt(r.ms.features / 1000, 1)} s)`);
      for (const p of r.problems.slice(0, 20)) console.log(`  - ${p}`);
      if (r.problems.length) process.exitCode = 1;
    } finally {
      await db.close();
    }
  }
}
