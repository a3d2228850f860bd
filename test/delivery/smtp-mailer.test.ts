import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { authenticate } from 'mailauth';
import PostalMime from 'postal-mime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Mailer, OutgoingMessage } from '../../src/core/campaigns/ports.ts';
import { createMailer, dkimSettings } from '../../src/delivery/create-mailer.ts';
import { SmtpMailer } from '../../src/delivery/smtp-mailer.ts';
import { SINK_SCRIPT, startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.ts';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const PEM = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const DNS_P = (publicKey.export({ type: 'spki', format: 'der' }) as Buffer).toString('base64');

/** DNS for mailauth: the test key at sel1._domainkey.example.com, nothing else. */
const resolver = async (name: string, type: string) => {
  if (type === 'TXT' && name === 'sel1._domainkey.example.com') return [[`v=DKIM1; k=rsa; p=${DNS_P}`]];
  throw Object.assign(new Error(`no ${type} ${name}`), { code: 'ENOTFOUND' });
};

const UNSUB = '<https://t.example.com/u/tok-ada>, <mailto:unsub@example.com?subject=tok-ada>';
const message = (to: string, name: string, id: string): OutgoingMessage => ({
  messageId: id,
  from: 'Tailor Shop <shop@example.com>',
  replyTo: 'help@example.com',
  to,
  subject: `${name}, your picks for the week`,
  html: `<p>Hi ${name} &amp; welcome — <a href="https://shop.example.com/?u=${encodeURIComponent(name)}">shop</a></p>`,
  text: `Hi ${name} & welcome — https://shop.example.com/`,
  headers: {
    'List-Unsubscribe': UNSUB,
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    'Feedback-ID': 'c1:s0:tailor',
    'X-Tailor-Message': id.split('@')[0]!,
    Precedence: 'bulk',
  },
});

let sink: SmtpSink;
let mailer: Mailer;

beforeAll(async () => {
  sink = await startSmtpSink({ keepRaw: true });
  mailer = createMailer({ smtpUrl: sink.url, outbox: '/nonexistent', sendConcurrency: 4, dkimDomain: 'example.com', dkimSelector: 'sel1', dkimKey: PEM });
});
afterAll(async () => {
  await mailer?.close();
  await sink?.stop();
});

describe('SmtpMailer through a real SMTP server', () => {
  it('delivers with the given Message-ID, headers intact and each part personalised', async () => {
    expect(mailer.name).toBe('smtp');
    const r = await mailer.send(message('Ada Lovelace <ada@example.org>', 'Ada', 'id-ada-1@mail.example.com'));
    expect(r).toMatchObject({ ok: true });
    if (r.ok) expect(r.response).toMatch(/^250/);

    const got = (await sink.messages()).filter((m) => m.messageId === 'id-ada-1@mail.example.com');
    expect(got).toHaveLength(1);
    const m = got[0]!;
    expect(m.from).toBe('shop@example.com');
    expect(m.to).toEqual(['ada@example.org']);
    expect(m.headers['message-id']).toBe('<id-ada-1@mail.example.com>');
    expect(m.headers['list-unsubscribe']).toBe(UNSUB);
    expect(m.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
    expect(m.headers['feedback-id']).toBe('c1:s0:tailor');
    expect(m.headers['x-tailor-message']).toBe('id-ada-1');
    expect(m.headers['precedence']).toBe('bulk');
    expect(m.headers['reply-to']).toBe('help@example.com');
    expect(m.headers['dkim-signature']).toMatch(/d=example\.com/);

    const email = await PostalMime.parse(await sink.raw('id-ada-1@mail.example.com'));
    expect(email.subject).toBe('Ada, your picks for the week');
    expect(email.html).toContain('<p>Hi Ada &amp; welcome');
    expect(email.text?.trim()).toBe('Hi Ada & welcome — https://shop.example.com/');
  });

  it('signs with DKIM that mailauth verifies, h= covering List-Unsubscribe and List-Unsubscribe-Post', async () => {
    await mailer.send(message('grace@example.org', 'Grace', 'id-grace-1@mail.example.com'));
    const raw = await sink.raw('id-grace-1@mail.example.com');
    const result = await authenticate(Buffer.from(raw), {
      trustReceived: false, ip: '127.0.0.1', helo: 'localhost', sender: 'shop@example.com', mta: 'mx.test', resolver,
    });
    const sig = result.dkim.results[0]!;
    expect(sig.status.result).toBe('pass');
    expect(sig.signingDomain).toBe('example.com');
    expect(sig.selector).toBe('sel1');
    const dkimHeader = (await sink.messages()).find((m) => m.messageId === 'id-grace-1@mail.example.com')!.headers['dkim-signature']!;
    const h = /(?:^|;)\s*h=([^;]+)/.exec(dkimHeader)![1]!.replace(/\s+/g, '').toLowerCase().split(':');
    expect(h).toEqual(expect.arrayContaining(['list-unsubscribe', 'list-unsubscribe-post', 'from', 'to', 'subject', 'message-id', 'date']));

    // The check can fail: a changed List-Unsubscribe-Post breaks the signature.
    const tampered = raw.replace('List-Unsubscribe-Post: List-Unsubscribe=One-Click', 'List-Unsubscribe-Post: List-Unsubscribe=Two-Click');
    expect(tampered).not.toBe(raw);
    const bad = await authenticate(Buffer.from(tampered), { trustReceived: false, ip: '127.0.0.1', helo: 'localhost', sender: 'shop@example.com', mta: 'mx.test', resolver });
    expect(bad.dkim.results[0]!.status.result).toBe('fail');
  });

  it('maps a 4xx at RCPT to a retryable failure and a 5xx to a permanent one', async () => {
    const soft = await mailer.send(message('soft-bob@example.org', 'Bob', 'id-soft@mail.example.com'));
    expect(soft).toEqual({ ok: false, permanent: false, code: 451, response: expect.stringMatching(/^451 4\.3\.0 try later/) });
    const hard = await mailer.send(message('hard-eve@example.org', 'Eve', 'id-hard@mail.example.com'));
    expect(hard).toEqual({ ok: false, permanent: true, code: 550, response: expect.stringMatching(/^550 5\.1\.1 user unknown/) });
    const ids = (await sink.messages()).map((m) => m.messageId);
    expect(ids).not.toContain('id-soft@mail.example.com');
    expect(ids).not.toContain('id-hard@mail.example.com');
  });

  it('sends many in parallel over the pool, every message exactly once, personalised', async () => {
    const n = 300;
    const results = await Promise.all(Array.from({ length: n }, (_, i) => mailer.send(message(`p${i}@example.org`, `P${i}`, `bulk-${i}@mail.example.com`))));
    expect(results.every((r) => r.ok)).toBe(true);
    const got = (await sink.messages()).filter((m) => m.messageId?.startsWith('bulk-'));
    expect(got).toHaveLength(n);
    expect(new Set(got.map((m) => m.messageId)).size).toBe(n);
    for (const m of got) {
      const i = /^bulk-(\d+)@/.exec(m.messageId!)![1];
      expect(m.to).toEqual([`p${i}@example.org`]);
      expect(m.headers['subject']).toBe(`P${i}, your picks for the week`);
    }
    expect(await mailer.accepted(['bulk-1@mail.example.com'])).toBeNull();
  });
});

describe('SmtpMailer without a server', () => {
  it('reports a refused connection as retryable, with no SMTP code', async () => {
    // A port that was free a moment ago: nothing listens there.
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const m = new SmtpMailer({ url: `smtp://127.0.0.1:${port}`, connections: 2 });
    try {
      const r = await m.send(message('x@example.org', 'X', 'id-x@mail.example.com'));
      expect(r).toMatchObject({ ok: false, permanent: false, code: null });
      if (!r.ok) expect(r.response).toMatch(/ECONNREFUSED|ECONNECTION/);
    } finally {
      await m.close();
    }
  });
});

describe('createMailer', () => {
  it('reads the DKIM key as PEM text, as PEM with escaped line breaks, or from a PEM file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-dkim-'));
    try {
      const file = path.join(dir, 'dkim.pem');
      fs.writeFileSync(file, PEM);
      const base = { dkimDomain: 'example.com', dkimSelector: 'sel1' };
      expect(dkimSettings({ ...base, dkimKey: file })).toEqual({ domainName: 'example.com', keySelector: 'sel1', privateKey: PEM });
      expect(dkimSettings({ ...base, dkimKey: PEM })?.privateKey).toBe(PEM);
      expect(dkimSettings({ ...base, dkimKey: PEM.replace(/\n/g, '\\n') })?.privateKey).toBe(PEM);
      expect(dkimSettings({})).toBeUndefined();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('picks the outbox without an SMTP URL and refuses a bad DKIM key or URL', () => {
    expect(createMailer({ outbox: '/tmp/x', sendConcurrency: 1 }).name).toBe('outbox');
    expect(() => createMailer({ outbox: '/tmp/x', sendConcurrency: 1, dkimDomain: 'example.com', dkimSelector: 's', dkimKey: '-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----' }))
      .toThrow(expect.objectContaining({ code: 'invalid_config', field: 'dkimKey' }));
    expect(() => createMailer({ outbox: '/tmp/x', sendConcurrency: 1, dkimDomain: 'example.com', dkimSelector: 's', dkimKey: '/nonexistent/key.pem' }))
      .toThrow(expect.objectContaining({ code: 'invalid_config', field: 'dkimKey' }));
    expect(() => createMailer({ smtpUrl: 'http://127.0.0.1:25', outbox: '/tmp/x', sendConcurrency: 1 }))
      .toThrow(expect.objectContaining({ code: 'invalid_config', field: 'smtpUrl' }));
  });
});

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Waits (bounded, not timed) until a process is gone; false when it never went. */
async function gone(pid: number, tries = 100): Promise<boolean> {
  for (let i = 0; i < tries; i++) {
    if (!alive(pid)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

describe('the SMTP sink process', () => {
  it('exits cleanly on SIGTERM, having logged what it acknowledged', async () => {
    const s = await startSmtpSink();
    const m = new SmtpMailer({ url: s.url, connections: 1 });
    await m.send(message('solo@example.org', 'Solo', 'id-solo@mail.example.com'));
    await m.close();
    expect((await s.messages()).map((x) => x.messageId)).toEqual(['id-solo@mail.example.com']);
    await s.stop();
    expect(s.proc.exitCode).toBe(0);
  });

  it('exits when its parent is killed with SIGKILL', async () => {
    // A parent process that starts a sink and then is killed without a chance to stop it
    // (the sink's folder is this test's, since nobody is left to remove it).
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-sink-orphan-'));
    const parent = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', `
      import { startSmtpSink } from ${JSON.stringify(SINK_SCRIPT.replace('smtp-sink-process.ts', 'smtp-sink.ts'))};
      const s = await startSmtpSink({ dir: ${JSON.stringify(dir)} });
      process.stdout.write(JSON.stringify({ pid: s.proc.pid }) + '\\n');
    `], { stdio: ['ignore', 'pipe', 'inherit'] });
    const sinkPid = await new Promise<number>((resolve, reject) => {
      let out = '';
      parent.stdout!.on('data', (d) => {
        out += d;
        const line = /^(\{.*\})$/m.exec(out);
        if (line) resolve((JSON.parse(line[1]!) as { pid: number }).pid);
      });
      parent.once('exit', (code) => reject(new Error(`parent exited with ${code}: ${out}`)));
    });
    try {
      expect(alive(sinkPid)).toBe(true);
      parent.kill('SIGKILL');
      expect(await gone(sinkPid)).toBe(true);
    } finally {
      if (alive(sinkPid)) process.kill(sinkPid, 'SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
