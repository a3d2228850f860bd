import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { tempSqlite } from '../helpers/databases.ts';
import { BIN } from '../helpers/server-process.ts';
import { KEYS } from '../helpers/tailor.ts';

// A wrong setting stops `tailor serve` (a real process) before it listens, with a one-line reason.

const serve = (env: Record<string, string>) => spawnSync(process.execPath, [BIN, 'serve', '--no-demo', '--port', '0'], {
  env: { ...process.env, TAILOR_LOG_LEVEL: 'warn', TAILOR_HOST: '127.0.0.1', TAILOR_DB: tempSqlite(), TAILOR_WRITE_KEY: KEYS.writeKey, TAILOR_ADMIN_KEY: KEYS.adminKey, ...env },
  encoding: 'utf8', timeout: 120_000,
});

describe('tailor serve refuses bad settings', () => {
  it.each([
    [{ TAILOR_SQLITE_SYNC: 'fulll' }, 'TAILOR_SQLITE_SYNC'],
    [{ TAILOR_PG_POOL: 'abc' }, 'TAILOR_PG_POOL: expected a whole number from 1 to 1000'],
    [{ TAILOR_WRITE_KEY: 'password' }, 'TAILOR_WRITE_KEY: the key is too weak'],
    [{ TAILOR_WRITE_KEY: KEYS.adminKey }, 'TAILOR_WRITE_KEY: the write key must differ from the admin key'],
  ])('%o', (env, reason) => {
    const r = serve(env);
    expect(r.status, r.stdout + r.stderr).not.toBe(0);
    expect(r.stdout).not.toMatch(/listening/);
    const lines = r.stderr.split('\n').filter((l) => l && !l.startsWith('tailor: note:'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(reason);
  }, 130_000);
});
