/**
 * SQL fragments for the rule compiler: text with `?` placeholders and the values they bind, in
 * textual order, so fragments nest without renumbering (PostgreSQL's driver turns `?` into `$n`).
 * Rule values only ever travel as parameters; the text holds nothing but fixed SQL.
 */
export interface Sql { sql: string; params: unknown[] }

export type SqlDialect = 'sqlite' | 'postgres';

export const raw = (sql: string): Sql => ({ sql, params: [] });

export const TRUE: Sql = raw('TRUE');
export const FALSE: Sql = raw('FALSE');

/** `sql\`a ${x} b\`` where every interpolation is itself a fragment (never a bare value). */
export function sql(strings: TemplateStringsArray, ...parts: Sql[]): Sql {
  let text = strings[0]!;
  const params: unknown[] = [];
  parts.forEach((p, i) => {
    text += p.sql + strings[i + 1]!;
    params.push(...p.params);
  });
  return { sql: text, params };
}

export function join(parts: readonly Sql[], sep: string): Sql {
  return { sql: parts.map((p) => p.sql).join(sep), params: parts.flatMap((p) => p.params) };
}

/**
 * One bound value. PostgreSQL gets an explicit type (`?::float8`): it cannot always infer one from
 * context (`CASE`, `COALESCE`, function arguments), and a wrong guess would be a runtime error.
 */
export const param = (d: SqlDialect, v: unknown, pgType: string): Sql =>
  ({ sql: d === 'postgres' ? `?::${pgType}` : '?', params: [v] });

const isFalse = (s: Sql): boolean => s.sql === 'FALSE';
const isTrue = (s: Sql): boolean => s.sql === 'TRUE';

/** `NOT x`; x must never be NULL (every compiled node is TRUE or FALSE), so this is plain negation. */
export const not = (x: Sql): Sql => (isTrue(x) ? FALSE : isFalse(x) ? TRUE : sql`NOT (${x})`);

export function and(xs: readonly Sql[]): Sql {
  const kept = xs.filter((x) => !isTrue(x));
  if (kept.some(isFalse)) return FALSE;
  if (kept.length === 0) return TRUE;
  return kept.length === 1 ? kept[0]! : sql`(${join(kept.map((x) => sql`(${x})`), ' AND ')})`;
}

export function or(xs: readonly Sql[]): Sql {
  const kept = xs.filter((x) => !isFalse(x));
  if (kept.some(isTrue)) return TRUE;
  if (kept.length === 0) return FALSE;
  return kept.length === 1 ? kept[0]! : sql`(${join(kept.map((x) => sql`(${x})`), ' OR ')})`;
}

/**
 * `then` where `cond` holds, FALSE elsewhere (also where cond is NULL). CASE rather than AND: it
 * is never NULL, and PostgreSQL evaluates `then` only on rows where cond holds, which is what
 * keeps type-specific expressions from ever seeing a value of the wrong type.
 */
export function when(cond: Sql, then: Sql): Sql {
  if (isFalse(cond) || isFalse(then)) return FALSE;
  return sql`CASE WHEN ${cond} THEN ${then} ELSE FALSE END`;
}

/**
 * `p` is among the profiles `sub` selects (`sub` selects a `profile_id` column). SQLite runs
 * `p.id IN (sub)` once into a temporary index wherever it sits in the tree. PostgreSQL turns IN into
 * a hash semi-join only at the top level; under NOT or OR it hashes the subquery only if it fits in
 * work_mem, and otherwise rescans it for every profile (measured: over 20 s for NOT IN with 1M
 * profiles). EXISTS over the same set becomes a hash semi/anti-join at the top level and an index
 * probe per profile elsewhere (0.4 s and 1.4 s there).
 */
export const profileIn = (d: SqlDialect, sub: Sql): Sql =>
  d === 'sqlite' ? sql`p.id IN (${sub})` : sql`EXISTS (SELECT 1 FROM (${sub}) AS hit WHERE hit.profile_id = p.id)`;
