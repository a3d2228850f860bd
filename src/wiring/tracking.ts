import type { CampaignRecord } from '../core/campaigns/ports.ts';
import type { SendLookup } from '../core/campaigns/report-intake.ts';
import type { Message } from '../core/schemas/segment-message.ts';
import { EMAIL_OPENED } from '../core/tracking/email-event-names.ts';
import { TrackingService } from '../core/tracking/tracking-service.ts';
import { plainCodec } from '../core/pii-codec.ts';
import { createSendLookup } from '../store/campaigns/send-lookup.ts';
import { createHitLog } from '../store/tracking/hit-log.ts';
import type { Base } from './base.ts';

/** A campaign's name and experiment change rarely; a hit reads them from here for a minute. */
const CAMPAIGN_TTL_MS = 60_000;

/** Open and click tracking: the service behind `/t/o/:token` and `/t/c/:token`. */
export function wireTracking(b: Base, d: {
  secret: () => Promise<string>;
  campaigns: { find(id: string): Promise<CampaignRecord | null> };
  /** An experiment's id by its name (a campaign names it; results read the id off the events). */
  experimentId: (name: string) => Promise<string | null>;
  ingest: (messages: Message[]) => Promise<unknown>;
  /** Profiles whose stored events changed outside ingest (segments follow them). */
  touched: (profileId: string, eventNames: string[]) => void;
}): TrackingService {
  const sends: SendLookup = createSendLookup(b.db, plainCodec);
  const cache = new Map<string, { at: number; v: { name: string; experiment: string | null } | null }>();
  return new TrackingService({
    ...createHitLog(b.db),
    secret: d.secret,
    now: b.now,
    newId: b.newId,
    ingest: d.ingest,
    opensChanged: (profileId) => d.touched(profileId, [EMAIL_OPENED]),
    send: async (messageId) => (await sends.byMessageIds([messageId])).get(messageId) ?? null,
    campaign: async (id) => {
      const hit = cache.get(id);
      if (hit && b.now() - hit.at < CAMPAIGN_TTL_MS) return hit.v;
      const c = await d.campaigns.find(id);
      const v = c && c.id === id ? { name: c.name, experiment: c.spec.experiment ? await d.experimentId(c.spec.experiment) : null } : null;
      if (cache.size > 1000) cache.clear();
      cache.set(id, { at: b.now(), v });
      return v;
    },
    anonymizeIp: b.config.anonymizeIp,
    identifyOnClick: b.config.clickIdentify,
  });
}
