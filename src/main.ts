import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import { TailorError } from './core/errors.ts';
import { ingestMessages, type IngestResult } from './core/ingest/ingest-messages.ts';
import { plainCodec } from './core/pii-codec.ts';
import type { Clock } from './core/ports.ts';
import type { Message } from './core/schemas/segment-message.ts';
import { openDatabase, type Database } from './store/sql/database.ts';
import { createIngestStore } from './store/ingest/ingest-store.ts';
import { migrate } from './store/migrate.ts';
import { ProfileQueries } from './store/profiles/profile-queries.ts';
import { getSetting, setSetting, setSettingOnce } from './store/system/settings-store.ts';
import { SegmentEngine } from './core/segments/engine.ts';
import { refreshExpiredWindows } from './store/features/feature-store.ts';
import { SegmentQueries } from './store/segments/segment-queries.ts';
import { createSegmentStore, unknownNames } from './store/segments/segment-store.ts';
import { RealtimeQueue } from './jobs/realtime-queue.ts';
import { DueScheduler } from './jobs/due-scheduler.ts';
import { ExperimentService } from './core/experiments/service.ts';
import { createExperimentStore } from './store/experiments/experiment-store.ts';
import { recipientLinks } from './core/content/links.ts';
import { renderContext } from './core/content/render-context.ts';
import { TemplateService } from './core/content/template-service.ts';
import { createRecsStore, loadRecommendations } from './store/content/recs-store.ts';
import { refreshRecommendations } from './core/content/recommendations/build.ts';
import { INTERACTION_EVENTS } from './core/content/recommendations/interactions.ts';
import { createTemplateStore } from './store/content/template-store.ts';
import { pingDatabase, qualityReport, storeCounts } from './store/system/status-queries.ts';
import { buildApp } from './server/app.ts';
import { ClusterService } from './core/ml/cluster-service.ts';
import { PredictService, type ModelDataPort } from './core/ml/predict/service.ts';
import type { RegistryPort } from './core/ml/registry.ts';
import { MlWorkerPool } from './jobs/ml-worker-pool.ts';
import { retrainTarget } from './jobs/retrain-target.ts';
import { createModelData } from './store/models/model-data-store.ts';
import { createModelRegistry } from './store/models/model-registry-store.ts';
import type { AuthKeys } from './server/auth.ts';

/**
 * The composition root: the one place where config, store, clock and ids are wired together.
 * The CLI and the server both start from here.
 */
export interface Tailor {
  config: Config;
  db: Database;
  clock: Clock;
  ingest(messages: Message[]): Promise<IngestResult>;
  profiles: ProfileQueries;
  segments: SegmentEngine;
  segmentQueries: SegmentQueries;
  /** Changed profiles on their way to real-time segment re-evaluation; `drain()` waits for them. */
  realtime: RealtimeQueue;
  /** Fires window timers; started by `tailor serve` (and by anything else that wants live windows). */
  scheduler: DueScheduler;
  experiments: ExperimentService;
  templates: TemplateService;
  /** Decides experiments when due (and looks at sequential ones every few minutes); started by `tailor serve`. */
  experimentScheduler: DueScheduler;
  /** Predictive models and clustering; the numeric work runs on a worker thread. */
  models: { predict: PredictService; cluster: ClusterService; registry: RegistryPort };
  /** Retrains models whose retraining interval has passed; started by `tailor serve`. */
  modelScheduler: DueScheduler;
  /** Re-evaluates the profiles changed since the real-time queue was last known empty (after a crash); returns how many. */
  catchUp(): Promise<number>;
  newMessageId(): string;
  close(): Promise<void>;
}

