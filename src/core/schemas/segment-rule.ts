import { z } from 'zod';
import { TailorError } from '../errors.ts';
import { textIssue } from './safe-text.ts';

/**
 * The segment rule language (DESIGN.md, "Segment rule language"): one serialisable tree with two
 * interpreters, src/core/segments/evaluate.ts (one profile, in memory) and
 * src/core/segments/compile-sql.ts (every profile, in SQL). Their semantics are written down in
 * src/core/segments/SEMANTICS.md; a property test holds them to it.
 */
export const OPS = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'in', 'nin', 'contains', 'exists', 'notExists', 'between', 'startsWith'] as const;
export type Op = (typeof OPS)[number];

export type Scalar = string | number | boolean;

/** `a.b.c`: object keys only. A key may not be empty or hold `"` (SQLite JSON paths cannot quote it). */
const PATH = /^[^."]+(\.[^."]+)*$/;
const DURATION = /^([1-9]\d{0,5})(m|h|d|w)$/;
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

export type Duration = string;

export function durationMs(d: Duration): number {
  const m = DURATION.exec(d);
  if (!m) throw new TailorError('validation_failed', `not a duration: ${d}`);
  return Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
}

export interface Comparison { op: Op; value?: unknown }
export type PropFilter = Comparison & { property: string };
export type Count = { eq: number } | { gt: number } | { gte: number } | { lt: number } | { lte: number };

export type Rule =
  | { all: Rule[] }
  | { any: Rule[] }
  | { not: Rule }
  | (Comparison & { trait: string })
  | (Comparison & { feature: string })
  | EventRule
  | { segment: string }
  | { consent: string };

export interface EventRule {
  event: string;
  where?: PropFilter[] | undefined;
  within?: Duration | undefined;
  count?: Count | undefined;
  notFollowedBy?: { event: string; where?: PropFilter[] | undefined; within: Duration } | undefined;
}

const scalar = z.union([z.string(), z.number().finite(), z.boolean()], { error: 'value must be a string, a number or a boolean' });
const orderable = z.union([z.string(), z.number().finite()], { error: 'value must be a string or a number' });
export const DurationSchema = z.string().regex(DURATION, 'a duration is a whole number of m, h, d or w, e.g. "30m", "24h", "7d", "4w"');
const path = z.string().min(1).max(200).regex(PATH, 'a path is dot-separated keys, none empty or holding a double quote');
const name = z.string().min(1).max(200);

/** The value each op takes: none for exists/notExists, a pair for between, a list for in/nin. */
function comparison<K extends string>(key: K, keySchema: z.ZodType<string>) {
  const base = { [key]: keySchema } as Record<K, z.ZodType<string>>;
  return z.discriminatedUnion('op', [
    z.strictObject({ ...base, op: z.enum(['eq', 'neq', 'contains']), value: scalar }),
    z.strictObject({ ...base, op: z.enum(['gt', 'gte', 'lt', 'lte']), value: orderable }),
    z.strictObject({ ...base, op: z.literal('startsWith'), value: z.string() }),
    z.strictObject({ ...base, op: z.enum(['in', 'nin']), value: z.array(scalar).min(1).max(1000) }),
    z.strictObject({
      ...base,
      op: z.literal('between'),
      value: z.tuple([orderable, orderable]).refine(([a, b]) => typeof a === typeof b, 'both ends of between must be numbers, or both strings'),
    }),
    z.strictObject({ ...base, op: z.enum(['exists', 'notExists']) }),
  ]);
}

const propFilter = comparison('property', path);
/** A filter on an event's properties (`where`), as campaign triggers take it too. */
export const PropFilterSchema = propFilter;
const count = z.union([
  z.strictObject({ eq: z.number().int().min(0) }),
  z.strictObject({ gt: z.number().int().min(0) }),
  z.strictObject({ gte: z.number().int().min(0) }),
  z.strictObject({ lt: z.number().int().min(0) }),
  z.strictObject({ lte: z.number().int().min(0) }),
], { error: 'count is one of {eq|gt|gte|lt|lte: n} with a whole n ≥ 0' });

const eventRule = z.strictObject({
  event: name,
  where: z.array(propFilter).max(20).optional(),
  within: DurationSchema.optional(),
  count: count.optional(),
  notFollowedBy: z.strictObject({ event: name, where: z.array(propFilter).max(20).optional(), within: DurationSchema }).optional(),
}).refine((r) => !(r.count && r.notFollowedBy), { message: 'an event rule takes count or notFollowedBy, not both', path: ['notFollowedBy'] });

