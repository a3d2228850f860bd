/**
 * Import benchmark: writes a CSV of event rows (streamed to disk, never held in memory), then runs
 * `tailor import events FILE --json` on it in a child process under /usr/bin/time -v, and reports
 * rows/s and the child's peak RSS.
 *
 *   node --import tsx bench/import.bench.ts
 *
 * Knobs (environment):
 *   BENCH_IMPORT_ROWS=2000000       rows in the file
 *   BENCH_IMPORT_USERS=200000       size of the userId pool
 *   BENCH_IMPORT_DIALECTS=sqlite    add ",postgres" to import into a fresh PostgreSQL schema as well
 *   BENCH_PG_URL=postgres://postgres@127.0.0.1:5432/test
 *   BENCH_KEEP=1                    keep the temp directory (file, database, rejects)
 *   BENCH_CPU_PROF_DIR=dir          run the import with --cpu-prof into this directory
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { machineInfo } from './lib/machine.ts';
import { mulberry32 } from './lib/payloads.ts';
import { BIN, freshPgSchema, ROOT } from './lib/server.ts';

const env = process.env;
const ROWS = Number(env.BENCH_IMPORT_ROWS ?? 2_000_000);
const USERS = Number(env.BENCH_IMPORT_USERS ?? 200_000);
const DIALECTS = (env.BENCH_IMPORT_DIALECTS ?? 'sqlite').split(',').map((s) => s.trim());
const PG_URL = env.BENCH_PG_URL ?? env.TAILOR_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const PROF_DIR = env.BENCH_CPU_PROF_DIR;

const EVENTS = ['Product Viewed', 'Product Added', 'Checkout Started', 'Order Completed', 'Email Clicked'];
const CATEGORIES = ['shoes', 'jackets', 'bags', 'accessories', 'shirts', 'trousers', 'knitwear', 'outdoor'];
const CURRENCIES = ['EUR', 'GBP', 'USD'];

/** Streams ROWS rows of `userId,event,timestamp,product_id,category,price,currency,quantity` to `file`. */
async function writeCsv(file: string): Promise<number> {
  const rnd = mulberry32(7);
  const out = fs.createWriteStream(file);
  out.write('userId,event,timestamp,product_id,category,price,currency,quantity\n');
  // A year of history, one row every ~15 s: timestamps are unique, so every row is a new event.
  const start = Date.UTC(2025, 10, 1);
  const step = Math.floor((365 * 86_400_000) / ROWS);
  const CHUNK = 10_000;
  for (let r = 0; r < ROWS; r += CHUNK) {
    const lines: string[] = [];
    for (let i = r; i < Math.min(ROWS, r + CHUNK); i++) {
      const user = Math.floor(rnd() * USERS);
      const price = (5 + rnd() * 195).toFixed(2);
      lines.push(`cust-${user},${EVENTS[Math.floor(rnd() * EVENTS.length)]},${new Date(start + i * step).toISOString()},`
        + `SKU-${10000 + Math.floor(rnd() * 90000)},${CATEGORIES[Math.floor(rnd() * CATEGORIES.length)]},${price},`
        + `${CURRENCIES[Math.floor(rnd() * CURRENCIES.length)]},${1 + Math.floor(rnd() * 3)}\n`);
    }
    if (!out.write(lines.join(''))) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return fs.statSync(file).size;
}

interface Run {
  dialect: string;
  summary: Record<string, unknown>;
  wallSeconds: number;
  maxRssKb: number;
  userSeconds: number;
  systemSeconds: number;
}

/** Runs the import under /usr/bin/time -v and parses both reports. */
async function runImport(dialect: string, db: string, file: string, dir: string): Promise<Run> {
  const nodeArgs = PROF_DIR ? ['--cpu-prof', '--cpu-prof-dir', path.join(PROF_DIR, `import-${dialect}`)] : [];
  const args = ['-v', process.execPath, ...nodeArgs, BIN, '--db', db, 'import', 'events', file, '--json', '--rejects', path.join(dir, 'rejects.jsonl')];
  const child = spawn('/usr/bin/time', args, { cwd: ROOT, env: { ...process.env, TAILOR_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`import exited with ${code}:\n${stderr}\n${stdout}`);
  const field = (name: string) => {
    const m = new RegExp(`${name}: (.+)`).exec(stderr);
    if (!m) throw new Error(`no '${name}' in /usr/bin/time output:\n${stderr}`);
    return m[1]!.trim();
  };
  const wall = field('Elapsed \\(wall clock\\) time \\(h:mm:ss or m:ss\\)').split(':').map(Number);
  return {
    dialect,
    summary: JSON.parse(stdout) as Record<string, unknown>,
    wallSeconds: wall.reduce((a, b) => a * 60 + b, 0),
    maxRssKb: Number(field('Maximum resident set size \\(kbytes\\)')),
    userSeconds: Number(field('User time \\(seconds\\)')),
    systemSeconds: Number(field('System time \\(seconds\\)')),
  };
}

const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

async function main(): Promise<void> {
  console.log('Tailor import benchmark (tailor import events FILE.csv)\n');
  console.log(machineInfo());
  if (!fs.existsSync('/usr/bin/time')) throw new Error('/usr/bin/time is needed (apt-get install time)');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-import-bench-'));
  try {
    const file = path.join(dir, 'events.csv');
    const t0 = performance.now();
    const bytes = await writeCsv(file);
    console.log(`\nfile: ${fmt(ROWS)} rows, ${fmt(bytes / 2 ** 20, 1)} MiB CSV (userId pool ${fmt(USERS)}, 8 columns, no messageId column: ids are row hashes), written in ${fmt((performance.now() - t0) / 1000, 1)} s\n`);
    const runs: Run[] = [];
    for (const dialect of DIALECTS) {
      let db: string;
      let cleanup = async () => {};
      if (dialect === 'sqlite') db = path.join(dir, 'import.db');
      else if (dialect === 'postgres') {
        const s = await freshPgSchema(PG_URL);
        if ('error' in s) {
          console.log(`PostgreSQL at ${PG_URL} is unreachable (${s.error}): skipping it.`);
          continue;
        }
        db = s.url;
        cleanup = s.drop;
      } else throw new Error(`unknown dialect ${dialect}`);
      try {
        process.stdout.write(`${dialect}: importing ... `);
        const r = await runImport(dialect, db, file, dir);
        runs.push(r);
        console.log(`${fmt(Number(r.summary.rowsPerSecond))} rows/s, peak RSS ${fmt(r.maxRssKb / 1024)} MiB`);
      } finally {
        await cleanup();
      }
    }
    console.log('\n| dialect | rows | inserted | rejected | import time | rows/s (import) | wall incl. start-up | rows/s (wall) | peak RSS | CPU user + sys |');
    console.log('|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|');
    for (const r of runs) {
      const s = r.summary as { rowsRead: number; inserted: number; rejected: number; durationMs: number; rowsPerSecond: number };
      console.log(`| ${r.dialect} | ${fmt(s.rowsRead)} | ${fmt(s.inserted)} | ${fmt(s.rejected)} | ${fmt(s.durationMs / 1000, 1)} s | **${fmt(s.rowsPerSecond)}** | ${fmt(r.wallSeconds, 1)} s | ${fmt(s.rowsRead / r.wallSeconds)} | **${fmt(r.maxRssKb / 1024)} MiB** | ${fmt(r.userSeconds, 1)} + ${fmt(r.systemSeconds, 1)} s |`);
    }
    for (const r of runs) {
      const rps = Number(r.summary.rowsPerSecond);
      console.log(`\n${r.dialect}: goal ≥ 200,000 rows/s: ${rps >= 200_000 ? 'met' : 'missed'} (${fmt(rps)}); goal RSS < 300 MB: ${r.maxRssKb * 1024 < 300e6 ? 'met' : 'missed'} (${fmt((r.maxRssKb * 1024) / 1e6)} MB)`);
    }
  } finally {
    if (env.BENCH_KEEP) console.log(`\nkept ${dir}`);
    else fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
