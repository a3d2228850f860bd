import { createTransport, type Transporter } from 'nodemailer';
import type { MailResult, Mailer, OutgoingMessage } from '../core/campaigns/ports.ts';
import { dkimOptions, mailFields, type DkimSettings } from './mime-headers.ts';

export interface SmtpOptions {
  /** smtp:// or smtps:// with the credentials in it; TLS as the URL says (smtps://, or ?secure=true, ?requireTLS=true). */
  url: string;
  /** Connections in the pool (at most 20: mail servers throttle clients that open more). */
  connections: number;
  dkim?: DkimSettings | undefined;
  /** A transport error outside any send (an idle pooled connection dropped); sends report their own. */
  onError?: ((e: Error) => void) | undefined;
}

interface SmtpError extends Error {
  code?: string;
  responseCode?: number;
  response?: string;
}

export const MAX_SMTP_CONNECTIONS = 20;

/**
 * Mail over SMTP through one pool of long-lived connections (a connection costs a TCP and often
 * a TLS handshake; reusing it is what makes well over 1,000 messages a second possible).
 */
export class SmtpMailer implements Mailer {
  readonly name = 'smtp';
  private readonly transport: Transporter;

  constructor(opts: SmtpOptions) {
    this.transport = createTransport({
      url: opts.url,
      pool: true,
      maxConnections: Math.max(1, Math.min(opts.connections, MAX_SMTP_CONNECTIONS)),
      // A connection is never retired for having sent many messages: reconnecting costs time
      // and the sender's own concurrency, not the pool's, bounds the load.
      maxMessages: Infinity,
      ...(opts.dkim ? { dkim: dkimOptions(opts.dkim) } : {}),
    });
    // Without a listener an 'error' event would end the process; a send's own failure reaches its
    // callback anyway, so this only hears about idle connections.
    this.transport.on('error', (e: Error) => opts.onError?.(e));
  }

  async send(m: OutgoingMessage): Promise<MailResult> {
    try {
      const info: { response?: string } = await this.transport.sendMail(mailFields(m));
      return { ok: true, response: info.response ?? '250' };
    } catch (e) {
      return smtpFailure(e as SmtpError);
    }
  }

  /** SMTP leaves no record that can be asked which messages a server took (see reconcile.ts). */
  async accepted(): Promise<null> {
    return null;
  }

  async close(): Promise<void> {
    this.transport.close();
  }
}

/**
 * A 5xx reply is the server's final word (the address or the message is refused: a hard bounce);
 * a 4xx, a dropped connection or a timeout may go through later.
 */
export function smtpFailure(e: SmtpError): MailResult {
  const code = typeof e.responseCode === 'number' ? e.responseCode : null;
  const response = e.response ?? (e.code ? `${e.code}: ${e.message}` : e.message);
  // Only a refusal of this recipient or this message bounces it: a 5xx to the login, the greeting
  // or TLS (nodemailer's EAUTH, ECONNECTION, ETLS…) is the relay's configuration, not the address,
  // and must not suppress anyone; it is retried like a 4xx.
  const aboutThisMessage = e.code === 'EENVELOPE' || e.code === 'EMESSAGE' || e.code === undefined;
  return { ok: false, permanent: aboutThisMessage && code !== null && code >= 500 && code < 600, code, response };
}
