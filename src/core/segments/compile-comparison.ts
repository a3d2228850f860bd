import type { Op } from '../schemas/segment-rule.ts';
import { FALSE, join, not, or, param, raw, sql, when, type Sql, type SqlDialect } from './compile-fragment.ts';

/**
 * Comparisons (SEMANTICS.md, "Values and comparisons") in SQL, over one *operand*: a JSON value
 * at a path (a trait, an event property) or a feature column. Each operand says how to test the
 * JSON type of its value and how to read it as an SQL scalar of that type; the ops are written
 * once on top of that, so traits, event properties and features cannot drift apart.
 */
export type Kind = 'string' | 'number';

export interface Operand {
  /** TRUE when the value is present and has this JSON type (`present`: any type but null); never NULL. */
  is(t: Kind | 'boolean' | 'array' | 'present'): Sql;
  /** `body` (which reads the value as type t) where the value has type t, else FALSE; never NULL. */
  guard(t: Kind | 'array', body: Sql): Sql;
  /** The value as an SQL scalar; only read where `is(t)` holds. Strings compare in code-point order. */
  scalar(t: Kind): Sql;
  /** A rule value bound to compare with `scalar(t)`. */
  bind(t: Kind, v: string | number): Sql;
  /** TRUE when the value is this boolean; never NULL. */
  isBoolean(v: boolean): Sql;
  /** TRUE when the value is an array with an element equal to v (same JSON type); read only where `is('array')`. */
  arrayHas(v: string | number | boolean): Sql;
  /** SQL substring and prefix tests on a `scalar('string')`. */
  readonly dialect: SqlDialect;
}

const kindOf = (v: unknown): Kind | 'boolean' | null =>
  typeof v === 'string' ? 'string' : typeof v === 'number' && Number.isFinite(v) ? 'number' : typeof v === 'boolean' ? 'boolean' : null;

const ORDER: Partial<Record<Op, string>> = { gt: '>', gte: '>=', lt: '<', lte: '<=' };

/** The comparison `{op, value}` on the operand, TRUE or FALSE (never NULL). */
export function compileComparison(x: Operand, op: Op, value: unknown): Sql {
  switch (op) {
    case 'exists': return x.is('present');
    case 'notExists': return not(x.is('present'));
    case 'eq': return inList(x, [value]);
    case 'neq': return not(inList(x, [value]));
    case 'in': return inList(x, Array.isArray(value) ? value : []);
    case 'nin': return not(inList(x, Array.isArray(value) ? value : []));
    case 'gt': case 'gte': case 'lt': case 'lte': {
      const k = kindOf(value);
      if (k !== 'string' && k !== 'number') return FALSE;
      return x.guard(k, sql`${x.scalar(k)} ${raw(ORDER[op]!)} ${x.bind(k, value as string | number)}`);
    }
    case 'between': {
      const [lo, hi] = Array.isArray(value) ? value : [];
      const k = kindOf(lo);
      if ((k !== 'string' && k !== 'number') || kindOf(hi) !== k) return FALSE;
      // BETWEEN is inclusive at both ends (x >= lo AND x <= hi) and reads the operand once.
      return x.guard(k, sql`${x.scalar(k)} BETWEEN ${x.bind(k, lo as string | number)} AND ${x.bind(k, hi as string | number)}`);
    }
    case 'contains': {
      const k = kindOf(value);
      if (k === null) return FALSE;
      const inArray = x.guard('array', x.arrayHas(value as string | number | boolean));
      if (k !== 'string') return inArray;
      const inString = x.guard('string', substring(x, value as string, 'contains'));
      return or([inString, inArray]);
    }
    case 'startsWith':
      return typeof value === 'string' ? x.guard('string', substring(x, value, 'startsWith')) : FALSE;
  }
}

/**
 * Case-sensitive substring and prefix tests. No LIKE/GLOB: their wildcards would need escaping and
 * LIKE is case-insensitive on SQLite. SQLite's instr() counts characters; position 1 is a prefix
 * (and the empty string is found at 1, as JavaScript's includes/startsWith('') are true).
 */
function substring(x: Operand, v: string, kind: 'contains' | 'startsWith'): Sql {
  const s = x.scalar('string');
  const b = x.bind('string', v);
  if (x.dialect === 'sqlite') return kind === 'contains' ? sql`instr(${s}, ${b}) > 0` : sql`instr(${s}, ${b}) = 1`;
  return kind === 'contains' ? sql`strpos(${s}, ${b}) > 0` : sql`starts_with(${s}, ${b})`;
}

/** Equal to one of the values: each value compares only with a value of its own JSON type. */
function inList(x: Operand, values: readonly unknown[]): Sql {
  const strings = values.filter((v): v is string => kindOf(v) === 'string');
  const numbers = values.filter((v): v is number => kindOf(v) === 'number');
  const booleans = [...new Set(values.filter((v): v is boolean => typeof v === 'boolean'))];
  const typed = (k: Kind, vs: (string | number)[]): Sql => {
    if (vs.length === 0) return FALSE;
    const s = x.scalar(k);
    if (vs.length === 1) return x.guard(k, sql`${s} = ${x.bind(k, vs[0]!)}`);
    return x.guard(k, sql`${s} IN (${join(vs.map((v) => x.bind(k, v)), ', ')})`);
  };
  return or([typed('string', strings), typed('number', numbers), ...booleans.map((b) => x.isBoolean(b))]);
}

/** SQLite: a JSON column as a document its JSON functions can read, or NULL (see jsonOperand). */
export const sqliteDoc = (column: string): string => `CASE WHEN json_valid(${column}) THEN ${column} END`;

