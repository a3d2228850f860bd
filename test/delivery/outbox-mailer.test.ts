import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { authenticate } from 'mailauth';
import PostalMime from 'postal-mime';
import { afterAll, describe, expect, it } from 'vitest';
import type { OutgoingMessage } from '../../src/core/campaigns/ports.ts';
import { createMailer } from '../../src/delivery/create-mailer.ts';
import { OutboxMailer, emlFileName } from '../../src/delivery/outbox-mailer.ts';

const dirs: string[] = [];
const tempDir = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-outbox-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

const message = (over: Partial<OutgoingMessage> = {}): OutgoingMessage => ({
  messageId: 'Abc_123-xyz@mail.example.com',
  from: 'Tailor Shop <shop@example.com>',
  replyTo: 'help@example.com',
  to: 'Zoë Müller <zoe@example.org>',
  subject: 'Zoë, your cart misses you ☕',
  html: '<p>Hello <b>Zoë</b> — 3 items wait: <a href="https://shop.example.com/cart">cart</a></p>',
  text: 'Hello Zoë — 3 items wait: https://shop.example.com/cart',
  headers: {
    'List-Unsubscribe': '<https://t.example.com/u/tok123>, <mailto:unsub@example.com?subject=tok123>',
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    'Feedback-ID': 'c1:s0:tailor',
    'X-Tailor-Message': 'Abc_123-xyz',
  },
  ...over,
});

