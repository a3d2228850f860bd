import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

/** The tree whose server is measured: this one, or BENCH_ROOT (e.g. a checkout of an older commit, for before/after). */
export const ROOT = process.env.BENCH_ROOT ? path.resolve(process.env.BENCH_ROOT) : path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = path.join(ROOT, 'bin', 'tailor.js');

// Strong enough for the server's key rule (128 bits: src/core/key-strength.ts).
export const WRITE_KEY = 'wk_bench_Gt4Ns8Vx2Qk6Ry9Lp3Mb7Hd';
export const ADMIN_KEY = 'ak_bench_Zc5Wf1Tj7Ue3Xo9Kq2Np8Sa';

/** A free loopback port: bind to 0, read it, release it. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export interface RunningServer {
  port: number;
  child: ChildProcess;
  output: () => string;
  stop: () => Promise<number | null>;
}

/** Starts `tailor serve --no-demo` as a child process and waits until /health answers 200. */
export async function startServer(opts: { db: string; nodeArgs?: string[]; env?: Record<string, string> }): Promise<RunningServer> {
  const port = await freePort();
  const child = spawn(process.env.BENCH_NODE ?? process.execPath, [...(opts.nodeArgs ?? []), BIN, 'serve', '--no-demo'], {
    cwd: ROOT,
    env: {
      ...process.env,
      TAILOR_DB: opts.db,
      TAILOR_PORT: String(port),
      TAILOR_HOST: '127.0.0.1',
      TAILOR_LOG_LEVEL: 'warn',
      TAILOR_WRITE_KEY: WRITE_KEY,
      TAILOR_ADMIN_KEY: ADMIN_KEY,
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${out}`);
    try {
      const r = await fetch(`http://127.0.0.1:${port}/health`);
      if (r.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server did not become healthy within 60 s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    port,
    child,
    output: () => out,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** A fresh PostgreSQL schema (selected by search_path in the URL), or undefined when PG is unreachable. */
export async function freshPgSchema(baseUrl: string): Promise<{ url: string; drop: () => Promise<void> } | { error: string }> {
  const schema = `bench_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const client = new pg.Client({ connectionString: baseUrl, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query(`CREATE SCHEMA ${schema}`);
  } catch (e) {
    return { error: (e as Error).message };
  } finally {
    await client.end().catch(() => undefined);
  }
  const u = new URL(baseUrl);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: u.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: baseUrl });
      await c.connect();
      try {
        await c.query(`DROP SCHEMA ${schema} CASCADE`);
      } finally {
        await c.end();
      }
    },
  };
}