/** SQLite: `$."a"."b"`. Quoted labels are JSON-unescaped by SQLite, so a key is written as a JSON string. */
export const sqlitePath = (keys: readonly string[]): string => `$${keys.map((k) => `.${JSON.stringify(k)}`).join('')}`;

/**
 * A JSON value at a dot path in a JSON column (`p.traits`, `e.properties`). The path is bound as a
 * parameter. Paths go through object keys only (as getPath in compare.ts): SQLite's quoted labels
 * never index arrays, and on PostgreSQL `->` with a text key yields NULL on an array (where `#>`
 * would read `a.0` as an index).
 */
export function jsonOperand(d: SqlDialect, column: string, path: string): Operand {
  const keys = path.split('.');
  if (d === 'sqlite') {
    const p = () => param(d, sqlitePath(keys), 'text');
    // A document SQLite cannot parse (nested over its 1000-level limit, stored before ingest had a
    // depth limit) reads as no document, i.e. every path missing, instead of failing the whole query
    // with "malformed JSON". The check costs little: SQLite caches the parse for the json_type and
    // json_extract that follow (measured on 200k profiles: within the run-to-run noise).
    const doc = sqliteDoc(column);
    const type = () => sql`COALESCE(json_type(${raw(doc)}, ${p()}), 'null')`;
    const SQLITE_TYPES = { string: `'text'`, number: `'integer', 'real'`, boolean: `'true', 'false'`, array: `'array'` } as const;
    return {
      dialect: d,
      is: (t) => (t === 'present' ? sql`${type()} <> 'null'` : sql`${type()} IN (${raw(SQLITE_TYPES[t])})`),
      guard: (t, body) => when(sql`${type()} IN (${raw(SQLITE_TYPES[t])})`, body),
      // json_extract gives text, integer or real for these types (booleans would be 1/0: they go through json_type).
      scalar: () => sql`json_extract(${raw(doc)}, ${p()})`,
      bind: (_t, v) => param(d, v, 'text'),
      isBoolean: (v) => sql`${type()} = ${param(d, v ? 'true' : 'false', 'text')}`,
      arrayHas: (v) => {
        const elem = typeof v === 'boolean' ? sql`je.type = ${param(d, v ? 'true' : 'false', 'text')}`
          : typeof v === 'string' ? sql`je.type = 'text' AND je.value = ${param(d, v, 'text')}`
          : sql`je.type IN ('integer', 'real') AND je.value = ${param(d, v, 'text')}`;
        // json_each on a scalar yields that scalar as one row: callers guard with is('array').
        return sql`EXISTS (SELECT 1 FROM json_each(${raw(doc)}, ${p()}) AS je WHERE ${elem})`;
      },
    };
  }
  const value = () => sql`${raw(column)}${join(keys.map((k) => sql` -> ${param(d, k, 'text')}`), '')}`;
  const text = () => sql`(${raw(column)}${join(keys.map((k, i) => sql` ${raw(i === keys.length - 1 ? '->>' : '->')} ${param(d, k, 'text')}`), '')})`;
  const type = () => sql`COALESCE(jsonb_typeof(${value()}), 'null')`;
  return {
    dialect: d,
    is: (t) => (t === 'present' ? sql`${type()} <> 'null'` : sql`${type()} = ${raw(`'${t}'`)}`),
    guard: (t, body) => when(sql`${type()} = ${raw(`'${t}'`)}`, body),
    // Numbers compare as jsonb (numeric order, no cast that could fail); strings as text in the "C"
    // collation, i.e. by UTF-8 bytes = code points, whatever the database's default collation.
    scalar: (t) => (t === 'number' ? value() : sql`${text()} COLLATE "C"`),
    bind: (t, v) => (t === 'number' ? param(d, JSON.stringify(v), 'jsonb') : param(d, v, 'text')),
    isBoolean: (v) => sql`COALESCE(${value()} = ${param(d, JSON.stringify(v), 'jsonb')}, FALSE)`,
    // jsonb containment: an array contains [v] when some element equals v (numbers numerically,
    // strings exactly); a nested array element never matches a scalar.
    arrayHas: (v) => sql`${value()} @> ${param(d, JSON.stringify([v]), 'jsonb')}`,
  };
}

/**
 * A nullable SQL scalar of one kind (a feature): present when NOT NULL. `expr` is fixed SQL
 * (column names from the catalog) plus its own parameters.
 */
export function scalarOperand(d: SqlDialect, expr: Sql, kind: Kind): Operand {
  return {
    dialect: d,
    is: (t) => (t === kind || t === 'present' ? sql`(${expr}) IS NOT NULL` : FALSE),
    // The comparison is NULL exactly where the value is: COALESCE reads the expression once.
    guard: (t, body) => (t === kind ? sql`COALESCE(${body}, FALSE)` : FALSE),
    scalar: (t) => (t === 'string' && d === 'postgres' ? sql`(${expr}) COLLATE "C"` : sql`(${expr})`),
    // float8 compares as JavaScript does (IEEE doubles); integer and bigint columns widen exactly.
    bind: (t, v) => param(d, v, t === 'number' ? 'float8' : 'text'),
    isBoolean: () => FALSE,
    arrayHas: () => FALSE,
  };
}

/** A value that is always missing (an unknown feature). */
export const missingOperand = (d: SqlDialect): Operand => ({
  dialect: d, is: () => FALSE, guard: () => FALSE, scalar: () => raw('NULL'), bind: (_t, v) => param(d, v, 'text'), isBoolean: () => FALSE, arrayHas: () => FALSE,
});
