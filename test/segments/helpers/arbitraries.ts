import fc from 'fast-check';
import { DAY_MS, FEATURES } from '../../../src/core/features/catalog.ts';
import { durationMs, type Count, type PropFilter, type Rule } from '../../../src/core/schemas/segment-rule.ts';
import type { FixtureProfile } from './insert-fixtures.ts';

/**
 * Random rules and profiles for the agreement test. Values come from small vocabularies full of
 * edge cases so that rules and data actually meet: code-point order ("Z" < "a" < "é" < "ﬀ" < "😀",
 * which JavaScript's UTF-16 `<` gets wrong for the last pair), numbers against numeric strings,
 * booleans against 1/0, null against missing, arrays and nested objects, and event times exactly
 * at window edges.
 */
export const NOW = Date.UTC(2026, 5, 15, 12, 0, 0);
const MIN = 60_000;
const HOUR = 60 * MIN;

export const SEGMENTS = new Map([['vip', 'seg-vip'], ['lapsed', 'seg-lapsed']]);

// Small vocabularies, so that a rule's value often equals, or sits next to, the data's.
const STRINGS = ['', 'a', 'b', 'Z', 'ab', 'é', 'ﬀ', '😀', 'ab😀', '5', 'true', 'EU', 'eu', 'x\ny'];
const NUMBERS = [0, 1, 5, 5.5, -3, 0.1, 0.30000000000000004, 1e21, 10];

const str = fc.constantFrom(...STRINGS);
const num = fc.oneof(fc.constantFrom(...NUMBERS), fc.integer({ min: -1, max: 6 }));
const scalar = fc.oneof({ weight: 3, arbitrary: str }, { weight: 3, arbitrary: num }, { weight: 1, arbitrary: fc.boolean() });

/** JSON values at most two objects deep, keyed from `keys`. */
function jsonValue(keys: readonly string[]): fc.Arbitrary<unknown> {
  const leaf = fc.oneof({ weight: 5, arbitrary: scalar }, { weight: 1, arbitrary: fc.constant(null) },
    { weight: 2, arbitrary: fc.array(fc.oneof({ weight: 5, arbitrary: scalar }, fc.constant(null), fc.array(scalar, { maxLength: 2 })), { maxLength: 4 }) });
  const obj = fc.record(Object.fromEntries(keys.map((k) => [k, leaf])), { requiredKeys: [] });
  return fc.oneof({ weight: 4, arbitrary: leaf }, { weight: 2, arbitrary: obj });
}

// `a\b` and a tab check path escaping on SQLite; `0` and `length` check that paths never index
// arrays or read string/array properties.
const TOP_KEYS = ['a', 'b', 'tags', '0', 'é', 'a\\b', 't\tab'];
const NESTED_KEYS = ['a', '0', 'length'];
const PROP_KEYS = ['p', 'q', 'tags'];
const jsonObject = (keys: readonly string[]) => fc.record(Object.fromEntries(keys.map((k) => [k, jsonValue(NESTED_KEYS)])), { requiredKeys: [] });

const pathFrom = (top: readonly string[]) => fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...top) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...top), fc.constantFrom(...NESTED_KEYS)).map(([a, b]) => `${a}.${b}`) });

/** `{op, value}` with a value each op accepts, drawn from `s` (scalars), `o` (orderables), `t` (strings). */
function comparison(s: fc.Arbitrary<unknown>, o: fc.Arbitrary<string | number>, t: fc.Arbitrary<string>): fc.Arbitrary<{ op: string; value?: unknown }> {
  return fc.oneof(
    fc.record({ op: fc.constantFrom('eq', 'neq', 'contains'), value: s }),
    fc.record({ op: fc.constantFrom('gt', 'gte', 'lt', 'lte'), value: o }),
    fc.record({ op: fc.constant('startsWith'), value: t }),
    fc.record({ op: fc.constantFrom('in', 'nin'), value: fc.array(s, { minLength: 1, maxLength: 4 }) }),
    fc.record({ op: fc.constant('between'), value: fc.tuple(o, o).filter(([a, b]) => typeof a === typeof b) }),
    fc.record({ op: fc.constantFrom('exists', 'notExists') }),
  );
}

