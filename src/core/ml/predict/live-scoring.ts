import { TailorError } from '../../errors.ts';
import type { RegistryPort } from '../registry.ts';
import { compileScorer, writesOf, type Scorer } from './scorer.ts';
import type { PredictModel } from './service.ts';

/** What live scoring reads of a profile (src/store/models/live-feature-queries.ts). */
export interface LiveFeaturesPort {
  /** A live profile's features as of `now` (by catalog name, as templates see them) and its traits; null when there is none. */
  profile(profileId: string, now: number): Promise<{ features: Record<string, unknown>; traits: Record<string, unknown> } | null>;
  /**
   * When each profile's features last changed: the feature row's last write, or the instant one of
   * its time windows expired if that is later and already past. Absent: the profile has no row.
   */
  changedAt(profileIds: readonly string[], now: number): Promise<Map<string, number>>;
}

export interface LiveScoringDeps {
  registry: Pick<RegistryPort, 'get' | 'list'>;
  features: LiveFeaturesPort;
  /** Resolves a profile reference (id, following merges, userId, or email) to the live profile id. */
  resolveProfile(ref: string): Promise<string | null>;
  now: () => number;
  /** Compiled model versions kept in the process (default 32); versions are immutable, so they never go stale. */
  cacheSize?: number;
}

export interface LivePrediction {
  model: string;
  version: number;
  id: string;
  target: string;
  algo: string;
  /** The class-1 probability (yes/no targets) or the predicted value; null when the profile is outside the target (churn: no order yet). */
  score: number | null;
  eligible: boolean;
  profileId?: string;
  /** The input row as the model read it (missing values are imputed by the model's transform). */
  features: Record<string, unknown>;
  /** Keys of a posted vector that the model does not read. */
  ignored?: string[];
}

/** The profile fields whose stored values came from a model, with the fresh value for a profile that changed since. */
export type FreshScores = Map<string, Record<string, number | null>>;

interface Writer { feature: string; modelId: string; scoredAt: number }

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Scoring one profile or one feature vector now (`POST /v1/models/:ref/predict`), and fresh scores
 * for templates at send time. Both run the stored model in-process on one row: no worker thread,
 * no feature matrix of the population. Compiled models are cached by version id.
 */
export class LiveScoring {
  private readonly scorers = new Map<string, Scorer>();
  /** `name@version` refs and ids resolve to the same version forever; bare names are looked up each time (the active version moves). */
  private readonly fixed = new Map<string, string>();
  private readonly cacheSize: number;

  constructor(private readonly d: LiveScoringDeps) {
    this.cacheSize = d.cacheSize ?? 32;
  }

  /** The model version a ref names: an id, `name@version`, or a name (its active version), as the registry resolves them. */
  async scorer(ref: string): Promise<Scorer> {
    const known = this.fixed.get(ref);
    if (known) {
      const s = this.scorers.get(known);
      if (s) return s;
    }
    let id: string | undefined;
    if (this.scorers.has(ref)) id = ref;
    else {
      // A name or name@version: the summary list (no artefact) gives the version's id, whose compiled model is likely cached.
      const at = /^(.+)@(\d+)$/.exec(ref);
      const versions = await this.d.registry.list({ name: at ? at[1]! : ref });
      const hit = at ? versions.find((m) => m.version === Number(at[2])) : versions.find((m) => m.status === 'active');
      if (hit && hit.kind !== 'predict') throw new TailorError('not_found', `no predictive model '${ref}'`, 'model');
      id = hit?.id;
    }
    let s = id ? this.scorers.get(id) : undefined;
    if (!s) {
      const m = await this.d.registry.get(id ?? ref);
      if (!m || m.kind !== 'predict') throw new TailorError('not_found', `no predictive model '${ref}'`, 'model');
      s = compileScorer(m as PredictModel);
      if (this.scorers.size >= this.cacheSize) this.scorers.delete(this.scorers.keys().next().value!);
      this.scorers.set(s.id, s);
    }
    if (ref !== s.name) this.fixed.set(ref, s.id);
    return s;
  }

