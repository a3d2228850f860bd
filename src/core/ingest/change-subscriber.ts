import type { ChangeSet } from '../segments/realtime.ts';

/**
 * Something that follows changed profiles right after ingest commits (segments, recommendations;
 * sending and journeys next). It gets each batch once, in order with the other subscribers, and
 * may get a batch again after a failure: it must be idempotent.
 */
export type ChangeSubscriber = (changes: ReadonlyMap<string, ChangeSet>, mergedAway: readonly string[]) => Promise<unknown>;
