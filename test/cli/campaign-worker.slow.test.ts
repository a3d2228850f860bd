import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { tempDir, tempSqlite } from '../helpers/databases.ts';
import { BIN } from '../helpers/server-process.ts';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.ts';
import { createTestTailor, msg } from '../helpers/tailor.ts';

// `tailor campaign worker` as a real process: it stays up while idle, sends what another process
// launches, and stops cleanly (exit 0) on SIGTERM.

const BODY = '<mjml><mj-body><mj-section><mj-column><mj-text>Hi {{ profile.first_name }}</mj-text></mj-column></mj-section></mj-body></mjml>';

describe('tailor campaign worker', () => {
  let sink: SmtpSink | undefined;
  afterAll(async () => sink?.stop());

  it('waits, sends a campaign launched elsewhere, and exits 0 on SIGTERM', async () => {
    sink = await startSmtpSink();
    const db = tempSqlite();
    const t = await createTestTailor(loadConfig({}, { db, outbox: tempDir() }));
    await t.ingest(Array.from({ length: 5 }, (_, i) => msg({
      type: 'identify', userId: `w${i}`, traits: { email: `w${i}@mail.test`, first_name: `W${i}`, plan: 'pro' },
      context: { consent: { categoryPreferences: { email_marketing: true } } },
    })));
    await t.realtime.drain();
    await t.segments.create({ name: 'pro', rules: { trait: 'plan', op: 'eq', value: 'pro' } });
    await t.templates.create({ name: 'hi', subject: 'Hi', body: BODY });

    const worker = spawn(process.execPath, [BIN, 'campaign', 'worker', '--json'], {
      env: { ...process.env, TAILOR_DB: db, TAILOR_SMTP_URL: sink.url, TAILOR_LOG_LEVEL: 'error' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    worker.stdout!.on('data', (d) => (out += d));
    worker.stderr!.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((r) => worker.once('exit', (code) => r(code)));
    for (let i = 0; i < 600 && !out.includes('"worker":"started"'); i++) await new Promise((r) => setTimeout(r, 100));
    expect(out).toContain('"worker":"started"');
    // Idle for a while: still running.
    await new Promise((r) => setTimeout(r, 1500));
    expect(worker.exitCode).toBeNull();

    const c = await t.campaigns.campaigns.create({ name: 'from elsewhere', audience: { segments: ['pro'] }, template: 'hi' });
    await t.campaigns.campaigns.launch(c.id);
    for (let i = 0; i < 600 && (await sink.messages()).length < 5; i++) await new Promise((r) => setTimeout(r, 100));
    expect((await sink.messages()).length).toBe(5);

    worker.kill('SIGTERM');
    expect(await exited, out).toBe(0);
    for (let i = 0; i < 100 && (await t.campaigns.campaigns.get(c.id)).status !== 'sent'; i++) {
      await t.campaigns.work.tick();
    }
    expect((await t.campaigns.campaigns.get(c.id)).status).toBe('sent');
    await t.close();
  }, 120_000);
});