const traitRule = fc.tuple(pathFrom(TOP_KEYS), comparison(scalar, fc.oneof(str, num), str)).map(([trait, c]) => ({ trait, ...c }) as Rule);

const isoNear = fc.integer({ min: -40, max: 3 }).chain((k) => fc.constantFrom(
  new Date(NOW - k * DAY_MS).toISOString(), // with an offset (Z)
  new Date(NOW - k * DAY_MS).toISOString().slice(0, 10), // date only: UTC midnight
  new Date(NOW - k * DAY_MS).toISOString().slice(0, 19), // no offset: read as UTC
  new Date(NOW - k * DAY_MS).toISOString().slice(0, 10).replaceAll('-', ''), // ISO basic form
));
const timeValue = fc.oneof({ weight: 2, arbitrary: isoNear }, fc.constantFrom('June 1, 2026', '20260601', 'soon', '2026-02-30', '2026-06-14T12:00:00+02:00', ''),
  fc.integer({ min: -40, max: 3 }).chain((k) => fc.constantFrom(NOW - k * DAY_MS, NOW - k * DAY_MS + 1)));
/** Rule values in the range each feature's data takes (see `features` below), plus type mismatches. */
const COUNTS = fc.oneof(fc.integer({ min: -1, max: 6 }), fc.constant(2.5));
const MONEY = fc.constantFrom(0, 10, 12.5, 50, 99.99, 100, 250, 33.333333333333336);
const DAYS = fc.oneof(fc.integer({ min: -3, max: 41 }), fc.constantFrom(2.5, 0.5));
const NUMBER_VALUES: Record<string, fc.Arbitrary<number>> = {
  recency_days: DAYS, tenure_days: DAYS, days_since_open: DAYS, monetary: MONEY, revenue_90d: MONEY, aov: MONEY,
  rfm_r: fc.integer({ min: 0, max: 6 }), rfm_f: fc.integer({ min: 0, max: 6 }), rfm_m: fc.integer({ min: 0, max: 6 }),
  rfm_score: fc.constantFrom(111, 300, 345, 545, 555),
  churn_risk: fc.constantFrom(0, 0.1, 0.5, 0.7, 1), purchase_propensity: fc.constantFrom(0, 0.5, 0.7), p_alive: fc.constantFrom(0, 0.5, 1),
  predicted_revenue_90d: MONEY, clv: MONEY, cluster: fc.integer({ min: -1, max: 5 }),
};
const mismatch = fc.constantFrom<string | number | boolean>('5', '0', true, false);
const categoryValue = fc.oneof(fc.constantFrom('shoes', 'Shoes', 'sh', 'é', 'Champions', 'At Risk', 'At', ''), fc.constantFrom(5, false));

// Time features get extra weight: their ISO-string values are where the two interpreters could read a rule differently.
const TIME_FEATURES = Object.keys(FEATURES).filter((f) => FEATURES[f]!.kind === 'time');
const featureName = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...Object.keys(FEATURES), 'unknown_feature') },
  { weight: 1, arbitrary: fc.constantFrom(...TIME_FEATURES) });
const featureRule = featureName.chain((feature) => {
  const kind = FEATURES[feature]?.kind ?? 'number';
  const n = NUMBER_VALUES[feature] ?? COUNTS;
  const orderable = <T>(a: fc.Arbitrary<T>) => a.filter((v): v is T & (string | number) => typeof v === 'string' || typeof v === 'number');
  const [s, o, t] = kind === 'time' ? [timeValue, orderable(timeValue), timeValue.filter((v): v is string => typeof v === 'string')]
    : kind === 'string' ? [categoryValue, orderable(categoryValue), fc.constantFrom('sh', 'S', 'At', '', 'é', 'hoes', 'Risk')]
    : [fc.oneof({ weight: 6, arbitrary: n }, { weight: 1, arbitrary: mismatch }), n, fc.constantFrom('5', '')];
  return comparison(s, o, t).map((c) => ({ feature, ...c }) as Rule);
});

