import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isTailorError } from '../../core/errors.ts';

/** What intake reports back; the route sends it as the answer. */
export interface WebhookCounts {
  applied: number; hard: number; soft: number; complaints: number; delivered: number; unmatched: number; duplicates: number;
  subscription?: { type: string; topicArn: string | null } | undefined;
}

/** Authenticates, parses and applies one provider request (src/delivery/reports/report-inbox.ts). */
export interface WebhookService {
  webhook(provider: string, req: { headers: Record<string, string | undefined>; rawBody: string }): Promise<WebhookCounts>;
}

/** SendGrid posts batches of up to a few thousand events; more than the API's 512 KB. */
const WEBHOOK_BODY_LIMIT = 5 * 1024 * 1024;

/**
 * `POST /v1/webhooks/bounce?provider=generic|ses|sendgrid|postmark` (default generic): bounces and
 * complaints from mail providers.
 *
 * Not behind the admin key (providers do not have it: `config.auth: 'none'` lets the request past
 * the app's key check). It authenticates itself, after the body is read, since a signature covers
 * the body:
 * - the shared secret `TAILOR_WEBHOOK_SECRET`, as the HTTP Basic password (any user name: give the
 *   provider https://tailor:SECRET@host/v1/webhooks/bounce?provider=ses) or in an
 *   `X-Tailor-Webhook-Secret` header, compared in constant time;
 * - for SendGrid with `TAILOR_SENDGRID_PUBLIC_KEY` set, its signed event webhook (ECDSA) instead.
 * With no secret configured every request is refused (401). A 401 carries `WWW-Authenticate:
 * Basic`, because SNS sends the credentials of an endpoint URL only after being challenged.
 *
 * The body is read as text whatever its content type (SNS posts JSON as text/plain; signatures are
 * over the exact bytes). Answers: 200 with the counts; an SNS SubscriptionConfirmation gets 200
 * without any action (its SubscribeURL is never fetched: confirm it in the SNS console or visit it
 * yourself); 400 for a body that is not the provider's format; 401 for failed authentication.
 * Applying the same request twice (a provider's retry) counts once.
 */
export function webhookRoutes(app: FastifyInstance, svc: WebhookService): void {
  void app.register(async (scope) => {
    // This scope only: the body as the exact text received, for every content type.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: WEBHOOK_BODY_LIMIT }, (_req, body, done) => done(null, body));

    scope.post('/v1/webhooks/bounce', { config: { auth: 'none' }, bodyLimit: WEBHOOK_BODY_LIMIT }, async (req: FastifyRequest, reply: FastifyReply) => {
      const q = req.query as Record<string, string | undefined>;
      const provider = q.provider ?? 'generic';
      const headers: Record<string, string | undefined> = {};
      for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
      const rawBody = typeof req.body === 'string' ? req.body : '';
      try {
        const r = await svc.webhook(provider, { headers, rawBody });
        if (r.subscription) req.log.info({ topicArn: r.subscription.topicArn }, `SNS ${r.subscription.type} received: confirm the subscription in the SNS console`);
        return { ok: true, ...r };
      } catch (e) {
        if (isTailorError(e) && e.code === 'unauthorized') void reply.header('www-authenticate', 'Basic realm="tailor webhooks", charset="UTF-8"');
        throw e;
      }
    });
  });
}