describe('OutboxMailer', () => {
  it('writes one parseable RFC 5322 message per send, created folder and all', async () => {
    const dir = path.join(tempDir(), 'not', 'yet');
    const mailer = new OutboxMailer({ dir });
    const result = await mailer.send(message());
    expect(result.ok).toBe(true);

    expect(fs.readdirSync(dir)).toEqual([emlFileName('Abc_123-xyz@mail.example.com')]);
    const raw = fs.readFileSync(path.join(dir, emlFileName('Abc_123-xyz@mail.example.com')));
    expect(raw.toString('latin1')).toMatch(/^Content-Type: multipart\/alternative/m);
    const email = await PostalMime.parse(raw);
    expect(email.messageId).toBe('<Abc_123-xyz@mail.example.com>');
    expect(email.subject).toBe('Zoë, your cart misses you ☕');
    expect(email.from).toMatchObject({ address: 'shop@example.com', name: 'Tailor Shop' });
    expect(email.to).toEqual([{ address: 'zoe@example.org', name: 'Zoë Müller' }]);
    expect(email.replyTo).toEqual([{ address: 'help@example.com', name: '' }]);
    expect(email.html).toContain('Hello <b>Zoë</b> — 3 items wait');
    expect(email.text?.trim()).toBe('Hello Zoë — 3 items wait: https://shop.example.com/cart');
    const header = (name: string) => email.headers.find((h) => h.key === name)?.value;
    expect(header('list-unsubscribe')).toBe('<https://t.example.com/u/tok123>, <mailto:unsub@example.com?subject=tok123>');
    expect(header('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    expect(header('feedback-id')).toBe('c1:s0:tailor');
    expect(header('x-tailor-message')).toBe('Abc_123-xyz');
    await mailer.close();
  });

  it('takes an id given in angle brackets as the same message', async () => {
    const dir = tempDir();
    const mailer = new OutboxMailer({ dir });
    await mailer.send(message({ messageId: '<Abc_123-xyz@mail.example.com>' }));
    expect(await mailer.accepted(['Abc_123-xyz@mail.example.com'])).toEqual(new Set(['Abc_123-xyz@mail.example.com']));
    expect(fs.readdirSync(dir)).toEqual([emlFileName('Abc_123-xyz@mail.example.com')]);
  });

  it('is idempotent: the same id sent again, even at once, leaves one file with the latest content', async () => {
    const dir = tempDir();
    const mailer = new OutboxMailer({ dir });
    await mailer.send(message({ subject: 'first' }));
    await Promise.all([1, 2, 3, 4, 5].map((i) => mailer.send(message({ subject: `again ${i}` }))));
    await mailer.send(message({ subject: 'last' }));
    expect(fs.readdirSync(dir)).toEqual([emlFileName('Abc_123-xyz@mail.example.com')]);
    const email = await PostalMime.parse(fs.readFileSync(path.join(dir, emlFileName('Abc_123-xyz@mail.example.com'))));
    expect(email.subject).toBe('last');
  });

  it('accepted() names exactly the ids whose final file exists, not half-written ones', async () => {
    const dir = tempDir();
    const mailer = new OutboxMailer({ dir });
    expect(await mailer.accepted(['a@x'])).toEqual(new Set());
    await mailer.send(message({ messageId: 'a@x' }));
    await mailer.send(message({ messageId: 'b@x' }));
    // What a crash between write and rename leaves behind: a temporary file, never the final name.
    fs.writeFileSync(`${path.join(dir, emlFileName('c@x'))}.999.1.tmp`, 'Subject: half');
    expect(await mailer.accepted(['a@x', 'b@x', 'c@x', 'd@x'])).toEqual(new Set(['a@x', 'b@x']));
    // Many ids at once take the folder-listing path: the same answer.
    const many = Array.from({ length: 400 }, (_, i) => `n${i}@x`);
    expect(await mailer.accepted([...many, 'b@x', 'c@x'])).toEqual(new Set(['b@x']));
  });

  it('leaves no temporary file behind and reports a write failure as retryable', async () => {
    const dir = tempDir();
    const mailer = new OutboxMailer({ dir });
    for (let i = 0; i < 20; i++) await mailer.send(message({ messageId: `m${i}@x` }));
    expect(fs.readdirSync(dir).filter((f) => !f.endsWith('.eml'))).toEqual([]);
    expect(fs.readdirSync(dir)).toHaveLength(20);

    const file = path.join(tempDir(), 'a-file');
    fs.writeFileSync(file, '');
    const blocked = new OutboxMailer({ dir: path.join(file, 'sub') });
    const r = await blocked.send(message());
    expect(r).toMatchObject({ ok: false, permanent: false, code: null });
  });

  it('gives every id a distinct, safe file name inside the folder', () => {
    const ids = ['a/b@x', 'a%2Fb@x', '../../etc/passwd', '.hidden@x', 'ünï@x', 'a b@x', 'a_b@x', 'x'.repeat(300)];
    const names = ids.map(emlFileName);
    expect(new Set(names).size).toBe(ids.length);
    for (const n of names) {
      expect(n).toMatch(/^[A-Za-z0-9_@%-][A-Za-z0-9_.@%-]*\.eml$/);
      expect(n.length).toBeLessThanOrEqual(255);
    }
  });

  it('DKIM-signs the file when configured, covering the List-Unsubscribe pair', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const dir = tempDir();
    const mailer = createMailer({ outbox: dir, sendConcurrency: 4, dkimDomain: 'example.com', dkimSelector: 'sel1', dkimKey: pem });
    expect(mailer.name).toBe('outbox');
    await mailer.send(message());
    const raw = fs.readFileSync(path.join(dir, emlFileName('Abc_123-xyz@mail.example.com')));
    const dns = (publicKey.export({ type: 'spki', format: 'der' }) as Buffer).toString('base64');
    const result = await authenticate(raw, {
      trustReceived: false, ip: '127.0.0.1', helo: 'localhost', sender: 'shop@example.com', mta: 'mx.test',
      resolver: async (name: string, type: string) => {
        if (type === 'TXT' && name === 'sel1._domainkey.example.com') return [[`v=DKIM1; k=rsa; p=${dns}`]];
        throw Object.assign(new Error(`no ${type} ${name}`), { code: 'ENOTFOUND' });
      },
    });
    const sig = result.dkim.results[0]!;
    expect(sig.status.result).toBe('pass');
    expect(sig.signingDomain).toBe('example.com');
    const h = /\bh=([^;]+)/.exec(raw.toString('latin1').replace(/\r\n[ \t]/g, ''))![1]!.toLowerCase().split(':').map((s) => s.trim());
    expect(h).toEqual(expect.arrayContaining(['list-unsubscribe', 'list-unsubscribe-post', 'from', 'subject', 'message-id']));
  });
});
