import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSendQueue } from '../../src/store/campaigns/send-queue.ts';
import { dialects, tempDir } from '../helpers/databases.ts';
import { CliFailure, tailorCli } from '../helpers/cli.ts';
import { msg, openTailor } from '../helpers/tailor.ts';

const FIXTURES = path.join(import.meta.dirname, '../fixtures/delivery-reports');
const failing = async (args: string[]): Promise<CliFailure> => {
  const e = await tailorCli(args).then(() => null, (x: unknown) => x);
  expect(e, `expected 'tailor ${args.join(' ')}' to fail`).toBeInstanceOf(CliFailure);
  return e as CliFailure;
};

describe.each(dialects)('tailor delivery on $name', ({ url }) => {
  it('import-reports: a Maildir with reports, a non-report and a broken file; counts; a second run counts duplicates', async () => {
    const db = await url();
    const t = await openTailor(db);
    await t.ingest([msg({ type: 'identify', userId: 'nobody', traits: { email: 'nobody@example.org' } })]);
    const [row] = await t.db.read<{ profile_id: string }>(`SELECT profile_id FROM identities WHERE kind = 'user_id' AND lookup = 'nobody'`);
    await createSendQueue(t.db).enqueue([{ campaignId: 'cmp_november', occurrence: '', step: 1, profileId: row!.profile_id,
      messageId: 'k3Jd9aQx0Lr2VwYp5TzB8nCe4F@shop.example', dueAt: 0, arm: null, triggerAt: null, email: 'nobody@example.org' }]);
    await t.close();

    const maildir = tempDir();
    for (const sub of ['cur', 'new', 'tmp']) fs.mkdirSync(path.join(maildir, sub));
    fs.copyFileSync(path.join(FIXTURES, 'dsn-hard-user-unknown.eml'), path.join(maildir, 'cur', '1700000000.M1P1.host:2,S'));
    fs.copyFileSync(path.join(FIXTURES, 'arf-original-rcpt-to.eml'), path.join(maildir, 'new', '1700000001.M2P1.host'));
    fs.copyFileSync(path.join(FIXTURES, 'plain-email.eml'), path.join(maildir, 'new', '1700000002.M3P1.host'));
    fs.copyFileSync(path.join(FIXTURES, 'dsn-soft-mailbox-full.eml'), path.join(maildir, 'tmp', 'in-progress'));
    fs.writeFileSync(path.join(maildir, 'cur', 'broken'), Buffer.from([0xff, 0xfe, 0x00, 0x01]));

    const { stdout } = await tailorCli(['--db', db, 'delivery', 'import-reports', maildir, '--json']);
    const r = JSON.parse(stdout);
    expect(r).toMatchObject({ messages: 4, reports: 2, applied: 2, hard: 1, complaints: 1, unmatched: 1, duplicates: 0, suppressed: 2 });
    expect(r.skipped.map((s: { name: string }) => path.basename(s.name)).sort()).toEqual(['1700000002.M3P1.host', 'broken']);

    const text = await tailorCli(['--db', db, 'delivery', 'import-reports', maildir]);
    expect(text.stdout).toMatch(/4 messages read, 2 of them reports/);
    expect(text.stdout).toMatch(/duplicates +2/);
    expect(text.stdout).toMatch(/2 messages skipped/);

    const list = JSON.parse((await tailorCli(['--db', db, 'delivery', 'suppressions', 'list', '--json'])).stdout);
    expect(list.map((s: { value: string; reason: string }) => [s.value, s.reason])).toEqual([['kim@isp.example', 'complaint'], ['nobody@example.org', 'hard_bounce']]);
  });

  it('import-reports of a single .eml file and of a folder of .eml files', async () => {
    const db = await url();
    const one = JSON.parse((await tailorCli(['--db', db, 'delivery', 'import-reports', path.join(FIXTURES, 'dsn-delayed.eml'), '--json'])).stdout);
    expect(one).toMatchObject({ messages: 1, soft: 1, hard: 0, suppressed: 0 });
    const all = JSON.parse((await tailorCli(['--db', db, 'delivery', 'import-reports', FIXTURES, '--json'])).stdout);
    // 12 messages; the delayed one is a duplicate; two-recipients gives a bounce and a delivered notice.
    expect(all).toMatchObject({ messages: 12, reports: 11, hard: 6, soft: 1, complaints: 3, delivered: 1, duplicates: 1 });
  });

  it('a missing path exits non-zero with one line (JSON with --json)', async () => {
    const db = await url();
    const e = await failing(['--db', db, 'delivery', 'import-reports', '/no/such/place']);
    expect(e.code).not.toBe(0);
    expect(e.stderr.trim().split('\n')).toEqual(['tailor: no such file or folder: /no/such/place']);
    const j = await failing(['--db', db, 'delivery', 'import-reports', '/no/such/place', '--json']);
    expect(JSON.parse(j.stderr)).toEqual({ error: { code: 'not_found', message: 'no such file or folder: /no/such/place', field: 'path' } });
  });

  it('suppressions add, list, remove and import (addresses and @domains)', async () => {
    const db = await url();
    const cli = (...args: string[]) => tailorCli(['--db', db, 'delivery', 'suppressions', ...args]);
    expect(JSON.parse((await cli('add', 'A@Example.com', '@Spam.example', '--json')).stdout)).toEqual({ added: 2, updated: 0 });
    expect((await cli('add', 'a@example.com')).stdout).toMatch(/0 added, 1 already listed/);
    const bad = await failing(['--db', db, 'delivery', 'suppressions', 'add', 'not-an-address']);
    expect(bad.stderr).toMatch(/expected an address or @domain/);

    const file = path.join(tempDir(), 'list.txt');
    fs.writeFileSync(file, '# from the old system\nb@example.com\n\n@blocked.example  # whole domain\nnonsense\nc@example.com\n');
    const imported = JSON.parse((await cli('import', file, '--json')).stdout);
    expect(imported).toMatchObject({ read: 3, added: 3, rejected: [{ line: 5, text: 'nonsense' }] });

    const list = JSON.parse((await cli('list', '--json')).stdout) as { value: string; reason: string; source: string }[];
    expect(list.map((s) => s.value).sort()).toEqual(['@blocked.example', '@spam.example', 'a@example.com', 'b@example.com', 'c@example.com']);
    expect(list.find((s) => s.value === 'b@example.com')).toMatchObject({ reason: 'imported', source: 'import:list.txt' });
    expect((await cli('list')).stdout).toMatch(/@spam\.example +manual +cli/);

    expect(JSON.parse((await cli('remove', '@spam.example', 'nobody@example.com', '--json')).stdout)).toEqual({ removed: 1, missing: ['nobody@example.com'] });
    const t = await openTailor(db);
    try {
      expect((await t.campaigns.suppressions.match(['x@spam.example', 'y@blocked.example'])).size).toBe(1);
    } finally {
      await t.close();
    }
  });
});
