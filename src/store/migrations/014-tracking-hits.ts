import type { MigrationDdl } from './types.ts';

/**
 * Every open and click on a message, for the classifier, which judges a hit by what came before it
 * on the same message (a click on every link within a second, an open flagged for its timing that
 * a later human click clears). The events themselves are on the profile; this is the per-message
 * index of them, read with one seek per hit. `event_id` is the event's message id.
 *
 * And a template's own switch for tracking (templates.tracking): a template may opt out as a whole.
 */
export const trackingHits: MigrationDdl = (t) => [
  `CREATE TABLE tracking_hits (
    id ${t.serial},
    message_id TEXT NOT NULL,
    event_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    link_id TEXT,
    at ${t.ts} NOT NULL,
    machine INTEGER NOT NULL,
    reasons TEXT NOT NULL
  )`,
  'CREATE INDEX tracking_hits_message ON tracking_hits (message_id, id)',
  'ALTER TABLE templates ADD COLUMN tracking INTEGER NOT NULL DEFAULT 1',
];
