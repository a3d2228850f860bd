import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempSqlite } from '../helpers/databases.ts';
import { BIN, startServer } from '../helpers/server-process.ts';
import { msg, openTailor } from '../helpers/tailor.ts';

const H = 3_600_000;
// No keys configured: the first start generates them and prints them in its JSON line.
const noKeys = { TAILOR_WRITE_KEY: '', TAILOR_ADMIN_KEY: '' };

/** `tailor serve --json …` as a process, resolved with its one stdout line once it listens. */
function serveJson(env: Record<string, string>, args: string[]) {
  const proc = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--no-demo', '--json', ...args], {
    env: { ...process.env, TAILOR_LOG_LEVEL: 'warn', TAILOR_HOST: '127.0.0.1', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stderr.on('data', (d) => (err += d));
  const line = new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out} ${err}`)), 120_000);
    proc.stdout.on('data', (d) => {
      out += d;
      if (out.includes('\n')) {
        clearTimeout(timer);
        resolve(JSON.parse(out.slice(0, out.indexOf('\n'))) as Record<string, unknown>);
      }
    });
    proc.on('exit', (code) => reject(new Error(`server exited with ${code}: ${err}`)));
  });
  return { proc, line, stdout: () => out, stderr: () => err };
}

async function stop(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGTERM');
  await exited;
}

describe('tailor serve --no-schedulers', () => {
  const db = tempSqlite();
  let segmentId = '';
  let admin = '';

  // A member whose 1-hour window ended an hour ago: the segment scheduler removes her at once.
  beforeAll(async () => {
    const past = Date.now() - 2 * H;
    const t = await openTailor(db, () => past);
    try {
      const seg = await t.segments.create({ name: 'recent carts', rules: { event: 'Product Added', within: '1h' } });
      segmentId = seg.segment.id;
      await t.ingest([msg({ type: 'track', userId: 'kim', event: 'Product Added', timestamp: new Date(past).toISOString() }, past)]);
      await t.realtime.drain();
    } finally {
      await t.close();
    }
  });
  const members = async (base: string) => {
    const r = await fetch(`${base}/v1/segments/${segmentId}/members`, { headers: { authorization: admin } });
    return ((await r.json()) as { members: { userId: string }[] }).members.map((m) => m.userId);
  };

  it('leaves the window timers off (and says what it binds in one JSON line; warns about TAILOR_REDIS_URL)', async () => {
    const s = serveJson({ TAILOR_DB: db, TAILOR_REDIS_URL: 'redis://127.0.0.1:6379', ...noKeys }, ['--no-schedulers']);
    try {
      const line = await s.line;
      expect(line).toEqual({
        listening: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/), host: '127.0.0.1', port: expect.any(Number), dialect: 'sqlite', schedulers: false,
        keys: { writeKey: expect.stringMatching(/^wk_/), adminKey: expect.stringMatching(/^ak_/) },
      });
      admin = `Bearer ${(line.keys as { adminKey: string }).adminKey}`;
      expect(line.listening).toBe(`http://127.0.0.1:${line.port as number}`);
      expect(s.stderr()).toContain('TAILOR_REDIS_URL is set but Tailor does not use Redis yet: jobs run in this process');
      const base = line.listening as string;
      expect(await members(base)).toEqual(['kim']);
      await new Promise((r) => setTimeout(r, 3000));
      expect(await members(base)).toEqual(['kim']);
      // Ingest still runs in this process.
      expect((await fetch(`${base}/v1/profiles/kim`, { headers: { authorization: admin } })).status).toBe(200);
      expect(s.stdout().trim().split('\n')).toHaveLength(1);
    } finally {
      await stop(s.proc);
    }
  }, 150_000);

  it('with the schedulers on (the default) the same timer fires at start', async () => {
    const s = await startServer({ TAILOR_DB: db, ...noKeys });
    try {
      expect(s.output()).not.toContain('TAILOR_REDIS_URL');
      const end = Date.now() + 20_000;
      let got = await members(s.base);
      while (got.length && Date.now() < end) {
        await new Promise((r) => setTimeout(r, 200));
        got = await members(s.base);
      }
      expect(got).toEqual([]);
    } finally {
      await stop(s.proc);
    }
  }, 150_000);
});
