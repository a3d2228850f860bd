import { columnOf, DAY_MS, featureDef, featureValue } from '../features/catalog.ts';
import type { Op } from '../schemas/segment-rule.ts';
import { compileComparison, missingOperand, scalarOperand } from './compile-comparison.ts';
import { param, raw, sql, type Sql, type SqlDialect } from './compile-fragment.ts';
import { ruleFeatureValue } from './prepare-values.ts';

/** Identifiers come from the catalog, never from a rule; still, only plain snake_case reaches SQL text. */
function col(field: string): Sql {
  const c = columnOf(field);
  if (!/^[a-z][a-z0-9_]*$/.test(c)) throw new Error(`not a feature column: ${field}`);
  return raw(`f.${c}`);
}

/**
 * featureValue(name, row, now) (features/catalog.ts) as SQL over `f`, the LEFT JOINed
 * profile_features row (all NULL when the profile has none). Null where featureValue is null.
 */
export function featureExpr(d: SqlDialect, name: string, now: number): Sql | null {
  const def = featureDef(name);
  if (!def) return null;
  const s = def.source;
  if ('column' in s) {
    // Counters read 0 without a row; ask featureValue itself which ones, rather than restate its rule.
    const dflt = featureValue(name, null, now);
    if (dflt === null) return col(s.column);
    return sql`CASE WHEN f.profile_id IS NULL THEN ${param(d, dflt, typeof dflt === 'number' ? 'float8' : 'text')} ELSE ${col(s.column)} END`;
  }
  if ('daysSince' in s) {
    // Math.floor((now - t) / DAY_MS) in doubles, as JavaScript computes it (SQLite's `?` binds a
    // JavaScript number as REAL; PostgreSQL gets float8). Integer division would truncate toward
    // zero instead of flooring for times after now.
    const nowP = param(d, now, 'float8');
    return d === 'sqlite'
      ? sql`floor((${nowP} - ${col(s.daysSince)}) / ${raw(`${DAY_MS}.0`)})`
      : sql`floor((${nowP} - ${col(s.daysSince)}) / ${raw(`${DAY_MS}.0::float8`)})`;
  }
  const [num, den] = s.ratio;
  const n = d === 'sqlite' ? sql`CAST(${col(num)} AS REAL)` : sql`${col(num)}::float8`;
  return sql`CASE WHEN ${col(den)} > 0 THEN ${n} / ${col(den)} END`;
}

/** `{feature, op, value}`: an unknown feature is always missing. */
export function compileFeature(d: SqlDialect, r: { feature: string; op: Op; value?: unknown }, now: number): Sql {
  const expr = featureExpr(d, r.feature, now);
  const kind = featureDef(r.feature)?.kind;
  const x = expr === null || kind === undefined ? missingOperand(d) : scalarOperand(d, expr, kind === 'string' ? 'string' : 'number');
  return compileComparison(x, r.op, ruleFeatureValue(r.feature, r.value));
}
