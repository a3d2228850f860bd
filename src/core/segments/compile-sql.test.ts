import { describe, expect, it } from 'vitest';
import { DAY_MS } from '../features/catalog.ts';
import type { Rule } from '../schemas/segment-rule.ts';
import { compileCountQuery, compileRule, compileSegmentQuery, type CompileContext } from './compile-sql.ts';
import { sqlitePath } from './compile-comparison.ts';

// The SQL's meaning is proven against the evaluator on real databases (test/segments/agreement.test.ts);
// these pin its shape: parameters only, set-based subqueries, the dialect-specific forms.
const NOW = Date.UTC(2026, 5, 15, 12);
const ctx = (dialect: 'sqlite' | 'postgres'): CompileContext => ({ dialect, now: NOW, segmentIds: new Map([['vip', 'seg-1']]) });
const both = ['sqlite', 'postgres'] as const;

const placeholders = (s: string) => s.split('?').length - 1;

/** Rules whose every value is distinctive, so that a value leaking into the SQL text shows. */
const SAMPLES: Rule[] = [
  { trait: 'plan.tier', op: 'eq', value: 'zq-string' },
  { trait: 'age', op: 'between', value: [987651, 987652] },
  { trait: 'tags', op: 'contains', value: 'zq-tag' },
  { trait: 'tags', op: 'in', value: ['zq-a', 987653, true] },
  { trait: 'name', op: 'startsWith', value: 'zq-prefix' },
  { trait: 'name', op: 'gt', value: 'zq-gt' },
  { feature: 'recency_days', op: 'lte', value: 987654 },
  { feature: 'last_order_at', op: 'gte', value: '2026-01-02T03:04:05Z' },
  { feature: 'top_category', op: 'nin', value: ['zq-cat'] },
  { feature: 'monetary', op: 'gt', value: 987655 },
  { feature: 'aov', op: 'exists' },
  { event: 'zq-event', where: [{ property: 'sku', op: 'eq', value: 'zq-sku' }], within: '7d', count: { gte: 987656 } },
  { event: 'zq-cart', within: '24h', notFollowedBy: { event: 'zq-buy', where: [{ property: 'total', op: 'gt', value: 987657 }], within: '2h' } },
  { segment: 'vip' },
  { consent: 'zq-purpose' },
];

