import { parentPort, workerData } from 'node:worker_threads';
import { SmtpMailer, type SmtpOptions } from './smtp-mailer.ts';

/**
 * The SMTP pool's thread (threaded-smtp-mailer.ts): one SmtpMailer, one message per request; the
 * answer is the send's MailResult. Errors outside a send (an idle connection dropped) are posted
 * without an id.
 */
type Request = { id: number; message: Parameters<SmtpMailer['send']>[0] } | { id: number; close: true };

const mailer = new SmtpMailer({ ...(workerData as Omit<SmtpOptions, 'onError'>), onError: (e) => parentPort!.postMessage({ error: e.message }) });

parentPort!.on('message', (req: Request) => {
  if ('close' in req) {
    void mailer.close().then(() => parentPort!.postMessage({ id: req.id, closed: true }));
    return;
  }
  void mailer.send(req.message).then((result) => parentPort!.postMessage({ id: req.id, result }));
});
