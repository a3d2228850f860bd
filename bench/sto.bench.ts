/**
 * `npm run bench:sto`: send-time optimisation at a million recipients. Prints a table:
 *
 * 1. fit (core): the two-level model (ModelFit: tallies, Minka fixed points) over N synthetic
 *    profiles with planted local reading hours (weekday and weekend), 8 groups; with the share of
 *    profiles with ≥ 10 events whose weekday best hour is within ±1 h of the planted one;
 * 2. schedule (core): planWith (posterior, best slot in the window, ε-greedy draw, propensity) for
 *    N recipients over 40 zones, for a 24 h and a 7 d window;
 * 3. schedule through the store, as a campaign does it a page of 2,000 at a time over N
 *    recipients: StoService.plan (one read of sto_profile_hours + the above), then the send
 *    queue's INSERT of the page's rows carrying the choices (sends.sto_*). The same rows queued
 *    without choices, for another campaign, are the baseline: the difference is what send-time
 *    optimisation adds to a send. sto_profile_hours is written first (timed apart as "load").
 *
 *   npm run bench:sto
 *   npx tsx bench/sto.bench.ts --profiles 200000 --db sqlite,postgres
 *
 * Flags: --profiles (1,000,000), --db sqlite|postgres|sqlite,postgres (default sqlite; PostgreSQL:
 * TAILOR_BENCH_PG_URL or postgres://postgres@127.0.0.1:5432/test, in a fresh schema dropped afterwards).
 */
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Rng } from '../src/core/prng.ts';
import { BINS } from '../src/core/sto/local-bins.ts';
import { ModelFit, profileDistribution } from '../src/core/sto/model.ts';
import type { NewSend } from '../src/core/campaigns/ports.ts';
import { planWith, StoService } from '../src/core/sto/sto-service.ts';
import { createSendQueue } from '../src/store/campaigns/send-queue.ts';
import { migrate } from '../src/store/migrate.ts';
import { openDatabase, type Database } from '../src/store/sql/database.ts';
import { createStoStore } from '../src/store/sto/sto-store.ts';
import { freshPgSchema } from './lib/server.ts';
import { machineInfo } from './lib/machine.ts';

const args = process.argv.slice(2);
const opt = (name: string, def: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : def;
};
const N = Number(opt('profiles', '1000000'));
const DBS = opt('db', 'sqlite').split(',');
const PAGE = 2000;
const ZONES = ['UTC', 'Europe/London', 'Europe/Berlin', 'Europe/Paris', 'Europe/Madrid', 'Europe/Rome', 'Europe/Warsaw', 'Europe/Athens',
  'Europe/Helsinki', 'Europe/Istanbul', 'Europe/Moscow', 'America/New_York', 'America/Chicago', 'America/Denver', 'America/Los_Angeles',
  'America/Phoenix', 'America/Anchorage', 'America/Toronto', 'America/Mexico_City', 'America/Bogota', 'America/Sao_Paulo',
  'America/Argentina/Buenos_Aires', 'Africa/Lagos', 'Africa/Cairo', 'Africa/Johannesburg', 'Asia/Dubai', 'Asia/Karachi', 'Asia/Kolkata',
  'Asia/Dhaka', 'Asia/Bangkok', 'Asia/Jakarta', 'Asia/Singapore', 'Asia/Shanghai', 'Asia/Tokyo', 'Asia/Seoul', 'Australia/Sydney',
  'Australia/Perth', 'Pacific/Auckland', 'Pacific/Honolulu', 'Asia/Kathmandu'];
const START = Date.parse('2026-06-01T06:00:00Z');

interface Person { id: string; zone: string; group: string; weekday: number; weekend: number; counts: Uint16Array }

/** Planted habits: a weekday and a weekend hour per person (local), 70 % of events there (±1 h), the rest anywhere; 0-40 events. */
function people(n: number): Person[] {
  const rng = new Rng([7, 7, 7, 7]);
  const out: Person[] = [];
  for (let i = 0; i < n; i++) {
    const group = `g${i % 8}`;
    const base = 7 + (i % 8) * 2; // each group leans to its own hours
    const weekday = (base + rng.int(-2, 2) + 24) % 24;
    const weekend = (weekday + 2) % 24;
    const counts = new Uint16Array(BINS);
    const events = rng.int(0, 40);
    for (let e = 0; e < events; e++) {
      const isWeekend = rng.chance(2 / 7);
      const h = rng.chance(0.7) ? ((isWeekend ? weekend : weekday) + rng.int(-1, 1) + 24) % 24 : rng.int(0, 23);
      counts[(isWeekend ? 24 : 0) + h]!++;
    }
    out.push({ id: `p${String(i).padStart(8, '0')}`, zone: ZONES[i % ZONES.length]!, group, weekday, weekend, counts });
  }
  return out;
}

const rows: string[][] = [];
const row = (...cells: (string | number)[]) => {
  rows.push(cells.map(String));
  console.log(cells.join(' | ')); // as it goes: the store phases take minutes at a million
};
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const rate = (n: number, ms: number) => `${Math.round(n / (ms / 1000)).toLocaleString('en-US')}/s`;

