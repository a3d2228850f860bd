import { armsOf } from '../experiments/design.ts';
import type { ExperimentService } from '../experiments/service.ts';
import { sendTimeWindowHours } from '../schemas/campaign.ts';
import type { SendTimePlanner } from '../sto/ports.ts';
import { nextLocalTime } from './local-time.ts';
import { sendMessageId } from './message-id.ts';
import type { CampaignRecord, NewSend, RecipientLookup, SendQueue } from './ports.ts';

/** The members of a broadcast's audience, streamed by profile id (src/store/campaigns/audience-queries.ts). */
export interface AudiencePort {
  /**
   * Current members of any of `include` who entered at or before `enteredBy` (members of `exclude`
   * may be among them: the sender suppresses those), with a profile id after `after`, in id order.
   */
  page(include: readonly string[], exclude: readonly string[], after: string | null, limit: number, enteredBy: number): Promise<string[]>;
  /** Which of these segment names do not exist. */
  missingSegments(names: readonly string[]): Promise<string[]>;
  /** profile id → id of the first of `include` (in its order) the profile was a member of at `enteredBy`. */
  segmentsOf?(include: readonly string[], profileIds: readonly string[], enteredBy: number): Promise<Map<string, string>>;
}

export interface ResolveDeps {
  audience: AudiencePort;
  queue: Pick<SendQueue, 'enqueue'>;
  lookup: Pick<RecipientLookup, 'facts'>;
  experiments: Pick<ExperimentService, 'assignments' | 'get'>;
  messageDomain: string;
  defaultZone: string;
  now: () => number;
  /** Send-time optimisation (core/sto), for campaigns with `sendTime`; without it they send at their start. */
  sendTime?: SendTimePlanner | undefined;
}

/** Profiles per page: big enough that a million-profile audience is a few hundred transactions, small enough to start sending at once. */
export const AUDIENCE_PAGE = 2000;
/** The cursor of an experiment campaign once its test and holdout groups are queued and it waits for the winner. */
const REST_PREFIX = 'rest:';

/**
 * Queues the next page of a sending broadcast's audience, with the page's cursor saved in the same
 * transaction, so that a restart resumes after the last page queued and queues nothing twice (the
 * rows' unique key would refuse it anyway). The audience is who was a member when the occurrence
 * started (membership entered by then and not ended since): a person who joins later is not added,
 * whenever their page is read, and anyone who has left by the time their row is sent is skipped
 * then (decideSend).
 * Returns how many rows it queued and whether the audience is now complete.
 */
export async function resolveAudiencePage(d: ResolveDeps, c: CampaignRecord, limit = AUDIENCE_PAGE): Promise<{ queued: number; done: boolean }> {
  if (c.spec.experiment) return resolveExperimentPage(d, c, limit);
  const occurrence = c.occurrence ?? '';
  const audience = c.spec.audience!;
  let ids: string[];
  let segmentOf: Map<string, string> | undefined;
  if (audience.profiles?.length) {
    const sorted = [...new Set(audience.profiles)].sort();
    ids = sorted.filter((id) => c.audienceCursor === null || id > c.audienceCursor).slice(0, limit);
  } else {
    // Members as of the occurrence's start (its name): one who joins later does not join this send.
    const startedAt = Date.parse(occurrence);
    ids = await d.audience.page(audience.segments, audience.exclude, c.audienceCursor, limit, Number.isNaN(startedAt) ? d.now() : startedAt);
    segmentOf = await d.audience.segmentsOf?.(audience.segments, ids, Number.isNaN(startedAt) ? d.now() : startedAt);
  }
  const rows = (await rowsFor(d, c, occurrence, ids.map((profileId) => ({ profileId, arm: null }))))
    .map((r) => (segmentOf?.has(r.profileId) ? { ...r, segmentId: segmentOf.get(r.profileId)! } : r));
  const done = ids.length < limit;
  await d.queue.enqueue(rows, { campaignId: c.id, cursor: ids.length ? ids[ids.length - 1]! : c.audienceCursor, done, at: d.now() });
  return { queued: rows.length, done };
}

/**
 * An experiment campaign's send list is the experiment's assignments: the test group with its arms
 * now, the holdout as rows suppressed with reason `holdout` (so explain can say so), and the rest
 * only once the experiment is decided and the rest carries the winner.
 */
