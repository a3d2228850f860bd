/**
 * The segment benchmarks' data, from the environment: generated once per (size, seed, now) and
 * dialect, then reused (segment-cache.ts). Prints progress while generating, and a table of what is
 * there and what it took.
 *
 *   BENCH_PROFILES=1000000  BENCH_EVENTS=10000000  BENCH_SEED=42  BENCH_NOW=2026-11-15T12:00:00Z
 *   BENCH_DIALECTS=sqlite,postgres  TAILOR_BENCH_PG_URL=postgres://postgres@127.0.0.1:5432/test
 *   BENCH_PG_LOAD=copy (or unnest: INSERT … SELECT FROM unnest(…) through the Database, for comparison)
 */
import pg from 'pg';
import { ensurePgData, ensureSqliteData, type PreparedData, type SegmentDataSpec } from './segment-cache.ts';
import type { SegmentDataProgress } from './segment-data.ts';

export interface SegmentBenchEnv {
  spec: SegmentDataSpec;
  dialects: ('sqlite' | 'postgres')[];
  pgUrl: string;
  pgLoad: 'copy' | 'unnest';
}

export function segmentBenchEnv(env = process.env): SegmentBenchEnv {
  const now = Date.parse(env.BENCH_NOW ?? '2026-11-15T12:00:00Z');
  if (!Number.isFinite(now)) throw new Error(`BENCH_NOW is not a date: ${env.BENCH_NOW}`);
  const dialects = (env.BENCH_DIALECTS ?? 'sqlite,postgres').split(',').map((s) => s.trim()).filter(Boolean);
  for (const d of dialects) if (d !== 'sqlite' && d !== 'postgres') throw new Error(`unknown dialect ${d}`);
  return {
    spec: {
      profiles: Number(env.BENCH_PROFILES ?? 1_000_000),
      events: Number(env.BENCH_EVENTS ?? 10_000_000),
      seed: Number(env.BENCH_SEED ?? 42),
      now,
    },
    dialects: dialects as ('sqlite' | 'postgres')[],
    pgUrl: env.TAILOR_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
    pgLoad: env.BENCH_PG_LOAD === 'unnest' ? 'unnest' : 'copy',
  };
}

export const fmt = (n: number, d = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

function progressPrinter(label: string, spec: SegmentDataSpec): (p: SegmentDataProgress) => void {
  let nextPct = 10;
  return (p) => {
    const pct = (100 * p.profiles) / spec.profiles;
    const line = `${label}: ${fmt(p.profiles)} / ${fmt(spec.profiles)} profiles, ${fmt(p.events)} events, ${fmt(p.elapsedMs / 1000, 1)} s, `
      + `${fmt(p.events / (p.elapsedMs / 1000))} events/s`;
    if (process.stdout.isTTY) process.stdout.write(`\r${line}   ${pct >= 100 ? '\n' : ''}`);
    else if (pct >= nextPct) {
      console.log(line);
      while (nextPct <= pct) nextPct += 10;
    }
  };
}

async function pgReachable(url: string): Promise<string | undefined> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    return undefined;
  } catch (e) {
    return (e as Error).message;
  } finally {
    await c.end().catch(() => undefined);
  }
}

/** Ensures the data set on every dialect asked for (`force`: generate again even when cached). */
export async function prepareSegmentData(e: SegmentBenchEnv, opts: { force?: boolean } = {}): Promise<PreparedData[]> {
  const out: PreparedData[] = [];
  for (const d of e.dialects) {
    if (d === 'sqlite') {
      out.push(await ensureSqliteData(e.spec, { ...opts, onProgress: progressPrinter('sqlite', e.spec) }));
      continue;
    }
    const err = await pgReachable(e.pgUrl);
    if (err) {
      console.log(`PostgreSQL at ${e.pgUrl} is unreachable (${err}): skipping it.`);
      continue;
    }
    out.push(await ensurePgData(e.spec, e.pgUrl, { ...opts, unnest: e.pgLoad === 'unnest', onProgress: progressPrinter('postgres', e.spec) }));
  }
  return out;
}

/** A Markdown table of the data sets: where, generated or reused, time and rows/s, size. */
export function printDataTable(e: SegmentBenchEnv, sets: PreparedData[]): void {
  const { spec } = e;
  console.log(`\nSegment data: ${fmt(spec.profiles)} profiles, ${fmt(spec.events)} events, seed ${spec.seed}, now ${new Date(spec.now).toISOString()}\n`);
  console.log('| dialect | load | data set | generated here | time | events/s | rows/s (all tables) | JS generation | size |');
  console.log('|---|---|---|:-:|--:|--:|--:|--:|--:|');
  for (const s of sets) {
    const st = s.stats;
    const rows = st.events + st.profiles * 2 + st.identities + st.consents; // events + profiles + features + identities + consents
    const secs = s.generated ? s.seconds : st.elapsedMs / 1000;
    console.log(`| ${s.dialect} | ${st.load} | \`${s.location}\` | ${s.generated ? 'yes' : `no (checked in ${fmt(s.seconds, 1)} s)`} | `
      + `${fmt(secs, 1)} s${s.generated ? '' : ' (when generated)'} | ${fmt(st.events / (st.elapsedMs / 1000))} | ${fmt(rows / (st.elapsedMs / 1000))} | `
      + `${fmt(st.generateMs / 1000, 1)} s | ${fmt(s.bytes / 2 ** 30, 2)} GiB |`);
  }
  const st = sets[0]?.stats;
  if (!st) return;
  console.log('\nShape (the same on every dialect: the data depends on the seed only):\n');
  console.log(`- events per profile: ${fmt(st.perProfile.zero)} profiles with none; median ${st.perProfile.p50}, p90 ${st.perProfile.p90}, p99 ${st.perProfile.p99}, max ${fmt(st.perProfile.max)}`);
  console.log(`- events by name: ${Object.entries(st.eventsByName).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${fmt(v)}`).join(', ')}`);
  console.log(`- orders: ${fmt(st.orders)} from ${fmt(st.profilesWithOrders)} profiles (${fmt((100 * st.profilesWithOrders) / st.profiles, 1)} %)`);
  console.log(`- EU profiles: ${fmt(st.euProfiles)}`);
  console.log(`- cart abandonment at now ("Product Added" within 24h, not followed by "Order Completed" within 24h): ${fmt(st.cartAbandoners)} profiles, ${fmt(st.cartAbandonersEu)} of them in the EU`);
}
