import { TailorError } from '../core/errors.ts';
import type { Message } from '../core/schemas/segment-message.ts';
import type { Tailor } from '../main.ts';
import { SEGMENTS, type Segment } from './behaviours.ts';
import { cents, CURRENCY } from './catalog.ts';
import { DEFAULT_DEMO_END, demoDataSet } from './demo-messages.ts';
import { saveProducts } from './save-products.ts';

/**
 * Loads the demo fashion shop: the catalogue (upserted) and 12 months of customer history ending at
 * `end`, by default now (`t.clock.now()`), so that the 24-hour and 30-day features of a fresh demo
 * are filled and no event lies in the future. Pass `end` for a reproducible data set: the data
 * depends only on seed, customer count and end (tests pin DEFAULT_DEMO_END, 2026-11-01). Customers go through `t.ingest`, the same path as the HTTP API,
 * in chunks of about CHUNK messages, so identity resolution, merges and data-quality checks run as
 * for real data. Customers are generated one at a time: memory stays bounded whatever the count.
 *
 * Profiles carry the trait `demo_segment` (frequent_buyer, bargain_hunter, window_shopper, lapsed,
 * newcomer) and `demo_preferred_hour`: ground truth for tests of clustering, predictions and
 * send-time optimisation only.
 */
export interface DemoOptions {
  customers: number;
  seed: number;
  end?: Date | undefined;
  /** false: plant no reading hours (the control data set for send-time optimisation). Default true. */
  habits?: boolean | undefined;
  onProgress?: ((done: number, total: number) => void) | undefined;
}

export interface DemoSummary {
  seed: number;
  start: string;
  end: string;
  customers: number;
  products: number;
  /** Messages generated; `stored` of them were new (the rest were already loaded). */
  events: number;
  stored: number;
  duplicates: number;
  orders: number;
  revenue: number;
  currency: string;
  merges: number;
  segments: Record<Segment, number>;
}

export const CHUNK = 2000;
export const MAX_CUSTOMERS = 1_000_000;

export async function loadDemo(t: Tailor, opts: DemoOptions): Promise<DemoSummary> {
  checkOptions(opts);
  const data = demoDataSet({ ...opts, end: opts.end ?? new Date(t.clock.now()) });
  await saveProducts(t.products, data.products, t.clock.now());
  const summary: DemoSummary = {
    seed: opts.seed, start: new Date(data.start).toISOString(), end: new Date(data.end).toISOString(),
    customers: opts.customers, products: data.products.length, events: 0, stored: 0, duplicates: 0, orders: 0, revenue: 0,
    currency: CURRENCY, merges: 0, segments: Object.fromEntries(SEGMENTS.map((s) => [s, 0])) as Record<Segment, number>,
  };
  let chunk: Message[] = [];
  let done = 0;
  const flush = async () => {
    if (!chunk.length) return;
    const r = await t.ingest(chunk);
    summary.stored += r.stored;
    summary.duplicates += r.duplicates;
    summary.merges += r.merges;
    chunk = [];
    opts.onProgress?.(done, opts.customers);
  };
  for (const { customer, messages } of data.customers()) {
    summary.segments[customer.segment]++;
    summary.events += messages.length;
    for (const m of messages) {
      if (m.event === 'Order Completed') {
        summary.orders++;
        summary.revenue += m.properties!.revenue as number;
      }
    }
    // A customer's messages stay in one chunk, so most identity merges happen within one batch.
    for (const m of messages) chunk.push(m);
    done++;
    if (chunk.length >= CHUNK) await flush();
  }
  await flush();
  summary.revenue = cents(summary.revenue);
  return summary;
}

function checkOptions(o: DemoOptions): void {
  if (!Number.isSafeInteger(o.customers) || o.customers < 1 || o.customers > MAX_CUSTOMERS) {
    throw new TailorError('invalid_argument', `customers must be a whole number from 1 to ${MAX_CUSTOMERS}`, 'customers');
  }
  if (!Number.isSafeInteger(o.seed)) throw new TailorError('invalid_argument', 'seed must be a whole number', 'seed');
  if (o.end !== undefined && !Number.isFinite(o.end.getTime())) throw new TailorError('invalid_argument', 'end must be a valid date', 'end');
}

export { DEFAULT_DEMO_END };
