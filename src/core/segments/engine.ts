import { TailorError } from '../errors.ts';
import { FEATURES } from '../features/catalog.ts';
import type { Clock } from '../ports.ts';
import { textIssue } from '../schemas/safe-text.ts';
import { parseRule, type Rule } from '../schemas/segment-rule.ts';
import type { CompileContext } from './compile-sql.ts';
import { compileMembershipQuery } from './compile-membership.ts';
import { checkCycles, ruleDeps } from './dependencies.ts';
import { explainMembership, type ExplainResult } from './explain-membership.ts';
import { parseOptions, type SegmentOptions } from './options.ts';
import { planTimers } from './plan-timers.ts';
import { checkTimeValues } from './prepare-values.ts';
import type { MembershipWrite, SegmentRecord, SegmentStore, TimerWrite } from './ports.ts';
import { affected, ENTERED_EVENT, EXITED_EVENT, planSegments, reevaluateProfile, type ChangeSet } from './realtime.ts';
import { findSegment, segmentName } from './segment-name.ts';

export interface SegmentInput { name: string; description?: string | null | undefined; rules: unknown; options?: unknown }

export interface RecomputeResult { size: number; entered: number; exited: number; ms: number }

/** What the engine needs besides the segment store. */
export interface EngineDeps {
  store: SegmentStore;
  clock: Clock;
  dialect: CompileContext['dialect'];
  newId: () => string;
  /** Recomputes windowed features that have expired; returns the profiles refreshed. */
  refreshExpiredFeatures(now: number, limit: number): Promise<string[]>;
  /** Which of these trait keys and event names no stored profile or event has yet. */
  unknownNames(traits: string[], events: string[]): Promise<{ traits: string[]; events: string[] }>;
}

const CHUNK = 200;

/**
 * The segment use cases: saving segments (validated, cycle-free, computed in batch), keeping
 * membership live as profiles change, and firing window timers.
 */
export class SegmentEngine {
  /**
   * Recomputes and real-time updates take turns: a recompute diffs against the members it read,
   * and an update landing in between would otherwise be undone or entered twice.
   */
  private turn: Promise<unknown> = Promise.resolve();

