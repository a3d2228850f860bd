import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir, tempSqlite } from '../helpers/databases.ts';
import { tailorCli } from '../helpers/cli.ts';
import { msg, openTailor } from '../helpers/tailor.ts';

type Failure = { code: number; stdout: string; stderr: string };
const BODY = '<mjml><mj-body><mj-section><mj-column><mj-text>Hello {{ profile.first_name }}! <a href="{{ unsubscribe_url }}">Unsubscribe</a></mj-text></mj-column></mj-section></mj-body></mjml>';

describe('tailor campaign', () => {
  const dir = tempDir();
  const outbox = path.join(dir, 'outbox');
  const db = tempSqlite();
  const env = { ...process.env, TAILOR_OUTBOX: outbox, TAILOR_SECRET: 'campaign-cli-test-secret-0123456789' };
  const tailor = (...args: string[]) => tailorCli(['--db', db, 'campaign', ...args], { env });
  const json = async (...args: string[]) => JSON.parse((await tailor(...args, '--json')).stdout);
  const failing = async (...args: string[]): Promise<Failure> => {
    const e = await tailor(...args).then(() => null, (x: Failure) => x);
    expect(e, `expected 'tailor campaign ${args.join(' ')}' to fail`).not.toBeNull();
    return e!;
  };

  beforeAll(async () => {
    const t = await openTailor(db);
    const person = (userId: string, consent: boolean) => msg({
      type: 'identify', userId, traits: { email: `${userId}@example.com`, first_name: userId, tier: 'gold' },
      ...(consent ? { context: { consent: { categoryPreferences: { email_marketing: true } } } } : {}),
    });
    await t.ingest([person('ana', true), person('bob', true), person('cy', false)]);
    await t.realtime.drain();
    await t.segments.create({ name: 'gold', rules: { trait: 'tier', op: 'eq', value: 'gold' } });
    await t.templates.create({ name: 'news', subject: 'News for {{ profile.first_name }}', body: BODY });
    await t.close();
  });

  it('create, launch, worker --until-idle, status and explain (--json and text)', async () => {
    const file = path.join(dir, 'spring.json');
    fs.writeFileSync(file, JSON.stringify({ name: 'spring', audience: { segments: ['gold'] }, template: 'news' }));
    const created = await json('create', file);
    expect(created).toMatchObject({ name: 'spring', kind: 'broadcast', status: 'draft', counts: { sent: 0 } });
    expect((await tailor('list')).stdout).toMatch(/spring\s+\S+\s+broadcast\s+draft/);

    expect((await json('launch', 'spring')).status).toBe('sending');
    const idle = await json('worker', '--until-idle');
    expect(idle).toMatchObject({ nextDue: null });
    expect(idle.work).toBeGreaterThan(0);
    expect(fs.readdirSync(outbox).filter((f) => f.endsWith('.eml'))).toHaveLength(2);

    const status = await json('status', 'spring');
    expect(status).toMatchObject({ campaign: { name: 'spring', status: 'sent' }, counts: { sent: 2, suppressed: 1 }, delivered: 2,
      reasons: [{ state: 'suppressed', reason: 'no_consent', count: 1 }] });
    const text = (await tailor('status', 'spring', '--watch')).stdout;
    expect(text).toMatch(/^spring \(\S+\): sent, 3 messages\n/);
    expect(text).toMatch(/sent\s+2\n/);
    expect(text).toMatch(/suppressed no_consent: 1/);

    const cy = await json('explain', 'spring', 'cy');
    expect(cy.sends).toMatchObject([{ state: 'suppressed', reason: 'no_consent', email: 'cy@example.com' }]);
    expect((await tailor('explain', 'spring', 'ana')).stdout).toMatch(/^spring \(sent\) for \S+: sent to ana@example.com at /);

    expect((await tailor('show', created.id)).stdout).toMatch(/^campaign spring \(\S+\): sent; 2 sent, 1 suppressed\n/);
  });

  it('schedule, pause, resume, cancel, test; a one-line error for an unknown campaign or a wrong state', async () => {
    await json('create', JSON.stringify({ name: 'later', audience: { segments: ['gold'] }, template: 'news' }));
    const at = new Date(Date.now() + 86_400_000).toISOString();
    expect(await json('schedule', 'later', at)).toMatchObject({ status: 'scheduled', nextRunAt: at });
    expect((await tailor('pause', 'later')).stdout).toMatch(/^paused later \(\S+\): paused; no sends yet\n$/);
    expect((await json('resume', 'later')).status).toBe('scheduled');
    const explained = await json('explain', 'later', 'ana');
    expect(explained.now).toMatchObject({ action: 'send', email: 'ana@example.com' });

    const tested = await json('test', 'later', '--to', 'qa@example.com', '--profile', 'bob');
    expect(tested).toMatchObject({ to: 'qa@example.com' });
    expect(fs.readFileSync(path.join(outbox, fs.readdirSync(outbox).find((f) => f.startsWith(tested.messageId.split('@')[0]))!), 'utf8'))
      .toMatch(/^Subject: \[Test\] News for bob/m);

    expect((await tailor('cancel', 'later')).stdout).toMatch(/^cancelled later \(\S+\): 0 messages not sent\n$/);
    const again = await failing('cancel', 'later');
    expect(again.code).toBe(2);
    expect(again.stderr).toBe("tailor: campaign 'later' is cancelled already\n");

    const unknown = await failing('show', 'nope');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe("tailor: no campaign 'nope'\n");
    const unknownJson = await failing('explain', 'nope', 'ana', '--json');
    expect(JSON.parse(unknownJson.stderr)).toEqual({ error: { code: 'not_found', message: "no campaign 'nope'", field: 'campaign' } });
    expect((await failing('test', 'later', '--to', 'nope')).stderr).toMatch(/^tailor: --to: .*\n$/);
    expect((await failing('create', '{"name":"x"}')).stderr).toMatch(/^tailor: campaign\.\S+: .*\n$/);
  });
});