describe('compileRule', () => {
  it.each(both)('binds every value as a parameter on %s: none appears in the SQL text, one ? per parameter', (d) => {
    for (const r of SAMPLES) {
      const q = compileRule(r, ctx(d));
      expect(q.sql).not.toMatch(/zq-|98765|2026|seg-1|sku|total|plan|tier/);
      expect(placeholders(q.sql)).toBe(q.params.length);
    }
    const all = compileRule({ all: SAMPLES }, ctx(d));
    expect(placeholders(all.sql)).toBe(all.params.length);
  });

  it('reads traits by a bound JSON path: json_type/json_extract on SQLite, -> with text keys on PostgreSQL', () => {
    const s = compileRule({ trait: 'a.b', op: 'eq', value: 'x' }, ctx('sqlite'));
    // Through json_valid: a document SQLite cannot parse reads as missing, not as a query error.
    expect(s.sql).toContain('json_type(CASE WHEN json_valid(p.traits) THEN p.traits END, ?)');
    expect(s.sql).toContain('json_extract(CASE WHEN json_valid(p.traits) THEN p.traits END, ?)');
    expect(s.params).toEqual(['$."a"."b"', '$."a"."b"', 'x']);
    const p = compileRule({ trait: 'a.b', op: 'eq', value: 'x' }, ctx('postgres'));
    expect(p.sql).toContain('p.traits -> ?::text ->> ?::text');
    expect(p.sql).toContain('COLLATE "C"');
    expect(p.params).toEqual(['a', 'b', 'a', 'b', 'x']);
  });

  it('writes SQLite path keys as JSON strings (SQLite unescapes quoted labels)', () => {
    expect(sqlitePath(['a\\b', 't\tab', 'é'])).toBe('$."a\\\\b"."t\\tab"."é"');
  });

  it('tells booleans from 1/0 on SQLite by json_type, and compares jsonb on PostgreSQL', () => {
    const s = compileRule({ trait: 'ok', op: 'eq', value: true }, ctx('sqlite'));
    expect(s.sql).toContain('json_type');
    expect(s.params).toContain('true');
    const p = compileRule({ trait: 'ok', op: 'eq', value: true }, ctx('postgres'));
    expect(p.sql).toContain('?::jsonb');
    expect(p.params).toContain('true');
  });

  it('guards typed comparisons with CASE, so PostgreSQL never evaluates them on a value of another type', () => {
    const p = compileRule({ trait: 'n', op: 'gt', value: 5 }, ctx('postgres'));
    expect(p.sql).toMatch(/^CASE WHEN COALESCE\(jsonb_typeof\(.*\), 'null'\) = 'number' THEN .* > \?::jsonb ELSE FALSE END$/);
    expect(p.params.at(-1)).toBe('5');
    expect(p.sql).not.toMatch(/::numeric|::float8/); // no cast of the stored value that could fail
  });

  it('compares strings in code-point order: COLLATE "C" on PostgreSQL (SQLite\'s BINARY already is)', () => {
    for (const r of [{ trait: 'n', op: 'lt', value: 'a' }, { feature: 'top_category', op: 'gte', value: 'a' }] as Rule[]) {
      expect(compileRule(r, ctx('postgres')).sql).toContain('COLLATE "C"');
      expect(compileRule(r, ctx('sqlite')).sql).not.toContain('COLLATE');
    }
  });

  it('folds what it knows: unknown features and segments, impossible counts, type mismatches', () => {
    const sql = (r: Rule) => compileRule(r, ctx('sqlite')).sql;
    expect(sql({ feature: 'nope', op: 'eq', value: 1 })).toBe('FALSE');
    expect(sql({ feature: 'nope', op: 'exists' })).toBe('FALSE');
    expect(sql({ feature: 'nope', op: 'notExists' })).toBe('TRUE');
    expect(sql({ feature: 'nope', op: 'neq', value: 1 })).toBe('TRUE');
    expect(sql({ feature: 'nope', op: 'nin', value: [1] })).toBe('TRUE');
    expect(sql({ feature: 'frequency', op: 'eq', value: '5' })).toBe('FALSE'); // a number never equals a string
    expect(sql({ feature: 'top_category', op: 'gt', value: 5 })).toBe('FALSE');
    expect(sql({ segment: 'ghost' })).toBe('FALSE');
    expect(sql({ event: 'x', count: { gte: 0 } })).toBe('TRUE');
    expect(sql({ event: 'x', count: { lt: 0 } })).toBe('FALSE');
    expect(sql({ not: { segment: 'ghost' } })).toBe('TRUE');
    expect(sql({ all: [{ segment: 'ghost' }, { consent: 'email' }] })).toBe('FALSE');
    expect(sql({ any: [{ segment: 'ghost' }, { consent: 'email' }] })).toMatch(/^p\.id IN \(SELECT cs\.profile_id FROM consents/);
  });

  it('compiles event counts to set-based IN subqueries, and counts that zero satisfies to NOT IN', () => {
    const c = (count: Rule & object) => compileRule(count, ctx('sqlite'));
    expect(c({ event: 'x' }).sql).toMatch(/^p\.id IN \(SELECT e\.profile_id FROM events e WHERE .*e\.name = \?.*e\.type IN \('track', 'page', 'screen'\).*e\.timestamp <= \?.*\)$/);
    expect(c({ event: 'x' }).sql).not.toContain('GROUP BY');
    expect(c({ event: 'x', count: { gte: 3 } }).sql).toMatch(/GROUP BY e\.profile_id HAVING COUNT\(\*\) >= \?\)$/);
    expect(c({ event: 'x', count: { gte: 3 } }).params.at(-1)).toBe(3);
    expect(c({ event: 'x', count: { gt: 3 } }).params.at(-1)).toBe(4);
    expect(c({ event: 'x', count: { eq: 2 } }).sql).toMatch(/HAVING COUNT\(\*\) = \?\)$/);
    expect(c({ event: 'x', count: { eq: 0 } }).sql).toMatch(/^NOT \(p\.id IN \(SELECT e\.profile_id FROM events e WHERE .*\)\)$/);
    expect(c({ event: 'x', count: { eq: 0 } }).sql).not.toContain('HAVING');
    expect(c({ event: 'x', count: { lt: 2 } }).sql).toMatch(/^NOT \(p\.id IN .*HAVING COUNT\(\*\) >= \?\)\)$/);
    expect(c({ event: 'x', count: { lt: 2 } }).params.at(-1)).toBe(2);
    expect(c({ event: 'x', count: { lte: 2 } }).params.at(-1)).toBe(3);
  });

  it('wraps the same subquery in EXISTS on PostgreSQL, which plans it as a semi/anti-join or an index probe, never a rescan', () => {
    const p = compileRule({ not: { event: 'x', count: { gte: 2 } } }, ctx('postgres'));
    expect(p.sql).toMatch(/^NOT \(EXISTS \(SELECT 1 FROM \(SELECT e\.profile_id FROM events e WHERE .* GROUP BY e\.profile_id HAVING COUNT\(\*\) >= \?::int8\) AS hit WHERE hit\.profile_id = p\.id\)\)$/);
    expect(p.sql).not.toContain('p.id IN');
  });

  it('binds time cut-offs computed in TypeScript: numbers on SQLite, Dates (timestamptz) on PostgreSQL', () => {
    const r: Rule = { event: 'x', within: '24h' };
    expect(compileRule(r, ctx('sqlite')).params).toEqual(['x', NOW, NOW - DAY_MS]);
    const p = compileRule(r, ctx('postgres'));
    expect(p.params).toEqual(['x', new Date(NOW), new Date(NOW - DAY_MS)]);
    expect(p.sql).toContain('e.timestamp <= ?::timestamptz');
    expect(p.sql).toContain('e.timestamp > ?::timestamptz');
  });

  it('drops a window edge before year 1 rather than bind an instant PostgreSQL cannot hold', () => {
    const p = compileRule({ event: 'x', within: '999999w' }, ctx('postgres'));
    expect(p.params).toEqual(['x', new Date(NOW)]);
  });

  it('compiles notFollowedBy to an anti-join on later events up to min(a.t + W, now)', () => {
    const r: Rule = { event: 'cart', within: '1d', notFollowedBy: { event: 'buy', within: '2h' } };
    const s = compileRule(r, ctx('sqlite'));
    expect(s.sql).toMatch(/^p\.id IN \(SELECT a\.profile_id FROM events a WHERE .* AND NOT EXISTS \(SELECT 1 FROM events b INDEXED BY events_profile_time WHERE .*\)\)$/);
    expect(s.sql).toContain('b.timestamp > a.timestamp');
    expect(s.sql).toContain('b.timestamp <= a.timestamp + ?');
    expect(s.params).toEqual(['cart', NOW, NOW - DAY_MS, 'buy', 2 * 3_600_000, NOW]);
    const p = compileRule(r, ctx('postgres'));
    expect(p.sql).toContain('b.timestamp <= a.timestamp + make_interval(secs => ?::float8)');
    expect(p.params).toEqual(['cart', new Date(NOW), new Date(NOW - DAY_MS), 'buy', 7200, new Date(NOW)]);
  });

  it('computes days-since features with floor((now - t) / day), now bound', () => {
    const s = compileRule({ feature: 'recency_days', op: 'gte', value: 30 }, ctx('sqlite'));
    expect(s.sql).toContain('floor((? - f.last_order_at) / 86400000.0)');
    expect(s.params).toEqual([NOW, 30]);
    const p = compileRule({ feature: 'recency_days', op: 'gte', value: 30 }, ctx('postgres'));
    expect(p.sql).toContain('floor((?::float8 - f.last_order_at) / 86400000.0::float8)');
  });

  it('reads a ratio only where the denominator is positive, and counters as 0 without a feature row', () => {
    expect(compileRule({ feature: 'aov', op: 'gt', value: 1 }, ctx('sqlite')).sql).toContain('CASE WHEN f.frequency > 0 THEN CAST(f.monetary AS REAL) / f.frequency END');
    const f = compileRule({ feature: 'frequency', op: 'lt', value: 1 }, ctx('postgres'));
    expect(f.sql).toContain('CASE WHEN f.profile_id IS NULL THEN ?::float8 ELSE f.frequency END');
    expect(f.params).toEqual([0, 1]);
    expect(compileRule({ feature: 'last_order_at', op: 'exists' }, ctx('sqlite')).sql).toBe('(f.last_order_at) IS NOT NULL');
  });

  it('converts ISO strings for time features to epoch ms, and leaves other strings uncomparable', () => {
    expect(compileRule({ feature: 'last_order_at', op: 'gt', value: '2026-06-01' }, ctx('sqlite')).params).toEqual([Date.UTC(2026, 5, 1)]);
    expect(compileRule({ feature: 'last_order_at', op: 'gt', value: '2026-06-01T10:00:00' }, ctx('sqlite')).params).toEqual([Date.UTC(2026, 5, 1, 10)]);
    expect(compileRule({ feature: 'last_order_at', op: 'gt', value: 'June 1, 2026' }, ctx('sqlite')).sql).toBe('FALSE');
  });

  it('reads nested segments from current memberships, and consents from granted rows', () => {
    const s = compileRule({ segment: 'vip' }, ctx('postgres'));
    expect(s.sql).toBe('EXISTS (SELECT 1 FROM (SELECT sm.profile_id FROM segment_memberships sm WHERE sm.segment_id = ?::text AND sm.exited_at IS NULL) AS hit WHERE hit.profile_id = p.id)');
    expect(s.params).toEqual(['seg-1']);
    expect(compileRule({ consent: 'email' }, ctx('sqlite')).sql).toBe('p.id IN (SELECT cs.profile_id FROM consents cs WHERE cs.purpose = ? AND cs.granted = 1)');
  });

  it('never emits a bare ? that is not a placeholder (PostgreSQL would renumber it)', () => {
    const q = compileRule({ all: [{ trait: 'tags', op: 'contains', value: 'x' }, { trait: 'a', op: 'exists' }] }, ctx('postgres'));
    expect(q.sql).not.toMatch(/\?(?!::)/);
  });
});

describe('compileSegmentQuery / compileCountQuery', () => {
  it('selects live profiles, joining profile_features only when a feature is read', () => {
    const q = compileSegmentQuery({ consent: 'email' }, ctx('sqlite'));
    expect(q.sql).toBe('SELECT p.id FROM profiles p WHERE p.merged_into IS NULL AND (p.id IN (SELECT cs.profile_id FROM consents cs WHERE cs.purpose = ? AND cs.granted = 1))');
    const f = compileSegmentQuery({ not: { feature: 'frequency', op: 'gt', value: 1 } }, ctx('sqlite'));
    expect(f.sql).toMatch(/^SELECT p\.id FROM profiles p LEFT JOIN profile_features f ON f\.profile_id = p\.id WHERE p\.merged_into IS NULL AND \(/);
    const c = compileCountQuery({ consent: 'email' }, ctx('postgres'));
    expect(c.sql).toMatch(/^SELECT COUNT\(\*\) AS n FROM profiles p WHERE p\.merged_into IS NULL AND \(/);
    expect(c.params).toEqual(['email']);
  });
});
