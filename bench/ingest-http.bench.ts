/**
 * HTTP ingest benchmark: the real server (`tailor serve --no-demo`) in a child process, driven over
 * loopback by a closed-loop load generator in this process, on SQLite and on PostgreSQL.
 *
 *   node --import tsx bench/ingest-http.bench.ts
 *
 * Knobs (environment):
 *   BENCH_SECONDS=12          measured seconds per scenario (after the warm-up)
 *   BENCH_WARMUP_SECONDS=3    warm-up seconds per scenario (same load; not measured)
 *   BENCH_CONCURRENCY=16      concurrent keep-alive connections
 *   BENCH_BATCH_SIZES=1,100,500
 *   BENCH_DIALECTS=sqlite,postgres
 *   BENCH_USERS=100000        size of the userId pool
 *   BENCH_MAX_REQUESTS=1000000  upper bound on requests per phase
 *   BENCH_PG_URL=postgres://postgres@127.0.0.1:5432/test   (a fresh schema per scenario, dropped after)
 *   BENCH_CPU_PROF_DIR=dir    run the server with --cpu-prof into this directory
 */
import { execSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { keepAliveAgent, runLoad, type LoadResult } from './lib/load.ts';
import { machineInfo } from './lib/machine.ts';
import { bodySource } from './lib/payloads.ts';
import { freshPgSchema, startServer, WRITE_KEY } from './lib/server.ts';

const env = process.env;
const SECONDS = Number(env.BENCH_SECONDS ?? 12);
const WARMUP = Number(env.BENCH_WARMUP_SECONDS ?? 3);
const CONCURRENCY = Number(env.BENCH_CONCURRENCY ?? 16);
const SIZES = (env.BENCH_BATCH_SIZES ?? '1,100,500').split(',').map(Number);
const DIALECTS = (env.BENCH_DIALECTS ?? 'sqlite,postgres').split(',').map((s) => s.trim());
const USERS = Number(env.BENCH_USERS ?? 100_000);
const MAX_REQUESTS = Number(env.BENCH_MAX_REQUESTS ?? 1_000_000);
const PG_URL = env.BENCH_PG_URL ?? env.TAILOR_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const PROF_DIR = env.BENCH_CPU_PROF_DIR;

const CLK_TCK = (() => {
  try {
    return Number(execSync('getconf CLK_TCK').toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU seconds (user + system) a process has used so far, from /proc. */
function procCpuSeconds(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK; // utime, stime (fields 14, 15)
  } catch {
    return NaN;
  }
}

interface Row {
  dialect: string;
  size: number;
  result: LoadResult;
  newUserShare: number;
  serverCpu: number;
  clientCpu: number;
  stored: number;
  acked: number;
  bytesPerEvent: number;
}

async function countEvents(dialect: string, db: string): Promise<number> {
  if (dialect === 'sqlite') {
    const h = new SQLite(db, { readonly: true, fileMustExist: true });
    try {
      return (h.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
    } finally {
      h.close();
    }
  }
  const c = new pg.Client({ connectionString: db });
  await c.connect();
  try {
    return Number((await c.query('SELECT count(*) AS n FROM events')).rows[0].n);
  } finally {
    await c.end();
  }
}

async function scenario(dialect: string, db: string, size: number): Promise<Row> {
  const templates = Math.max(16, Math.ceil(20_000 / size));
  const src = bodySource({ eventsPerRequest: size, templates, users: USERS, seed: 42 + size });
  // One directory per scenario: the tsx loader thread writes its own profile beside the main thread's.
  const nodeArgs = PROF_DIR ? ['--cpu-prof', '--cpu-prof-dir', path.join(PROF_DIR, `${dialect}-${size}`)] : [];
  const server = await startServer({ db, nodeArgs });
  const agent = keepAliveAgent(CONCURRENCY);
  const base = {
    port: server.port,
    path: '/v1/batch',
    headers: {
      'content-type': 'application/json',
      authorization: `Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}`,
    },
    concurrency: CONCURRENCY,
    maxRequests: MAX_REQUESTS,
    nextBody: () => src.next(),
    eventsPerRequest: size,
  };
  try {
    const warm = await runLoad(agent, { ...base, durationMs: WARMUP * 1000 });
    if (warm.failed) throw new Error(`warm-up: ${warm.failed} requests failed; first: ${warm.firstError}`);
    src.resetCounters();
    const cpu0 = procCpuSeconds(server.child.pid!);
    const me0 = process.cpuUsage();
    const result = await runLoad(agent, { ...base, durationMs: SECONDS * 1000 });
    const serverCpu = (procCpuSeconds(server.child.pid!) - cpu0) / (result.elapsedMs / 1000);
    const me = process.cpuUsage(me0);
    const clientCpu = (me.user + me.system) / 1e3 / result.elapsedMs;
    if (result.failed) console.error(`  ${result.failed} requests failed; first: ${result.firstError}`);
    agent.destroy();
    const code = await server.stop();
    if (code !== 0) console.error(`  server exited with ${code}:\n${server.output()}`);
    const stored = await countEvents(dialect, db);
    return {
      dialect, size, result, serverCpu, clientCpu, stored, bytesPerEvent: src.bytesPerEvent,
      acked: warm.events + result.events,
      newUserShare: result.events ? src.newUserEvents() / result.events : 0,
    };
  } finally {
    agent.destroy();
    await server.stop();
  }
}

const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

function table(rows: Row[]): string {
  const head = '| dialect | events/request | requests | events | events/s | requests/s | p50 ms | p99 ms | new users | server CPU | load-gen CPU | stored = acked |';
  const sep = '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|:-:|';
  const lines = rows.map((r) => `| ${r.dialect} | ${r.size} | ${fmt(r.result.ok)} | ${fmt(r.result.events)} | **${fmt(r.result.eventsPerSec)}** | ${fmt(r.result.requestsPerSec)} | ${fmt(r.result.p50, 1)} | ${fmt(r.result.p99, 1)} | ${fmt(r.newUserShare * 100)} % | ${fmt(r.serverCpu * 100)} % | ${fmt(r.clientCpu * 100)} % | ${r.stored === r.acked ? 'yes' : `NO (${r.stored} vs ${r.acked})`} |`);
  return [head, sep, ...lines].join('\n');
}

async function main(): Promise<void> {
  console.log('Tailor HTTP ingest benchmark (POST /v1/batch, Segment track events)\n');
  console.log(machineInfo());
  console.log(`\nworkload: ${CONCURRENCY} keep-alive connections (closed loop), ${WARMUP} s warm-up + ${SECONDS} s measured per scenario,`);
  console.log(`          userId pool ${fmt(USERS)}, unique messageIds, fresh database per scenario; server and load generator share the machine\n`);
  const rows: Row[] = [];
  for (const dialect of DIALECTS) {
    for (const size of SIZES) {
      let db: string;
      let cleanup: () => Promise<void>;
      if (dialect === 'sqlite') {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-bench-'));
        db = path.join(dir, 'bench.db');
        cleanup = async () => fs.rmSync(dir, { recursive: true, force: true });
      } else if (dialect === 'postgres') {
        const s = await freshPgSchema(PG_URL);
        if ('error' in s) {
          console.log(`PostgreSQL at ${PG_URL} is unreachable (${s.error}): skipping the PostgreSQL scenarios.`);
          break;
        }
        db = s.url;
        cleanup = s.drop;
      } else {
        throw new Error(`unknown dialect ${dialect}`);
      }
      try {
        process.stdout.write(`${dialect}, ${size} events/request ... `);
        const row = await scenario(dialect, db, size);
        rows.push(row);
        console.log(`${fmt(row.result.eventsPerSec)} events/s, ${fmt(row.result.requestsPerSec)} req/s, p50 ${fmt(row.result.p50, 1)} ms, p99 ${fmt(row.result.p99, 1)} ms (${fmt(row.bytesPerEvent)} B/event)`);
      } finally {
        await cleanup();
      }
    }
  }
  console.log(`\n${table(rows)}\n`);
  const sqliteBest = Math.max(0, ...rows.filter((r) => r.dialect === 'sqlite').map((r) => r.result.eventsPerSec));
  console.log(`goal ≥ 50,000 events/s on SQLite: ${sqliteBest >= 50_000 ? 'met' : 'missed'} (best ${fmt(sqliteBest)} events/s)`);
  if (env.BENCH_JSON) {
    fs.writeFileSync(env.BENCH_JSON, JSON.stringify(rows.map(({ result: { latencies: _l, ...r }, ...row }) => ({ ...row, result: r })), null, 2));
  }
}

await main();
