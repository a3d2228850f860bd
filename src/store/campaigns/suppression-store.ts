import type { Suppression, SuppressionStore } from '../../core/campaigns/ports.ts';
import { writeRows, type Column } from '../sql/bulk-write.ts';
import { toInt } from '../sql/codec.ts';
import type { Database } from '../sql/database.ts';
import { inIds } from '../sql/id-list.ts';

const c = (name: string, pgType: string): Column => ({ name, pgType });
const COLUMNS = [c('kind', 'text'), c('value', 'text'), c('reason', 'text'), c('source', 'text'), c('detail', 'text'), c('created_at', 'int8')];
// A replaced entry is a new entry: its reason, source and time are the latest report's.
const UPSERT = `ON CONFLICT (kind, value) DO UPDATE SET reason = excluded.reason, source = excluded.source, detail = excluded.detail,
  created_at = excluded.created_at`;
const CHUNK = 5000;

/** Addresses and domains are compared lower-cased (and a domain without a trailing dot), however they were reported. */
const normalize = (v: string): string => v.trim().toLowerCase();
const domainOf = (email: string): string | null => {
  const at = email.lastIndexOf('@');
  return at < 0 || at === email.length - 1 ? null : email.slice(at + 1).replace(/\.$/, '');
};
const normalizeValue = (kind: Suppression['kind'], v: string): string => (kind === 'domain' ? normalize(v).replace(/^@/, '').replace(/\.$/, '') : normalize(v));

const toSuppression = (r: Record<string, unknown>): Suppression => ({
  kind: r.kind as Suppression['kind'], value: r.value as string, reason: r.reason as string, source: r.source as string,
  detail: (r.detail as string | null) ?? null, createdAt: toInt(r.created_at),
});

/** The `suppressions` table: addresses and whole domains that get no marketing mail. */
export function createSuppressionStore(db: Database): SuppressionStore {
  return {
    add: async (entries, at) => {
      // One entry per key, the last given winning (PostgreSQL's upsert takes each key once per statement).
      const byKey = new Map(entries.map((e) => {
        const value = normalizeValue(e.kind, e.value);
        return [`${e.kind}\0${value}`, { ...e, value }];
      }));
      const list = [...byKey.values()].filter((e) => e.value !== '');
      if (!list.length) return 0;
      return db.transaction(async (sql) => {
        let existing = 0;
        for (const kind of ['address', 'domain'] as const) {
          const values = list.filter((e) => e.kind === kind).map((e) => e.value);
          if (!values.length) continue;
          const f = inIds(sql, 'value', values);
          const [r] = await sql.all(`SELECT COUNT(*) AS n FROM suppressions WHERE kind = ? AND ${f.where}`, [kind, f.param]);
          existing += toInt(r?.n);
        }
        for (let i = 0; i < list.length; i += CHUNK) {
          await writeRows(sql, 'suppressions', COLUMNS,
            list.slice(i, i + CHUNK).map((e) => [e.kind, e.value, e.reason, e.source, e.detail ?? null, at]), UPSERT);
        }
        return list.length - existing;
      }, { retries: 2 });
    },

    remove: (kind, value) => db.transaction(async (sql) =>
      (await sql.run('DELETE FROM suppressions WHERE kind = ? AND value = ?', [kind, normalizeValue(kind, value)])) > 0),

    // By value: an address (with its '@') and a domain (without) never share one, so value alone orders and pages.
    list: async (page) => (await db.read(`SELECT * FROM suppressions WHERE value > ? ORDER BY value, kind LIMIT ?`,
      [page.after ?? '', page.limit])).map(toSuppression),

    /**
     * The entry blocking each address: the address's own entry, else its domain's (that exact
     * domain, not a parent). The map holds each address as given and lower-cased, so either finds it.
     */
    match: async (emails) => {
      const out = new Map<string, Suppression>();
      const addresses = [...new Set(emails.map(normalize))];
      const domains = [...new Set(addresses.map(domainOf).filter((d): d is string => d !== null))];
      if (!addresses.length) return out;
      const a = inIds({ dialect: db.dialect }, 'value', addresses);
      const d = inIds({ dialect: db.dialect }, 'value', domains);
      const rows = (await db.read(`SELECT * FROM suppressions WHERE kind = 'address' AND ${a.where}
        UNION ALL SELECT * FROM suppressions WHERE kind = 'domain' AND ${d.where}`, [a.param, d.param])).map(toSuppression);
      const byAddress = new Map(rows.filter((r) => r.kind === 'address').map((r) => [r.value, r]));
      const byDomain = new Map(rows.filter((r) => r.kind === 'domain').map((r) => [r.value, r]));
      for (const email of emails) {
        const key = normalize(email);
        const domain = domainOf(key);
        const hit = byAddress.get(key) ?? (domain === null ? undefined : byDomain.get(domain));
        if (!hit) continue;
        out.set(email, hit);
        out.set(key, hit);
      }
      return out;
    },
  };
}
