import { TailorError } from '../errors.ts';
import { rngFor } from '../prng.ts';
import { AnalyzeInputSchema, parseCounts, parseExperimentSpec, type ArmCounts } from '../schemas/experiment.ts';
import { validationError } from '../schemas/segment-rule.ts';
import { DEFAULT_RESAMPLES } from './bootstrap.ts';
import { decideWinner, type Decision } from './decide.ts';
import { armOf, armsOf, groupOf, HOLDOUT, type Group } from './design.ts';
import type { Moments } from './means.ts';
import type { ArmObservation } from './observations.ts';
import type { Assignment, ExperimentRecord, ExperimentStore, Observed } from './ports.ts';
import { experimentResults, type ExperimentResults } from './results.ts';

const HOUR_MS = 3_600_000;

export interface ExperimentDeps {
  store: ExperimentStore;
  now: () => number;
  newId: () => string;
  /** Current members of a segment (by id or name); throws not_found for an unknown segment. */
  audience: (segment: string) => Promise<string[]>;
  /** The email address of each of these profiles (for the send list as the API shows it). */
  emails?: (profileIds: string[]) => Promise<Map<string, string | null>>;
  /** A test started: its decision is due at `decideAt` (the scheduler wakes then, not at its next look). */
  onStarted?: (decideAt: number) => void;
}

export interface ResultsView { experiment: ExperimentRecord; source: 'events' | 'counts'; results: ExperimentResults }

/**
 * Experiments as use cases: create a design, start it on an audience (assignments are the send
 * list the campaign sender reads), record or observe what happened, look at results as often as
 * wanted, and decide, which hands the winner to the rest of the audience.
 */
export class ExperimentService {
  constructor(private readonly d: ExperimentDeps) {}

  list(): Promise<ExperimentRecord[]> {
    return this.d.store.list();
  }

  async get(idOrName: string): Promise<ExperimentRecord> {
    const r = await this.d.store.find(idOrName);
    if (!r) throw new TailorError('not_found', `no experiment '${idOrName}'`, 'experiment');
    return r;
  }

  async create(input: unknown): Promise<ExperimentRecord> {
    const spec = parseExperimentSpec(input);
    if (spec.segment) await this.d.audience(spec.segment); // an unknown segment fails now, not at start
    const now = this.d.now();
    const id = this.d.newId();
    const r: ExperimentRecord = {
      id, name: spec.name, spec, salt: id, status: 'draft', startedAt: null, decideAt: null, decidedAt: null,
      decision: null, sequential: { looks: 0, p: {} }, createdAt: now, updatedAt: now,
    };
    await this.d.store.insert(r);
    return r;
  }

  /** Replaces the definition; only before the test starts, since assignments depend on it. */
  async update(idOrName: string, input: unknown): Promise<ExperimentRecord> {
    const cur = await this.get(idOrName);
    if (cur.status !== 'draft') throw new TailorError('conflict', `experiment '${cur.name}' has started; its design can no longer change`, 'experiment');
    const spec = parseExperimentSpec(input);
    if (spec.segment) await this.d.audience(spec.segment);
    const next = { ...cur, name: spec.name, spec, updatedAt: this.d.now() };
    await this.d.store.update(next);
    return next;
  }

  /**
   * Only a draft can go: once started, its assignments are the record of who was sent what, and the
   * events and the decision refer to them.
   */
  async remove(idOrName: string): Promise<void> {
    const cur = await this.get(idOrName);
    if (cur.status !== 'draft') {
      throw new TailorError('conflict', `experiment '${cur.name}' is ${cur.status}, not a draft: only a draft can be deleted`, 'experiment');
    }
    await this.d.store.remove(cur.id);
  }