  constructor(private readonly d: EngineDeps) {}

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.turn.then(fn, fn);
    this.turn = run.catch(() => undefined);
    return run;
  }

  async list(): Promise<SegmentRecord[]> {
    return this.d.store.list();
  }

  async get(idOrName: string): Promise<SegmentRecord> {
    const s = findSegment(await this.d.store.list(), idOrName);
    if (!s) throw new TailorError('not_found', `no segment ${JSON.stringify(idOrName)}`, 'segment');
    return s;
  }

  /** Validates a new segment, saves it and computes its members. Returns the segment and warnings. */
  async create(input: SegmentInput): Promise<{ segment: SegmentRecord; warnings: string[]; result: RecomputeResult }> {
    const { name, rules, options } = this.validate(input);
    const all = await this.d.store.list();
    if (all.some((s) => s.name === name)) throw new TailorError('conflict', `a segment named ${JSON.stringify(name)} exists`, 'name');
    checkCycles(all, { name, rules });
    const now = this.d.clock.now();
    const segment: SegmentRecord = {
      id: this.d.newId(), name, description: input.description ?? null, rules, options, version: 1,
      status: 'computing', size: 0, createdAt: now, updatedAt: now, computedAt: null,
    };
    await this.d.store.save(segment);
    const warnings = await this.warnings(rules, all);
    const result = await this.recompute(segment.id);
    return { segment: await this.get(segment.id), warnings, result };
  }

  /** Replaces rules/options/name/description; a rule or option change recomputes in batch. */
  async update(idOrName: string, patch: Partial<SegmentInput>): Promise<{ segment: SegmentRecord; warnings: string[]; result?: RecomputeResult }> {
    const cur = await this.get(idOrName);
    const merged = this.validate({
      name: patch.name ?? cur.name,
      rules: patch.rules ?? cur.rules,
      options: patch.options ?? cur.options,
    });
    const all = await this.d.store.list();
    if (merged.name !== cur.name && all.some((s) => s.name === merged.name)) {
      throw new TailorError('conflict', `a segment named ${JSON.stringify(merged.name)} exists`, 'name');
    }
    if (merged.name !== cur.name && all.some((s) => s.id !== cur.id && ruleDeps(s.rules).segments.has(cur.name))) {
      throw new TailorError('conflict', `other segments nest ${JSON.stringify(cur.name)} by name; rename would break them`, 'name');
    }
    checkCycles(all.filter((s) => s.id !== cur.id), merged);
    const changed = JSON.stringify(merged.rules) !== JSON.stringify(cur.rules) || JSON.stringify(merged.options) !== JSON.stringify(cur.options);
    const next: SegmentRecord = {
      ...cur, ...merged, description: patch.description !== undefined ? patch.description : cur.description,
      version: changed ? cur.version + 1 : cur.version, updatedAt: this.d.clock.now(),
    };
    await this.d.store.save(next);
    const warnings = await this.warnings(merged.rules, all);
    if (!changed) return { segment: next, warnings };
    const result = await this.recompute(next.id);
    return { segment: await this.get(next.id), warnings, result };
  }

  async remove(idOrName: string): Promise<void> {
    const s = await this.get(idOrName);
    const users = (await this.d.store.list()).filter((x) => x.id !== s.id && ruleDeps(x.rules).segments.has(s.name));
    if (users.length) {
      throw new TailorError('conflict', `segment ${JSON.stringify(s.name)} is nested by ${users.map((u) => JSON.stringify(u.name)).join(', ')}`, 'segment');
    }
    await this.d.store.remove(s.id);
  }

  /**
   * Recomputes one segment in batch (SQL), writes the differences as entries and exits (with their
   * events), and replaces the segment's timers.
   */
  recompute(idOrName: string): Promise<RecomputeResult> {
    return this.exclusive(() => this.recomputeNow(idOrName));
  }

  private async recomputeNow(idOrName: string): Promise<RecomputeResult> {
    const started = performance.now();
    const all = await this.d.store.list();
    const s = findSegment(all, idOrName);
    if (!s) throw new TailorError('not_found', `no segment ${JSON.stringify(idOrName)}`, 'segment');
    const now = this.d.clock.now();
    const q = compileMembershipQuery(s.id, s.rules, s.options, this.context(all, now));
    const target = new Set(await this.d.store.matching(q));
    const current = await this.d.store.members(s.id);
    const memberships: MembershipWrite[] = [];
    for (const id of target) if (!current.has(id)) memberships.push({ segmentId: s.id, segmentName: s.name, profileId: id, entered: true, at: now });
    for (const id of current.keys()) if (!target.has(id)) memberships.push({ segmentId: s.id, segmentName: s.name, profileId: id, entered: false, at: now });
    const after = new Map<string, number>();
    for (const id of target) after.set(id, current.get(id) ?? now);
    const timers = await planTimers(s, after, this.d.store, now);
    const entered = memberships.filter((m) => m.entered).length;
    const saved: SegmentRecord = { ...s, status: 'ready', size: target.size, computedAt: now };
    await this.d.store.write({ memberships, timers, replaceTimersOf: [s.id], segments: [saved], at: now });
    return { size: target.size, entered, exited: memberships.length - entered, ms: performance.now() - started };
  }

  /**
   * Recomputes, in dependency order, the segments that read a feature `uses` selects, and those that
   * nest them: for features written in batch (RFM scores, model scores), which no event announces.
   */
  async recomputeUsing(uses: (feature: string) => boolean): Promise<Map<string, RecomputeResult>> {
    const out = new Map<string, RecomputeResult>();
    const touched = new Set<string>();
    for (const p of planSegments(await this.d.store.list())) {
      const d = p.deps;
      if ([...d.features].some(uses) || [...d.segments].some((s) => touched.has(s))) {
        touched.add(p.segment.name);
        out.set(p.segment.name, await this.recompute(p.segment.id));
      }
    }
    return out;
  }

  /** Counts and samples the profiles a rule matches now, without saving anything. */
  async preview(rules: unknown, limit = 20): Promise<{ count: number; sample: string[] }> {
    const rule = parseRule(rules);
    checkTimeValues(rule);
    const all = await this.d.store.list();
    const q = compileMembershipQuery('', rule, {}, this.context(all, this.d.clock.now()));
    return this.d.store.countAndSample(q, limit);
  }

  /**
   * The real-time path: re-evaluates, for each changed profile, the segments its changes can affect,
   * and writes membership changes, their events and timers in one transaction per chunk.
   */
  process(changes: ReadonlyMap<string, ChangeSet>, mergedAway: readonly string[] = []): Promise<{ entered: number; exited: number; nextDue: number | null }> {
    return this.exclusive(() => this.processNow(changes, mergedAway));
  }

  private async processNow(changes: ReadonlyMap<string, ChangeSet>, mergedAway: readonly string[]): Promise<{ entered: number; exited: number; nextDue: number | null }> {
    const all = await this.d.store.list();
    const now = this.d.clock.now();
    let entered = 0;
    let exited = 0;
    let nextDue: number | null = null;
    if (mergedAway.length) await this.d.store.write({ memberships: [], timers: [], mergedAway: [...mergedAway], at: now });
    if (!changes.size) return { entered, exited, nextDue };
    if (!all.length) {
      // Timers of segments deleted since they were read would otherwise stay due for ever.
      const stale = dueTimers([...changes], new Set());
      if (stale.length) await this.d.store.write({ memberships: [], timers: stale, at: now });
      return { entered, exited, nextDue };
    }
    const ordered = planSegments(all);
    const names = new Map(all.map((s) => [s.id, s.name]));
    const eventNames = new Set<string>([ENTERED_EVENT, EXITED_EVENT]);
    for (const p of ordered) for (const e of p.deps.events) eventNames.add(e);
    const known = new Set(all.map((s) => s.id));
    // Only profiles whose changes some rule reads (or that have a timer to fire or drop) are
    // loaded: an event no segment mentions (the sender's `Email Delivered`, say) costs nothing.
    const ids = [...changes.keys()].filter((id) => {
      const c = changes.get(id)!;
      for (const k of c) if (k.startsWith('due:')) return true;
      return ordered.some((p) => affected(p, c));
    });
    for (let i = 0; i < ids.length; i += CHUNK) {
      const chunk = ids.slice(i, i + CHUNK);
      const loaded = await this.d.store.loadProfiles(chunk, [...eventNames], names);
      const memberships: MembershipWrite[] = [];
      const timers: TimerWrite[] = [];
      for (const id of chunk) {
        const p = loaded.get(id);
        const c = changes.get(id)!;
        // A profile merged away, or a segment deleted, since the timer was read: drop the timer.
        timers.push(...dueTimers([[id, c]], p ? known : new Set()));
        if (!p) continue;
        const r = reevaluateProfile(p, new Set(c), ordered, now);
        memberships.push(...r.memberships);
        timers.push(...r.timers);
      }
      entered += memberships.filter((m) => m.entered).length;
      exited += memberships.filter((m) => !m.entered).length;
      for (const t of timers) if (t.dueAt !== null && (nextDue === null || t.dueAt < nextDue)) nextDue = t.dueAt;
      await this.d.store.write({ memberships, timers, at: now });
    }
    return { entered, exited, nextDue };
  }

  /**
   * One scheduler step: refreshes expired feature windows and fires due timers, re-evaluating
   * exactly those profiles. Returns how many profiles it re-evaluated.
   */
  async tick(limit = 1000): Promise<number> {
    const now = this.d.clock.now();
    const changes = new Map<string, ChangeSet>();
    for (const id of await this.d.refreshExpiredFeatures(now, limit)) changes.set(id, new Set(['features']));
    for (const t of await this.d.store.dueTimers(now, limit)) {
      let c = changes.get(t.profileId);
      if (!c) changes.set(t.profileId, (c = new Set()));
      c.add(`due:${t.segmentId}`);
    }
    if (changes.size) await this.process(changes);
    return changes.size;
  }

  /**
   * Re-evaluates every segment for the profiles written after `since`: after a crash, the changes
   * that were still in the in-process real-time queue (the data itself is committed).
   */
  async catchUp(since: number): Promise<number> {
    const { live, merged } = await this.d.store.changedSince(since);
    if (merged.length) await this.process(new Map(), merged);
    for (let i = 0; i < live.length; i += 5000) await this.process(new Map(live.slice(i, i + 5000).map((id) => [id, new Set(['*'])])));
    return live.length + merged.length;
  }

  nextDue(): Promise<number | null> {
    return this.d.store.nextDue();
  }

  /** Every node of the segment's rule for one profile: passed or not, and the values it saw. */
  async explain(idOrName: string, profileId: string): Promise<ExplainResult> {
    const all = await this.d.store.list();
    const s = await this.get(idOrName);
    const names = new Map(all.map((x) => [x.id, x.name]));
    const p = (await this.d.store.loadProfiles([profileId], [...ruleDeps(s.rules).events], names)).get(profileId);
    if (!p) throw new TailorError('not_found', `no profile ${JSON.stringify(profileId)}`, 'profile');
    return explainMembership(s, p, this.d.clock.now());
  }

  private validate(input: Partial<SegmentInput>): { name: string; rules: Rule; options: SegmentOptions } {
    const name = typeof input.name === 'string' ? segmentName(input.name) : '';
    if (!name || name.length > 200) throw new TailorError('validation_failed', 'name: a segment needs a name of 1–200 characters', 'name');
    // Rules nest segments by name, and PostgreSQL would store a NUL-free name (safe-text.ts).
    const nameIssue = textIssue(name);
    if (nameIssue) throw new TailorError('validation_failed', `name: ${nameIssue}`, 'name');
    const rules = parseRule(input.rules);
    checkTimeValues(rules);
    return { name, rules, options: parseOptions(input.options) };
  }

  private async warnings(rules: Rule, all: SegmentRecord[]): Promise<string[]> {
    const deps = ruleDeps(rules);
    const internal = new Set([ENTERED_EVENT, EXITED_EVENT]);
    const unknown = await this.d.unknownNames([...deps.traits], [...deps.events].filter((e) => !internal.has(e)));
    const known = new Set(all.map((s) => s.name));
    return [
      ...unknown.traits.map((t) => `no profile has the trait ${JSON.stringify(t)} yet`),
      ...unknown.events.map((e) => `no event named ${JSON.stringify(e)} has been received yet`),
      ...[...deps.features].filter((f) => !FEATURE_NAMES.has(f)).map((f) => `unknown feature ${JSON.stringify(f)}: it has no value for anyone`),
      ...[...deps.segments].filter((s) => !known.has(s)).map((s) => `no segment named ${JSON.stringify(s)}: it has no members`),
    ];
  }

  private context(all: SegmentRecord[], now: number): CompileContext {
    return { dialect: this.d.dialect, now, segmentIds: new Map(all.map((s) => [s.name, s.id])) };
  }
}


const FEATURE_NAMES = new Set(Object.keys(FEATURES));

/** Clears for the timers among `changes` whose segment is not in `keep`. */
function dueTimers(changes: [string, ChangeSet][], keep: ReadonlySet<string>): TimerWrite[] {
  const out: TimerWrite[] = [];
  for (const [profileId, c] of changes) {
    for (const k of c) if (k.startsWith('due:') && !keep.has(k.slice(4))) out.push({ segmentId: k.slice(4), profileId, dueAt: null });
  }
  return out;
}