export async function createTailor(config: Config, opts: { clock?: Clock; onError?: (e: unknown) => void } = {}): Promise<Tailor> {
  const db = await openDatabase(config.db);
  try {
    await migrate(db);
  } catch (e) {
    await db.close();
    throw e;
  }
  const clock = opts.clock ?? { now: () => Date.now() };
  const store = createIngestStore(db, plainCodec);
  const deps = { store, clock, newProfileId: () => randomUUID(), normalize: { defaultRegion: config.defaultRegion } };
  const onError = opts.onError ?? ((e: unknown) => console.error('[tailor] segment update failed:', e));
  const segmentStore = createSegmentStore(db);
  const segments = new SegmentEngine({
    store: segmentStore,
    clock,
    dialect: db.dialect,
    newId: () => randomUUID(),
    refreshExpiredFeatures: (now, limit) => refreshExpiredWindows(db, now, limit),
    unknownNames: (traits, events) => unknownNames(db, traits, events),
  });
  const scheduler = new DueScheduler({ tick: () => segments.tick(), nextDue: () => segments.nextDue(), now: () => clock.now() }, onError);
  // Where a restart after a crash catches up from: the last time the queue was empty, less a margin
  // for an ingest transaction that was planned before then and committed after (stored at most every 5 s).
  // A clean close marks the point clean, so that the next start need not look for changed profiles.
  const experiments = new ExperimentService({
    store: createExperimentStore(db),
    now: () => clock.now(),
    newId: () => randomUUID(),
    audience: async (segment) => [...(await segmentStore.members((await segments.get(segment)).id)).keys()],
  });
  const experimentScheduler = new DueScheduler({
    tick: async () => (await experiments.tick()).length,
    nextDue: () => experiments.nextDue(),
    now: () => clock.now(),
  }, onError, EXPERIMENT_LOOK_MS);
  // TAILOR_SECRET signs recipient links; without it, one is generated once and kept in the store.
  let linkSecret: Promise<string> | undefined;
  const secret = () => (linkSecret ??= config.secret
    ? Promise.resolve(config.secret)
    : getSetting(db, LINK_SECRET).then((v) => v ?? setSettingOnce(db, LINK_SECRET, randomBytes(32).toString('base64url'))));
  const profiles = new ProfileQueries(db, plainCodec, clock);
  const segmentQueries = new SegmentQueries(db, plainCodec);
  const templates = new TemplateService({
    store: createTemplateStore(db),
    now: () => clock.now(),
    newId: () => randomUUID(),
    contextFor: async (ref, extras) => {
      const id = await profiles.resolve({ id: ref });
      const doc = id ? await profiles.get(id, 0) : null;
      if (!doc) throw new TailorError('not_found', `no profile '${ref}'`, 'profile');
      const segments = (await segmentQueries.profileHistory(doc.id)).filter((m) => m.exitedAt === null && m.segmentName).map((m) => m.segmentName!);
      const { hourHistogram: _h, categoryCounts: _c, ...features } = doc.features;
      return renderContext({ id: doc.id, traits: doc.traits, features, segments }, {
        event: extras.event, campaign: extras.campaign,
        // Liquid names are snake_case, as in Shopify's and Braze's templates.
        recommendations: (await loadRecommendations(db, doc.id)).map(({ imageUrl, ...p }) => ({ ...p, image_url: imageUrl })),
        links: recipientLinks(config.publicUrl, await secret(), doc.id, { campaign: extras.campaign?.id as string | undefined, template: extras.templateId }),
      });
    },
  });
  const modelData = createModelData(db, () => clock.now());
  const data: ModelDataPort = {
    ...modelData,
    // Segments over a model's feature follow its new scores (no event announces them).
    saveScores: async (feature, ids, values) => {
      const written = await modelData.saveScores(feature, ids, values);
      await segments.recomputeUsing((f) => f === feature);
      return written;
    },
  };
  const registry = createModelRegistry(db);
  const compute = new MlWorkerPool();
  const now = () => clock.now();
  const models = { predict: new PredictService(data, registry, compute, now), cluster: new ClusterService(data, registry, compute, now), registry };
  const modelScheduler = new DueScheduler(retrainTarget(models.predict, now, onError), onError, MODEL_CHECK_MS);
  let savedAt = 0;
  const caughtUp = (t: number, clean: boolean, force = false) => {
    if (!force && clock.now() - savedAt < 5000) return Promise.resolve();
    savedAt = clock.now();
    return setSetting(db, REALTIME_MARK, JSON.stringify({ t: t - CATCH_UP_MARGIN_MS, clean })).catch(onError);
  };
  const recs = createRecsStore(db);
  const realtime = new RealtimeQueue(async (changes, mergedAway) => {
    const r = await segments.process(changes, mergedAway);
    scheduler.notify(r.nextDue);
    // Recommendations follow new views, carts and orders (a no-op until `tailor recs build` has run).
    const shoppers = [...changes].filter(([, c]) => c.has('*') || Object.keys(INTERACTION_EVENTS).some((e) => c.has(`event:${e}`))).map(([id]) => id);
    if (shoppers.length || mergedAway.length) await refreshRecommendations(recs, [...shoppers, ...mergedAway], clock.now());
  }, onError, clock, (t) => void caughtUp(t, false));
  return {
    config,
    db,
    clock,
    ingest: async (messages) => {
      const r = await ingestMessages(messages, deps);
      realtime.push(r.touched, r.mergedAway);
      return r;
    },
    profiles,
    segments,
    segmentQueries,
    realtime,
    scheduler,
    experiments,
    experimentScheduler,
    templates,
    models,
    modelScheduler,
    newMessageId: () => `tailor-${randomUUID()}`,
    catchUp: async () => {
      const stored = await getSetting(db, REALTIME_MARK);
      const mark = stored === undefined ? undefined : (JSON.parse(stored) as { t: number; clean: boolean });
      const n = mark && !mark.clean ? await segments.catchUp(mark.t) : 0;
      await caughtUp(clock.now(), false, true);
      return n;
    },
    close: async () => {
      await scheduler.stop();
      await experimentScheduler.stop();
      await modelScheduler.stop();
      await compute.close();
      await realtime.drain();
      await caughtUp(clock.now(), true, true);
      await db.close();
    },
  };
}