  /**
   * Splits the audience (the segment's members now, or the ids given) into holdout, test and rest,
   * gives each test profile its arm, and marks the test group and the holdout as sent now.
   */
  async start(idOrName: string, profileIds?: readonly string[]): Promise<{ experiment: ExperimentRecord; groups: Record<Group, number> }> {
    const cur = await this.get(idOrName);
    if (cur.status !== 'draft') throw new TailorError('conflict', `experiment '${cur.name}' has already started`, 'experiment');
    const ids = profileIds ?? (cur.spec.segment ? await this.d.audience(cur.spec.segment) : null);
    if (!ids) throw new TailorError('invalid_argument', `experiment '${cur.name}' has no segment: give the profile ids to start it on`, 'profileIds');
    if (ids.length === 0) throw new TailorError('invalid_argument', `the audience of experiment '${cur.name}' is empty`, 'profileIds');
    const now = this.d.now();
    const arms = armsOf(cur.spec);
    const assignments: Assignment[] = [...new Set(ids)].map((profileId) => {
      const group = groupOf(cur.spec, cur.salt, profileId);
      return {
        profileId, group,
        arm: group === 'test' ? armOf(arms, cur.salt, profileId).key : null,
        sentAt: group === 'rest' ? null : now,
      };
    });
    const next = started(cur, now);
    await this.d.store.start(next, assignments);
    this.d.onStarted?.(next.decideAt!);
    const groups: Record<Group, number> = { holdout: 0, test: 0, rest: 0 };
    for (const a of assignments) groups[a.group]++;
    return { experiment: next, groups };
  }

  /** Who gets what, by profile id: the send list. */
  async assignments(idOrName: string, page: { group?: Group | undefined; limit: number; cursor?: string | undefined }) {
    return this.d.store.assignments((await this.get(idOrName)).id, page);
  }

  /**
   * The send list as the API and CLI show it: each assignment with the recipient's email and its
   * send time as an ISO date (`assignments` keeps the stored form, which campaigns read).
   */
  async sendList(idOrName: string, page: { group?: Group | undefined; limit: number; cursor?: string | undefined }) {
    const r = await this.assignments(idOrName, page);
    const emails = this.d.emails ? await this.d.emails(r.assignments.map((a) => a.profileId)) : new Map<string, string | null>();
    return {
      assignments: r.assignments.map((a) => ({
        profileId: a.profileId, email: emails.get(a.profileId) ?? null, group: a.group, arm: a.arm,
        sentAt: a.sentAt === null ? null : new Date(a.sentAt).toISOString(),
      })),
      nextCursor: r.nextCursor,
    };
  }

  /** Counts observed elsewhere: results then use them instead of tracked events. */
  async record(idOrName: string, input: unknown): Promise<ExperimentRecord> {
    const cur = await this.get(idOrName);
    const counts = parseCounts(input);
    const known = new Set([...armsOf(cur.spec).map((a) => a.key), HOLDOUT]);
    counts.forEach((c, i) => {
      if (!known.has(c.key)) throw new TailorError('validation_failed', `arms[${i}].key: '${c.key}' is not an arm of '${cur.name}' (${[...known].join(', ')})`, `arms[${i}].key`);
    });
    const now = this.d.now();
    await this.d.store.setCounts(cur.id, counts, now);
    if (cur.status !== 'draft') return cur;
    // Counts for an experiment run elsewhere start its clock now.
    const next = started(cur, now);
    await this.d.store.update(next);
    this.d.onStarted?.(next.decideAt!);
    return next;
  }

  /** Results now; each call is a look, recorded in the always-valid p-values. */
  async results(idOrName: string, opts: { bootstrap?: boolean; resamples?: number } = {}): Promise<ResultsView> {
    return this.look(await this.get(idOrName), opts);
  }

  private async look(cur: ExperimentRecord, opts: { bootstrap?: boolean; resamples?: number } = {}): Promise<ResultsView> {
    const counts = await this.d.store.counts(cur.id);
    if (!counts.length && cur.status === 'draft') {
      throw new TailorError('conflict', `experiment '${cur.name}' has not started: start it, or record counts`, 'experiment');
    }
    const source = counts.length ? 'counts' : 'events';
    const observed = counts.length ? fromCounts(counts) : await this.d.store.observe(cur);
    const boot = opts.bootstrap ? { rng: rngFor(0, 'bootstrap', cur.salt, cur.sequential.looks), resamples: opts.resamples ?? DEFAULT_RESAMPLES } : undefined;
    const { results, state } = experimentResults(cur.spec, observed, cur.sequential, boot);
    const now = this.d.now();
    const sequential = await this.d.store.saveLook(cur.id, state, now);
    return { experiment: { ...cur, sequential, updatedAt: now }, source, results };
  }

