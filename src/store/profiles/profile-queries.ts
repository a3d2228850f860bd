import { sql, type Kysely } from 'kysely';
import { FEATURES, featureValue } from '../../core/features/catalog.ts';
import { sqliteDoc, sqlitePath } from '../../core/segments/compile-comparison.ts';
import { TailorError } from '../../core/errors.ts';
import type { PiiCodec } from '../../core/pii-codec.ts';
import { textIssue } from '../../core/schemas/safe-text.ts';
import type { Clock } from '../../core/ports.ts';
import { fromJson, fromTs, fromTsOrNull, toInt } from '../sql/codec.ts';
import type { Database } from '../sql/database.ts';
import { currentFeatures } from '../features/feature-store.ts';
import type { Schema } from '../schema.ts';
import type { ChangeDocument, ProfileDocument, ProfileQueriesPort, ProfileRef, ProfileSummary } from '../../core/profiles/ports.ts';

const iso = (v: unknown) => new Date(fromTs(v)).toISOString();

/** Read side of profiles: look-ups by any identifier, lists with trait filters, history. */
export class ProfileQueries implements ProfileQueriesPort {
  private readonly k: Kysely<Schema>;
  constructor(private readonly db: Database, private readonly codec: PiiCodec, private readonly clock: Clock = { now: () => Date.now() }) {
    this.k = db.kysely;
  }

  /** Resolves an internal id (following merges), a userId, an anonymousId or an email to the live profile id. */
  async resolve(ref: ProfileRef): Promise<string | null> {
    // Ingest refuses such ids; PostgreSQL would drop a NUL and find another profile's id instead.
    for (const field of ['id', 'userId', 'anonymousId', 'email'] as const) {
      const issue = ref[field] === undefined ? undefined : textIssue(ref[field]);
      if (issue) throw new TailorError('validation_failed', `${field} ${issue}`, field);
    }
    if (ref.id) {
      const p = await this.k.selectFrom('profiles').select(['id', 'merged_into']).where('id', '=', ref.id).executeTakeFirst();
      if (p) return p.merged_into ?? p.id;
      for (const kind of ['user_id', 'anonymous_id', ...(ref.id.includes('@') ? ['email'] : [])]) {
        const found = await this.byIdentity(kind, kind === 'email' ? ref.id.toLowerCase() : ref.id);
        if (found) return found;
      }
      return null;
    }
    if (ref.userId) return this.byIdentity('user_id', ref.userId);
    if (ref.anonymousId) return this.byIdentity('anonymous_id', ref.anonymousId);
    if (ref.email) return this.byEmail(ref.email);
    return null;
  }

  private async byEmail(email: string): Promise<string | null> {
    return this.byIdentity('email', email.trim().toLowerCase());
  }

  private async byIdentity(kind: string, value: string): Promise<string | null> {
    const row = await this.k.selectFrom('identities').select('profile_id')
      .where('kind', '=', kind).where('lookup', '=', this.codec.lookup(kind, value)).executeTakeFirst();
    return row?.profile_id ?? null;
  }

