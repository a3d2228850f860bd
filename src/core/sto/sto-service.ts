import { resolveZone } from '../campaigns/local-time.ts';
import { TailorError } from '../errors.ts';
import { evaluateSends, type Evaluation, type EvaluateOptions } from './evaluate.ts';
import { BINS, localBin } from './local-bins.ts';
import { ModelFit, priorOf, profileDistribution, type StoModel } from './model.ts';
import { bestSlot, chooseSlot, WindowBins, type SendTimeChoice, type WindowSpec } from './plan.ts';
import type { GroupBy, StoStore } from './ports.ts';
import { replayHeldOut, type Replay, type ReplayProfile } from './replay.ts';

export interface StoServiceDeps {
  store: StoStore;
  defaultZone: string;
  now: () => number;
  newId: () => string;
  /** A profile id, user id or email → the profile id (for `show`). */
  resolveProfile?: (ref: string) => Promise<string | null>;
}

export interface FitOptions {
  /** Learn from events in (asOf − days, asOf]; default: the last 365 days. */
  asOf?: number;
  days?: number;
  groupBy?: GroupBy;
  onProgress?: (profilesRead: number) => void;
}

const DAY_MS = 86_400_000;
const PAGE = 5000;
/** A fitted model is re-read at most this often by a sending process (a page of 2000 recipients reads it otherwise). */
const MODEL_TTL_MS = 60_000;
/** The share of each profile's latest events the replay holds out. */
const HELD_OUT = 0.2;

/**
 * Send-time optimisation as use cases: fit the model from human engagement in local time, choose
 * each recipient's hour when a campaign schedules a page, record the choices, evaluate them, show
 * one profile. Pure over the StoStore port.
 */
export class StoService {
  private cached: { model: StoModel; readAt: number } | null = null;

  constructor(private readonly d: StoServiceDeps) {}

  private counts(times: readonly number[], zone: string | undefined): number[] {
    const z = resolveZone(zone, this.d.defaultZone);
    const c = new Array<number>(BINS).fill(0);
    for (const t of times) c[localBin(t, z)]!++;
    return c;
  }

  /** Reads every live profile's human opens and clicks a page at a time, fits the model and stores it with each profile's counts. */
  async fit(o: FitOptions = {}): Promise<{ model: StoModel; profilesRead: number }> {
    const asOf = o.asOf ?? this.d.now();
    const since = asOf - (o.days ?? 365) * DAY_MS;
    const groupBy = o.groupBy ?? 'cluster';
    const fit = new ModelFit(groupBy);
    let after: string | null = null;
    let read = 0;
    for (;;) {
      const page = await this.d.store.engagement({ since, until: asOf, groupBy, after, limit: PAGE });
      if (!page.length) break;
      const rows = [];
      for (const p of page) {
        const counts = this.counts(p.times, p.zone);
        fit.add({ group: p.group, counts });
        if (p.times.length) rows.push({ profileId: p.profileId, group: p.group, counts, events: p.times.length });
      }
      await this.d.store.saveProfileHours(rows, asOf);
      read += page.length;
      o.onProgress?.(read);
      after = page[page.length - 1]!.profileId;
      if (page.length < PAGE) break;
    }
    await this.d.store.dropProfileHoursBefore(asOf);
    const model = fit.finish(asOf);
    await this.d.store.saveModel(this.d.newId(), model);
    this.cached = { model, readAt: this.d.now() };
    return { model, profilesRead: read };
  }

  /** The newest fitted model; fits one first if there is none. */
  async model(): Promise<StoModel> {
    const now = this.d.now();
    if (this.cached && now - this.cached.readAt < MODEL_TTL_MS) return this.cached.model;
    const stored = await this.d.store.latestModel();
    if (stored) {
      this.cached = { model: stored, readAt: now };
      return stored;
    }
    return (await this.fit()).model;
  }

  /** Each recipient's hour in the window (see plan.ts), from the stored counts of the last fit. */
  async plan(w: WindowSpec, recipients: readonly { profileId: string; zone: string | undefined }[]): Promise<SendTimeChoice[]> {
    const model = await this.model();
    const hours = await this.d.store.profileHours(recipients.map((r) => r.profileId));
    return planWith(model, w, recipients.map((r) => ({ ...r, ...(hours.get(r.profileId) ?? { counts: null, group: null }) })), this.d.defaultZone);
  }

