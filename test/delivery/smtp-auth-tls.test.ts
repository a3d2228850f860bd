import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailer } from '../../src/delivery/create-mailer.ts';
import { loadConfig } from '../../src/config.ts';
import { tempDir } from '../helpers/databases.ts';

// TAILOR_SMTP_URL as a provider gives it: a submission port that requires STARTTLS and a login.
// A real SMTP server (smtp-server over TCP on 127.0.0.1) with a self-signed certificate made by
// openssl; the URL's tls.rejectUnauthorized=false accepts it, as a user would for a test relay.

const USER = 'relay-user';
const PASS = 's3cret-pass';

describe('SMTP with STARTTLS and AUTH', () => {
  let server: SMTPServer;
  let port = 0;
  const received: { user: string | undefined; secure: boolean; data: string }[] = [];

  beforeAll(async () => {
    const dir = tempDir();
    const key = path.join(dir, 'key.pem');
    const cert = path.join(dir, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1'], { stdio: 'ignore' });
    server = new SMTPServer({
      key: fs.readFileSync(key), cert: fs.readFileSync(cert),
      authMethods: ['PLAIN', 'LOGIN'],
      // Refuse mail before TLS and before a login, as a real submission server does.
      onAuth: (auth, session, cb) => {
        if (!session.secure) return cb(new Error('530 5.7.0 Must issue a STARTTLS command first'));
        return auth.username === USER && auth.password === PASS ? cb(null, { user: USER }) : cb(new Error('535 5.7.8 bad credentials'));
      },
      onMailFrom: (_a, session, cb) => (session.user ? cb() : cb(Object.assign(new Error('530 5.7.0 Authentication required'), { responseCode: 530 }))),
      onData: (stream, session, cb) => {
        let data = '';
        stream.on('data', (c: Buffer) => (data += c.toString()));
        stream.on('end', () => {
          received.push({ user: session.user as string | undefined, secure: session.secure, data });
          cb();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    port = (server.server.address() as { port: number }).port;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const message = (to: string) => ({
    messageId: `auth-${to}@shop.test`, from: 'Shop <shop@shop.test>', to, subject: 'Hello', html: '<p>Hi</p>', text: 'Hi', headers: {},
  });

  it('upgrades to TLS, logs in with the URL\'s credentials, and sends', async () => {
    const mailer = createMailer(loadConfig({}, { smtpUrl: `smtp://${USER}:${PASS}@127.0.0.1:${port}?tls.rejectUnauthorized=false`, outbox: tempDir() }));
    try {
      const r = await mailer.send(message('ana@mail.test'));
      expect(r).toMatchObject({ ok: true });
      expect(received.at(-1)).toMatchObject({ user: USER, secure: true });
      expect(received.at(-1)!.data).toContain('Message-ID: <auth-ana@mail.test@shop.test>');
    } finally {
      await mailer.close();
    }
  });

  it('a wrong password is a retryable failure (not a bounce of the recipient), and nothing is sent', async () => {
    const before = received.length;
    const mailer = createMailer(loadConfig({}, { smtpUrl: `smtp://${USER}:wrong@127.0.0.1:${port}?tls.rejectUnauthorized=false`, outbox: tempDir() }));
    try {
      const r = await mailer.send(message('bob@mail.test'));
      expect(r).toMatchObject({ ok: false, permanent: false, code: 535 });
      if (!r.ok) expect(r.response).toMatch(/535|credentials|auth/i);
      expect(received.length).toBe(before);
    } finally {
      await mailer.close();
    }
  });

  it('an untrusted certificate is refused unless the URL accepts it', async () => {
    const before = received.length;
    const mailer = createMailer(loadConfig({}, { smtpUrl: `smtp://${USER}:${PASS}@127.0.0.1:${port}`, outbox: tempDir() }));
    try {
      const r = await mailer.send(message('cy@mail.test'));
      expect(r).toMatchObject({ ok: false, permanent: false });
      expect(received.length).toBe(before);
    } finally {
      await mailer.close();
    }
  });
});
