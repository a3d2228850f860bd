import type { PiiCodec } from '../../core/pii-codec.ts';
import { toInt } from '../sql/codec.ts';
import type { Database, SqlRunner } from '../sql/database.ts';
import { inIds } from '../sql/id-list.ts';
import type { MemberDocument, MembershipSpan, SegmentQueriesPort, SizePoint } from '../../core/segments/queries.ts';

const iso = (v: unknown) => new Date(toInt(v)).toISOString();

/** Read side of segments: members (paged, by profile id), size history, a profile's membership history. */
export class SegmentQueries implements SegmentQueriesPort {
  constructor(private readonly db: Database, private readonly codec: PiiCodec) {}

  async members(segmentId: string, opts: { limit: number; cursor?: string | undefined }): Promise<{ total: number; members: MemberDocument[]; nextCursor: string | null }> {
    return this.db.transaction(async (sql) => {
      const total = toInt((await sql.all<{ n: unknown }>('SELECT COUNT(*) AS n FROM segment_memberships WHERE segment_id = ? AND exited_at IS NULL', [segmentId]))[0]?.n);
      const rows = await sql.all<{ profile_id: string; entered_at: unknown }>(
        `SELECT profile_id, entered_at FROM segment_memberships WHERE segment_id = ? AND exited_at IS NULL ${opts.cursor ? 'AND profile_id > ?' : ''}
         ORDER BY profile_id LIMIT ${Math.floor(opts.limit) + 1}`,
        opts.cursor ? [segmentId, opts.cursor] : [segmentId]);
      const page = rows.slice(0, opts.limit);
      const ids = await this.identifiers(sql, page.map((r) => r.profile_id));
      return {
        total,
        members: page.map((r) => ({ profileId: r.profile_id, ...ids(r.profile_id), enteredAt: iso(r.entered_at) })),
        nextCursor: rows.length > opts.limit ? page[page.length - 1]!.profile_id : null,
      };
    });
  }

  /** Every current member, a page at a time (for CSV export without holding the segment in memory). */
  async *allMembers(segmentId: string, pageSize = 5000): AsyncGenerator<MemberDocument[]> {
    let cursor: string | undefined;
    for (;;) {
      const page = await this.members(segmentId, { limit: pageSize, cursor });
      if (page.members.length) yield page.members;
      if (!page.nextCursor) return;
      cursor = page.nextCursor;
    }
  }

  /** userId and email of profiles, for listing members and preview samples. */
  async describe(profileIds: string[]): Promise<{ profileId: string; userId: string | null; email: string | null }[]> {
    return this.db.transaction(async (sql) => {
      const ids = await this.identifiers(sql, profileIds);
      return profileIds.map((id) => ({ profileId: id, ...ids(id) }));
    });
  }

  async sizes(segmentId: string, opts: { from?: number | undefined; to?: number | undefined }): Promise<SizePoint[]> {
    return this.db.transaction(async (sql) => {
      const rows = await sql.all<{ at: unknown; size: unknown; entered: unknown; exited: unknown }>(
        'SELECT at, size, entered, exited FROM segment_sizes WHERE segment_id = ? AND at >= ? AND at <= ? ORDER BY at',
        [segmentId, opts.from ?? 0, opts.to ?? Number.MAX_SAFE_INTEGER]);
      return rows.map((r) => ({ at: iso(r.at), size: toInt(r.size), entered: toInt(r.entered), exited: toInt(r.exited) }));
    });
  }

  /** A profile's memberships, current and past, newest first. */
  async profileHistory(profileId: string): Promise<MembershipSpan[]> {
    return this.db.transaction(async (sql) => {
      const rows = await sql.all<{ segment_id: string; name: string | null; entered_at: unknown; exited_at: unknown }>(
        `SELECT m.segment_id, s.name, m.entered_at, m.exited_at FROM segment_memberships m LEFT JOIN segments s ON s.id = m.segment_id
         WHERE m.profile_id = ? ORDER BY m.entered_at DESC`, [profileId]);
      return rows.map((r) => ({ segmentId: r.segment_id, segmentName: r.name, enteredAt: iso(r.entered_at), exitedAt: r.exited_at === null ? null : iso(r.exited_at) }));
    });
  }

  private async identifiers(sql: SqlRunner, ids: string[]) {
    const found = new Map<string, { userId: string | null; email: string | null }>();
    if (ids.length) {
      const f = inIds(sql, 'profile_id', ids);
      const rows = await sql.all<{ profile_id: string; kind: string; value: string }>(
        `SELECT profile_id, kind, value FROM identities WHERE ${f.where} AND kind IN ('user_id', 'email') ORDER BY created_at`, [f.param]);
      for (const r of rows) {
        let e = found.get(r.profile_id);
        if (!e) found.set(r.profile_id, (e = { userId: null, email: null }));
        const v = this.codec.open(r.value);
        if (r.kind === 'user_id') e.userId ??= v;
        else e.email ??= v;
      }
    }
    return (id: string) => found.get(id) ?? { userId: null, email: null };
  }
}
