import { Cron } from 'croner';
import { TailorError } from '../errors.ts';
import type { ExperimentService } from '../experiments/service.ts';
import { parseCampaignSpec, type CampaignSpec } from '../schemas/campaign.ts';
import type { TemplateService } from '../content/template-service.ts';
import { AUDIENCE_PAGE, resolveAudiencePage, type AudiencePort, type ResolveDeps } from './audience.ts';
import type { CampaignRecord, CampaignStatus, CampaignStore, RecipientLookup, SendQueue, SendRow, SendState } from './ports.ts';
import { scanTrigger, type TriggerPort } from './triggers.ts';

export interface CampaignServiceDeps {
  store: CampaignStore;
  queue: Pick<SendQueue, 'enqueue' | 'cancelPending'>;
  audience: AudiencePort;
  triggers: TriggerPort;
  lookup: Pick<RecipientLookup, 'facts'>;
  templates: Pick<TemplateService, 'get'>;
  experiments: Pick<ExperimentService, 'get' | 'start' | 'assignments'>;
  messageDomain: string;
  defaultZone: string;
  now: () => number;
  newId: () => string;
  /** New work for the sender (a launch, a resume): wakes the send loop. */
  wake: () => void;
  /** Send-time optimisation, for broadcasts with `sendTime` (audience.ts). */
  sendTime?: ResolveDeps['sendTime'];
}

/** Rows due now that a sending broadcast keeps queued ahead of the sender before it queues another page. */
const BACKLOG = 2 * AUDIENCE_PAGE;

/** Campaigns that can still change state, and those that are over. */
const LIVE: readonly CampaignStatus[] = ['scheduled', 'sending', 'paused'];

/** The templates a campaign renders (its own, its steps', its experiment arms'), for pinning at launch. */
async function templateNames(c: { spec: CampaignSpec }, experiments: CampaignServiceDeps['experiments']): Promise<string[]> {
  const names = new Set<string>();
  if (c.spec.template) names.add(c.spec.template);
  for (const s of c.spec.steps ?? []) names.add(s.template);
  if (c.spec.experiment) {
    const e = await experiments.get(c.spec.experiment);
    for (const v of e.spec.variants ?? []) if (typeof v.content.template === 'string') names.add(v.content.template);
    for (const f of e.spec.factors ?? []) for (const l of f.levels) if (typeof l.content.template === 'string') names.add(l.content.template);
  }
  return [...names];
}

/** The next run of a cron schedule after `after`, in the schedule's zone (croner handles DST). */
export function nextCronRun(spec: CampaignSpec, after: number): number | null {
  const s = spec.schedule!;
  const next = new Cron(s.cron!, { timezone: s.timezone ?? 'UTC', paused: true }).nextRun(new Date(after));
  return next ? next.getTime() : null;
}

/**
 * Campaigns from draft to sent: create and edit drafts; launch (now, at a time, or on a cron);
 * pause, resume and cancel at any time; and `tick()`, which the send loop calls to start due
 * occurrences, queue audiences a page at a time, scan triggers and mark finished campaigns sent.
 * The sending itself is the Sender's (sender.ts), which works through the queued rows.
 */
export class CampaignService {
  constructor(private readonly d: CampaignServiceDeps) {}

  list(): Promise<CampaignRecord[]> {
    return this.d.store.list();
  }

  async get(idOrName: string): Promise<CampaignRecord> {
    const c = await this.d.store.find(idOrName.trim());
    if (!c) throw new TailorError('not_found', `no campaign '${idOrName}'`, 'campaign');
    return c;
  }

  async create(input: unknown): Promise<CampaignRecord> {
    const spec = parseCampaignSpec(input);
    await this.check(spec);
    const now = this.d.now();
    const r: CampaignRecord = {
      id: this.d.newId(), name: spec.name, kind: spec.kind, status: 'draft', spec, audienceCursor: null, audienceDone: false,
      occurrence: null, nextRunAt: null, pinned: {}, launchedAt: null, finishedAt: null, createdAt: now, updatedAt: now,
    };
    await this.d.store.insert(r);
    return r;
  }

  /** Replaces a draft's definition (fields not given keep their values). */
  async update(idOrName: string, patch: Record<string, unknown>): Promise<CampaignRecord> {
    const cur = await this.get(idOrName);
    if (cur.status !== 'draft') throw new TailorError('conflict', `campaign '${cur.name}' is ${cur.status}: only a draft can be edited`, 'status');
    const spec = parseCampaignSpec({ ...cur.spec, ...patch });
    await this.check(spec);
    const next = { ...cur, name: spec.name, kind: spec.kind, spec, updatedAt: this.d.now() };
    await this.d.store.update(next);
    return next;
  }

  async remove(idOrName: string): Promise<void> {
    const cur = await this.get(idOrName);
    if (cur.status === 'sending' || cur.status === 'scheduled' || cur.status === 'paused') {
      throw new TailorError('conflict', `campaign '${cur.name}' is ${cur.status}: cancel it first`, 'status');
    }
    await this.d.store.remove(cur.id);
  }

