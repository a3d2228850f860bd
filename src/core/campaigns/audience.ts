import type { ExperimentService } from '../experiments/service.ts';
import { nextLocalTime } from './local-time.ts';
import { sendMessageId } from './message-id.ts';
import type { CampaignRecord, NewSend, RecipientLookup, SendQueue } from './ports.ts';

/** The members of a broadcast's audience, streamed by profile id (src/store/campaigns/audience-queries.ts). */
export interface AudiencePort {
  /** Current members of any of `include` (members of `exclude` may be among them: the sender suppresses those), with a profile id after `after`, in id order. */
  page(include: readonly string[], exclude: readonly string[], after: string | null, limit: number): Promise<string[]>;
  /** Which of these segment names do not exist. */
  missingSegments(names: readonly string[]): Promise<string[]>;
}

export interface ResolveDeps {
  audience: AudiencePort;
  queue: Pick<SendQueue, 'enqueue'>;
  lookup: Pick<RecipientLookup, 'facts'>;
  experiments: Pick<ExperimentService, 'assignments' | 'get'>;
  messageDomain: string;
  defaultZone: string;
  now: () => number;
}

/** Profiles per page: big enough that a million-profile audience is a few hundred transactions, small enough to start sending at once. */
export const AUDIENCE_PAGE = 2000;
/** The cursor of an experiment campaign once its test and holdout groups are queued and it waits for the winner. */
const REST_PREFIX = 'rest:';

/**
 * Queues the next page of a sending broadcast's audience, with the page's cursor saved in the same
 * transaction, so that a restart resumes after the last page queued and queues nothing twice (the
 * rows' unique key would refuse it anyway). The audience is who is a member now, page by page: a
 * person who joins a segment after sending started and whose id sorts before the cursor is not
 * added, and anyone who has left by the time their row is sent is skipped then (decideSend).
 * Returns how many rows it queued and whether the audience is now complete.
 */
export async function resolveAudiencePage(d: ResolveDeps, c: CampaignRecord, limit = AUDIENCE_PAGE): Promise<{ queued: number; done: boolean }> {
  if (c.spec.experiment) return resolveExperimentPage(d, c, limit);
  const occurrence = c.occurrence ?? '';
  const audience = c.spec.audience!;
  let ids: string[];
  if (audience.profiles?.length) {
    const sorted = [...new Set(audience.profiles)].sort();
    ids = sorted.filter((id) => c.audienceCursor === null || id > c.audienceCursor).slice(0, limit);
  } else {
    ids = await d.audience.page(audience.segments, audience.exclude, c.audienceCursor, limit);
  }
  const rows = await rowsFor(d, c, occurrence, ids.map((profileId) => ({ profileId, arm: null })));
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
  if (!resting) {
    const cursor = c.audienceCursor ?? undefined;
    const page = await d.experiments.assignments(c.spec.experiment!, { limit, cursor });
    const wanted = page.assignments.filter((a) => a.group !== 'rest');
    const rows = await rowsFor(d, c, occurrence, wanted.map((a) => ({ profileId: a.profileId, arm: a.arm, holdout: a.group === 'holdout' })));
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
  const rows = await rowsFor(d, c, occurrence, page.assignments.filter((a) => a.arm !== null).map((a) => ({ profileId: a.profileId, arm: a.arm })));
  const done = page.nextCursor === null;
  await d.queue.enqueue(rows, { campaignId: c.id, cursor: `${REST_PREFIX}${page.nextCursor ?? ''}`, done, at: d.now() });
  return { queued: rows.length, done };
}

async function rowsFor(d: ResolveDeps, c: CampaignRecord, occurrence: string, who: { profileId: string; arm: string | null; holdout?: boolean }[]): Promise<NewSend[]> {
  const now = d.now();
  const start = Math.max(now, c.spec.schedule?.at ? Date.parse(c.spec.schedule.at) : now);
  const localTime = c.spec.schedule?.localTime;
  const zones = localTime && who.length ? await d.lookup.facts(who.map((w) => w.profileId), []) : null;
  return who.map((w) => ({
    campaignId: c.id, occurrence, step: 0, profileId: w.profileId, arm: w.arm, triggerAt: null,
    messageId: sendMessageId({ campaignId: c.id, occurrence, step: 0, profileId: w.profileId }, d.messageDomain),
    dueAt: localTime ? nextLocalTime(start, zones?.get(w.profileId)?.zone, d.defaultZone, localTime) : start,
    ...(w.holdout ? { state: 'suppressed' as const, reason: 'holdout' } : {}),
  }));
}
