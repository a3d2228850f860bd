import { identityKey, type Identity } from '../../core/identity/identity-keys.ts';
import type { BatchPlan } from '../../core/ingest/plan-batch.ts';
import type { PiiCodec } from '../../core/pii-codec.ts';
import type { FeatureRow } from '../../core/features/catalog.ts';
import type { FeatureEvent } from '../../core/features/feature-event.ts';
import type { IngestStore, IngestTx } from '../../core/ports.ts';
import type { ConsentMessage, ConsentRecord } from '../../core/privacy/consent-state.ts';
import type { ProfileState } from '../../core/schemas/profile.ts';
import { writeTables, type Column, type TableWrite } from '../sql/bulk-write.ts';
import { fromJson, fromTs, toJson, toTs } from '../sql/codec.ts';
import { consentMessagesAt, deleteConsents, loadConsents, saveConsents } from '../privacy/consent-store.ts';
import { ConcurrentChange, type Database, type SqlRunner } from '../sql/database.ts';
import { allFeatureEvents, recentFeatureEvents } from '../features/feature-events.ts';
import { deleteFeatureRows, loadFeatureRows, saveFeatureRows } from '../features/feature-rows.ts';

const c = (name: string, pgType: string): Column => ({ name, pgType });
const PROFILE_COLS = [c('id', 'text'), c('traits', 'jsonb'), c('trait_stamps', 'jsonb'), c('first_seen_at', 'timestamptz'),
  c('last_seen_at', 'timestamptz'), c('created_at', 'timestamptz'), c('updated_at', 'timestamptz'), c('merged_into', 'text')];
const IDENTITY_COLS = [c('kind', 'text'), c('lookup', 'text'), c('value', 'text'), c('profile_id', 'text'), c('created_at', 'timestamptz')];
const EVENT_COLS = [c('message_id', 'text'), c('profile_id', 'text'), c('type', 'text'), c('name', 'text'), c('user_id', 'text'),
  c('anonymous_id', 'text'), c('timestamp', 'timestamptz'), c('received_at', 'timestamptz'), c('sent_at', 'timestamptz'),
  c('original_timestamp', 'timestamptz'), c('properties', 'jsonb'), c('context', 'jsonb'), c('integrations', 'jsonb'), c('source', 'text')];
const CHANGE_COLS = [c('profile_id', 'text'), c('kind', 'text'), c('field', 'text'), c('old_value', 'jsonb'), c('new_value', 'jsonb'),
  c('source', 'text'), c('message_id', 'text'), c('at', 'timestamptz')];
const PROFILE_UPSERT = `ON CONFLICT (id) DO UPDATE SET traits = excluded.traits, trait_stamps = excluded.trait_stamps,
  first_seen_at = excluded.first_seen_at, last_seen_at = excluded.last_seen_at, created_at = excluded.created_at,
  updated_at = excluded.updated_at, merged_into = excluded.merged_into`;
const QUALITY_COLS = [c('profile_id', 'text'), c('message_id', 'text'), c('field', 'text'), c('value', 'jsonb'), c('reason', 'text'),
  c('source', 'text'), c('at', 'timestamptz')];

/** The first key of Tailor's identity advisory locks (PostgreSQL), so they do not collide with other users of advisory locks. */
const IDENTITY_LOCK_SPACE = 0x7a11;
/**
 * Identities are locked by hash bucket, not one by one: every advisory lock takes a slot in
 * PostgreSQL's shared lock table (max_locks_per_transaction × connections, 6,400 by default for
 * the whole cluster), and a 5,000-row import chunk or a full /v1/batch holds 10,000 identities.
 * The locks are exclusive, so all of Tailor's transactions on a database together hold at most this
 * many (plus one each that they wait for). Two batches about different people that share a bucket
 * run one after the other, which costs time, never correctness.
 */
const IDENTITY_LOCK_BUCKETS = 1024;

export function rowToProfile(r: Record<string, unknown>): ProfileState {
  return {
    id: r.id as string,
    traits: fromJson(r.traits),
    stamps: fromJson(r.trait_stamps),
    firstSeenAt: fromTs(r.first_seen_at),
    lastSeenAt: fromTs(r.last_seen_at),
    createdAt: fromTs(r.created_at),
    mergedInto: (r.merged_into as string | null) ?? undefined,
  };
}