  /**
   * Starts a draft: pins the current version of every template it uses, so every recipient gets
   * what was previewed; then sends now, or waits for `schedule.at` or the cron's next run.
   */
  async launch(idOrName: string): Promise<CampaignRecord> {
    const cur = await this.get(idOrName);
    if (cur.status !== 'draft') throw new TailorError('conflict', `campaign '${cur.name}' is ${cur.status}: only a draft can be launched`, 'status');
    await this.check(cur.spec);
    const now = this.d.now();
    const pinned: Record<string, number> = {};
    for (const name of await templateNames(cur, this.d.experiments)) pinned[name] = (await this.d.templates.get(name)).version.version;
    let next: CampaignRecord = { ...cur, pinned, launchedAt: now, updatedAt: now };
    const s = cur.spec.schedule;
    if (s?.cron) {
      const at = nextCronRun(cur.spec, now);
      if (at === null) throw new TailorError('validation_failed', `schedule.cron '${s.cron}' never runs`, 'schedule.cron');
      next = { ...next, status: 'scheduled', nextRunAt: at };
    } else if (s?.at && Date.parse(s.at) > now && !s.localTime) {
      next = { ...next, status: 'scheduled', nextRunAt: Date.parse(s.at) };
    } else {
      next = await this.startOccurrence(next, new Date(now).toISOString());
    }
    await this.d.store.update(next);
    this.d.wake();
    return next;
  }

  /** Sets a draft's `schedule.at` and launches it, so that it waits (`scheduled`) until then. */
  async scheduleAt(idOrName: string, at: string): Promise<CampaignRecord> {
    const ms = Date.parse(at);
    if (!/^\d{4}-\d\d-\d\dT/.test(at) || Number.isNaN(ms)) throw new TailorError('validation_failed', 'at must be an ISO 8601 time with an offset, e.g. 2026-05-01T09:00:00Z', 'at');
    // A time already past would send at once: a typo should not mail everyone now.
    if (ms <= this.d.now()) throw new TailorError('validation_failed', `at (${at}) is not in the future`, 'at');
    const cur = await this.get(idOrName);
    if (cur.status !== 'draft') throw new TailorError('conflict', `campaign '${cur.name}' is ${cur.status}: only a draft can be scheduled`, 'status');
    await this.update(cur.id, { schedule: { ...cur.spec.schedule, at } });
    return this.launch(cur.id);
  }

  async pause(idOrName: string): Promise<CampaignRecord> {
    const cur = await this.get(idOrName);
    if (cur.status !== 'sending' && cur.status !== 'scheduled') {
      throw new TailorError('conflict', `campaign '${cur.name}' is ${cur.status}: only a sending or scheduled campaign can be paused`, 'status');
    }
    // Claims only take rows of sending campaigns, so pausing stops new sends at once; a message
    // already handed to the transport finishes, and nothing is sent twice on resume.
    const next = { ...cur, status: 'paused' as const, updatedAt: this.d.now() };
    await this.d.store.update(next);
    return next;
  }

  async resume(idOrName: string): Promise<CampaignRecord> {
    const cur = await this.get(idOrName);
    if (cur.status !== 'paused') throw new TailorError('conflict', `campaign '${cur.name}' is ${cur.status}: only a paused campaign can be resumed`, 'status');
    const status: CampaignStatus = cur.occurrence === null ? 'scheduled' : 'sending';
    const next = { ...cur, status, updatedAt: this.d.now() };
    await this.d.store.update(next);
    this.d.wake();
    return next;
  }

  /** Stops a campaign for good: rows not yet sent become `cancelled`. */
  async cancel(idOrName: string): Promise<{ campaign: CampaignRecord; cancelled: number }> {
    const cur = await this.get(idOrName);
    if (!LIVE.includes(cur.status) && cur.status !== 'draft') {
      throw new TailorError('conflict', `campaign '${cur.name}' is ${cur.status} already`, 'status');
    }
    const now = this.d.now();
    const next = { ...cur, status: 'cancelled' as const, nextRunAt: null, finishedAt: now, updatedAt: now };
    await this.d.store.update(next);
    return { campaign: next, cancelled: await this.d.queue.cancelPending(cur.id, now) };
  }

  counts(c: CampaignRecord): Promise<Record<SendState, number>> {
    return this.d.store.counts(c.id);
  }

  reasons(c: CampaignRecord) {
    return this.d.store.reasons(c.id);
  }

  sends(c: CampaignRecord, page: { limit: number; after?: number | undefined; state?: SendState | undefined }): Promise<SendRow[]> {
    return this.d.store.sends(c.id, page);
  }

  sendsOf(c: CampaignRecord, profileId: string): Promise<SendRow[]> {
    return this.d.store.sendsOf(c.id, profileId);
  }

  sentSpan(c: CampaignRecord): Promise<{ first: number | null; last: number | null }> {
    return this.d.store.sentSpan(c.id);
  }

