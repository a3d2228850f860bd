import { createPrivateKey } from 'node:crypto';
import fs from 'node:fs';
import type { Config } from '../config.ts';
import type { Mailer } from '../core/campaigns/ports.ts';
import { TailorError } from '../core/errors.ts';
import type { DkimSettings } from './mime-headers.ts';
import { OutboxMailer } from './outbox-mailer.ts';
import { ThreadedSmtpMailer } from './threaded-smtp-mailer.ts';

type MailerConfig = Pick<Config, 'smtpUrl' | 'outbox' | 'sendConcurrency' | 'dkimDomain' | 'dkimSelector' | 'dkimKey'>;

/** The transport the config names: SMTP when TAILOR_SMTP_URL is set, otherwise the outbox folder. */
export function createMailer(config: MailerConfig, opts: { onError?: (e: Error) => void } = {}): Mailer {
  const dkim = dkimSettings(config);
  if (config.smtpUrl) {
    if (!/^smtps?:\/\//i.test(config.smtpUrl)) throw new TailorError('invalid_config', 'invalid config TAILOR_SMTP_URL: expected smtp:// or smtps://', 'smtpUrl');
    return new ThreadedSmtpMailer({ url: config.smtpUrl, connections: config.sendConcurrency, dkim, onError: opts.onError });
  }
  return new OutboxMailer({ dir: config.outbox, dkim });
}

/**
 * The DKIM key is PEM text or the path of a PEM file. It is parsed here, at start-up, because a
 * key the signer cannot use would otherwise only show as mail going out unsigned.
 */
export function dkimSettings(config: Pick<Config, 'dkimDomain' | 'dkimSelector' | 'dkimKey'>): DkimSettings | undefined {
  if (!config.dkimDomain || !config.dkimSelector || !config.dkimKey) return undefined;
  let pem = config.dkimKey;
  if (!pem.includes('-----BEGIN')) {
    try {
      pem = fs.readFileSync(pem, 'utf8');
    } catch (e) {
      throw new TailorError('invalid_config', `invalid config TAILOR_DKIM_KEY: cannot read ${pem}: ${(e as Error).message}`, 'dkimKey');
    }
  }
  // An environment variable often carries the PEM's line breaks as the two characters "\n".
  pem = pem.replace(/\\n/g, '\n');
  try {
    createPrivateKey(pem);
  } catch (e) {
    throw new TailorError('invalid_config', `invalid config TAILOR_DKIM_KEY: not a private key in PEM form (${(e as Error).message})`, 'dkimKey');
  }
  return { domainName: config.dkimDomain, keySelector: config.dkimSelector, privateKey: pem };
}
