import type { Message } from '../core/schemas/segment-message.ts';
import { demoCampaigns } from './campaigns.ts';
import { demoCatalog, type DemoProduct } from './catalog.ts';
import { demoCustomer, type DemoCustomer } from './customers.ts';
import { plantConsent } from './demo-consent.ts';
import type { DemoEvent } from './demo-event.ts';
import { customerHistory } from './generate-events.ts';
import { DAY } from './local-time.ts';
import { ProductPicker } from './product-picker.ts';
import { rngFor } from '../core/prng.ts';

/*
 * The demo data set as Segment messages, customer by customer, so that a caller can stream it into
 * ingest without holding everything in memory. Pure: the output depends only on (seed, customers,
 * end). Message ids are `demo:<seed>:<customer>:<n>`, stable across runs, so loading the same
 * data set twice stores nothing new; they do not include the end date, so one database should hold
 * one demo data set.
 */

/**
 * The end of the 12-month history when a caller of demoDataSet gives none: a constant, so that the pure
 * data set never depends on today's date. loadDemo defaults to now instead; tests pin this one.
 */
export const DEFAULT_DEMO_END = new Date('2026-11-01T00:00:00Z');
export const HISTORY_DAYS = 365;
export const DEMO_SOURCE = 'demo';

export interface DemoSpec {
  customers: number;
  seed: number;
  end?: Date | undefined;
  /** false: no planted reading hours (every inbox check at a random hour), the control for send-time tests. Default true. */
  habits?: boolean | undefined;
}

export interface DemoDataSet {
  start: number;
  end: number;
  products: DemoProduct[];
  customers(): Generator<{ customer: DemoCustomer; messages: Message[] }>;
}

export function demoDataSet(spec: DemoSpec): DemoDataSet {
  const end = (spec.end ?? DEFAULT_DEMO_END).getTime();
  const start = end - HISTORY_DAYS * DAY;
  const products = demoCatalog(spec.seed);
  const ctx = { seed: spec.seed, start, end, picker: new ProductPicker(products), campaigns: demoCampaigns(start, end) };
  const segmentOffset = rngFor(spec.seed, 'segments').next();
  return {
    start,
    end,
    products,
    *customers() {
      for (let i = 0; i < spec.customers; i++) {
        const customer = demoCustomer(spec.seed, i, end, segmentOffset, { habits: spec.habits });
        const history = plantConsent(spec.seed, customer, customerHistory(ctx, customer), end);
        yield { customer, messages: history.map((e, n) => toMessage(e, customer, `demo:${spec.seed}:${i + 1}:${n + 1}`)) };
      }
    },
  };
}

/** The customers alone (cheap: no history), as demoDataSet makes them; the responder looks recipients up in these. */
export function* demoCustomers(spec: DemoSpec): Generator<DemoCustomer> {
  const end = (spec.end ?? DEFAULT_DEMO_END).getTime();
  const segmentOffset = rngFor(spec.seed, 'segments').next();
  for (let i = 0; i < spec.customers; i++) yield demoCustomer(spec.seed, i, end, segmentOffset, { habits: spec.habits });
}

/** Ids by sender: the browser has the anonymous id (and the user id once signed up); servers have the user id. */
function toMessage(e: DemoEvent, c: DemoCustomer, messageId: string): Message {
  const m: Message = { type: e.type, messageId, timestamp: e.at, receivedAt: e.at, source: DEMO_SOURCE };
  if (e.channel === 'server' || !c.anonymousFirst || e.at >= c.signupAt) m.userId = c.userId;
  if (e.channel === 'web') m.anonymousId = c.anonymousId;
  if (e.event !== undefined) m.event = e.event;
  if (e.name !== undefined) m.name = e.name;
  if (e.traits) m.traits = e.traits;
  if (e.properties) m.properties = e.properties;
  if (e.context) m.context = e.context;
  return m;
}
