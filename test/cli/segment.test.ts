import { describe, expect, it } from 'vitest';
import { tempSqlite } from '../helpers/databases.ts';
import { tailorCli } from '../helpers/cli.ts';
import { msg, openTailor } from '../helpers/tailor.ts';

const run = (db: string, ...args: string[]) => tailorCli(['--db', db, 'segment', ...args]);

describe('tailor segment', () => {
  it('creates, lists, previews, exports members, explains and deletes', async () => {
    const db = tempSqlite();
    const t = await openTailor(db);
    await t.ingest([
      msg({ type: 'identify', userId: 'ana', traits: { email: 'ana@example.com', tier: 'gold' } }),
      msg({ type: 'identify', userId: 'ben', traits: { email: '=cmd@example.com', tier: 'silver' } }),
      msg({ type: 'identify', userId: 'cat', traits: { tier: 'gold' } }),
    ]);
    await t.close();

    const created = JSON.parse((await run(db, 'create', 'gold', '--rules', '{"trait":"tier","op":"eq","value":"gold"}', '--json')).stdout);
    expect(created).toMatchObject({ name: 'gold', size: 2, computed: { size: 2, entered: 2, exited: 0 } });
    expect((await run(db, 'list')).stdout).toMatch(/gold\s+2\s+ready/);

    const preview = JSON.parse((await run(db, 'preview', '--rules', '{"trait":"email","op":"startsWith","value":"="}', '--json')).stdout);
    expect(preview).toMatchObject({ count: 1, sample: [{ userId: 'ben' }] });

    const csv = (await run(db, 'members', 'gold', '--csv')).stdout.trim().split('\n');
    expect(csv[0]).toBe('profile_id,user_id,email,entered_at');
    expect(csv.slice(1).map((l) => l.split(',').slice(1, 3).join(',')).sort()).toEqual(['ana,ana@example.com', 'cat,']);

    // A formula-looking value is defused in CSV exports.
    await run(db, 'create', 'silver', '--rules', '{"trait":"tier","op":"eq","value":"silver"}');
    expect((await run(db, 'members', 'silver', '--csv')).stdout).toContain(",ben,'=cmd@example.com,");

    const explained = (await run(db, 'explain', 'gold', 'ben')).stdout;
    expect(explained).toContain('member: no; rule fails');
    expect(explained).toContain('✗ trait tier eq "gold"  — saw "silver"');

    await run(db, 'delete', 'silver');
    expect(JSON.parse((await run(db, 'list', '--json')).stdout).map((s: { name: string }) => s.name)).toEqual(['gold']);
  });

  it('exits non-zero with a one-line reason on a bad rule', async () => {
    const db = tempSqlite();
    const e = await run(db, 'create', 'x', '--rules', '{"all":[{"event":"E","count":{"gte":-1}}]}').catch((err: { code: number; stderr: string }) => err);
    expect((e as { code: number }).code).not.toBe(0);
    const lines = (e as { stderr: string }).stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^tailor: rules\.all\[0\]\.count/);
    const j = await run(db, 'preview', '--rules', '{not json').catch((err: { stderr: string }) => err);
    expect((j as { stderr: string }).stderr.trim()).toBe('tailor: rules is not valid JSON');
  });
});
