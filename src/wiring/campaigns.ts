import type { Message } from '../core/schemas/segment-message.ts';
import { createSuppressionStore } from '../store/campaigns/suppression-store.ts';
import { RecipientPages } from '../core/campaigns/recipient-pages.ts';
import type { TemplateService } from '../core/content/template-service.ts';
import type { ProfileQueriesPort } from '../core/profiles/ports.ts';
import { createCampaignStore } from '../store/campaigns/campaign-store.ts';
import { createTopicQueries } from '../store/campaigns/topic-queries.ts';
import { ReportIntake } from '../core/campaigns/report-intake.ts';
import { plainCodec } from '../core/pii-codec.ts';
import { createReportInbox } from '../delivery/reports/report-inbox.ts';
import { createReportLog } from '../store/campaigns/report-log.ts';
import { createSendLookup } from '../store/campaigns/send-lookup.ts';
import type { Base } from './base.ts';
import type { SendTimePlanner } from '../core/sto/ports.ts';

import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { CampaignContent } from '../core/campaigns/campaign-content.ts';
import { CampaignService } from '../core/campaigns/campaign-service.ts';
import { deliveredEvents, type ProfileEvent } from '../core/campaigns/email-events.ts';
import { addressOf, composeMessage } from '../core/campaigns/outgoing-message.ts';
import type { CampaignRecord, Mailer } from '../core/campaigns/ports.ts';
import { Sender } from '../core/campaigns/sender.ts';
import { parseCaps, parseQuietHours, type GlobalPolicy } from '../core/campaigns/send-policy.ts';
import { SendWork } from '../core/campaigns/send-work.ts';
import { Throttle, parseDomainRates } from '../core/campaigns/throttle.ts';
import { TransactionalSender } from '../core/campaigns/transactional.ts';
import { explainRecipient } from '../core/campaigns/explain.ts';
import { TailorError } from '../core/errors.ts';
import { validateMessage } from '../core/ingest/validate-message.ts';
import { unsubscribeHeaders, unsubscribeUrl } from '../core/campaigns/unsubscribe-headers.ts';
import { trackMessage } from '../core/tracking/track-message.ts';
import type { TemplateDeps } from '../core/content/template-service.ts';
import { armsOf } from '../core/experiments/design.ts';
import type { ExperimentService } from '../core/experiments/service.ts';
import { createMailer } from '../delivery/create-mailer.ts';
import { DueScheduler } from '../jobs/due-scheduler.ts';
import { createAudienceQueries } from '../store/campaigns/audience-queries.ts';
import { createEmailEventWriter } from '../store/campaigns/email-events.ts';
import { createRecipientLookup } from '../store/campaigns/recipient-lookup.ts';
import { createSendQueue } from '../store/campaigns/send-queue.ts';
import { createTriggerQueries } from '../store/campaigns/trigger-queries.ts';

/** How often the send loop looks for work written by other processes (launches, triggers), at most. */
const SEND_LOOK_MS = 1000;
const MAX_ATTEMPTS = 8;

/** This process's name in send leases: host, pid and a random part (a pid is reused after a restart). */
const newOwner = () => `${hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`;