/** The ingest port over either dialect. SQL differs only where set-valued parameters are passed. */
export function createIngestStore(db: Database, codec: PiiCodec): IngestStore {
  return {
    transaction: (fn) => db.transaction((sql) => fn(new Tx(sql, codec)), { retries: 20 }),
  };
}

class Tx implements IngestTx {
  private readonly pg: boolean;
  constructor(private readonly sql: SqlRunner, private readonly codec: PiiCodec) {
    this.pg = sql.dialect === 'postgres';
  }

  async existingMessageIds(ids: string[]): Promise<Set<string>> {
    const rows = this.pg
      ? await this.sql.all<{ message_id: string }>('SELECT message_id FROM events WHERE message_id = ANY(?::text[])', [ids])
      : await this.sql.all<{ message_id: string }>('SELECT message_id FROM events WHERE message_id IN (SELECT value FROM json_each(?))', [JSON.stringify(ids)]);
    return new Set(rows.map((r) => r.message_id));
  }

  async lookupIdentities(ids: Identity[]): Promise<Map<string, string>> {
    const byLookup = new Map<string, string>();
    const kinds: string[] = [];
    const lookups: string[] = [];
    for (const i of ids) {
      const l = this.codec.lookup(i.kind, i.value);
      byLookup.set(`${i.kind}:${l}`, identityKey(i));
      kinds.push(i.kind);
      lookups.push(l);
    }
    if (this.pg) {
      // Concurrent batches about the same people would race to create the same identities, and the
      // loser would retry the whole batch (or deadlock on profile rows). Advisory locks on the
      // identities' buckets, taken in one global (sorted) order, make such batches run one after
      // the other; batches about different people mostly still run in parallel. The look-up is a
      // separate statement, so its snapshot, taken after the locks, sees what the batch that held
      // them committed.
      await this.sql.all(
        `SELECT pg_advisory_xact_lock(${IDENTITY_LOCK_SPACE}, b) FROM (SELECT DISTINCT hashtext(k) & ${IDENTITY_LOCK_BUCKETS - 1} AS b FROM unnest(?::text[]) AS k ORDER BY 1) s`,
        [kinds.map((k, n) => `${k}:${lookups[n]}`)]);
    }
    const rows = this.pg
      ? await this.sql.all<{ kind: string; lookup: string; profile_id: string }>(
        'SELECT i.kind, i.lookup, i.profile_id FROM identities i JOIN unnest(?::text[], ?::text[]) AS k(kind, lookup) ON i.kind = k.kind AND i.lookup = k.lookup',
        [kinds, lookups])
      : await this.sql.all<{ kind: string; lookup: string; profile_id: string }>(
        "SELECT i.kind, i.lookup, i.profile_id FROM json_each(?) j JOIN identities i ON i.kind = json_extract(j.value, '$[0]') AND i.lookup = json_extract(j.value, '$[1]')",
        [JSON.stringify(kinds.map((k, n) => [k, lookups[n]]))]);
    const out = new Map<string, string>();
    for (const r of rows) out.set(byLookup.get(`${r.kind}:${r.lookup}`)!, r.profile_id);
    return out;
  }

  async loadProfiles(ids: string[]): Promise<Map<string, ProfileState>> {
    if (!this.pg) {
      const rows = await this.sql.all('SELECT * FROM profiles WHERE id IN (SELECT value FROM json_each(?))', [JSON.stringify(ids)]);
      return new Map(rows.map((r) => [r.id as string, rowToProfile(r)]));
    }
    const rows = await this.sql.all('SELECT * FROM profiles WHERE id = ANY(?::text[]) ORDER BY id FOR UPDATE', [ids]);
    // The identity look-up ran before these row locks were granted. A transaction about other
    // identities of the same person (so not serialised by the identity locks) may have merged one
    // of these profiles away in between and re-pointed its identities; FOR UPDATE then returns the
    // merged row. Planning on it would lose the survivor (or write to a merged profile), so the
    // whole batch is planned again in a fresh transaction, whose look-up sees the merge.
    if (rows.length !== new Set(ids).size || rows.some((r) => r.merged_into !== null)) {
      throw new ConcurrentChange('a profile this batch looked up was merged or removed by a concurrent transaction');
    }
    return new Map(rows.map((r) => [r.id as string, rowToProfile(r)]));
  }