export interface Keys { writeKey: string; adminKey: string; generated: boolean }

/** Keys from config, or else from the store; generated and stored on first run when neither has them. */
export async function ensureKeys(t: Tailor): Promise<Keys> {
  let generated = false;
  const pick = async (configured: string | undefined, name: string, prefix: string) => {
    if (configured) return configured;
    const stored = await getSetting(t.db, name);
    if (stored) return stored;
    generated = true;
    return setSettingOnce(t.db, name, `${prefix}_${randomBytes(18).toString('base64url')}`);
  };
  const writeKey = await pick(t.config.writeKey, 'write_key', 'wk');
  const adminKey = await pick(t.config.adminKey, 'admin_key', 'ak');
  return { writeKey, adminKey, generated };
}

/** Wires the HTTP app over a Tailor instance. */
export function createServer(t: Tailor, keys: AuthKeys, logger?: Logger): FastifyInstance {
  return buildApp({
    keys,
    logger,
    ingest: { ingest: (m) => t.ingest(m), newMessageId: t.newMessageId, now: () => t.clock.now() },
    profiles: t.profiles,
    segments: { engine: t.segments, queries: t.segmentQueries, resolveProfile: (ref) => t.profiles.resolve({ id: ref }) },
    experiments: t.experiments,
    templates: t.templates,
    models: t.models,
    quality: { report: (recent) => qualityReport(t.db, recent) },
    status: { counts: () => storeCounts(t.db), ping: () => pingDatabase(t.db), dialect: t.db.dialect, version: VERSION },
  });
}

export const VERSION = '0.1.0';

const REALTIME_MARK = 'segments.realtime_caught_up_to';
const LINK_SECRET = 'link_secret';
const CATCH_UP_MARGIN_MS = 60_000;
/** How often running sequential experiments are looked at (always-valid p-values allow any number of looks). */
const EXPERIMENT_LOOK_MS = 5 * 60_000;
/** How often the registry is re-read for retraining that another process scheduled. */
const MODEL_CHECK_MS = 10 * 60_000;
