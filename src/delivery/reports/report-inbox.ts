import type { IntakeResult } from '../../core/campaigns/report-intake.ts';
import { TailorError } from '../../core/errors.ts';
import type { DeliveryReport } from './delivery-report.ts';
import { parseReportEmail } from './parse-dsn.ts';
import { parseWebhook, type WebhookProvider } from './parse-webhook.ts';
import { verifyWebhook, type WebhookRequest, type WebhookSecrets } from './verify-webhook.ts';
import { jsonBody } from './webhook-body.ts';

export const WEBHOOK_PROVIDERS: readonly WebhookProvider[] = ['generic', 'ses', 'sendgrid', 'postmark'];

export interface WebhookOutcome extends IntakeResult {
  /** Set when the request was an SNS subscription handshake, answered without acting. */
  subscription?: { type: 'SubscriptionConfirmation' | 'UnsubscribeConfirmation'; topicArn: string | null } | undefined;
}

export interface EmailImportOutcome extends IntakeResult {
  /** Messages read. */
  messages: number;
  /** Messages that are reports. */
  reports: number;
  /** Messages that are not reports (auto-replies, spam) or could not be parsed: listed, not fatal. */
  skipped: { name: string; reason: string }[];
}

/** The intake use case, as this inbox needs it. */
export interface ReportApplier { apply(reports: DeliveryReport[]): Promise<IntakeResult> }

/**
 * The front door of bounce and complaint intake: authenticates and parses provider webhooks, parses
 * report emails, and hands the reports to the intake use case. The HTTP route and the CLI call
 * this and format the answer.
 */
export function createReportInbox(intake: ReportApplier, secrets: () => WebhookSecrets, now: () => number) {
  return {
    async webhook(providerName: string, req: Omit<WebhookRequest, 'now'>): Promise<WebhookOutcome> {
      if (!(WEBHOOK_PROVIDERS as readonly string[]).includes(providerName)) {
        throw new TailorError('validation_failed', `provider must be one of ${WEBHOOK_PROVIDERS.join(', ')}`, 'provider');
      }
      const provider = providerName as WebhookProvider;
      // Authenticated before anything in the body is believed (or even parsed).
      verifyWebhook(provider, { ...req, now: now() }, secrets());
      const body = jsonBody(req.rawBody, `${provider} webhook`);
      const subscription = provider === 'ses' ? snsHandshake(body) : undefined;
      // The handshake is acknowledged, never acted on: the SubscribeURL is not fetched (see webhook-ses.ts).
      if (subscription) return { ...(await intake.apply([])), subscription };
      return intake.apply(parseWebhook(provider, body));
    },

    async emails(messages: readonly { name: string; raw: Buffer | string }[]): Promise<EmailImportOutcome> {
      const reports: DeliveryReport[] = [];
      const skipped: EmailImportOutcome['skipped'] = [];
      let reportMessages = 0;
      for (const m of messages) {
        try {
          const found = await parseReportEmail(m.raw);
          if (found.length) {
            reportMessages++;
            reports.push(...found);
          } else {
            skipped.push({ name: m.name, reason: 'not a delivery status or feedback report' });
          }
        } catch (e) {
          skipped.push({ name: m.name, reason: `unparseable: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}` });
        }
      }
      return { ...(await intake.apply(reports)), messages: messages.length, reports: reportMessages, skipped };
    },
  };
}

export type ReportInbox = ReturnType<typeof createReportInbox>;

function snsHandshake(body: unknown): WebhookOutcome['subscription'] {
  if (typeof body !== 'object' || body === null) return undefined;
  const b = body as Record<string, unknown>;
  if (b.Type !== 'SubscriptionConfirmation' && b.Type !== 'UnsubscribeConfirmation') return undefined;
  return { type: b.Type, topicArn: typeof b.TopicArn === 'string' ? b.TopicArn : null };
}
