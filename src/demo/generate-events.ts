import { BEHAVIOURS, type Behaviour, type Range } from './behaviours.ts';
import type { DemoCampaign } from './campaigns.ts';
import { SHOP_URL } from './catalog.ts';
import type { DemoCustomer } from './customers.ts';
import type { DemoEvent } from './demo-event.ts';
import { email } from './email-engagement.ts';
import { DAY, HOUR, localToUtc, MINUTE, utcDay } from './local-time.ts';
import { ProductPicker } from './product-picker.ts';
import { rngFor, type Rng } from '../core/prng.ts';
import { sessionEvents, type SessionPlan, type Shopper } from './sessions.ts';

/**
 * One customer's history over the window [start, end): sign-up, shop visits and email engagement,
 * as events in time order. Pure, and driven by its own random stream, so customers can be generated
 * (and loaded) one at a time.
 */
export interface HistoryContext {
  seed: number;
  start: number;
  end: number;
  picker: ProductPicker;
  campaigns: readonly DemoCampaign[];
}

/** Newcomers' whole history (including anonymous browsing) falls within this many days before the end. */
export const NEWCOMER_DAYS = 41;
/** Lapsed customers do nothing on the site for at least this many days before the end. */
export const LAPSED_QUIET_DAYS = 155;

export function customerHistory(ctx: HistoryContext, c: DemoCustomer): DemoEvent[] {
  const rng = rngFor(ctx.seed, 'history', c.index);
  const b = BEHAVIOURS[c.segment];
  const counters = { order: 0, cart: 0 };
  const shopper: Shopper = {
    rng, picker: ctx.picker, group: ProductPicker.group(c.gender), categoryWeights: c.categoryWeights,
    saleAffinity: b.saleAffinity, priceDraws: b.priceDraws, itemsPerOrder: b.itemsPerOrder,
    nextId: (kind) => `${kind === 'order' ? 'ORD' : 'CART'}-${ctx.seed}-${c.index + 1}-${++counters[kind]}`,
  };
  const from = Math.max(ctx.start, c.signupAt);
  const to = c.segment === 'lapsed'
    ? Math.min(from + rng.float(...b.activeDays!) * DAY, ctx.end - LAPSED_QUIET_DAYS * DAY)
    : ctx.end - MINUTE;
  const scale = b.perYear ? (to - from) / (365 * DAY) : 1;
  const count = (r: Range) => Math.floor(rng.float(r[0], r[1] + 1) * scale + (b.perYear ? rng.next() : 0));
  const at = (lo: number, hi: number, day = lo + rng.next() * (hi - lo)) => localTime(rng, c, utcDay(day), lo, hi);

  const plans: SessionPlan[] = [];
  for (const t of orderTimes(rng, b, from, to, count(b.orders))) {
    const start = at(from, to, t);
    if (start !== undefined) plans.push({ kind: 'purchase', start });
  }
  for (let n = count(b.browse); n > 0; n--) pushIf(plans, 'browse', at(from, to));
  for (let n = count(b.abandon); n > 0; n--) pushIf(plans, 'abandon', at(from, to));

  const events: DemoEvent[] = [...signUp(rng, ctx, c)];
  if (c.anonymousFirst) {
    // Anonymous visits in the two weeks before sign-up; they merge into the profile at sign-up.
    const lo = Math.max(c.signupAt - 14 * DAY, ctx.start, c.segment === 'newcomer' ? ctx.end - NEWCOMER_DAYS * DAY : 0);
    for (let n = rng.int(1, 3); n > 0; n--) pushIf(plans, 'browse', at(lo, c.signupAt - HOUR));
  }
  events.push(...email(rng, ctx.campaigns, c, b, { quietFrom: c.segment === 'lapsed' ? to : ctx.end, end: ctx.end }, plans));
  for (const p of plans) events.push(...sessionEvents(shopper, p));
  return events.filter((e) => e.at < ctx.end).sort((x, y) => x.at - y.at);
}

function pushIf(plans: SessionPlan[], kind: SessionPlan['kind'], start: number | undefined): void {
  if (start !== undefined) plans.push({ kind, start });
}

/** Order days: a steady rhythm with ±15 % jitter for regular buyers, otherwise at random. */
function orderTimes(rng: Rng, b: Behaviour, from: number, to: number, n: number): number[] {
  if (n <= 0) return [];
  const span = to - from;
  if (!b.regular) return Array.from({ length: n }, () => from + rng.next() * span);
  const gap = span / n;
  const phase = rng.float(0.2, 0.8);
  return Array.from({ length: n }, (_, k) => Math.min(to, Math.max(from, from + gap * (k + phase) + rng.normal(0, 0.15 * gap))));
}

/**
 * A visit time on the local date `day`: usually near the customer's preferred hour, otherwise any
 * daytime hour. Kept within [lo, hi] by moving a day if needed; undefined if it cannot fit.
 */
export function localTime(rng: Rng, c: DemoCustomer, day: number, lo: number, hi: number): number | undefined {
  const hour = rng.chance(0.65)
    ? Math.min(23, Math.max(6, Math.round(rng.normal(c.preferredHour, 1.2))))
    : rng.int(8, 22);
  let t = localToUtc(c.timezone, day, hour * 60 + rng.int(0, 59));
  if (t < lo) t += DAY;
  if (t > hi) t -= DAY;
  return t >= lo && t <= hi ? t : undefined;
}

/** The sign-up (or, for accounts older than the window, the profile as first synced) and its welcome page. */
function signUp(rng: Rng, ctx: HistoryContext, c: DemoCustomer): DemoEvent[] {
  const traits = {
    email: c.email, first_name: c.firstName, last_name: c.lastName, ...(c.gender ? { gender: c.gender } : {}),
    birthday: c.birthday, ...(c.phone ? { phone: c.phone } : {}), country: c.country, region: c.region, city: c.city,
    timezone: c.timezone, signed_up_at: new Date(c.signupAt).toISOString(),
    // Ground truth for tests only: never an input to features, segments or models.
    demo_segment: c.segment, demo_preferred_hour: c.preferredHour,
    // How they read email (responder/reading-habits.ts); -1 for no habitual hour (the control data set).
    demo_weekend_hour: c.habits.weekendHour, demo_reading_hour: c.habits.weekdayHour, demo_mail_client: c.habits.appleMpp ? 'apple_mail_mpp' : 'other',
  };
  if (c.signupAt < ctx.start) {
    return [{ type: 'identify', channel: 'server', at: ctx.start + rng.int(0, 59) * MINUTE, traits }];
  }
  // Anonymous-first customers sign up through the backend, which does not know the browser's
  // anonymous id; the welcome page that follows carries both ids, and the two profiles merge.
  const channel = c.anonymousFirst ? 'server' : 'web';
  const at = c.signupAt;
  return [
    { type: 'identify', channel, at, traits },
    { type: 'track', channel, at: at + 1000, event: 'Signed Up', properties: { method: 'email' } },
    { type: 'page', channel: 'web', at: at + 20_000, name: 'Welcome', properties: { path: '/welcome', url: `${SHOP_URL}/welcome`, title: 'Welcome | Tailor Demo Shop' } },
  ];
}