export const DURATIONS = ['30m', '1h', '24h', '1d', '2d', '3d', '1w'];
/** notFollowedBy's W: few, so that the generated A-then-B pairs often match a rule. */
const FOLLOW_UPS = ['30m', '1h', '1d'];
const EVENT_NAMES = ['A', 'B', 'Order Completed', 'Z'];
const propFilter: fc.Arbitrary<PropFilter> = fc.tuple(pathFrom(PROP_KEYS), comparison(scalar, fc.oneof(str, num), str))
  .map(([property, c]) => ({ property, ...c }) as PropFilter);
const where = fc.option(fc.array(propFilter, { minLength: 1, maxLength: 2 }), { nil: undefined, freq: 2 });
const count: fc.Arbitrary<Count | undefined> = fc.option(fc.tuple(fc.constantFrom('eq', 'gt', 'gte', 'lt', 'lte'), fc.integer({ min: 0, max: 3 }))
  .map(([k, n]) => ({ [k]: n }) as Count), { nil: undefined, freq: 2 });
const within = fc.option(fc.constantFrom(...DURATIONS), { nil: undefined, freq: 3 });

/** Drops undefined keys: the schema is strict, and stored rules have no such keys. */
const clean = <T extends object>(o: T): T => JSON.parse(JSON.stringify(o)) as T;

const eventRule = fc.record({ event: fc.constantFrom(...EVENT_NAMES), where, within, count }).map((r) => clean(r) as Rule);
const notFollowedByRule = fc.record({
  event: fc.constantFrom(...EVENT_NAMES), where, within,
  notFollowedBy: fc.record({ event: fc.constantFrom(...EVENT_NAMES), where, within: fc.constantFrom(...FOLLOW_UPS) }),
}).map((r) => clean(r) as Rule);

const leaf: fc.Arbitrary<Rule> = fc.oneof(
  { weight: 4, arbitrary: traitRule },
  { weight: 4, arbitrary: featureRule },
  { weight: 3, arbitrary: eventRule },
  { weight: 3, arbitrary: notFollowedByRule },
  { weight: 1, arbitrary: fc.constantFrom('vip', 'lapsed', 'ghost').map((segment) => ({ segment })) },
  { weight: 1, arbitrary: fc.constantFrom('email', 'sms', 'push').map((consent) => ({ consent })) },
);

function ruleAt(depth: number): fc.Arbitrary<Rule> {
  if (depth === 0) return leaf;
  const sub = ruleAt(depth - 1);
  return fc.oneof(
    { weight: 4, arbitrary: leaf },
    { weight: 1, arbitrary: fc.array(sub, { minLength: 1, maxLength: 3 }).map((all) => ({ all })) },
    { weight: 1, arbitrary: fc.array(sub, { minLength: 1, maxLength: 3 }).map((any) => ({ any })) },
    { weight: 1, arbitrary: sub.map((r) => ({ not: r })) },
  );
}

export const rule = ruleAt(3);

/** Where a rule holds names, paths and values (not `op` or `within`, whose own checks would speak first). */
function stringSlots(v: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (typeof v === 'string') return [path];
  if (Array.isArray(v)) return v.flatMap((x, i) => stringSlots(x, [...path, i]));
  if (typeof v === 'object' && v !== null) {
    return Object.entries(v).flatMap(([k, x]) => (k === 'op' || k === 'within' ? [] : stringSlots(x, [...path, k])));
  }
  return [];
}

function formatSlot(path: (string | number)[]): string {
  return path.reduce<string>((s, k) => (typeof k === 'number' ? `${s}[${k}]` : `${s}.${k}`), 'rules');
}

