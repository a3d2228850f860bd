import { sql } from 'kysely';
import { fromJson, fromTs, toInt } from '../sql/codec.ts';
import type { Database } from '../sql/database.ts';
import type { QualityReport, StatusQueriesPort, StoreCounts } from '../../core/status/ports.ts';

export function createStatusQueries(db: Database): StatusQueriesPort {
  return { counts: () => storeCounts(db), ping: () => pingDatabase(db), qualityReport: (recent) => qualityReport(db, recent) };
}

/** Health probes hit this often: one trivial query, never a count over events. */
async function pingDatabase(db: Database): Promise<void> {
  await sql`SELECT 1`.execute(db.kysely);
}

async function storeCounts(db: Database): Promise<StoreCounts> {
  const k = db.kysely;
  const count = async (t: 'identities' | 'events' | 'products' | 'changes' | 'quality_issues') =>
    toInt((await k.selectFrom(t).select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow()).n);
  const profiles = toInt((await k.selectFrom('profiles').select(sql<number>`count(*)`.as('n')).where('merged_into', 'is', null).executeTakeFirstOrThrow()).n);
  return {
    profiles,
    identities: await count('identities'),
    events: await count('events'),
    products: await count('products'),
    changes: await count('changes'),
    qualityIssues: await count('quality_issues'),
  };
}

/** The data-quality report: invalid values that were left out of profiles, grouped by field and reason. */
async function qualityReport(db: Database, recent = 20): Promise<QualityReport> {
  const k = db.kysely;
  const groups = await k.selectFrom('quality_issues')
    .select(['field', 'reason', sql<number>`count(*)`.as('n'), sql<number>`max(id)`.as('last')])
    .groupBy(['field', 'reason']).orderBy(sql`count(*)`, 'desc').orderBy('field').execute();
  const examples = groups.length
    ? await k.selectFrom('quality_issues').select(['id', 'value']).where('id', 'in', groups.map((g) => toInt(g.last))).execute()
    : [];
  const exampleById = new Map(examples.map((e) => [toInt(e.id), fromJson(e.value)]));
  const rows = await k.selectFrom('quality_issues').selectAll().orderBy('id', 'desc').limit(recent).execute();
  return {
    total: groups.reduce((a, g) => a + toInt(g.n), 0),
    byField: groups.map((g) => ({ field: g.field, reason: g.reason, count: toInt(g.n), example: exampleById.get(toInt(g.last)) })),
    recent: rows.map((r) => ({
      profileId: r.profile_id, messageId: r.message_id, field: r.field, value: fromJson(r.value), reason: r.reason,
      source: r.source, at: new Date(fromTs(r.at)).toISOString(),
    })),
  };
}
