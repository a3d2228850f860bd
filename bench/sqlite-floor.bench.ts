/**
 * The floor under SQLite ingest on this machine: the rows one ingested event writes, inserted with
 * better-sqlite3 directly (no HTTP, no JSON parsing, no validation, no planning, no look-ups) into
 * the real schema (created by Tailor's migration), 500 events per transaction, with the pragmas the
 * app uses and with checkpoints turned off (the app runs them on another thread). Whatever the HTTP
 * ingest reaches, it cannot beat these numbers.
 *
 *   node --import tsx bench/sqlite-floor.bench.ts
 *
 * Knobs: BENCH_FLOOR_EVENTS=300000, BENCH_USERS=100000.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { openDatabase } from '../src/store/sql/database.ts';
import { migrate } from '../src/store/migrate.ts';
import { machineInfo } from './lib/machine.ts';

const EVENTS = Number(process.env.BENCH_FLOOR_EVENTS ?? 300_000);
const USERS = Number(process.env.BENCH_USERS ?? 100_000);
const PER_TX = 500;

const PROPS = JSON.stringify({ product_id: 'SKU-12345', category: 'shoes', name: 'Contoso shoes 12', price: 12.5, currency: 'EUR' });
const CONTEXT = JSON.stringify({
  ip: '81.2.69.160', library: { name: 'analytics-node', version: '3.1.0' },
  userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
});

type Shape = 'event' | 'event+profile' | 'event+profile+identity+change';

async function run(shape: Shape): Promise<number> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-floor-'));
  const file = path.join(dir, 'floor.db');
  try {
    const t = await openDatabase(file);
    await migrate(t);
    await t.close();
    const db = new SQLite(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('wal_autocheckpoint = 0');
    const insEvent = db.prepare(`INSERT INTO events (message_id, profile_id, type, name, user_id, anonymous_id, timestamp, received_at,
      sent_at, original_timestamp, properties, context, integrations, source) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT (message_id) DO NOTHING`);
    const upsertProfile = db.prepare(`INSERT INTO profiles (id, traits, trait_stamps, first_seen_at, last_seen_at, created_at, updated_at, merged_into)
      VALUES (?,?,?,?,?,?,?,?) ON CONFLICT (id) DO UPDATE SET traits = excluded.traits, trait_stamps = excluded.trait_stamps,
      first_seen_at = excluded.first_seen_at, last_seen_at = excluded.last_seen_at, created_at = excluded.created_at,
      updated_at = excluded.updated_at, merged_into = excluded.merged_into`);
    const insIdentity = db.prepare('INSERT INTO identities (kind, lookup, value, profile_id, created_at) VALUES (?,?,?,?,?)');
    const insChange = db.prepare(`INSERT INTO changes (profile_id, kind, field, old_value, new_value, source, message_id, at)
      VALUES (?,?,?,?,?,?,?,?)`);
    const profileIds = Array.from({ length: USERS }, () => randomUUID());
    const known = new Uint8Array(USERS);
    let t0 = 0;
    let elapsed = 0;
    for (let n = 0; n < EVENTS;) {
      t0 = performance.now();
      db.exec('BEGIN IMMEDIATE');
      for (let i = 0; i < PER_TX && n < EVENTS; i++, n++) {
        const now = Date.now();
        const u = Math.floor(Math.random() * USERS);
        const messageId = `node-next-${now}-${randomUUID()}`;
        const pid = profileIds[u]!;
        insEvent.run([messageId, pid, 'track', 'Product Viewed', `user-${u}`, null, now, now, now, now, PROPS, CONTEXT, null, 'api']);
        if (shape === 'event') continue;
        upsertProfile.run([pid, '{}', '{}', now, now, now, now, null]);
        if (shape === 'event+profile' || known[u]) continue;
        known[u] = 1;
        insIdentity.run(['user_id', `user-${u}`, `user-${u}`, pid, now]);
        insChange.run([pid, 'identity_added', 'user_id', 'null', JSON.stringify(`user-${u}`), 'api', messageId, now]);
      }
      db.exec('COMMIT');
      elapsed += performance.now() - t0;
    }
    db.close();
    return (elapsed * 1000) / EVENTS;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

console.log('SQLite floor: the rows of one ingested event, inserted directly (no pipeline), 500 events per transaction\n');
console.log(machineInfo());
console.log(`\n${EVENTS.toLocaleString('en-US')} events, userId pool ${USERS.toLocaleString('en-US')}, SQLite ${(new SQLite(':memory:').prepare('SELECT sqlite_version() AS v').get() as { v: string }).v}\n`);
console.log('| rows written per event | µs/event | events/s ceiling |');
console.log('|---|--:|--:|');
for (const shape of ['event', 'event+profile', 'event+profile+identity+change'] as Shape[]) {
  const us = await run(shape);
  console.log(`| ${shape} | ${us.toFixed(1)} | ${Math.round(1e6 / us).toLocaleString('en-US')} |`);
}
