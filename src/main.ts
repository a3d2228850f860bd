import { randomUUID } from 'node:crypto';
import type { Config } from './config.ts';
import type { RecsService } from './core/content/recommendations/recs-service.ts';
import { followShoppers } from './core/content/recommendations/follow-shoppers.ts';
import type { TemplateService } from './core/content/template-service.ts';
import type { ExperimentService } from './core/experiments/service.ts';
import type { FeatureService } from './core/features/feature-service.ts';
import type { RfmService } from './core/features/rfm-service.ts';
import type { ImportRunsPort, ProductsPort } from './core/imports/ports.ts';
import { ingestMessages, type IngestResult } from './core/ingest/ingest-messages.ts';
import type { ClusterService } from './core/ml/cluster-service.ts';
import type { ClvService } from './core/ml/clv/clv-service.ts';
import type { LiveScoring } from './core/ml/predict/live-scoring.ts';
import type { PredictService } from './core/ml/predict/service.ts';
import type { RegistryPort } from './core/ml/registry.ts';
import { plainCodec } from './core/pii-codec.ts';
import type { Clock } from './core/ports.ts';
import type { Mailer } from './core/campaigns/ports.ts';
import type { ProfileQueriesPort } from './core/profiles/ports.ts';
import type { Message } from './core/schemas/segment-message.ts';
import { CatchUpMark } from './core/segments/catch-up-mark.ts';
import type { SegmentEngine } from './core/segments/engine.ts';
import type { SegmentQueriesPort } from './core/segments/queries.ts';
import type { StatusQueriesPort } from './core/status/ports.ts';
import type { DueScheduler } from './jobs/due-scheduler.ts';
import { RealtimeQueue } from './jobs/realtime-queue.ts';
import { createImportRunStore } from './store/imports/import-run-store.ts';
import { createProductStore } from './store/imports/product-store.ts';
import { createIngestStore } from './store/ingest/ingest-store.ts';
import { migrate } from './store/migrate.ts';
import { openStore } from './open-store.ts';
import { ProfileQueries } from './store/profiles/profile-queries.ts';
import type { Database, Dialect } from './store/sql/database.ts';
import { createStatusQueries } from './store/system/status-queries.ts';
import type { Base } from './wiring/base.ts';
import { wireCampaigns } from './wiring/campaigns.ts';
import { wireContent } from './wiring/content.ts';
import { wireExperiments } from './wiring/experiments.ts';
import { wireFeatures } from './wiring/features.ts';
import { wireModels } from './wiring/models.ts';
import { wireSegments } from './wiring/segments.ts';
import { wireSto } from './wiring/sto.ts';
import { wireTracking } from './wiring/tracking.ts';
import { wireReports } from './wiring/reports.ts';
import { wireSettings, type Keys } from './wiring/settings.ts';
import { wireSite } from './wiring/site.ts';

export type { Keys } from './wiring/settings.ts';
export { migrateStore, openStore } from './open-store.ts';

/**
 * The composition root: the one place where config, store, clock and ids are wired together
 * (each feature by its function in src/wiring). The CLI and the server both start from here, and
 * see services, never the database.
 */
export interface Tailor {
  config: Config;
  clock: Clock;
  /** The database's dialect, for messages and the status page. */
  dialect: Dialect;
  ingest(messages: Message[]): Promise<IngestResult>;
  profiles: ProfileQueriesPort;
  segments: SegmentEngine;
  segmentQueries: SegmentQueriesPort;
  /** Changed profiles on their way to their subscribers (segments, recommendations); `drain()` waits for them. */
  realtime: RealtimeQueue;
  /** Fires window timers; started by `tailor serve` (and by anything else that wants live windows). */
  scheduler: DueScheduler;
  experiments: ExperimentService;
  templates: TemplateService;
  /** Decides experiments when due (and looks at sequential ones every few minutes); started by `tailor serve`. */
  experimentScheduler: DueScheduler;
  /** Predictive models and clustering; the numeric work runs on a worker thread. */
  models: { predict: PredictService; cluster: ClusterService; registry: RegistryPort; live: LiveScoring };
  /** Retrains models whose retraining interval has passed; started by `tailor serve`. */
  modelScheduler: DueScheduler;
  features: FeatureService;
  rfm: RfmService;
  recs: RecsService;
  clv: ClvService;
  status: StatusQueriesPort;
  imports: ImportRunsPort;
  products: ProductsPort;
  campaigns: ReturnType<typeof wireCampaigns>;
  /** Campaign reports, and the follower that keeps their rollups current (its scheduler is started by `tailor serve`). */
  reports: ReturnType<typeof wireReports>;
  /** The open pixel and click redirect: hits become events on the recipient's profile. */
  tracking: ReturnType<typeof wireTracking>;
  /** Site tracking: a browser that came from an email is tied to its recipient. */
  site: ReturnType<typeof wireSite>;
  /** Send-time optimisation: fit, evaluate, show (campaigns with `sendTime` schedule through it). */
  sto: ReturnType<typeof wireSto>;
  /** The API keys: from config, else from the store; generated and stored on first run. */
  keys(): Promise<Keys>;
  /** Re-evaluates the profiles changed since the real-time queue was last known empty (after a crash); returns how many. */
  catchUp(): Promise<number>;
  newMessageId(): string;
  close(): Promise<void>;
}