const MAX_DEPTH = 12;

/**
 * One schema per node kind, picked by the node's key, so an error names the path to the bad node
 * instead of a union's "no option matched".
 */
const KINDS: Record<string, (depth: number) => z.ZodType> = {
  all: (d) => z.strictObject({ all: z.array(ruleAt(d + 1)).min(1).max(100) }),
  any: (d) => z.strictObject({ any: z.array(ruleAt(d + 1)).min(1).max(100) }),
  not: (d) => z.strictObject({ not: ruleAt(d + 1) }),
  trait: () => comparison('trait', path),
  feature: () => comparison('feature', name),
  event: () => eventRule,
  segment: () => z.strictObject({ segment: name }),
  consent: () => z.strictObject({ consent: name }),
};

function ruleAt(depth: number): z.ZodType<Rule> {
  return z.unknown().superRefine((v, ctx) => {
    if (depth > MAX_DEPTH) {
      ctx.addIssue({ code: 'custom', message: `rules nest at most ${MAX_DEPTH} deep` });
      return;
    }
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      ctx.addIssue({ code: 'custom', message: 'a rule is an object' });
      return;
    }
    const kind = Object.keys(KINDS).find((k) => k in v);
    if (!kind) {
      ctx.addIssue({ code: 'custom', message: `a rule has one of the keys ${Object.keys(KINDS).join(', ')}` });
      return;
    }
    const r = KINDS[kind]!(depth).safeParse(v);
    if (!r.success) for (const issue of r.error.issues) ctx.addIssue({ ...issue, code: 'custom', path: issue.path } as never);
    else if (kind !== 'all' && kind !== 'any' && kind !== 'not') {
      const bad = unsafeString(v, []);
      if (bad) ctx.addIssue({ code: 'custom', message: bad.issue, path: bad.path });
    }
  }) as unknown as z.ZodType<Rule>;
}

/**
 * The first name, path or value in a leaf node that the databases would not store or compare as
 * given (safe-text.ts): PostgreSQL drops NUL from a bound parameter (`contains "\u0000"` became
 * `contains ""`), SQLite cuts a JSON path at it, and jsonb refuses a lone surrogate. Refused on
 * both dialects, so that they agree.
 */
function unsafeString(v: unknown, path: (string | number)[]): { issue: string; path: (string | number)[] } | undefined {
  if (typeof v === 'string') {
    const issue = textIssue(v);
    return issue ? { issue, path } : undefined;
  }
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const bad = unsafeString(v[i], [...path, i]);
      if (bad) return bad;
    }
  } else if (typeof v === 'object' && v !== null) {
    for (const [k, x] of Object.entries(v)) {
      const bad = unsafeString(x, [...path, k]);
      if (bad) return bad;
    }
  }
  return undefined;
}

export const RuleSchema: z.ZodType<Rule> = ruleAt(0);

/** Why `p` is not a trait or property path (as rules take them, e.g. for `GET /v1/profiles?trait.<path>=`), or undefined. */
export function pathIssue(p: string): string | undefined {
  const r = path.safeParse(p);
  return r.success ? textIssue(p) : r.error.issues[0]!.message;
}

/** `all[1].where[0].value` from a zod issue path. */
export function formatPath(prefix: string, p: readonly PropertyKey[]): string {
  let s = prefix;
  for (const k of p) s += typeof k === 'number' ? `[${k}]` : s ? `.${String(k)}` : String(k);
  return s;
}

/** Parses a rule tree, or throws a TailorError whose field is the path to the first bad node. */
export function parseRule(v: unknown, field = 'rules'): Rule {
  const r = RuleSchema.safeParse(v);
  if (r.success) return v as Rule;
  throw validationError(field, r.error);
}

/** The first issue of a failed parse, as a TailorError whose field is the path to it. */
export function validationError(field: string, error: z.ZodError): TailorError {
  const issue = error.issues[0]!;
  const at = formatPath(field, issue.path);
  return new TailorError('validation_failed', `${at}: ${issue.message}`, at);
}

export const ruleKind = (r: Rule): 'all' | 'any' | 'not' | 'trait' | 'feature' | 'event' | 'segment' | 'consent' =>
  'all' in r ? 'all' : 'any' in r ? 'any' : 'not' in r ? 'not' : 'trait' in r ? 'trait' : 'feature' in r ? 'feature'
    : 'event' in r ? 'event' : 'segment' in r ? 'segment' : 'consent';
