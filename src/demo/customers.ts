import { BEHAVIOURS, segmentFor, type Segment } from './behaviours.ts';
import { CATEGORIES } from './catalog.ts';
import { DAY, MINUTE } from './local-time.ts';
import { asciiFold, NAMES, surnameFor } from './names.ts';
import { fillPattern, pickPlace } from './places.ts';
import { drawHabits, uniformHabits, type ReadingHabits } from './responder/reading-habits.ts';
import { rngFor, type Rng } from '../core/prng.ts';

/**
 * One demo customer: who they are (the traits sent with `identify`) and the hidden parameters that
 * drive their behaviour. Everything comes from the stream rngFor(seed, 'customer', index), so a
 * customer is the same whatever the total number of customers.
 */
export type Gender = 'female' | 'male' | 'non-binary';

export interface DemoCustomer {
  index: number;
  userId: string;
  /** The browser's anonymous id (analytics.js style), on every client-side event. */
  anonymousId: string;
  /** Browsed anonymously before signing up; the sign-up is sent server-side without the anonymous id. */
  anonymousFirst: boolean;
  segment: Segment;
  firstName: string;
  lastName: string;
  email: string;
  gender: Gender | undefined;
  birthday: string;
  phone: string | undefined;
  country: string;
  region: string;
  city: string;
  timezone: string;
  signupAt: number;
  /** Local hour (0–23) at which this customer tends to shop and read email: ground truth for send-time optimisation. */
  preferredHour: number;
  /** Relative interest per category (same order as CATEGORIES). */
  categoryWeights: number[];
  /** When and how they read email (responder/reading-habits.ts): ground truth, never read by models. */
  habits: ReadingHabits;
}

/** `habits: false` plants no reading hours (every inbox check at a random hour): the control for send-time tests. */
export interface CustomerOptions { habits?: boolean | undefined }

// Reserved for documentation (RFC 2606 / RFC 6761): demo data must never reach a real inbox.
const EMAIL_DOMAINS = ['example.com', 'example.net', 'example.org', 'mail.example', 'inbox.example'];
// Hours people shop and read mail: morning commute, lunch, and (most of all) the evening.
const HOUR_WEIGHTS = [0, 0, 0, 0, 0, 0, 0.5, 2, 4, 3, 2, 2.5, 4, 3, 2, 2, 2, 2.5, 4, 6, 7, 6, 4, 1.5];

export function demoCustomer(seed: number, index: number, end: number, segmentOffset: number, opts: CustomerOptions = {}): DemoCustomer {
  const rng = rngFor(seed, 'customer', index);
  const segment = segmentFor(index, segmentOffset);
  const b = BEHAVIOURS[segment];
  const { place, tz, city } = pickPlace(rng);
  const g = rng.next();
  const gender: Gender | undefined = g < 0.68 ? 'female' : g < 0.95 ? 'male' : g < 0.97 ? 'non-binary' : undefined;
  const pool = NAMES[place.names];
  const firstName = rng.pick(gender === 'male' ? pool.male : gender === 'female' ? pool.female : rng.chance(0.5) ? pool.female : pool.male);
  const lastName = surnameFor(place.names, rng.pick(pool.last), gender);
  const signupAt = end - Math.round(rng.float(b.signupDaysAgo[0], b.signupDaysAgo[1]) * DAY / MINUTE) * MINUTE;
  const c: Omit<DemoCustomer, 'habits'> = {
    index,
    userId: `cust-${seed}-${String(index + 1).padStart(6, '0')}`,
    anonymousId: `${rng.hex(8)}-${rng.hex(4)}-4${rng.hex(3)}-a${rng.hex(3)}-${rng.hex(12)}`,
    // Only a sign-up inside the window can have anonymous browsing before it on record.
    anonymousFirst: end - signupAt < 330 * DAY && rng.chance(segment === 'newcomer' ? 0.6 : 0.45),
    segment,
    firstName,
    lastName,
    email: emailFor(rng, firstName, lastName, index),
    gender,
    birthday: birthdayFor(rng, end),
    phone: rng.chance(0.85) ? fillPattern(rng, rng.pick(place.phone)) : undefined,
    country: place.country,
    region: place.region,
    city,
    timezone: tz,
    signupAt,
    preferredHour: rng.weighted(HOUR_WEIGHTS),
    // Dirichlet-like: most customers care about two or three categories.
    categoryWeights: CATEGORIES.map(() => rng.gamma(1) ** 2 + 0.02),
  };
  // From a stream of their own, so that planting habits changes nothing else about a customer.
  const habitRng = rngFor(seed, 'habits', index);
  return { ...c, habits: opts.habits === false ? uniformHabits(habitRng) : drawHabits(habitRng, c.preferredHour) };
}

/** Realistic local parts; the customer number keeps every address unique (a shared address would merge two people). */
function emailFor(rng: Rng, first: string, last: string, index: number): string {
  const f = asciiFold(first);
  const l = asciiFold(last);
  const n = index + 1;
  const local = [`${f}.${l}${n}`, `${f}${l}${n}`, `${f[0]}${l}${n}`, `${f}_${l}.${n}`, `${f}${n}`, `${l}.${f}${n}`][rng.weighted([5, 2, 2, 1, 1, 1])]!;
  return `${local}@${rng.pick(EMAIL_DOMAINS)}`;
}

/** Ages 18–70, most between 25 and 45. */
function birthdayFor(rng: Rng, end: number): string {
  const age = Math.min(70, Math.max(18, rng.normal(35, 10)));
  return new Date(end - Math.round(age * 365.25) * DAY - rng.int(0, 364) * DAY).toISOString().slice(0, 10);
}
