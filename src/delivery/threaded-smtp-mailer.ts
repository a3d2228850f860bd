import { Worker } from 'node:worker_threads';
import type { MailResult, Mailer, OutgoingMessage } from '../core/campaigns/ports.ts';
import type { SmtpOptions } from './smtp-mailer.ts';

/**
 * SMTP on a thread of its own. Building each MIME message (quoted-printable encoding of a large
 * HTML part), DKIM signing and the socket writes cost about as much CPU as everything else the
 * sender does per message (BENCHMARKS.md, "Sending"); on the main thread the two take turns on one
 * core, on a thread of their own they run beside each other. The thread holds the pooled
 * SmtpMailer; a send is a message there and back. The thread is unreferenced while nothing is in
 * flight, so it never keeps a process alive.
 */
export class ThreadedSmtpMailer implements Mailer {
  readonly name = 'smtp';
  private readonly worker: Worker;
  private readonly pending = new Map<number, (r: MailResult | 'closed') => void>();
  private seq = 0;
  private dead: Error | null = null;
  private closing = false;

  constructor(opts: SmtpOptions) {
    const { onError, ...data } = opts;
    this.worker = new Worker(new URL('./smtp-thread-entry.mjs', import.meta.url), { workerData: data });
    this.worker.unref();
    this.worker.on('message', (m: { id?: number; result?: MailResult; closed?: true; error?: string }) => {
      if (m.id === undefined) {
        onError?.(new Error(m.error ?? 'SMTP thread error'));
        return;
      }
      const done = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (!this.pending.size) this.worker.unref();
      done?.(m.closed ? 'closed' : m.result!);
    });
    // A thread that died takes its sends with it: they failed, retryably (nothing says the server has them).
    const fail = (e: Error) => {
      this.dead ??= e;
      onError?.(e);
      for (const [id, done] of this.pending) {
        this.pending.delete(id);
        done({ ok: false, permanent: false, code: null, response: `SMTP thread: ${e.message}` });
      }
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => {
      if (!this.closing) fail(new Error(`exited with code ${code}`));
    });
  }

  send(message: OutgoingMessage): Promise<MailResult> {
    return this.request({ message }) as Promise<MailResult>;
  }

  /** SMTP leaves no record that can be asked which messages a server took (see reconcile.ts). */
  async accepted(): Promise<null> {
    return null;
  }

  async close(): Promise<void> {
    if (!this.dead) await this.request({ close: true });
    this.closing = true;
    await this.worker.terminate();
  }

  private request(body: { message: OutgoingMessage } | { close: true }): Promise<MailResult | 'closed'> {
    if (this.dead) return Promise.resolve({ ok: false, permanent: false, code: null, response: `SMTP thread: ${this.dead.message}` });
    const id = ++this.seq;
    return new Promise((resolve) => {
      if (!this.pending.size) this.worker.ref();
      this.pending.set(id, resolve);
      this.worker.postMessage({ id, ...body });
    });
  }
}