  loadFeatureRows(ids: string[]): Promise<Map<string, FeatureRow>> {
    return loadFeatureRows(this.sql, ids);
  }

  allFeatureEvents(ids: string[]): Promise<FeatureEvent[]> {
    return allFeatureEvents(this.sql, ids);
  }

  recentFeatureEvents(profiles: { profileId: string; since: number }[], windowStart: number): Promise<FeatureEvent[]> {
    return recentFeatureEvents(this.sql, profiles, windowStart);
  }

  saveFeatureRows(rows: FeatureRow[], at: number): Promise<void> {
    return saveFeatureRows(this.sql, rows, at);
  }

  deleteFeatureRows(ids: string[]): Promise<void> {
    return deleteFeatureRows(this.sql, ids);
  }

  loadConsents(ids: string[]): Promise<ConsentRecord[]> {
    return loadConsents(this.sql, ids);
  }

  consentMessagesAt(keys: { profileId: string; at: number }[]): Promise<ConsentMessage[]> {
    return consentMessagesAt(this.sql, keys);
  }

  saveConsents(records: ConsentRecord[]): Promise<void> {
    return saveConsents(this.sql, records);
  }

  deleteConsents(ids: string[]): Promise<void> {
    return deleteConsents(this.sql, ids);
  }

  async apply(plan: BatchPlan): Promise<void> {
    const d = this.sql.dialect;
    const ts = (ms: number | null) => (ms === null ? null : toTs(d, ms));
    const now = plan.at;
    const profiles: TableWrite = {
      table: 'profiles', columns: PROFILE_COLS, onConflict: PROFILE_UPSERT,
      rows: plan.profiles.map(({ profile: p }) => [
        p.id, toJson(p.traits), toJson(p.stamps), ts(p.firstSeenAt), ts(p.lastSeenAt), ts(p.createdAt), ts(now), p.mergedInto ?? null,
      ]),
    };
    // Plain INSERT on purpose: the plan only holds identities that were absent when looked up, so a
    // conflict means a concurrent transaction claimed one first; the unique violation makes the
    // transaction retry and resolve against that profile instead of splitting the person in two.
    const rest: TableWrite[] = [{
      table: 'identities', columns: IDENTITY_COLS,
      rows: plan.identities.map((i) => [i.kind, this.codec.lookup(i.kind, i.value), this.codec.seal(i.value), i.profileId, ts(now)]),
    }, {
      table: 'events', columns: EVENT_COLS, onConflict: 'ON CONFLICT (message_id) DO NOTHING',
      rows: plan.events.map((e) => [
        e.messageId, e.profileId, e.type, e.name, e.userId, e.anonymousId, ts(e.timestamp), ts(e.receivedAt), ts(e.sentAt),
        ts(e.originalTimestamp), toJson(e.properties), e.context ? toJson(e.context) : null,
        e.integrations ? toJson(e.integrations) : null, e.source,
      ]),
    }, {
      table: 'changes', columns: CHANGE_COLS,
      rows: plan.changes.map((ch) => [ch.profileId, ch.kind, ch.field, toJson(ch.oldValue), toJson(ch.newValue), ch.source, ch.messageId, ts(ch.at)]),
    }, {
      table: 'quality_issues', columns: QUALITY_COLS,
      rows: plan.quality.map((q) => [q.profileId, q.messageId, q.field, toJson(q.value), q.reason, q.source, ts(q.at)]),
    }];
    if (!plan.merges.length) {
      // No merge to apply in between: every table in one write (one statement on PostgreSQL).
      await writeTables(this.sql, [profiles, ...rest]);
      return;
    }
    // Profiles are written before the merges re-point rows: a profile this batch merged into one
    // that merges on must end up pointing at the survivor.
    await writeTables(this.sql, [profiles]);
    for (const m of plan.merges) {
      await this.sql.run('UPDATE events SET profile_id = ? WHERE profile_id = ?', [m.into, m.from]);
      await this.sql.run('UPDATE identities SET profile_id = ? WHERE profile_id = ?', [m.into, m.from]);
      await this.sql.run('UPDATE profiles SET merged_into = ? WHERE merged_into = ?', [m.into, m.from]);
    }
    await writeTables(this.sql, rest);
  }
}
