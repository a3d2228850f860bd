/**
 * `npm run bench:send`: campaigns through the whole send pipeline (claim, suppression, consent and
 * cap checks, render, state writes, pooled SMTP, `Email Delivered` events) to the SMTP sink in its
 * own process (test/helpers/smtp-sink.ts), driven by the production send loop (DueScheduler).
 * Prints a table per database:
 *
 * 1. throughput: a broadcast to N recipients (default 100,000), messages/s from launch to the
 *    campaign's `sent` status, the sink's count, and the raw transport alone as the reference (the
 *    same number of pre-rendered messages through createMailer at the same concurrency);
 * 2. rate honoured: sendRate R/s for S seconds, the sink's count per second and the overall error;
 * 3. large audience: time from launch to the sink's first message, and the peak RSS of the
 *    sender process (`tailor campaign worker`, Linux VmHWM) while it sends for --large-window
 *    seconds; then the campaign is cancelled.
 *
 * Each phase mails its own audience (a `plan` trait per phase) so that frequency caps do not mix.
 * Seeding (ingest of identify messages in batches of 1,000, with email_marketing consent) is timed
 * apart and not counted.
 *
 *   npm run bench:send
 *   npx tsx bench/send.bench.ts --recipients 5000 --rate 200 --rate-seconds 10 --large 20000 --db sqlite
 *
 * Flags (or env): --recipients (BENCH_SEND_RECIPIENTS), --concurrency (BENCH_SEND_CONCURRENCY, 10),
 * --rate (200), --rate-seconds (60), --large (BENCH_SEND_LARGE, 1,000,000), --large-window (30),
 * --phases throughput,rate,large, --db sqlite,postgres (PostgreSQL: TAILOR_BENCH_PG_URL or
 * postgres://postgres@127.0.0.1:5432/test, in a fresh schema dropped afterwards).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config.ts';
import { compileTemplate } from '../src/core/content/compile.ts';
import { prepareTemplate } from '../src/core/content/render.ts';
import type { OutgoingMessage } from '../src/core/campaigns/ports.ts';
import { BLOCKS, TEMPLATE } from '../src/demo/demo-templates.ts';
import { createMailer } from '../src/delivery/create-mailer.ts';
import { startSmtpSink, type SmtpSink } from '../test/helpers/smtp-sink.ts';
import { createTestTailor, msg, type TestTailor } from '../test/helpers/tailor.ts';
import { recipient } from './lib/render-fixture.ts';
import { freshPgSchema } from './lib/server.ts';

const args = process.argv.slice(2);
function opt(name: string, env: string | null, def: string): string {
  const i = args.indexOf(`--${name}`);
  if (i >= 0 && args[i + 1] !== undefined) return args[i + 1]!;
  return (env && process.env[env]) || def;
}
const N = Number(opt('recipients', 'BENCH_SEND_RECIPIENTS', '100000'));
const CONCURRENCY = Number(opt('concurrency', 'BENCH_SEND_CONCURRENCY', '10'));
const RATE = Number(opt('rate', null, '200'));
const RATE_SECONDS = Number(opt('rate-seconds', null, '60'));
const LARGE = Number(opt('large', 'BENCH_SEND_LARGE', '1000000'));
const LARGE_WINDOW = Number(opt('large-window', null, '30'));
const PHASES = new Set(opt('phases', null, 'throughput,rate,large').split(','));
const DBS = opt('db', null, 'sqlite,postgres').split(',');
const PG_URL = process.env.TAILOR_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const FROM = 'Maison Demo <news@shop.test>';

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const load = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const BIN = path.resolve(import.meta.dirname, '../bin/tailor.js');

/** A process's peak resident set so far (Linux: VmHWM), in MB. */
function peakRssMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
}

/** Peak RSS of this process, sampled every 100 ms while `fn` runs. */
async function withRss<T>(fn: () => Promise<T>): Promise<{ value: T; peakMb: number }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
  try {
    const value = await fn();
    return { value, peakMb: Math.round(Math.max(peak, process.memoryUsage().rss) / 1048576) };
  } finally {
    clearInterval(timer);
  }
}

/** Lines in the sink's log (one per accepted message), without parsing them. */
function sinkCount(sink: SmtpSink): number {
  try {
    const buf = fs.readFileSync(sink.logFile);
    let n = 0;
    for (let i = buf.indexOf(10); i >= 0; i = buf.indexOf(10, i + 1)) n++;
    return n;
  } catch {
    return 0;
  }
}

/** Identify messages with email_marketing consent, in batches of 1,000, through t.ingest. */
async function seed(t: TestTailor, plan: string, n: number): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < n; i += 1000) {
    const batch = [];
    for (let j = i; j < Math.min(n, i + 1000); j++) {
      const r = recipient(j).profile as Record<string, unknown>;
      batch.push(msg({
        type: 'identify', userId: `${plan}-${j}`,
        traits: { ...r, plan, email: `${plan}${j}@mail.test` },
        context: { consent: { categoryPreferences: { email_marketing: true } } },
      }));
    }
    await t.ingest(batch);
  }
  await t.realtime.drain();
  await t.segments.create({ name: plan, rules: { trait: 'plan', op: 'eq', value: plan } });
  return (performance.now() - start) / 1000;
}