export interface TailorOptions {
  clock?: Clock;
  onError?: (e: unknown) => void;
  /** An opened database to use instead of opening `config.db` (tests keep a handle on it); closed by `close()`. */
  database?: Database;
  /** A mail transport to use instead of the config's outbox or SMTP (tests). */
  mailer?: Mailer;
  /** Ids for new records (profiles, campaigns, …); random UUIDs unless given (the demo's simulation seeds them, to be reproducible). */
  newId?: () => string;
}

export async function createTailor(config: Config, opts: TailorOptions = {}): Promise<Tailor> {
  let db = opts.database;
  if (db) await migrate(db);
  else db = (await openStore(config)).db;
  const clock = opts.clock ?? { now: () => Date.now() };
  const b: Base = {
    config, db, clock, now: () => clock.now(), newId: opts.newId ?? (() => randomUUID()),
    onError: opts.onError ?? ((e: unknown) => console.error('[tailor] background update failed:', e)),
  };
  const { settings, secret, keys } = wireSettings(b);
  const profiles = new ProfileQueries(db, plainCodec, clock);
  const segments = wireSegments(b, plainCodec);
  const experiments = wireExperiments(b, segments.memberIds,
    async (ids) => new Map((await segments.queries.describe(ids)).map((p) => [p.profileId, p.email])));
  // Models before content: templates read fresh model scores at render time.
  const models = wireModels(b, segments.engine, profiles);
  const content = wireContent(b, { profiles, segments: segments.queries, secret, scores: models.live });
  const features = wireFeatures(b, { profiles, dependents: segments.engine });

  const mark = new CatchUpMark({ settings, now: b.now, onError: b.onError });
  const realtime = new RealtimeQueue([
    async (changes, mergedAway) => segments.scheduler.notify((await segments.engine.process(changes, mergedAway)).nextDue),
    followShoppers(content.recs),
  ], b.onError, clock, (t) => void mark.record(t, false));
  const ingestDeps = { store: createIngestStore(db, plainCodec), clock, newProfileId: b.newId, normalize: { defaultRegion: config.defaultRegion } };
  const sto = wireSto(b, { profiles });
  const campaigns = wireCampaigns(b, {
    ingest: (m) => ingest(m), secret, profiles, templates: content.templates, contextFor: content.contextFor, contextsFor: content.contextsFor, experiments: experiments.experiments,
    mailer: opts.mailer, sendTime: sto,
    touched: (events) => realtime.push(events.map((e) => ({ profileId: e.profileId, traits: [], events: [e.name], consents: [], merged: false, created: false }))),
  });
  const reports = wireReports(b, { experiments: experiments.experiments });
  const tracking = wireTracking(b, {
    secret, campaigns: campaigns.records, ingest: (m) => ingest(m),
    touched: (profileId, names) => realtime.push([{ profileId, traits: [], events: names, consents: [], merged: false, created: false }]),
    experimentId: async (name) => (await experiments.experiments.get(name).catch(() => null))?.id ?? null,
  });
  const ingest = async (messages: Message[]): Promise<IngestResult> => {
    const r = await ingestMessages(messages, ingestDeps);
    realtime.push(r.touched, r.mergedAway);
    return r;
  };

  return {
    config,
    clock,
    dialect: db.dialect,
    ingest,
    profiles,
    segments: segments.engine,
    segmentQueries: segments.queries,
    realtime,
    scheduler: segments.scheduler,
    experiments: experiments.experiments,
    experimentScheduler: experiments.scheduler,
    templates: content.templates,
    models: models.models,
    modelScheduler: models.scheduler,
    ...features,
    recs: content.recs,
    clv: models.clv,
    status: createStatusQueries(db),
    imports: createImportRunStore(db),
    products: createProductStore(db),
    campaigns,
    reports,
    tracking,
    site: wireSite(b, { secret, profiles, ingest: (m) => ingest(m) }),
    sto,
    keys,
    newMessageId: () => `tailor-${randomUUID()}`,
    catchUp: () => mark.catchUp(segments.engine),
    close: async () => {
      await campaigns.close();
      await reports.close();
      await segments.scheduler.stop();
      await experiments.scheduler.stop();
      await models.scheduler.stop();
      await models.close();
      await realtime.drain();
      await mark.record(clock.now(), true, true);
      await db.close();
    },
  };
}

/** Keys from config, or else from the store; generated and stored on first run when neither has them. */
export function ensureKeys(t: Tailor): Promise<Keys> {
  return t.keys();
}

export const VERSION = '0.1.0';