  async get(id: string, lastEvents = 20): Promise<ProfileDocument | null> {
    const p = await this.k.selectFrom('profiles').selectAll().where('id', '=', id).executeTakeFirst();
    if (!p) return null;
    const now = this.clock.now();
    const [identities, merged, byType, byName, events, features, consents] = await Promise.all([
      this.k.selectFrom('identities').select(['kind', 'value']).where('profile_id', '=', id).orderBy('kind').orderBy('created_at').execute(),
      this.k.selectFrom('profiles').select('id').where('merged_into', '=', id).orderBy('id').execute(),
      this.k.selectFrom('events').select(['type', sql<number>`count(*)`.as('n')]).where('profile_id', '=', id).groupBy('type').execute(),
      this.k.selectFrom('events').select(['name', sql<number>`count(*)`.as('n')]).where('profile_id', '=', id)
        .where('type', '=', 'track').groupBy('name').orderBy(sql`count(*)`, 'desc').limit(50).execute(),
      this.k.selectFrom('events').select(['message_id', 'type', 'name', 'timestamp', 'received_at', 'properties', 'context'])
        .where('profile_id', '=', id).orderBy('timestamp', 'desc').orderBy('id', 'desc').limit(lastEvents).execute(),
      currentFeatures(this.db, id, now),
      this.k.selectFrom('consents').select(['purpose', 'granted', 'updated_at']).where('profile_id', '=', id).orderBy('purpose').execute(),
    ]);
    const countsByType = Object.fromEntries(byType.map((r) => [r.type, toInt(r.n)]));
    return {
      id: p.id,
      traits: fromJson(p.traits),
      identities: identities.map((i) => ({ kind: i.kind, value: this.codec.open(i.value) })),
      mergedFrom: merged.map((m) => m.id),
      firstSeenAt: iso(p.first_seen_at),
      lastSeenAt: iso(p.last_seen_at),
      createdAt: iso(p.created_at),
      updatedAt: iso(p.updated_at),
      eventCounts: {
        total: Object.values(countsByType).reduce((a, b) => a + b, 0),
        byType: countsByType,
        byName: Object.fromEntries(byName.map((r) => [r.name ?? '', toInt(r.n)])),
      },
      lastEvents: events.map((e) => ({
        messageId: e.message_id, type: e.type, name: e.name, timestamp: iso(e.timestamp), receivedAt: iso(e.received_at),
        properties: fromJson(e.properties), context: e.context === null ? null : fromJson(e.context),
      })),
      features: {
        ...Object.fromEntries(Object.keys(FEATURES).map((name) => [name, featureValue(name, features, now)])),
        hourHistogram: features.hourHistogram, categoryCounts: features.categoryCounts,
      },
      consents: Object.fromEntries(consents.map((c) => [c.purpose, { granted: Number(c.granted) === 1, updatedAt: iso(Number(c.updated_at)) }])),
    };
  }

  /** Live profiles ordered by id, after `cursor`, optionally where traits equal the given values. */
  async list(opts: { limit: number; cursor?: string | undefined; traits?: Record<string, string>; email?: string | undefined }):
    Promise<{ profiles: ProfileSummary[]; nextCursor: string | null }> {
    let q = this.k.selectFrom('profiles').select(['id', 'traits', 'first_seen_at', 'last_seen_at']).where('merged_into', 'is', null);
    if (opts.cursor) q = q.where('id', '>', opts.cursor);
    for (const [path, value] of Object.entries(opts.traits ?? {})) {
      const parts = path.split('.');
      q = this.db.dialect === 'postgres'
        ? q.where(sql<string>`traits #>> CAST(${parts} AS text[])`, '=', value)
        // The route refused paths the rule language refuses (safe-text.ts); sqliteDoc skips documents
        // SQLite cannot parse instead of failing the whole list.
        : q.where(sql<string>`CAST(json_extract(${sql.raw(sqliteDoc('traits'))}, ${sqlitePath(parts)}) AS TEXT)`, '=', value);
    }
    if (opts.email) {
      const id = await this.byEmail(opts.email);
      q = q.where('id', '=', id ?? '');
    }
    const rows = await q.orderBy('id').limit(opts.limit + 1).execute();
    const page = rows.slice(0, opts.limit);
    return {
      profiles: page.map((r) => ({ id: r.id, traits: fromJson(r.traits), firstSeenAt: iso(r.first_seen_at), lastSeenAt: iso(r.last_seen_at) })),
      nextCursor: rows.length > opts.limit ? page[page.length - 1]!.id : null,
    };
  }

  /** The change log of a profile, including the profiles merged into it, oldest first. */
  async history(id: string, opts: { limit: number; cursor?: number | undefined }): Promise<{ changes: ChangeDocument[]; nextCursor: number | null }> {
    const ids = [id, ...(await this.k.selectFrom('profiles').select('id').where('merged_into', '=', id).execute()).map((r) => r.id)];
    let q = this.k.selectFrom('changes').selectAll().where('profile_id', 'in', ids);
    if (opts.cursor !== undefined) q = q.where('id', '>', opts.cursor);
    const rows = await q.orderBy('id').limit(opts.limit + 1).execute();
    const page = rows.slice(0, opts.limit);
    return {
      changes: page.map((r) => ({
        id: toInt(r.id), profileId: r.profile_id, kind: r.kind, field: r.field,
        oldValue: r.old_value === null ? null : fromJson(r.old_value), newValue: r.new_value === null ? null : fromJson(r.new_value),
        source: r.source, messageId: r.message_id, at: new Date(fromTsOrNull(r.at) ?? 0).toISOString(),
      })),
      nextCursor: rows.length > opts.limit ? toInt(page[page.length - 1]!.id) : null,
    };
  }
}