/** A lease owner that ran on this host under a pid that no longer exists has died: its rows can be taken at once. */
function ownerGone(owner: string): boolean {
  const [host, pid] = owner.split('/');
  if (host !== hostname() || !pid || !/^\d+$/.test(pid) || Number(pid) === process.pid) return false;
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Campaigns and delivery: the campaign service and its send loop, transactional messages, the
 * transport (opened on first use, so that commands that send nothing open no SMTP pool),
 * suppressions, bounce and complaint intake, and the recipient pages (unsubscribe, preferences,
 * view in browser).
 */
export function wireCampaigns(b: Base, d: {
  ingest: (messages: Message[]) => Promise<unknown>;
  secret: () => Promise<string>;
  profiles: Pick<ProfileQueriesPort, 'resolve' | 'get'>;
  templates: TemplateService;
  contextFor: TemplateDeps['contextFor'];
  contextsFor: NonNullable<ConstructorParameters<typeof CampaignContent>[0]['contextsFor']>;
  experiments: ExperimentService;
  /** Profiles whose events the sender wrote (for segments that follow them). */
  touched: (events: readonly ProfileEvent[]) => void;
  /** A transport to use instead of the config's (tests). */
  mailer?: Mailer | undefined;
  /** Send-time optimisation (src/wiring/sto.ts), for campaigns with `sendTime`. */
  sendTime?: SendTimePlanner | undefined;
}) {
  const suppressions = createSuppressionStore(b.db);
  const campaignRecords = createCampaignStore(b.db);
  const queue = createSendQueue(b.db);
  const lookup = createRecipientLookup(b.db, plainCodec);
  const messageDomain = addressOf(b.config.from).split('@')[1] ?? 'tailor.invalid';
  let opened: Mailer | undefined = d.mailer;
  const transport = () => (opened ??= createMailer(b.config, { onError: b.onError }));
  const mailer: Mailer = {
    name: 'lazy',
    send: (m) => transport().send(m),
    accepted: (ids) => transport().accepted(ids),
    close: async () => { await opened?.close(); },
  };

  const wake = { notify: (): void => undefined };
  const campaigns = new CampaignService({
    store: campaignRecords, queue, audience: createAudienceQueries(b.db), triggers: createTriggerQueries(b.db), lookup,
    templates: d.templates, experiments: d.experiments, messageDomain, defaultZone: b.config.defaultTimezone,
    now: b.now, newId: b.newId, wake: () => wake.notify(), sendTime: d.sendTime,
  });
  const content = new CampaignContent({
    templates: d.templates, contextFor: d.contextFor, contextsFor: d.contextsFor,
    arms: async (name) => new Map(armsOf((await d.experiments.get(name)).spec).map((a) => [a.key, a.content])),
    track: async (c, row, message) => trackMessage(message, { ...row, campaignId: c.id }, c.spec.tracking, b.config.publicUrl, await d.secret()),
  });
  const policy: GlobalPolicy = {
    caps: parseCaps(b.config.frequencyCaps), quietHours: parseQuietHours(b.config.quietHours), defaultZone: b.config.defaultTimezone,
  };
  const owner = newOwner();
  const leaseMs = b.config.sendLease * 1000;
  const writeEvents = createEmailEventWriter(b.db);
  const sender = new Sender({
    queue, campaigns: campaignRecords, lookup, suppressions, content, mailer, policy, now: b.now, owner, leaseMs,
    throttle: new Throttle({ now: b.now, sleep: (ms) => new Promise((r) => setTimeout(r, ms)) }, b.config.sendRate, parseDomainRates(b.config.domainRates)),
    compose: async (c, row, rendered, to) => {
      const secret = await d.secret();
      return composeMessage({
        defaultFrom: b.config.from,
        listUnsubscribe: (profileId, campaignId) => unsubscribeHeaders({ url: unsubscribeUrl(b.config.publicUrl, secret, profileId, campaignId) }),
      }, c, row, rendered, to);
    },
    delivered: async (sent) => {
      const events = deliveredEvents(sent);
      await writeEvents(events);
      d.touched(events);
    },
    // A throttled sender claims no more than it sends within a few seconds, so its leases hold.
    batchSize: b.config.sendRate ? Math.max(b.config.sendConcurrency, Math.min(200, b.config.sendRate * 5)) : 200,
    concurrency: b.config.sendConcurrency,
    maxAttempts: MAX_ATTEMPTS,
  });
  const work = new SendWork({ campaigns, sender, queue, now: b.now, reconcile: { queue, mailer, now: b.now, owner, leaseMs, ownerGone } });
  const scheduler = new DueScheduler(work, b.onError, SEND_LOOK_MS);
  wake.notify = () => scheduler.notify(b.now());

  const transactional = new TransactionalSender({
    campaigns: campaignRecords, queue, templates: d.templates, messageDomain, now: b.now, wake: () => wake.notify(),
    sendByMessageId: (id) => campaignRecords.sendByMessageId(id),
    recipient: async (to) => {
      const found = await d.profiles.resolve({ id: to });
      if (found || !to.includes('@')) return found;
      await d.ingest([validateMessage({ type: 'identify', anonymousId: `tailor-email:${to.toLowerCase()}`, traits: { email: to } }, undefined,
        { receivedAt: b.now(), newMessageId: () => `tailor-${b.newId()}`, source: 'messages' })]);
      return d.profiles.resolve({ id: to });
    },
  });

  const pages = new RecipientPages({
    secret: d.secret, profiles: d.profiles, templates: d.templates, ingest: d.ingest, now: b.now, newMessageId: () => `tailor-${b.newId()}`,
    topics: createTopicQueries(b.db).topics,
    campaign: async (id) => {
      const c = await campaignRecords.find(id);
      return c && c.id === id ? { id: c.id, name: c.name, topic: c.spec.topic ?? null, pinned: c.pinned } : null;
    },
  });
  const reportIntake = new ReportIntake({
    sends: createSendLookup(b.db, plainCodec), log: createReportLog(b.db), suppressions, ingest: d.ingest, now: b.now,
  });
  const reports = createReportInbox(reportIntake, () => ({ sharedSecret: b.config.webhookSecret, sendgridPublicKey: b.config.sendgridPublicKey }), b.now);
  return {
    campaigns, transactional, suppressions, pages, reportIntake, reports,
    /** Campaign records and send rows by message id, for tracking. */
    records: campaignRecords,
    /** Why a person did or did not get a campaign (explain.ts). */
    explain: (c: CampaignRecord, profileRef: string) => explainRecipient({
      sends: campaignRecords, lookup, suppressions, queue, policy, now: b.now, resolveProfile: (ref) => d.profiles.resolve({ id: ref }),
    }, c, profileRef),
    /** A test send of a campaign's content to one address, rendered for the given profile or the audience's first member. */
    testSend: async (c: CampaignRecord, to: string, profileRef?: string) => {
      const profileId = profileRef ? await d.profiles.resolve({ id: profileRef }) : await campaigns.firstMember(c);
      if (!profileId) {
        throw new TailorError('not_found', profileRef ? `no profile '${profileRef}'` : 'the audience has no member to render for: give a profile', 'profileId');
      }
      return { profileId, ...(await sender.testSend(c, profileId, to)) };
    },
    /** The send loop: started by `tailor serve` and `tailor campaign worker`. */
    scheduler, sender, work,
    /** Stops the loop and closes the transport. */
    close: async () => {
      await scheduler.stop();
      await sender.idle();
      await mailer.close();
    },
  };
}
