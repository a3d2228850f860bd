/**
 * `npm run bench:report`: campaign reports at 1,000,000 recipients.
 *
 * Per database: a campaign's 1M send rows (97 % sent, 2 % suppressed over three reasons, 0.5 %
 * failed, 0.5 % deferred; two arms, three segments) and E tracking events (default 200,000: 60 %
 * opens, a fifth of them machine opens; 30 % clicks, a tenth bots; 2 % orders on profiles that
 * clicked; bounces, complaints, and 6 % events the follower does not read) are inserted in bulk
 * with one INSERT … SELECT each (not timed). Then:
 *
 * 1. the report follower (core/tracking/report-follower.ts) works through every event, one
 *    transaction per batch of 2,000: events/s;
 * 2. the report (core/tracking/campaign-report.ts over store/tracking/report-queries.ts), median
 *    of 5 runs: the grouped count of the send rows, the sent rows per hour, the rollups and links,
 *    and the whole report (those reads at once, and the assembly);
 *    then once more without the covering index `sends_report`, to show what it buys.
 *
 *   npm run bench:report
 *   npx tsx bench/report.bench.ts --recipients 100000 --events 20000 --db sqlite
 *
 * Flags: --recipients (1,000,000), --events (200,000), --db sqlite,postgres (PostgreSQL:
 * TAILOR_BENCH_PG_URL or postgres://postgres@127.0.0.1:5432/test, in a fresh schema dropped afterwards).
 */
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import pg from 'pg';
import type { CampaignReport } from '../src/core/campaigns/campaign-document.ts';
import { buildReport } from '../src/core/tracking/campaign-report.ts';
import { ReportFollower } from '../src/core/tracking/report-follower.ts';
import { migrate } from '../src/store/migrate.ts';
import { openDatabase, type Database } from '../src/store/sql/database.ts';
import { createReportFollowerStore } from '../src/store/tracking/report-follower-store.ts';
import { createReportQueries } from '../src/store/tracking/report-queries.ts';
import { freshPgSchema } from './lib/server.ts';

const args = process.argv.slice(2);
const opt = (name: string, def: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : def;
};
const N = Number(opt('recipients', '1000000'));
const E = Number(opt('events', '200000'));
const DBS = opt('db', 'sqlite,postgres').split(',');
const PG_URL = process.env.TAILOR_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const T0 = Date.parse('2026-11-02T09:00:00Z');

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => (n < 10 ? n.toFixed(2) : n.toFixed(0));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** `i` from 0 to n-1 as a row source, on either dialect. */
const series = (db: Database, n: number, body: (from: string) => string) => (db.dialect === 'postgres'
  ? body(`(SELECT i FROM generate_series(0, ${n - 1}) AS g(i)) s`)
  : `WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < ${n - 1}) ${body('s')}`);

async function seed(db: Database): Promise<void> {
  const now = Date.now();
  await db.transaction((sql) => sql.run(`INSERT INTO campaigns (id, name, kind, status, spec, pinned, created_at, updated_at)
    VALUES ('c1', 'bench', 'broadcast', 'sent', ?, '{}', ?, ?)`, [JSON.stringify({ name: 'bench', kind: 'broadcast' }), now, now]));
  const sendsSql = series(db, N, (from) => `INSERT INTO sends (campaign_id, occurrence, step, profile_id, message_id, state, due_at, reason, arm,
      email, sent_at, created_at, updated_at, segment_id)
    SELECT 'c1', '', 0, 'p' || i, 'm' || i,
      CASE WHEN i % 200 < 4 THEN 'suppressed' WHEN i % 200 = 4 THEN 'failed' WHEN i % 200 = 5 THEN 'deferred' ELSE 'sent' END,
      ${T0}, CASE WHEN i % 200 < 2 THEN 'no_consent' WHEN i % 200 = 2 THEN 'unsubscribed' WHEN i % 200 = 3 THEN 'holdout' WHEN i % 200 = 4 THEN 'hard_bounce' END,
      CASE WHEN i % 2 = 0 THEN 'A' ELSE 'B' END, 'p' || i || '@mail.test',
      CASE WHEN i % 200 >= 6 THEN ${T0} + i * 10 END, ${T0}, ${T0}, 's' || (i % 3)
    FROM ${from}`);
  await db.transaction((sql) => sql.run(sendsSql));

  // Event j is about recipient k = j * 7919 mod N; an order goes to the recipient clicked 30 events earlier.
  const pgsql = db.dialect === 'postgres';
  const json = pgsql ? 'jsonb_build_object' : 'json_object';
  const bool = (e: string) => (pgsql ? `(${e})` : `json(CASE WHEN ${e} THEN 'true' ELSE 'false' END)`);
  const ts = (e: string) => (pgsql ? `to_timestamp((${e}) / 1000.0)` : `(${e})`);
  const k = `(CASE WHEN j % 100 IN (90, 91) THEN ((j - 30) * 7919) % ${N} ELSE (j * 7919) % ${N} END)`;
  const eventsSql = series(db, E, (from) => `INSERT INTO events (message_id, profile_id, type, name, timestamp, received_at, properties, source)
    SELECT 'e' || j, 'p' || ${k}, 'track',
      CASE WHEN j % 100 < 60 THEN 'Email Opened' WHEN j % 100 < 90 THEN 'Email Link Clicked' WHEN j % 100 < 92 THEN 'Order Completed'
        WHEN j % 100 = 92 THEN 'Email Bounced' WHEN j % 100 = 93 THEN 'Email Marked as Spam' ELSE 'Product Viewed' END,
      ${ts(`${T0} + 3600000 + j * 50`)}, ${ts(`${T0} + 3600000 + j * 50`)},
      CASE WHEN j % 100 IN (90, 91) THEN ${json}('order_id', 'o' || j, 'revenue', 10 + j % 50)
        ELSE ${json}('campaign_id', 'c1', 'step', 0, 'email_id', 'm' || ${k}, 'message_id', 'm' || ${k}, 'link_id', 'l' || (j % 8),
          'url', 'https://shop.test/' || (j % 8), 'machine_open', ${bool('j % 100 < 60 AND j % 5 = 0')}, 'bot', ${bool('j % 100 >= 60 AND j % 10 = 1')}) END,
      'bench'
    FROM (SELECT i AS j FROM ${from}) x`);
  await db.transaction((sql) => sql.run(eventsSql));
}