  /** Scores `{profileId}` (the profile's features as of now) or `{features: {name: value, …}}` with the model `ref`. */
  async predict(ref: string, body: unknown): Promise<LivePrediction> {
    if (!isObject(body)) throw new TailorError('validation_failed', 'send a JSON object with profileId or features', '');
    const { profileId, features, ...rest } = body;
    const extra = Object.keys(rest)[0];
    if (extra !== undefined) throw new TailorError('validation_failed', `unknown field '${extra}': send profileId or features`, extra);
    if ((profileId === undefined) === (features === undefined)) {
      throw new TailorError('validation_failed', 'send exactly one of profileId and features', profileId === undefined ? 'profileId' : 'features');
    }
    const s = await this.scorer(ref);
    const head = { model: s.name, version: s.version, id: s.id, target: s.target, algo: s.algo };
    if (profileId !== undefined) {
      if (typeof profileId !== 'string' || profileId.trim() === '') throw new TailorError('validation_failed', 'profileId must be a non-empty string', 'profileId');
      const id = await this.d.resolveProfile(profileId).catch((e: unknown) => {
        throw e instanceof TailorError ? new TailorError(e.code, e.message, 'profileId') : e;
      });
      const p = id ? await this.d.features.profile(id, this.d.now()) : null;
      if (!id || !p) throw new TailorError('not_found', `no profile '${profileId}'`, 'profileId');
      const row = s.rowOf(p.features, p.traits);
      const eligible = s.eligible(row);
      return { ...head, score: eligible ? s.score(row) : null, eligible, profileId: id, features: inputs(s, row) };
    }
    if (!isObject(features)) throw new TailorError('validation_failed', 'features must be an object of name: value', 'features');
    const row = vectorRow(s, features);
    const ignored = Object.keys(features).filter((k) => !s.columns.some((c) => c.name === k));
    // A posted vector is scored as given: eligibility is a rule about which stored profiles to score.
    return { ...head, score: s.score(row), eligible: true, features: row, ...(ignored.length ? { ignored } : {}) };
  }

  /**
   * For each profile whose features changed after the last scoring run that wrote one of its scores,
   * that score computed now from its current features (null where the model's target does not
   * apply to the profile, as the scoring run would clear it). Profiles that did not change are
   * absent: their stored scores are current. One registry read and one feature-time read per call.
   */
  async fresh(profiles: readonly { id: string; features: Readonly<Record<string, unknown>>; traits: Readonly<Record<string, unknown>> }[]): Promise<FreshScores> {
    const out: FreshScores = new Map();
    if (!profiles.length) return out;
    const writers = await this.writers();
    if (!writers.length) return out;
    const now = this.d.now();
    const changed = await this.d.features.changedAt(profiles.map((p) => p.id), now);
    for (const w of writers) {
      const stale = profiles.filter((p) => {
        const at = changed.get(p.id);
        return at !== undefined && at > w.scoredAt;
      });
      if (!stale.length) continue;
      const s = await this.scorer(w.modelId);
      const rows = stale.map((p) => s.rowOf(p.features, p.traits));
      const keep = rows.map((r) => s.eligible(r));
      // One matrix for the batch's changed recipients: the trees are set up once, not per row.
      const scores = s.scoreMany(rows.filter((_, i) => keep[i]));
      let k = 0;
      stale.forEach((p, i) => {
        const fresh = out.get(p.id) ?? {};
        fresh[w.feature] = keep[i] ? scores[k++]! : null;
        out.set(p.id, fresh);
      });
    }
    return out;
  }

  /** Per score feature, the model version whose scoring run wrote it last, and when. */
  private async writers(): Promise<Writer[]> {
    const last = new Map<string, Writer>();
    for (const m of await this.d.registry.list({ kind: 'predict' })) {
      const feature = writesOf((m as PredictModel).spec);
      if (!feature || !m.lastScore) continue;
      const prev = last.get(feature);
      if (!prev || m.lastScore.at > prev.scoredAt) last.set(feature, { feature, modelId: m.id, scoredAt: m.lastScore.at });
    }
    return [...last.values()];
  }
}

/** The model's inputs from a profile row, for the answer. */
const inputs = (s: Scorer, row: Record<string, unknown>): Record<string, unknown> => Object.fromEntries(s.columns.map((c) => [c.name, row[c.name] ?? null]));

/**
 * A posted vector checked against the model's columns: every column present (null: unknown, imputed
 * as in training), numbers for numeric ones, a string, number or boolean for categories.
 */
function vectorRow(s: Scorer, features: Record<string, unknown>): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const c of s.columns) {
    const field = `features.${c.name}`;
    if (!Object.hasOwn(features, c.name)) {
      throw new TailorError('missing_field', `missing feature '${c.name}': the model reads ${s.columns.map((x) => x.name).join(', ')} (null for an unknown value)`, field);
    }
    const v = features[c.name];
    if (v !== null) {
      if (c.kind === 'number' && (typeof v !== 'number' || !Number.isFinite(v))) throw new TailorError('validation_failed', `${c.name} must be a number or null`, field);
      if (c.kind === 'category' && !['string', 'number', 'boolean'].includes(typeof v)) throw new TailorError('validation_failed', `${c.name} must be a string or null`, field);
    }
    row[c.name] = v;
  }
  return row;
}