  /**
   * The IPS evaluation of the logged optimised sends (of one campaign, or all), and optionally the
   * (biased) replay on held-out opens.
   */
  async evaluate(o: EvaluateOptions & { campaignId?: string | null; replay?: boolean } = {}): Promise<{ ips: Evaluation; replay: Replay | null }> {
    const logged = await this.d.store.loggedSends(o.campaignId ?? null);
    const ips = evaluateSends(logged.map((s) => ({
      profileId: s.profileId, slot: s.slot, best: s.best, hours: s.hours, start: s.start, propensity: s.propensity,
      zone: resolveZone(s.zone, this.d.defaultZone),
      // Without optimisation the campaign sends at its start: slot 0.
      ownSlot: 0, clicked: s.clicked,
    })), o);
    return { ips, replay: o.replay === false ? null : await this.replay() };
  }

  /** Refits on each profile's earlier 80 % of human opens and clicks and replays the later 20 % (biased: see replay.ts). */
  async replay(asOf = this.d.now(), days = 365): Promise<Replay> {
    const fit = new ModelFit('none');
    const profiles: ReplayProfile[] = [];
    let after: string | null = null;
    for (;;) {
      const page = await this.d.store.engagement({ since: asOf - days * DAY_MS, until: asOf, groupBy: 'none', after, limit: PAGE });
      for (const p of page) {
        if (p.times.length < 2) continue;
        const z = resolveZone(p.zone, this.d.defaultZone);
        const times = [...p.times].sort((a, b) => a - b);
        const cut = Math.max(1, Math.floor(times.length * (1 - HELD_OUT)));
        const train = this.counts(times.slice(0, cut), z);
        fit.add({ group: 'none', counts: train });
        profiles.push({ group: 'none', train, heldOut: times.slice(cut).map((t) => localBin(t, z)) });
      }
      if (page.length < PAGE) break;
      after = page[page.length - 1]!.profileId;
    }
    return replayHeldOut(fit.finish(asOf), profiles);
  }

  /** One profile's counts, smoothed distribution and best local hours (weekday, weekend). */
  async show(ref: string) {
    const profileId = (await this.d.resolveProfile?.(ref)) ?? ref;
    const model = await this.d.store.latestModel();
    if (!model) throw new TailorError('not_found', 'no send-time model has been fitted yet: run `tailor sto fit`', 'model');
    const h = (await this.d.store.profileHours([profileId])).get(profileId) ?? null;
    const dist = profileDistribution(model, h?.counts, h?.group);
    const best = (offset: number) => {
      let b = 0;
      for (let i = 1; i < 24; i++) if (dist[offset + i]! > dist[offset + b]!) b = i;
      return b;
    };
    return {
      profileId, group: h?.group ?? null, events: h?.events ?? 0, counts: h?.counts ?? new Array<number>(BINS).fill(0),
      prior: priorOf(model, h?.group), distribution: dist, bestHour: { weekday: best(0), weekend: best(24) },
      model: { fittedAt: model.fittedAt, groupBy: model.groupBy, alphaGroup: model.alphaGroup, alphaProfile: model.alphaProfile, profiles: model.profiles },
    };
  }
}

/** Choices for recipients with their counts (null: no history) and group: pure, for the benchmark and tests. */
export function planWith(model: StoModel, w: WindowSpec,
  recipients: readonly { profileId: string; zone: string | undefined; counts: ArrayLike<number> | null; group: string | null }[],
  defaultZone: string): SendTimeChoice[] {
  const bins = new WindowBins(w);
  const priorBest = new Map<string, number>();
  return recipients.map((r) => {
    const slotBins = bins.of(resolveZone(r.zone, defaultZone));
    let best: number;
    if (r.counts) best = bestSlot(profileDistribution(model, r.counts, r.group), slotBins);
    else {
      // No history: everyone of a zone and group shares the prior's best slot.
      const key = `${r.group ?? ''}|${resolveZone(r.zone, defaultZone)}`;
      best = priorBest.get(key) ?? bestSlot(priorOf(model, r.group), slotBins);
      priorBest.set(key, best);
    }
    return chooseSlot(w, r.profileId, best);
  });
}