async function resolveExperimentPage(d: ResolveDeps, c: CampaignRecord, limit: number): Promise<{ queued: number; done: boolean }> {
  const occurrence = c.occurrence ?? '';
  const resting = c.audienceCursor?.startsWith(REST_PREFIX) ?? false;
  const sendTime = await armSendTimes(d, c);
  if (!resting) {
    const cursor = c.audienceCursor ?? undefined;
    const page = await d.experiments.assignments(c.spec.experiment!, { limit, cursor });
    const wanted = page.assignments.filter((a) => a.group !== 'rest');
    const rows = await rowsFor(d, c, occurrence, wanted.map((a) => ({
      profileId: a.profileId, arm: a.arm, holdout: a.group === 'holdout', localTime: a.arm === null ? undefined : sendTime.get(a.arm),
    })));
    const next = page.nextCursor ?? REST_PREFIX;
    await d.queue.enqueue(rows, { campaignId: c.id, cursor: next, done: false, at: d.now() });
    return { queued: Math.max(rows.length, 1), done: false };
  }
  const exp = await d.experiments.get(c.spec.experiment!);
  // Nothing to send to the rest before the decision; with no rest (the whole audience tested), done.
  if (exp.status !== 'decided') {
    const rest = await d.experiments.assignments(c.spec.experiment!, { group: 'rest', limit: 1 });
    if (rest.assignments.length) return { queued: 0, done: false };
    await d.queue.enqueue([], { campaignId: c.id, cursor: REST_PREFIX, done: true, at: d.now() });
    return { queued: 0, done: true };
  }
  const cursor = c.audienceCursor!.slice(REST_PREFIX.length) || undefined;
  const page = await d.experiments.assignments(c.spec.experiment!, { group: 'rest', limit, cursor });
  const rows = await rowsFor(d, c, occurrence, page.assignments.filter((a) => a.arm !== null)
    .map((a) => ({ profileId: a.profileId, arm: a.arm, localTime: sendTime.get(a.arm!) })));
  const done = page.nextCursor === null;
  await d.queue.enqueue(rows, { campaignId: c.id, cursor: `${REST_PREFIX}${page.nextCursor ?? ''}`, done, at: d.now() });
  return { queued: rows.length, done };
}

/** Arms that vary the send time: arm → its local "HH:MM" (experiment content `send_time`). */
async function armSendTimes(d: ResolveDeps, c: CampaignRecord): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const a of armsOf((await d.experiments.get(c.spec.experiment!)).spec)) {
    const t = a.content.send_time;
    if (typeof t === 'string' && /^([01]\d|2[0-3]):[0-5]\d$/.test(t)) out.set(a.key, t);
  }
  return out;
}

/**
 * The rows of one page: due now, at `schedule.at`, or at a local time in each recipient's zone
 * (the campaign's `schedule.localTime`, or the arm's send time in a send-time experiment).
 */
async function rowsFor(d: ResolveDeps, c: CampaignRecord, occurrence: string,
  who: { profileId: string; arm: string | null; holdout?: boolean; localTime?: string | undefined }[]): Promise<NewSend[]> {
  const now = d.now();
  const start = Math.max(now, c.spec.schedule?.at ? Date.parse(c.spec.schedule.at) : now);
  const local = (w: (typeof who)[number]) => (w.holdout ? undefined : w.localTime ?? c.spec.schedule?.localTime);
  const optimise = c.spec.sendTime && d.sendTime ? c.spec.sendTime : undefined;
  const zones = optimise || who.some((w) => local(w)) ? await d.lookup.facts(who.map((w) => w.profileId), []) : null;
  // Send-time optimisation: recipients without a fixed local time, in the window from this page's start.
  const chosen = optimise ? new Map((await d.sendTime!.plan(
    { start, hours: sendTimeWindowHours(optimise.window), explore: optimise.explore, seed: `${c.id}|${occurrence}` },
    who.filter((w) => !w.holdout && !local(w)).map((w) => ({ profileId: w.profileId, zone: zones?.get(w.profileId)?.zone })),
  )).map((x) => [x.profileId, x])) : null;
  return who.map((w) => {
    const at = local(w);
    const sendTime = chosen?.get(w.profileId);
    return {
      campaignId: c.id, occurrence, step: 0, profileId: w.profileId, arm: w.arm, triggerAt: null,
      messageId: sendMessageId({ campaignId: c.id, occurrence, step: 0, profileId: w.profileId }, d.messageDomain),
      dueAt: at ? nextLocalTime(start, zones?.get(w.profileId)?.zone, d.defaultZone, at) : sendTime?.dueAt ?? start,
      ...(w.holdout ? { state: 'suppressed' as const, reason: 'holdout' } : {}),
      ...(sendTime ? { sendTime: { start: sendTime.start, hours: sendTime.hours, slot: sendTime.slot, best: sendTime.best, propensity: sendTime.propensity } } : {}),
    };
  });
}