  /**
   * Decides now if the rule allows (decide.ts), then sends the winner to the rest. Without a
   * decision the reason comes back as a conflict.
   */
  async decide(idOrName: string, force = false): Promise<{ experiment: ExperimentRecord; decision: Decision; rolledOut: number; results: ExperimentResults }> {
    const cur = await this.get(idOrName);
    if (cur.status === 'decided') throw new TailorError('conflict', `experiment '${cur.name}' was decided at ${new Date(cur.decidedAt!).toISOString()}: ${cur.decision!.winner}`, 'experiment');
    const out = await this.tryDecide(cur, force);
    if ('pending' in out) throw new TailorError('conflict', out.pending, 'experiment');
    return out;
  }

  /** Decides every running experiment whose time has come, or whose winner is already clear under the sequential rule. */
  async tick(): Promise<{ name: string; decision: Decision }[]> {
    const out: { name: string; decision: Decision }[] = [];
    for (const r of await this.d.store.list()) {
      if (r.status !== 'testing') continue;
      if (r.spec.rule === 'fixed' && this.d.now() < r.decideAt!) continue;
      try {
        const d = await this.tryDecide(r, false);
        if ('decision' in d) out.push({ name: r.name, decision: d.decision });
      } catch (e) {
        // Decided by another process since the list was read: nothing left to do here.
        if (!(e instanceof TailorError && e.code === 'conflict')) throw e;
      }
    }
    return out;
  }

  /** The earliest planned decision of a running experiment, or null. */
  async nextDue(): Promise<number | null> {
    const due = (await this.d.store.list()).filter((r) => r.status === 'testing').map((r) => r.decideAt!);
    return due.length ? Math.min(...due) : null;
  }

  private async tryDecide(cur: ExperimentRecord, force: boolean) {
    const { experiment, results } = await this.look(cur);
    const now = this.d.now();
    const out = decideWinner(cur.spec, results, { now, decideAt: experiment.decideAt ?? now }, force);
    if ('pending' in out) return out;
    const next: ExperimentRecord = { ...experiment, status: 'decided', decidedAt: now, decision: out.decided, updatedAt: now };
    const rolledOut = await this.d.store.rollout(next, out.decided.winner, now);
    return { experiment: next, decision: out.decided, rolledOut, results };
  }
}

/** The record of a test that starts now: its decision is due after waitHours. */
const started = (r: ExperimentRecord, now: number): ExperimentRecord =>
  ({ ...r, status: 'testing', startedAt: now, decideAt: now + r.spec.waitHours * HOUR_MS, updatedAt: now });

/**
 * Results from counts alone, with no stored experiment: the arms' keys (the first is the control)
 * become an A/B/n design, and the options tune the analysis. It is a single look.
 */
export function analyzeCounts(input: unknown): ExperimentResults {
  const r = AnalyzeInputSchema.safeParse(input);
  if (!r.success) throw validationError('analysis', r.error);
  const { arms, ...options } = r.data;
  const counts = parseCounts(arms);
  const keys = counts.map((c) => c.key).filter((k) => k !== HOLDOUT);
  const spec = parseExperimentSpec({ name: 'analysis', vary: 'subject', variants: keys.map((key) => ({ key })), ...options }, 'analysis');
  return experimentResults(spec, fromCounts(counts), { looks: 0, p: {} }).results;
}

/** Observations from recorded counts; revenue has a spread only where Σx² or the sd was given. */
export function fromCounts(counts: readonly ArmCounts[]): Observed {
  const obs = counts.map((c): ArmObservation => ({
    key: c.key, recipients: c.recipients, opens: c.opens, clicks: c.clicks, conversions: c.conversions, revenue: moments(c),
  }));
  return { arms: obs.filter((o) => o.key !== HOLDOUT), holdout: obs.find((o) => o.key === HOLDOUT) };
}

function moments(c: ArmCounts): Moments | null {
  const n = c.recipients;
  if (c.revenueSumSquares !== undefined) return { n, sum: c.revenue, sumSquares: c.revenueSumSquares };
  if (c.revenueSd !== undefined) return { n, sum: c.revenue, sumSquares: c.revenueSd ** 2 * (n - 1) + (c.revenue * c.revenue) / n };
  return c.revenue === 0 ? { n, sum: 0, sumSquares: 0 } : null;
}