async function analyze(db: Database, url: string): Promise<void> {
  if (db.dialect === 'sqlite') {
    await db.transaction((sql) => sql.run('ANALYZE'));
    return;
  }
  // VACUUM cannot run inside a transaction; it also sets the visibility map that index-only scans need.
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query('VACUUM ANALYZE sends');
    await c.query('VACUUM ANALYZE events');
  } finally {
    await c.end();
  }
}

async function timeReport(db: Database) {
  const q = createReportQueries(db);
  const base = { campaign: { id: 'c1', name: 'bench' }, counts: {}, total: 0, delivered: 0, reasons: [], firstSentAt: null, lastSentAt: null, note: '' } as unknown as CampaignReport;
  const groups: number[] = [];
  const hours: number[] = [];
  const rollups: number[] = [];
  const whole: number[] = [];
  let sent = 0;
  for (let i = 0; i < 5; i++) {
    let t = performance.now();
    await q.sendGroups('c1');
    groups.push(performance.now() - t);
    t = performance.now();
    await q.sentHours('c1');
    hours.push(performance.now() - t);
    t = performance.now();
    await Promise.all([q.rollups('c1'), q.links('c1')]);
    rollups.push(performance.now() - t);
    t = performance.now();
    const [g2, h2, r2, l2] = await Promise.all([q.sendGroups('c1'), q.sentHours('c1'), q.rollups('c1'), q.links('c1')]);
    const rep = buildReport(base, { groups: g2, sentHours: h2, rollups: r2, links: l2, segmentNames: new Map(), windows: { clickDays: 5, openDays: 1 }, incremental: null });
    whole.push(performance.now() - t);
    sent = rep.metrics.sent;
  }
  return { groups: median(groups), hours: median(hours), rollups: median(rollups), whole: median(whole), sent };
}

async function run(name: string, url: string) {
  const db = await openDatabase(url);
  await migrate(db);
  let t = performance.now();
  await seed(db);
  await analyze(db, url);
  const seedS = (performance.now() - t) / 1000;

  const follower = new ReportFollower({ port: createReportFollowerStore(db), now: () => Date.now() });
  t = performance.now();
  let processed = 0;
  for (;;) {
    const n = await follower.follow();
    if (n === 0) break;
    processed += n;
  }
  const followS = (performance.now() - t) / 1000;
  const [attributed] = await db.read<{ n: unknown }>(db.dialect === 'postgres'
    ? "SELECT COUNT(*) AS n FROM events WHERE name = 'Order Completed' AND properties -> 'attribution' IS NOT NULL"
    : "SELECT COUNT(*) AS n FROM events WHERE name = 'Order Completed' AND json_extract(properties, '$.attribution') IS NOT NULL");
  const [rollupRows] = await db.read<{ n: unknown }>('SELECT COUNT(*) AS n FROM report_rollups');

  await analyze(db, url);
  const withIndex = await timeReport(db);
  await db.transaction((sql) => sql.run('DROP INDEX sends_report'));
  await analyze(db, url);
  const without = await timeReport(db);
  await db.close();
  return { name, seedS, processed, followS, attributed: Number(attributed?.n), rollupRows: Number(rollupRows?.n), withIndex, without };
}

const rows: Awaited<ReturnType<typeof run>>[] = [];
for (const name of DBS) {
  if (name === 'sqlite') {
    const dir = process.env.BENCH_KEEP ?? fs.mkdtempSync(path.join(os.tmpdir(), "tailor-bench-report-"));
    try {
      rows.push(await run('SQLite', path.join(dir, 'tailor.db')));
    } finally {
      if (!process.env.BENCH_KEEP) fs.rmSync(dir, { recursive: true, force: true });
    }
  } else {
    const schema = await freshPgSchema(PG_URL);
    if ('error' in schema) {
      console.log(`PostgreSQL skipped: ${schema.error}`);
      continue;
    }
    try {
      rows.push(await run('PostgreSQL', schema.url));
    } finally {
      await schema.drop();
    }
  }
}

console.log(`\nCampaign report at ${fmt(N)} recipients, ${fmt(E)} events (${os.cpus().length} CPUs, load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')})\n`);
console.log('| database | seed (s, not timed below) | follower: events | follower: s | events/s | orders attributed | rollup rows | send-state count (ms) | sent per hour (ms) | rollups + links (ms) | whole report (ms) | send-state count without sends_report (ms) |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(`| ${r.name} | ${r.seedS.toFixed(1)} | ${fmt(r.processed)} | ${r.followS.toFixed(1)} | ${fmt(r.processed / r.followS)} | ${fmt(r.attributed)} | ${fmt(r.rollupRows)} | `
    + `${ms(r.withIndex.groups)} | ${ms(r.withIndex.hours)} | ${ms(r.withIndex.rollups)} | ${ms(r.withIndex.whole)} | ${ms(r.without.groups)} |`);
  if (r.withIndex.sent !== Math.floor(N / 200) * 194 + Math.max(0, (N % 200) - 6)) console.log(`  (check: sent ${r.withIndex.sent})`);
}