/**
 * A valid rule with NUL or an unpaired surrogate put into one of its strings: the databases would
 * not store or compare such a string as given (safe-text.ts), so parseRule must refuse the rule,
 * naming that string. Inserted anywhere, even inside a surrogate pair, the string is ill-formed.
 */
export const poisonedRule: fc.Arbitrary<{ rule: Rule; refusedAt: string }> = rule.chain((r) => {
  const slots = stringSlots(r);
  return fc.tuple(fc.integer({ min: 0, max: slots.length - 1 }), fc.constantFrom('\u0000', '\ud800', '\udfff'), fc.nat()).map(([i, bad, at]) => {
    const copy = structuredClone(r) as unknown as Record<string | number, unknown>;
    const path = slots[i]!;
    let parent = copy;
    for (const k of path.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>;
    const last = path[path.length - 1]!;
    const s = parent[last] as string;
    const pos = at % (s.length + 1);
    parent[last] = s.slice(0, pos) + bad + s.slice(pos);
    return { rule: copy as unknown as Rule, refusedAt: formatSlot(path) };
  });
});

/** Mostly valid rules, and about one in ten that must be refused. */
export const ruleOrPoisoned: fc.Arbitrary<{ rule: Rule; refusedAt?: string }> = fc.oneof(
  { weight: 9, arbitrary: rule.map((r) => ({ rule: r })) },
  { weight: 1, arbitrary: poisonedRule },
);

// Times around NOW: exactly on, and 1 ms either side of, every window edge; a half-hour grid (so
// that a B lands exactly W after an A); anywhere in the last 10 days; and in the future.
const EDGES = [0, 30 * MIN, HOUR, 24 * HOUR, 2 * DAY_MS, 3 * DAY_MS, 7 * DAY_MS];
const offset = fc.oneof(
  fc.tuple(fc.constantFrom(...EDGES), fc.constantFrom(-1, 0, 0, 1)).map(([e, j]) => -e + j),
  fc.integer({ min: -48, max: 2 }).map((k) => k * 30 * MIN),
  fc.integer({ min: -10 * DAY_MS, max: DAY_MS }),
);

const eventAt = (timestamp: fc.Arbitrary<number>) => fc.record({
  type: fc.constantFrom('track', 'track', 'track', 'page', 'screen', 'identify', 'group'),
  name: fc.constantFrom(...EVENT_NAMES.slice(0, 3)),
  timestamp,
  properties: jsonObject(PROP_KEYS),
}).map((e) => ({ ...e, name: e.type === 'identify' && e.name === 'A' ? null : e.name }));

/**
 * Events, plus pairs of an event and another exactly one follow-up duration later (or 1 ms either
 * side), both in the past: the edges of notFollowedBy's `a.t < b.t <= a.t + W`.
 */
const pair = fc.tuple(fc.constantFrom(...FOLLOW_UPS), fc.integer({ min: 1, max: 3 }), fc.constantFrom(-1, 0, 0, 0, 1))
  .chain(([w, k, j]) => {
    const t = NOW - k * durationMs(w);
    const track = (e: FixtureProfile['events'][number]) => ({ ...e, type: 'track', name: e.name ?? 'A' });
    return fc.tuple(eventAt(fc.constant(t)).map(track), eventAt(fc.constant(t + durationMs(w) + j)).map(track));
  });
const events = fc.tuple(fc.array(eventAt(offset.map((o) => NOW + o)), { maxLength: 6 }), fc.array(pair, { maxLength: 3 }))
  .map(([es, pairs]) => [...es, ...pairs.flat()]);

/** Days before NOW, exactly on a day boundary or 1 ms off it, or anywhere; some in the future. */
const timeOrNull = fc.option(fc.oneof(
  fc.tuple(fc.integer({ min: -2, max: 40 }), fc.constantFrom(-1, 0, 0, 1)).map(([k, j]) => NOW - k * DAY_MS + j),
  fc.integer({ min: NOW - 60 * DAY_MS, max: NOW + DAY_MS }),
), { nil: null, freq: 4 });
const small = fc.integer({ min: 0, max: 5 });
const score = fc.option(fc.integer({ min: 1, max: 5 }), { nil: null, freq: 4 });

/** Model scores: 0, 1 and values near the thresholds rules use. */
const probability = fc.option(fc.constantFrom(0, 0.1, 0.5, 0.7, 0.70001, 1), { nil: null, freq: 4 });

const features = fc.record({
  firstEventAt: timeOrNull, lastEventAt: timeOrNull, frequency: small,
  monetary: fc.constantFrom(0, 10, 12.5, 99.99, 100, 250),
  firstOrderAt: timeOrNull, lastOrderAt: timeOrNull, orders90d: small, revenue90d: fc.constantFrom(0, 12.5, 99.99),
  opens30d: small, clicks30d: small, lastOpenAt: timeOrNull, lastClickAt: timeOrNull,
  topCategory: fc.option(fc.constantFrom('shoes', 'Shoes', 'é', 'hats'), { nil: null, freq: 4 }),
  categoryCounts: fc.constant({}), hourHistogram: fc.constant([] as number[]),
  rfmR: score, rfmF: score, rfmM: score, rfmScore: fc.option(fc.constantFrom(111, 345, 545, 555), { nil: null, freq: 4 }),
  rfmSegment: fc.option(fc.constantFrom('Champions', 'At Risk', 'Lost'), { nil: null, freq: 4 }),
  cluster: fc.option(fc.integer({ min: -1, max: 4 }), { nil: null, freq: 4 }),
  churnRisk: probability, purchasePropensity: probability, pAlive: probability,
  predictedRevenue90d: fc.option(fc.constantFrom(0, 12.5, 99.99, 250), { nil: null, freq: 4 }),
  clv: fc.option(fc.constantFrom(0, 12.5, 99.99, 250), { nil: null, freq: 4 }),
  windowsAsOf: fc.constant(NOW), windowsExpireAt: fc.constant(null),
});

/** Per known segment: not a member, a member, a past member, or a past and current member. */
const memberships = fc.tuple(...[...SEGMENTS.keys()].map((segment) => fc.constantFrom('none', 'current', 'past', 'both').map((k) => {
  const past = { segment, enteredAt: NOW - 10 * DAY_MS, exitedAt: NOW - 5 * DAY_MS };
  const current = { segment, enteredAt: NOW - DAY_MS, exitedAt: null };
  return k === 'none' ? [] : k === 'current' ? [current] : k === 'past' ? [past] : [past, current];
}))).map((xs) => xs.flat());

/** Granted, withdrawn or never asked, per purpose. */
const consents = fc.tuple(...['email', 'sms'].map((purpose) => fc.constantFrom('none', 'granted', 'withdrawn').map((k) => ({ purpose, k }))))
  .map((xs) => xs.filter((x) => x.k !== 'none').map((x) => ({ purpose: x.purpose, granted: x.k === 'granted' })));

export const profile = fc.record({
  traits: jsonObject(TOP_KEYS),
  events,
  features: fc.option(features, { nil: null, freq: 4 }),
  memberships,
  consents,
});

export const profiles: fc.Arbitrary<FixtureProfile[]> = fc.array(fc.tuple(profile, fc.integer({ min: 0, max: 9 })), { minLength: 20, maxLength: 30 })
  .map((ps) => ps.map(([p, m], i) => ({
    id: `p${String(i).padStart(2, '0')}`,
    traits: p.traits,
    // Merged profiles (about 1 in 10) are never selected, whatever their data.
    mergedInto: m === 0 && i > 0 ? 'p00' : null,
    events: p.events,
    features: p.features,
    memberships: p.memberships,
    consents: p.consents,
  })));
