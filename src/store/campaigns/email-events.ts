import type { ProfileEvent } from '../../core/campaigns/email-events.ts';
import { writeRows, type Column } from '../sql/bulk-write.ts';
import { toJson, toTs } from '../sql/codec.ts';
import type { Database } from '../sql/database.ts';

const c = (name: string, pgType: string): Column => ({ name, pgType });
const COLS = [c('message_id', 'text'), c('profile_id', 'text'), c('type', 'text'), c('name', 'text'), c('timestamp', 'timestamptz'),
  c('received_at', 'timestamptz'), c('properties', 'jsonb'), c('source', 'text')];

/**
 * Appends the sender's own events (`Email Delivered`) to the profiles it knows by id, in one
 * statement per batch, without going through ingest, which resolves identities (a profile's
 * identities would have to be read back for every message). Each event's message id is derived
 * from the send's, so writing a batch twice stores it once.
 */
export function createEmailEventWriter(db: Database): (events: readonly ProfileEvent[]) => Promise<void> {
  return async (events) => {
    if (!events.length) return;
    await db.transaction((sql) => writeRows(sql, 'events', COLS, events.map((e) => [
      e.messageId, e.profileId, 'track', e.name, toTs(sql.dialect, e.at), toTs(sql.dialect, e.at), toJson(e.properties), 'campaigns',
    ]), 'ON CONFLICT (message_id) DO NOTHING'), { retries: 2 });
  };
}
