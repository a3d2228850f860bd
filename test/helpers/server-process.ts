import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export const BIN = path.resolve(import.meta.dirname, '../../bin/tailor.js');

/** Starts `tailor serve` as a real process on a free port and waits until it listens. */
export async function startServer(env: Record<string, string>, args: string[] = ['--no-demo']): Promise<{ proc: ChildProcess; base: string; output: () => string }> {
  const proc = spawn(process.execPath, [BIN, 'serve', '--port', '0', ...args], {
    env: { ...process.env, TAILOR_LOG_LEVEL: 'warn', TAILOR_HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  const base = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 150_000);
    proc.stdout!.on('data', () => {
      const m = /listening on (http:\/\/[\d.:]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    proc.on('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)));
  });
  return { proc, base, output: () => out };
}
