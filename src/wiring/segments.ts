import { SegmentEngine } from '../core/segments/engine.ts';
import { DueScheduler } from '../jobs/due-scheduler.ts';
import { refreshExpiredWindows } from '../store/features/feature-store.ts';
import { SegmentQueries } from '../store/segments/segment-queries.ts';
import { createSegmentStore, unknownNames } from '../store/segments/segment-store.ts';
import type { PiiCodec } from '../core/pii-codec.ts';
import type { Base } from './base.ts';

/** The segment engine over its store, its read model, and the scheduler that fires window timers. */
export function wireSegments(b: Base, codec: PiiCodec) {
  const store = createSegmentStore(b.db);
  const engine = new SegmentEngine({
    store,
    clock: b.clock,
    dialect: b.db.dialect,
    newId: b.newId,
    refreshExpiredFeatures: (now, limit) => refreshExpiredWindows(b.db, now, limit),
    unknownNames: (traits, events) => unknownNames(b.db, traits, events),
  });
  const scheduler = new DueScheduler({ tick: () => engine.tick(), nextDue: () => engine.nextDue(), now: b.now }, b.onError);
  /** The current members of a segment (by id or name), for experiments' audiences. */
  const memberIds = async (segment: string) => [...(await store.members((await engine.get(segment)).id)).keys()];
  return { engine, queries: new SegmentQueries(b.db, codec), scheduler, memberIds };
}