async function main(): Promise<void> {
  console.log(machineInfo());
  console.log(`profiles: ${N.toLocaleString('en-US')}\n`);
  const who = people(N);

  let t0 = performance.now();
  const fit = new ModelFit('cluster');
  for (const p of who) fit.add({ group: p.group, counts: p.counts });
  const model = fit.finish(START);
  const fitMs = performance.now() - t0;
  let near = 0;
  let rich = 0;
  for (const p of who) {
    let n = 0;
    for (let k = 0; k < 24; k++) n += p.counts[k]!;
    if (n < 10) continue;
    rich++;
    const dist = profileDistribution(model, p.counts, p.group);
    let best = 0;
    for (let h = 1; h < 24; h++) if (dist[h]! > dist[best]!) best = h;
    const d = Math.abs(best - p.weekday);
    if (Math.min(d, 24 - d) <= 1) near++;
  }
  row('fit (core)', N, secs(fitMs), rate(N, fitMs),
    `α profile ${model.alphaProfile.toFixed(2)}, α group ${model.alphaGroup.toFixed(1)}; weekday best within ±1 h of planted: ${(100 * near / rich).toFixed(1)}% of ${rich} with ≥ 10 weekday events`);

  for (const hours of [24, 168]) {
    const recipients = who.map((p) => ({ profileId: p.id, zone: p.zone, counts: p.counts, group: p.group }));
    t0 = performance.now();
    const choices = planWith(model, { start: START, hours, explore: 0.1, seed: 'bench|' }, recipients, 'UTC');
    const ms = performance.now() - t0;
    const explored = choices.filter((c) => c.explored).length;
    row(`schedule (core), ${hours} h window`, N, secs(ms), rate(N, ms), `${(100 * explored / N).toFixed(2)}% explored`);
  }

  for (const dialect of DBS) await storePhase(dialect, model, who);
  console.log('');
  const widths = rows[0]!.map((_, i) => Math.max(...[['phase', 'n', 'time', 'rate', 'note'], ...rows].map((r) => (r[i] ?? '').length)));
  for (const r of [['phase', 'n', 'time', 'rate', 'note'], ...rows]) console.log(r.map((c, i) => (i === 4 ? c : c.padEnd(widths[i]!))).join(' | '));
}

async function storePhase(dialect: string, model: ReturnType<ModelFit['finish']>, who: Person[]): Promise<void> {
  let db: Database;
  let drop = async () => undefined as unknown;
  let dir: string | undefined;
  if (dialect === 'postgres') {
    const s = await freshPgSchema(process.env.TAILOR_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test');
    if ('error' in s) {
      row(`store (${dialect})`, '-', '-', '-', `skipped: ${s.error}`);
      return;
    }
    db = await openDatabase(s.url);
    drop = s.drop;
  } else {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-sto-bench-'));
    db = await openDatabase(path.join(dir, 'tailor.db'));
  }
  try {
    await migrate(db);
    const store = createStoStore(db);
    // Load: the profiles' counts (as a fit writes them).
    let t0 = performance.now();
    for (let i = 0; i < who.length; i += 5000) {
      await store.saveProfileHours(who.slice(i, i + 5000).map((p) => ({ profileId: p.id, group: p.group, counts: [...p.counts], events: p.counts.reduce((a, b) => a + b, 0) })), START);
    }
    const hoursMs = performance.now() - t0;
    await store.saveModel('bench', model);
    row(`load (${dialect})`, who.length, secs(hoursMs), '-', 'sto_profile_hours (not part of scheduling)');

    const service = new StoService({ store, defaultZone: 'UTC', now: () => START, newId: () => 'x' });
    const queue = createSendQueue(db);
    const send = (campaignId: string, profileId: string): NewSend => ({
      campaignId, occurrence: '', step: 0, profileId, messageId: `${profileId}@${campaignId}.bench`, dueAt: START, arm: null, triggerAt: null,
    });
    let planMs = 0;
    let queueMs = 0;
    let baselineMs = 0;
    for (let i = 0; i < who.length; i += PAGE) {
      const page = who.slice(i, i + PAGE);
      t0 = performance.now();
      const choices = await service.plan({ start: START, hours: 24, explore: 0.1, seed: 'bench|' }, page.map((p) => ({ profileId: p.id, zone: p.zone })));
      const t1 = performance.now();
      await queue.enqueue(choices.map((c) => ({ ...send('bench', c.profileId), dueAt: c.dueAt,
        sendTime: { start: c.start, hours: c.hours, slot: c.slot, best: c.best, propensity: c.propensity } })));
      const t2 = performance.now();
      await queue.enqueue(page.map((p) => send('plain', p.id)));
      planMs += t1 - t0;
      queueMs += t2 - t1;
      baselineMs += performance.now() - t2;
    }
    row(`schedule via store (${dialect}), 24 h`, who.length, secs(planMs + queueMs), rate(who.length, planMs + queueMs),
      `plan (read counts + choose) ${secs(planMs)}, queue rows with choices ${secs(queueMs)}; pages of ${PAGE}`);
    row(`  of which send-time optimisation (${dialect})`, who.length, secs(planMs + queueMs - baselineMs), '-',
      `the same rows queued without choices took ${secs(baselineMs)}`);
    const check = await db.read<{ n: unknown }>("SELECT COUNT(*) AS n FROM sends WHERE campaign_id = 'bench' AND sto_p IS NOT NULL");
    if (Number(check[0]!.n) !== who.length) throw new Error(`recorded ${String(check[0]!.n)} of ${who.length}`);
  } finally {
    await db.close();
    await drop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
