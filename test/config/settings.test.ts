import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { tailorCli, CliFailure } from '../helpers/cli.ts';
import { dialects, tempDir } from '../helpers/databases.ts';
import { createTestTailor, KEYS } from '../helpers/tailor.ts';

// Settings that must stop the process when wrong, from the environment and from the config file.

const configFile = (settings: unknown) => {
  const file = path.join(tempDir(), 'tailor.config.json');
  fs.writeFileSync(file, JSON.stringify(settings));
  return file;
};

const refusal = (env: NodeJS.ProcessEnv) => {
  try {
    loadConfig(env);
  } catch (e) {
    return (e as Error).message;
  }
  return 'accepted';
};

describe('config settings that must stop the process', () => {
  it.each([
    [{ TAILOR_SQLITE_SYNC: 'fulll' }, /^invalid config TAILOR_SQLITE_SYNC: .*"normal"\|"full"/],
    [{ TAILOR_SQLITE_SYNC: 'off' }, /^invalid config TAILOR_SQLITE_SYNC: /],
    [{ TAILOR_PG_POOL: 'abc' }, /^invalid config TAILOR_PG_POOL: expected a whole number from 1 to 1000$/],
    [{ TAILOR_PG_POOL: '1.5' }, /^invalid config TAILOR_PG_POOL: expected a whole number/],
    [{ TAILOR_PG_POOL: '0' }, /^invalid config TAILOR_PG_POOL: /],
    [{ TAILOR_PORT: '80x' }, /^invalid config TAILOR_PORT: expected a whole number/],
    [{ TAILOR_REQUEST_TIMEOUT: '-1' }, /^invalid config TAILOR_REQUEST_TIMEOUT: /],
    [{ TAILOR_MAX_CONNECTIONS: 'lots' }, /^invalid config TAILOR_MAX_CONNECTIONS: /],
    [{ TAILOR_RATE_LIMIT_INGEST: '1e3' }, /^invalid config TAILOR_RATE_LIMIT_INGEST: /],
  ])('refuses %o from the environment in one line', (env, message) => {
    const m = refusal(env);
    expect(m).toMatch(message);
    expect(m).not.toContain('\n');
  });

  it('refuses the same mistakes in the config file, naming the setting and the file, and unknown settings', () => {
    const bad = configFile({ sqliteSync: 'fulll' });
    expect(refusal({ TAILOR_CONFIG: bad })).toBe(`invalid config sqliteSync (config file ${bad}): Invalid option: expected one of "normal"|"full"`);
    expect(refusal({ TAILOR_CONFIG: configFile({ pgPool: 'abc' }) })).toMatch(/^invalid config pgPool \(config file .*\): expected a whole number/);
    expect(refusal({ TAILOR_CONFIG: configFile({ pgPool: true }) })).toMatch(/^invalid config pgPool /);
    const typo = configFile({ sqliteSnyc: 'full' });
    expect(refusal({ TAILOR_CONFIG: typo })).toBe(`config file ${typo}: unknown setting "sqliteSnyc"`);
    expect(refusal({ TAILOR_CONFIG: configFile([1]) })).toMatch(/expected a JSON object/);
  });

  it('takes FULL in any case, and whole numbers as numbers or digits', () => {
    expect(loadConfig({ TAILOR_SQLITE_SYNC: 'FULL' }).sqliteSync).toBe('full');
    expect(loadConfig({ TAILOR_SQLITE_SYNC: ' Normal ' }).sqliteSync).toBe('normal');
    expect(loadConfig({ TAILOR_PG_POOL: '25' }).pgPool).toBe(25);
    expect(loadConfig({ TAILOR_CONFIG: configFile({ sqliteSync: 'FULL', pgPool: 4, requestTimeout: 5 }) })).toMatchObject({ sqliteSync: 'full', pgPool: 4, requestTimeout: 5 });
  });

  it('refuses weak keys and a write key equal to the admin key', () => {
    expect(refusal({ TAILOR_ADMIN_KEY: 'password' })).toMatch(/^invalid config TAILOR_ADMIN_KEY: the key is too weak \(about 37 bits; 128 are needed/);
    expect(refusal({ TAILOR_WRITE_KEY: 'wk_test_write_key' })).toMatch(/^invalid config TAILOR_WRITE_KEY: the key is too weak/);
    expect(refusal({ TAILOR_WRITE_KEY: KEYS.adminKey, TAILOR_ADMIN_KEY: KEYS.adminKey })).toBe('invalid config TAILOR_WRITE_KEY: the write key must differ from the admin key');
    expect(refusal({ TAILOR_CONFIG: configFile({ writeKey: 'password' }) })).toMatch(/^invalid config writeKey \(config file .*\): the key is too weak/);
    expect(refusal({ TAILOR_WRITE_KEY: KEYS.writeKey, TAILOR_ADMIN_KEY: KEYS.adminKey })).toBe('accepted');
  });

  it('refuses an unexpected argument to a command', async () => {
    for (const args of [['migrate', 'bogus'], ['quality', 'bogus'], ['demo', 'bogus']]) {
      const err = await tailorCli([...args, '--db', path.join(tempDir(), 't.db')]).then(() => undefined, (e: unknown) => e);
      expect(err, args.join(' ')).toBeInstanceOf(CliFailure);
      expect((err as CliFailure).stderr).toMatch(/too many arguments/);
    }
  });
});

describe.each(dialects)('settings from the file and the environment reach the store on $name', ({ name, url }) => {
  it('applies sqliteSync (FULL, upper case) and pgPool', async () => {
    const db = await url();
    const t = await createTestTailor(loadConfig({ TAILOR_CONFIG: configFile({ db, pgPool: 2 }), TAILOR_SQLITE_SYNC: 'FULL' }));
    try {
      expect(t.config).toMatchObject({ sqliteSync: 'full', pgPool: 2 });
      if (name === 'sqlite') {
        expect(await t.db.read('PRAGMA synchronous')).toEqual([{ synchronous: 2 }]);
      } else {
        // Six reads at once on a pool of two: two connections at most.
        const rows = await Promise.all(Array.from({ length: 6 }, () => t.db.read<{ pid: number }>('SELECT pg_backend_pid() AS pid, pg_sleep(0.05)')));
        expect(new Set(rows.map((r) => r[0]!.pid)).size).toBeLessThanOrEqual(2);
      }
    } finally {
      await t.close();
    }
  });
});
