import { durationMs } from '../schemas/segment-rule.ts';
import type { PropFilter } from '../schemas/segment-rule.ts';
import { ENTERED_EVENT } from '../segments/realtime.ts';
import { passes } from '../segments/evaluate.ts';
import { sendMessageId } from './message-id.ts';
import type { CampaignRecord, NewSend } from './ports.ts';

/** An event that may start a triggered campaign. `id` is the events table's own sequence. */
export interface TriggerEvent { id: number; profileId: string; name: string; timestamp: number; properties: Record<string, unknown> }

/** What the trigger scan reads and writes (src/store/campaigns/trigger-queries.ts). */
export interface TriggerPort {
  /** The newest event id now: a campaign launched now reacts to events after it, never to history. */
  lastEventId(): Promise<number>;
  /** Events named one of `names` with an id after `afterId`, in id order, received at or before `receivedBefore`. */
  eventsAfter(afterId: number, names: readonly string[], limit: number, receivedBefore: number): Promise<TriggerEvent[]>;
  /** The latest trigger time of each of these profiles in this campaign. */
  lastTriggers(campaignId: string, profileIds: readonly string[]): Promise<Map<string, number>>;
  /**
   * Inserts the rows and moves the campaign's watermark from `from` to `to` in one transaction, only
   * if the watermark is still `from` (another process scanning the same events loses the race and
   * inserts nothing); returns whether it won.
   */
  advance(campaignId: string, from: string | null, to: string, rows: readonly NewSend[], at: number): Promise<boolean>;
}

/** Events per scan. */
export const TRIGGER_PAGE = 1000;
/**
 * Only events received at least this long ago are scanned: on PostgreSQL, ids are handed out when
 * a row is inserted and become visible when its transaction commits, so a scan that reads up to
 * the newest id could pass over a smaller id that commits a moment later. Ingest transactions
 * commit within milliseconds; five seconds leaves room for a slow one.
 */
export const TRIGGER_SETTLE_MS = 5000;

/** The event a triggered campaign listens for, and the filter on its properties. */
export function triggerOf(c: CampaignRecord): { name: string; where: PropFilter[] } {
  const t = c.spec.trigger!;
  if (t.segmentEntered) return { name: ENTERED_EVENT, where: [{ property: 'segment', op: 'eq', value: t.segmentEntered }] };
  return { name: t.event!, where: (t.where ?? []) as PropFilter[] };
}

/** The due time of each step: the trigger plus the delays so far. */
export function stepDueTimes(c: CampaignRecord, triggerAt: number): number[] {
  let at = triggerAt;
  return (c.spec.steps ?? [{ delay: '0m' }]).map((s) => (at += s.delay === '0m' ? 0 : durationMs(s.delay)));
}

/**
 * One scan of a triggered campaign: the matching events after its watermark become one occurrence
 * each (all its steps queued at once, each due after its delay; the exit condition is checked before
 * each send), unless the re-entry policy says this person is not to start again yet. The
 * occurrence is the event's id, so a scan repeated after a crash queues the same rows, which the
 * unique key refuses. Returns how many occurrences started.
 */
export async function scanTrigger(d: { triggers: TriggerPort; messageDomain: string; now: () => number }, c: CampaignRecord): Promise<number> {
  const { name, where } = triggerOf(c);
  const from = c.audienceCursor;
  const events = await d.triggers.eventsAfter(Number(from ?? 0), [name], TRIGGER_PAGE, d.now() - TRIGGER_SETTLE_MS);
  if (!events.length) return 0;
  const matching = events.filter((e) => e.name === name && passes(e, where));
  const last = await d.triggers.lastTriggers(c.id, [...new Set(matching.map((e) => e.profileId))]);
  const rows: NewSend[] = [];
  let started = 0;
  for (const e of matching) {
    const prev = last.get(e.profileId);
    const policy = c.spec.reentry;
    if (prev !== undefined) {
      if (policy === 'once') continue;
      if (typeof policy === 'object' && e.timestamp - prev < policy.afterDays * 86_400_000) continue;
    }
    last.set(e.profileId, e.timestamp);
    started++;
    const occurrence = String(e.id);
    const event = { name: e.name, properties: e.properties, timestamp: new Date(e.timestamp).toISOString() };
    stepDueTimes(c, e.timestamp).forEach((dueAt, step) => rows.push({
      campaignId: c.id, occurrence, step, profileId: e.profileId, arm: null, triggerAt: e.timestamp, dueAt,
      messageId: sendMessageId({ campaignId: c.id, occurrence, step, profileId: e.profileId }, d.messageDomain),
      payload: { event },
    }));
  }
  const won = await d.triggers.advance(c.id, from, String(events[events.length - 1]!.id), rows, d.now());
  return won ? started : 0;
}
