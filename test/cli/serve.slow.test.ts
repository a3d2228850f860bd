import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { tempSqlite } from '../helpers/databases.ts';
import { BIN, startServer } from '../helpers/server-process.ts';
import { KEYS } from '../helpers/tailor.ts';

const noKeys = { TAILOR_WRITE_KEY: '', TAILOR_ADMIN_KEY: '' };

describe('tailor serve', () => {
  it('generates keys on first run, prints them once, and keeps them across restarts', async () => {
    const db = tempSqlite();
    const first = await startServer({ TAILOR_DB: db, ...noKeys });
    first.proc.kill('SIGTERM');
    await new Promise((r) => first.proc.once('exit', r));
    const writeKey = /write key: (\S+)/.exec(first.output())?.[1];
    const adminKey = /admin key: (\S+)/.exec(first.output())?.[1];
    expect(writeKey).toMatch(/^wk_/);
    expect(adminKey).toMatch(/^ak_/);

    const second = await startServer({ TAILOR_DB: db, ...noKeys });
    try {
      expect(second.output()).not.toContain('write key:');
      const auth = `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`;
      const r = await fetch(`${second.base}/v1/track`, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/json' }, body: JSON.stringify({ userId: 'k', event: 'E' }) });
      expect(r.status).toBe(200);
      const profile = await fetch(`${second.base}/v1/profiles/k`, { headers: { authorization: `Bearer ${adminKey}` } });
      expect(profile.status).toBe(200);
      expect((await fetch(`${second.base}/v1/profiles/k`, { headers: { authorization: auth } })).status).toBe(403);
    } finally {
      second.proc.kill('SIGTERM');
    }
  });

  it('fails fast with a one-line reason on bad config', () => {
    const r = spawnSync(process.execPath, [BIN, 'serve', '--no-demo'], { env: { ...process.env, TAILOR_DB: tempSqlite(), TAILOR_PORT: 'abc' }, encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    // bin/tailor.js adds a note line when dist/ is older than src/ (it runs src/ through tsx then).
    const stderr = r.stderr.replace(/^tailor: note: .*\n/, '');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain('TAILOR_PORT');
  });

  it('migrate reports applied migrations, then that it is up to date', () => {
    const db = tempSqlite();
    const run = () => spawnSync(process.execPath, [BIN, '--db', db, 'migrate', '--json'], { encoding: 'utf8' });
    expect(JSON.parse(run().stdout)).toEqual({ applied: ['001-initial', '002-segments', '003-events-by-name-covering', '004-experiments', '005-recommendations', '006-templates', '007-models', '008-campaigns', '009-send-payload', '010-delivery-report-keys', '011-memberships-by-profile', '012-tracking-rollups', '013-send-time', '014-tracking-hits'] });
    expect(JSON.parse(run().stdout)).toEqual({ applied: [] });
  });
});

describe('tailor serve on an empty database (npm start)', () => {
  it('loads the demo store once, and not again on restart', async () => {
    const db = tempSqlite();
    const env = { TAILOR_DB: db, TAILOR_WRITE_KEY: KEYS.writeKey, TAILOR_ADMIN_KEY: KEYS.adminKey };
    const admin = { authorization: `Bearer ${KEYS.adminKey}` };
    const counts = async (base: string) => {
      const page = await (await fetch(`${base}/`, { headers: admin })).text();
      return Object.fromEntries([...page.matchAll(/<th>(\w+)<\/th><td>([\d,]+)<\/td>/g)].map((m) => [m[1], Number(m[2]!.replace(/,/g, ''))]));
    };
    const first = await startServer(env, []);
    let before: Record<string, number>;
    try {
      before = await counts(first.base);
      expect(before.profiles).toBe(2000);
      expect(before.events).toBeGreaterThan(50_000);
      expect(before.products).toBeGreaterThan(100);
      const list = await (await fetch(`${first.base}/v1/profiles?limit=1&trait.demo_segment=frequent_buyer`, { headers: admin })).json() as { profiles: unknown[] };
      expect(list.profiles).toHaveLength(1);
      const segments = await (await fetch(`${first.base}/v1/segments`, { headers: admin })).json() as { segments: { name: string; status: string }[] };
      // The six example segments and the demo broadcast's audience (src/demo/demo-campaigns.ts).
      expect(segments.segments.map((x) => x.status)).toEqual(new Array(7).fill('ready'));
      // The demo's churn model and clusters, scored into features that segments can use.
      const models = await (await fetch(`${first.base}/v1/models`, { headers: admin })).json() as { models: { name: string; lastScore: { written: number } | null }[] };
      expect(models.models.map((m) => m.name).sort()).toEqual(['churn', 'clusters']);
      expect(models.models.find((m) => m.name === 'churn')!.lastScore!.written).toBeGreaterThan(500);
      const preview = await (await fetch(`${first.base}/v1/segments/preview`, { method: 'POST', headers: { ...admin, 'content-type': 'application/json' },
        body: JSON.stringify({ rules: { feature: 'cluster', op: 'gte', value: 0 } }) })).json() as { count: number };
      expect(preview.count).toBe(2000);
    } finally {
      first.proc.kill('SIGTERM');
      await new Promise((r) => first.proc.once('exit', r));
    }
    const second = await startServer(env, []);
    try {
      expect(await counts(second.base)).toEqual(before);
    } finally {
      second.proc.kill('SIGTERM');
    }
  }, 300_000);
});
