import { z } from 'zod';
import { TailorError } from '../errors.ts';
import type { TemplateService } from '../content/template-service.ts';
import type { CampaignSpec } from '../schemas/campaign.ts';
import { refuseUnsafeText } from '../schemas/safe-text.ts';
import { validationError } from '../schemas/segment-rule.ts';
import { transactionalMessageId } from './message-id.ts';
import type { CampaignRecord, CampaignStore, SendQueue, SendRow } from './ports.ts';

const MessageSchema = z.strictObject({
  template: z.string().min(1).max(200).superRefine(refuseUnsafeText),
  /** A profile id, user id or email; an email with no profile gets one. */
  to: z.string().min(1).max(320).superRefine(refuseUnsafeText),
  /** What the template sees as `event` (an order's lines, a confirmation link…). */
  data: z.record(z.string(), z.unknown()).optional(),
  /** The same key sends the same message once, however often it is posted. */
  idempotencyKey: z.string().min(1).max(200).superRefine(refuseUnsafeText),
});

export interface TransactionalDeps {
  campaigns: Pick<CampaignStore, 'find' | 'insert'>;
  queue: Pick<SendQueue, 'enqueue'>;
  templates: Pick<TemplateService, 'get'>;
  /** The profile a reference names (id, user id or email); an email that names none gets a new profile. */
  recipient: (to: string) => Promise<string | null>;
  /** The send with this message id. */
  sendByMessageId: (messageId: string) => Promise<SendRow | null>;
  messageDomain: string;
  now: () => number;
  wake: () => void;
}

/** The state of one transactional message, as the API shows it. */
export interface MessageStatus { messageId: string; state: SendRow['state']; reason: string | null; sentAt: string | null; duplicate: boolean }

export const statusOf = (r: SendRow, duplicate: boolean): MessageStatus => ({
  messageId: r.messageId, state: r.state, reason: r.reason, sentAt: r.sentAt === null ? null : new Date(r.sentAt).toISOString(), duplicate,
});

/**
 * One message now (an order confirmation, a double opt-in link) through the same queue and sender
 * as campaigns: a row with its state, sent exactly once per idempotency key (the key makes the
 * Message-ID, which the queue's unique key holds to one row). Each template has one built-in
 * campaign of kind `transactional`, always sending, which the sender treats as exempt from
 * consent, caps and quiet hours; only a missing address, a hard bounce or a complaint stops it.
 */
export class TransactionalSender {
  constructor(private readonly d: TransactionalDeps) {}

  async send(input: unknown): Promise<MessageStatus> {
    const r = MessageSchema.safeParse(input);
    if (!r.success) throw validationError('message', r.error);
    const m = r.data;
    const messageId = transactionalMessageId(m.idempotencyKey, this.d.messageDomain);
    const existing = await this.d.sendByMessageId(messageId);
    if (existing) return statusOf(existing, true);
    const campaign = await this.campaignFor(m.template);
    const profileId = await this.d.recipient(m.to);
    if (!profileId) throw new TailorError('not_found', `no profile '${m.to}' (give a profile id, a user id or an email address)`, 'to');
    const now = this.d.now();
    await this.d.queue.enqueue([{
      campaignId: campaign.id, occurrence: m.idempotencyKey, step: 0, profileId, messageId, dueAt: now, arm: null, triggerAt: null,
      payload: { data: m.data ?? {} },
    }]);
    this.d.wake();
    const row = await this.d.sendByMessageId(messageId);
    return statusOf(row!, false);
  }

  async status(messageId: string): Promise<MessageStatus> {
    const row = await this.d.sendByMessageId(messageId.replace(/^<|>$/g, ''));
    if (!row) throw new TailorError('not_found', `no message '${messageId}'`, 'messageId');
    return statusOf(row, false);
  }

  /** The template's built-in transactional campaign, made on first use. */
  private async campaignFor(template: string): Promise<CampaignRecord> {
    const t = await this.d.templates.get(template);
    const name = `transactional: ${t.template.name}`;
    const found = await this.d.campaigns.find(name);
    if (found) return found;
    const now = this.d.now();
    // Not a draft that is launched: always sending, always the template's newest version (no pin).
    const spec = { name, kind: 'broadcast', template: t.template.name, caps: [], reentry: 'once' } as unknown as CampaignSpec;
    const r: CampaignRecord = {
      id: `tx-${t.template.id}`, name, kind: 'transactional', status: 'sending', spec, audienceCursor: null, audienceDone: true,
      occurrence: '', nextRunAt: null, pinned: {}, launchedAt: now, finishedAt: null, createdAt: now, updatedAt: now,
    };
    try {
      await this.d.campaigns.insert(r);
    } catch (e) {
      // Another request made it first.
      const again = await this.d.campaigns.find(name);
      if (again) return again;
      throw e;
    }
    return r;
  }
}
