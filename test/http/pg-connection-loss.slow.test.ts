import net from 'node:net';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { freshPgUrl, PG_URL } from '../helpers/databases.ts';
import { startServer } from '../helpers/server-process.ts';
import { KEYS, WRITE_AUTH } from '../helpers/tailor.ts';

// A real `tailor serve` on PostgreSQL whose connections PostgreSQL drops (pg_terminate_backend,
// as on a restart or an idle timeout) and whose database then goes away for a while: the process
// must stay up, answer 503 on /health while the database is away, and serve again once it is back.
// PostgreSQL only: SQLite has no connection to lose. The server reaches PostgreSQL through a TCP
// proxy of this test's own, so that "the database is away" does not touch the other suites.

/** A TCP proxy to PostgreSQL that can be taken down (every connection cut, nothing accepted) and brought back on its port. */
class Proxy {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  port = 0;
  constructor(private readonly target: { host: string; port: number }) {}

  async up(): Promise<void> {
    this.server = net.createServer((client) => {
      const upstream = net.connect(this.target);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => s.destroy());
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
  }

  async down(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server!.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    await closed;
  }
}

async function admin<T extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<pg.QueryResult<T>> {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  try {
    return await c.query<T>(text, values);
  } finally {
    await c.end();
  }
}

describe.skipIf(!PG_URL)('tailor serve when PostgreSQL drops its connections', () => {
  let stop: (() => Promise<void>) | undefined;
  afterEach(async () => stop?.());

  it('stays up, answers 503 on /health while the database is away, and serves again when it is back', async () => {
    const direct = new URL(await freshPgUrl());
    const proxy = new Proxy({ host: direct.hostname, port: Number(direct.port || 5432) });
    await proxy.up();
    const viaProxy = new URL(direct);
    viaProxy.host = `127.0.0.1:${proxy.port}`;
    const { proc, base, output } = await startServer({ TAILOR_DB: viaProxy.toString(), TAILOR_WRITE_KEY: KEYS.writeKey, TAILOR_ADMIN_KEY: KEYS.adminKey });
    let exited: number | null | undefined;
    proc.on('exit', (code) => (exited = code));
    stop = async () => {
      if (exited === undefined) {
        proc.kill('SIGTERM');
        await new Promise((r) => proc.once('exit', r));
      }
      await proxy.down().catch(() => {});
    };

    const track = (n: number) => fetch(`${base}/v1/track`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: WRITE_AUTH },
      body: JSON.stringify({ userId: 'u1', event: 'Viewed', messageId: `loss-${n}` }),
    });
    const health = async () => (await fetch(`${base}/health`)).status;
    const waitFor = async (want: number, ms = 15_000) => {
      const until = Date.now() + ms;
      let got = 0;
      while (Date.now() < until && (got = await health()) !== want) await new Promise((r) => setTimeout(r, 100));
      return got;
    };

    expect((await track(1)).status).toBe(200);

    // 1. PostgreSQL terminates the server's sessions (only this process's: application_name tailor-<pid>).
    const killed = await admin('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [`tailor-${proc.pid}`]);
    expect(killed.rowCount).toBeGreaterThanOrEqual(1);
    await new Promise((r) => setTimeout(r, 500));
    expect(exited, output()).toBeUndefined();
    expect(await health()).toBe(200);
    expect((await track(2)).status).toBe(200);

    // 2. The database goes away: every connection cut, new ones refused.
    await proxy.down();
    await new Promise((r) => setTimeout(r, 300));
    expect(exited, output()).toBeUndefined();
    expect(await waitFor(503)).toBe(503);
    const body = await (await fetch(`${base}/health`)).json();
    expect(body).toMatchObject({ status: 'unavailable', error: { code: 'db_unavailable' } });
    expect((await track(3)).status).toBeGreaterThanOrEqual(500);

    // 3. It comes back: the server serves again without a restart.
    await proxy.up();
    expect(await waitFor(200)).toBe(200);
    expect((await track(4)).status).toBe(200);
    expect(exited, output()).toBeUndefined();
    expect(output()).toMatch(/PostgreSQL connection lost/);

    const schema = direct.searchParams.get('options')!.replace('-c search_path=', '');
    const stored = await admin<{ message_id: string }>(`SELECT message_id FROM ${schema}.events WHERE message_id LIKE 'loss-%' ORDER BY 1`);
    expect(stored.rows.map((r) => r.message_id)).toEqual(['loss-1', 'loss-2', 'loss-4']);
  }, 240_000);
});