  /** The first member of a campaign's audience now (a test send renders for a real person), or null. */
  async firstMember(c: CampaignRecord): Promise<string | null> {
    const a = c.spec.audience;
    if (a?.profiles?.length) return a.profiles[0]!;
    if (!a?.segments.length) return null;
    return (await this.d.audience.page(a.segments, a.exclude, null, 1, this.d.now()))[0] ?? null;
  }

  /**
   * One round of campaign bookkeeping: start due occurrences, queue a page of each sending
   * broadcast's audience, scan each live trigger, and mark broadcasts whose every row is settled
   * as sent (a recurring one goes back to scheduled for its next run). Returns whether it did
   * anything, so the loop knows whether to come back at once.
   */
  async tick(): Promise<boolean> {
    const now = this.d.now();
    let busy = false;
    for (const c of await this.d.store.due(now)) {
      if (c.status !== 'scheduled') continue;
      // An occurrence is named by its start: the cron's instant, or now.
      const occurrence = new Date(c.spec.schedule?.cron ? c.nextRunAt! : now).toISOString();
      await this.d.store.update(await this.startOccurrence({ ...c, updatedAt: now }, occurrence));
      busy = true;
    }
    for (const c of await this.d.store.resolving()) {
      if (c.kind === 'triggered') continue;
      // Pages are queued as sending needs them (a few seconds' worth ahead), not all at the start:
      // a million-row audience would otherwise hold sending back while it is written. Who belongs
      // was fixed when sending started (audience.ts), so a later page adds no late joiner.
      if ((await this.d.store.dueBacklog(c.id, now, BACKLOG)) >= BACKLOG) continue;
      const r = await resolveAudiencePage(this.d, c);
      if (r.queued || r.done) busy = true;
    }
    // Not every campaign there is: this runs every round, and finished ones pile up.
    for (const c of await this.d.store.sending()) {
      if (c.kind === 'triggered') {
        if (await scanTrigger({ triggers: this.d.triggers, messageDomain: this.d.messageDomain, now: this.d.now }, c)) busy = true;
        continue;
      }
      if (c.audienceDone && (await this.settled(c))) {
        const cron = c.spec.schedule?.cron;
        const nextRunAt = cron ? nextCronRun(c.spec, now) : null;
        await this.d.store.update(nextRunAt !== null
          ? { ...c, status: 'scheduled', nextRunAt, updatedAt: now }
          : { ...c, status: 'sent', nextRunAt: null, finishedAt: now, updatedAt: now });
        busy = true;
      }
    }
    return busy;
  }

  /** Whether every row of the campaign has reached a final state. */
  private async settled(c: CampaignRecord): Promise<boolean> {
    return !(await this.d.store.hasUnsettled(c.id));
  }

  /** A new occurrence: a broadcast's audience is resolved from now on; a triggered campaign reacts to events from now on. */
  private async startOccurrence(c: CampaignRecord, occurrence: string): Promise<CampaignRecord> {
    const base = { ...c, status: 'sending' as const, occurrence, nextRunAt: null };
    if (c.kind === 'triggered') return { ...base, audienceCursor: String(await this.d.triggers.lastEventId()), audienceDone: true };
    if (c.spec.experiment) {
      const e = await this.d.experiments.get(c.spec.experiment);
      if (e.status === 'draft') await this.d.experiments.start(e.name, c.spec.audience ? await this.allMembers(c) : undefined);
    }
    return { ...base, audienceCursor: null, audienceDone: false };
  }

  /** An experiment starts on its whole audience at once (it splits it into groups), so the ids are read here. */
  private async allMembers(c: CampaignRecord): Promise<string[] | undefined> {
    const a = c.spec.audience!;
    if (a.profiles?.length) return a.profiles;
    if (!a.segments.length) return undefined;
    const out: string[] = [];
    for (let after: string | null = null; ;) {
      const page = await this.d.audience.page(a.segments, a.exclude, after, 10_000, this.d.now());
      out.push(...page);
      if (page.length < 10_000) return out;
      after = page[page.length - 1]!;
    }
  }

  /** What a campaign names must exist: templates, segments, the experiment. */
  private async check(spec: CampaignSpec): Promise<void> {
    const missing = await this.d.audience.missingSegments([...(spec.audience?.segments ?? []), ...(spec.audience?.exclude ?? [])]);
    if (missing.length) throw new TailorError('validation_failed', `no segment named ${missing.map((m) => `'${m}'`).join(', ')}`, 'audience.segments');
    if (spec.experiment) {
      const e = await this.d.experiments.get(spec.experiment);
      const arms = [...(e.spec.variants ?? []), ...(e.spec.factors ?? []).flatMap((f) => f.levels)];
      if (!spec.template && arms.some((a) => typeof a.content.template !== 'string')) {
        throw new TailorError('validation_failed', `give a template: the arms of experiment '${e.name}' do not each name one`, 'template');
      }
    }
    for (const name of await templateNames({ spec }, this.d.experiments)) {
      try {
        await this.d.templates.get(name);
      } catch (e) {
        throw new TailorError('validation_failed', `template: ${(e as Error).message}`, 'template');
      }
    }
  }
}
