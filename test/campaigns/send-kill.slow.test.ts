import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { dialects, tempDir } from '../helpers/databases.ts';
import { BIN } from '../helpers/server-process.ts';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.ts';
import { createTestTailor, msg, type TestTailor } from '../helpers/tailor.ts';

// Exactly once under kill -9: real `tailor serve` processes send a broadcast to a real SMTP server
// process and are killed at random moments (at least 10 times), then run to the end. Every
// eligible recipient must have exactly one distinct Message-ID at the server, and no one else any.
// A raw duplicate delivery is possible only for a row the reconciler flagged in doubt (a message
// the server took just before the sender died, RFC 1047), and is counted against those flags.

const RECIPIENTS = Number(process.env.TAILOR_KILL_RECIPIENTS ?? 100_000);
const KILLS = 10;

const BODY = '<mjml><mj-body><mj-section><mj-column><mj-text>Hi {{ profile.first_name }}</mj-text></mj-column></mj-section></mj-body></mjml>';

async function plant(t: TestTailor, n: number): Promise<void> {
  const consent = { consent: { categoryPreferences: { email_marketing: true } } };
  for (let i = 0; i < n; i += 1000) {
    await t.ingest(Array.from({ length: Math.min(1000, n - i) }, (_, j) => msg({
      type: 'identify', userId: `u${i + j}`, traits: { email: `u${i + j}@example.test`, first_name: `U${i + j}`, plan: 'pro' }, context: consent,
    })));
  }
  // Ten who may not be mailed: they must get nothing at all.
  await t.ingest(Array.from({ length: 10 }, (_, j) => msg({ type: 'identify', userId: `x${j}`, traits: { email: `x${j}@example.test`, plan: 'pro' } })));
  await t.realtime.drain();
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function serve(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [BIN, 'serve', '--port', '0', '--no-demo'], {
    env: { ...process.env, TAILOR_LOG_LEVEL: 'error', TAILOR_HOST: '127.0.0.1', ...env }, stdio: ['ignore', 'ignore', 'inherit'],
  });
}

const exited = (p: ChildProcess) => new Promise<void>((r) => (p.exitCode !== null || p.signalCode !== null ? r() : p.once('exit', () => r())));

for (const d of dialects) {
  describe(`sending survives kill -9 (${d.name})`, () => {
    const procs: ChildProcess[] = [];
    let sink: SmtpSink | undefined;
    afterAll(async () => {
      for (const p of procs) p.kill('SIGKILL');
      await sink?.stop();
    });

    for (const senders of [1, 2]) {
      it(`${senders} sender process(es), killed ${KILLS} times: one message per eligible recipient`, async () => {
        sink = await startSmtpSink();
        const db = await d.url();
        const config = loadConfig({}, { db, outbox: tempDir() });
        const t = await createTestTailor(config);
        await plant(t, RECIPIENTS);
        await t.segments.create({ name: 'pro', rules: { trait: 'plan', op: 'eq', value: 'pro' } });
        await t.templates.create({ name: 'hi', subject: 'Hi {{ profile.first_name }}', body: BODY });
        const c = await t.campaigns.campaigns.create({ name: 'big', audience: { segments: ['pro'] }, template: 'hi' });
        await t.campaigns.campaigns.launch(c.id);

        const env = { TAILOR_DB: db, TAILOR_SMTP_URL: sink.url, TAILOR_SEND_LEASE: '5', TAILOR_SEND_CONCURRENCY: '8' };
        for (let k = 0; k < KILLS; k++) {
          const running = Array.from({ length: senders }, () => serve(env));
          procs.push(...running);
          // Kill while sending: once the server has received more, at a random moment within 3 s.
          const before = fs.statSync(sink.logFile).size;
          for (let i = 0; i < 300 && fs.statSync(sink.logFile).size === before; i++) await sleep(100);
          await sleep(Math.random() * 3000);
          const victims = senders === 1 || Math.random() < 0.5 ? running : [running[Math.floor(Math.random() * senders)]!];
          for (const p of victims) p.kill('SIGKILL');
          for (const p of running) if (!victims.includes(p)) p.kill('SIGTERM');
          await Promise.all(running.map(exited));
        }
        const finals = Array.from({ length: senders }, () => serve(env));
        procs.push(...finals);
        for (let i = 0; i < 2400; i++) {
          if ((await t.campaigns.campaigns.get(c.id)).status === 'sent') break;
          await sleep(500);
        }
        for (const p of finals) p.kill('SIGTERM');
        await Promise.all(finals.map(exited));

        const camp = await t.campaigns.campaigns.get(c.id);
        expect(camp.status).toBe('sent');
        const counts = await t.campaigns.campaigns.counts(camp);
        expect(counts).toMatchObject({ sent: RECIPIENTS, suppressed: 10, failed: 0, queued: 0, deferred: 0, rendering: 0, sending: 0 });

        const got = await sink.messages();
        const idsByRecipient = new Map<string, Set<string>>();
        for (const m of got) {
          const to = m.to[0]!;
          let s = idsByRecipient.get(to);
          if (!s) idsByRecipient.set(to, (s = new Set()));
          s.add(m.messageId ?? "(none)");
        }
        expect(idsByRecipient.size).toBe(RECIPIENTS);
        expect([...idsByRecipient.entries()].filter(([, ids]) => ids.size !== 1)).toEqual([]);
        expect([...idsByRecipient.keys()].filter((e) => e.startsWith('x'))).toEqual([]);
        let inDoubt = 0;
        for (let after = 0; ;) {
          const page = await t.campaigns.campaigns.sends(camp, { limit: 5000, after });
          if (!page.length) break;
          inDoubt += page.filter((r) => r.inDoubt).length;
          after = page[page.length - 1]!.id;
        }
        const duplicates = got.length - RECIPIENTS;
        console.info(`[kill -9, ${d.name}, ${senders} sender(s)] ${RECIPIENTS} recipients, ${got.length} deliveries, ${duplicates} duplicate deliveries of the same Message-ID, ${inDoubt} rows in doubt`);
        expect(duplicates).toBeLessThanOrEqual(inDoubt);
        await t.close();
        await sink.stop();
        sink = undefined;
      }, 1_800_000);
    }
  });
}