async function launch(t: TestTailor, name: string, segment: string) {
  const c = await t.campaigns.campaigns.create({ name, audience: { segments: [segment] }, template: 'Weekly picks', topic: 'news' });
  const start = performance.now();
  await t.campaigns.campaigns.launch(c.id);
  return { c, start };
}

async function waitSent(t: TestTailor, id: string, timeoutS: number): Promise<void> {
  const until = performance.now() + timeoutS * 1000;
  for (;;) {
    const s = (await t.campaigns.campaigns.get(id)).status;
    if (s === 'sent') return;
    if (performance.now() > until) throw new Error(`campaign ${id} still ${s} after ${timeoutS} s`);
    await sleep(100);
  }
}

/** The reference: `n` pre-rendered messages straight through the transport, `concurrency` in flight. */
async function rawTransport(n: number): Promise<{ perSecond: number; received: number }> {
  const sink = await startSmtpSink();
  const mailer = createMailer({ smtpUrl: sink.url, outbox: os.tmpdir(), sendConcurrency: CONCURRENCY });
  const compiled = await compileTemplate(TEMPLATE, BLOCKS, () => performance.now());
  const prepared = prepareTemplate(compiled, { fastPath: true });
  const bodies = Array.from({ length: 1000 }, (_, i) => {
    const r = prepared.render(recipient(i));
    if (!r.ok) throw new Error('render failed');
    return r;
  });
  const message = (i: number): OutgoingMessage => {
    const r = bodies[i % bodies.length]!;
    return {
      messageId: `raw-${i}@shop.test`, from: FROM, to: `raw${i}@mail.test`, subject: r.subject, html: r.html, text: r.text,
      headers: { 'List-Unsubscribe': `<http://localhost:3000/u/raw${i}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click', 'X-Tailor-Message': `raw-${i}` },
    };
  };
  let next = 0;
  let failed = 0;
  const start = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < n) {
      const r = await mailer.send(message(next++));
      if (!r.ok) failed++;
    }
  }));
  const seconds = (performance.now() - start) / 1000;
  await mailer.close();
  const received = sinkCount(sink);
  await sink.stop();
  if (failed) console.error(`raw transport: ${failed} failed`);
  return { perSecond: n / seconds, received };
}

async function runDb(dbName: string, rows: [string, string][]): Promise<void> {
  let db: string;
  let drop = async () => {};
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-bench-send-'));
  if (dbName === 'postgres') {
    const fresh = await freshPgSchema(PG_URL);
    if ('error' in fresh) throw new Error(`PostgreSQL: ${fresh.error}`);
    ({ url: db, drop } = fresh);
  }
  else db = path.join(dir, 'tailor.db');
  const open = async (sink: SmtpSink, sendRate = 0) => {
    const t = await createTestTailor(loadConfig({}, { db, smtpUrl: sink.url, outbox: dir, sendConcurrency: CONCURRENCY, sendRate, from: FROM }));
    return t;
  };
  const row = (k: string, v: string) => {
    rows.push([`${dbName}: ${k}`, v]);
    console.error(`  ${dbName}: ${k}  ${v}  (load ${load()})`);
  };
  try {
    if (PHASES.has('throughput')) {
      const sink = await startSmtpSink();
      const t = await open(sink);
      for (const b of BLOCKS.values()) await t.templates.setBlock(b);
      await t.templates.create({ name: 'Weekly picks', kind: 'marketing', ...TEMPLATE });
      const seedS = await seed(t, 'tp', N);
      row(`seed ${fmt(N)} profiles (ingest, not counted)`, `${seedS.toFixed(1)} s, ${fmt(N / seedS)}/s`);
      t.campaigns.scheduler.start();
      const { value: seconds, peakMb } = await withRss(async () => {
        const { c, start } = await launch(t, 'throughput', 'tp');
        await waitSent(t, c.id, 3600);
        const s = (performance.now() - start) / 1000;
        const counts = await t.campaigns.campaigns.counts(c);
        row('campaign counts', JSON.stringify(counts));
        return s;
      });
      await t.campaigns.scheduler.stop();
      const received = sinkCount(sink);
      row(`broadcast to ${fmt(N)}: launch → sent`, `${seconds.toFixed(1)} s, **${fmt(N / seconds)} msg/s**, sink received ${fmt(received)}${received === N ? ' (= recipients)' : ' (≠ recipients!)'}, peak RSS ${peakMb} MB`);
      await t.close();
      await sink.stop();
      const raw = await rawTransport(N);
      row(`raw transport, ${fmt(N)} pre-rendered messages, ${CONCURRENCY} connections`, `${fmt(raw.perSecond)} msg/s, sink received ${fmt(raw.received)}; pipeline = ${((N / seconds) / raw.perSecond * 100).toFixed(0)} % of it`);
    }
    if (PHASES.has('rate')) {
      const sink = await startSmtpSink();
      let t = await open(sink);
      if (!PHASES.has('throughput')) {
        for (const b of BLOCKS.values()) await t.templates.setBlock(b);
        await t.templates.create({ name: 'Weekly picks', kind: 'marketing', ...TEMPLATE });
      }
      const n = Math.ceil(RATE * RATE_SECONDS * 1.2) + 1000;
      const seedS = await seed(t, 'rate', n);
      row(`seed ${fmt(n)} profiles for the rate test`, `${seedS.toFixed(1)} s`);
      await t.close();
      t = await open(sink, RATE);
      t.campaigns.scheduler.start();
      const { c: rated } = await launch(t, 'rate', 'rate');
      // The window starts at the sink's first message and lasts RATE_SECONDS.
      while (sinkCount(sink) === 0) await sleep(20);
      const first = (await sink.messages())[0]!.receivedAt;
      await sleep(RATE_SECONDS * 1000 + 500);
      await t.campaigns.scheduler.stop();
      // What the window left unsent must not go out in a later phase.
      await t.campaigns.campaigns.cancel(rated.id);
      const got = (await sink.messages()).filter((m) => m.receivedAt >= first && m.receivedAt < first + RATE_SECONDS * 1000);
      const perSecond = Array.from({ length: RATE_SECONDS }, () => 0);
      for (const m of got) perSecond[Math.floor((m.receivedAt - first) / 1000)]!++;
      const sorted = [...perSecond].sort((a, b) => a - b);
      const overall = got.length / RATE_SECONDS;
      row(`sendRate ${RATE}/s over ${RATE_SECONDS} s: received`, `${fmt(got.length)} = ${overall.toFixed(1)}/s, error ${((overall / RATE - 1) * 100).toFixed(1)} %`);
      row('  per second min / p50 / max', `${sorted[0]} / ${sorted[Math.floor(sorted.length / 2)]} / ${sorted[sorted.length - 1]}; first 10 s: ${perSecond.slice(0, 10).join(' ')}`);
      await t.close();
      await sink.stop();
    }
    if (PHASES.has('large')) {
      // Seeded here, sent by a separate `tailor campaign worker` process (what production runs),
      // so that its RSS is the sender's own and not this process's seeding caches.
      const sink = await startSmtpSink();
      const t = await open(sink);
      if (!PHASES.has('throughput') && !PHASES.has('rate')) {
        for (const b of BLOCKS.values()) await t.templates.setBlock(b);
        await t.templates.create({ name: 'Weekly picks', kind: 'marketing', ...TEMPLATE });
      }
      const seedS = await seed(t, 'big', LARGE);
      row(`seed ${fmt(LARGE)} profiles (ingest, not counted)`, `${seedS.toFixed(1)} s, ${fmt(LARGE / seedS)}/s`);
      const worker = spawn(process.execPath, [BIN, 'campaign', 'worker'], {
        env: { ...process.env, TAILOR_DB: db, TAILOR_SMTP_URL: sink.url, TAILOR_SEND_CONCURRENCY: String(CONCURRENCY), TAILOR_FROM: FROM, TAILOR_LOG_LEVEL: 'error' },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      await sleep(5000); // the worker is up and idle before the launch
      const idleMb = peakRssMb(worker.pid!);
      const { c, start } = await launch(t, 'large', 'big');
      while (sinkCount(sink) === 0) await sleep(5);
      const firstS = (performance.now() - start) / 1000;
      await sleep(LARGE_WINDOW * 1000);
      const peakMb = peakRssMb(worker.pid!);
      const sent = sinkCount(sink);
      await t.campaigns.campaigns.cancel(c.id);
      worker.kill('SIGTERM');
      await new Promise((r) => worker.once('exit', r));
      row(`audience of ${fmt(LARGE)}: launch → first message at the sink`, `**${firstS.toFixed(2)} s**`);
      row(`  sender process (tailor campaign worker) peak RSS over the first ${LARGE_WINDOW} s`, `**${peakMb} MB** (${idleMb} MB idle before launch; ${fmt(sent)} sent, then cancelled)`);
      await t.close();
      await sink.stop();
    }
  } finally {
    await drop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const rows: [string, string][] = [
    ['machine', `${os.cpus()[0]?.model ?? '?'} (${os.cpus().length} cores), Node ${process.version}, load at start ${load()}`],
    ['workload', `"Weekly picks" (demo template), ${CONCURRENCY} SMTP connections, sink in its own process`],
  ];
  for (const d of DBS) {
    try {
      await runDb(d, rows);
    } catch (e) {
      rows.push([`${d}`, `failed: ${(e as Error).message}`]);
    }
  }
  rows.push(['load at end', load()]);
  const w = Math.max(...rows.map((r) => r[0].length));
  for (const [k, v] of rows) console.log(`${k.padEnd(w)}  ${v}`);
}

await main();
process.exit(0);
