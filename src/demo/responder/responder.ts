import type { DemoCustomer } from '../customers.ts';
import { rngFor } from '../../core/prng.ts';
import { readDelivered } from './delivered-message.ts';
import { planResponses, readerRates, type Hit, type ReaderRates } from './plan-responses.ts';

/**
 * DEMO RESPONDER: simulated recipients for the demo shop. It is not part of Tailor: product code,
 * features, segments and models never import this folder nor read its traits (`demo_*`). Tailor
 * learns about these people only through what they do to its public endpoints, as it would about
 * real ones.
 *
 * It takes each delivered message (the raw .eml and when it arrived), looks the recipient up among
 * the demo customers, plans their response (plan-responses.ts) and, as the simulation's clock
 * reaches each instant, makes the requests: `GET /t/o/:token` and `GET /t/c/:token` with the
 * client's user agent and address, and `POST /v1/track` (write key) for an order. The server stamps
 * hits with its own clock, so the simulation sets that clock to each hit's instant first.
 */
export interface InjectApp {
  inject(opts: {
    method: 'GET' | 'POST'; url: string; headers: Record<string, string>; payload?: string; remoteAddress?: string;
  }): Promise<{ statusCode: number; body: string }>;
}

export interface ResponderDeps {
  app: InjectApp;
  writeKey: string;
  /** Sets the server's clock (the simulation's) to an instant before each request. */
  setClock(at: number): void;
  customers: Iterable<DemoCustomer>;
  seed: number;
}

export interface ResponderStats {
  delivered: number;
  /** Delivered to an address that is not a demo customer, or without a pixel or links (tracking off). */
  untracked: number;
  machineOpens: number;
  humanOpens: number;
  clicks: number;
  orders: number;
  revenue: number;
  /** Requests the server refused (status ≥ 400), with the first reason. */
  refused: number;
  firstRefusal?: string;
}

export class DemoResponder {
  readonly stats: ResponderStats = { delivered: 0, untracked: 0, machineOpens: 0, humanOpens: 0, clicks: 0, orders: 0, revenue: 0, refused: 0 };
  private readonly byEmail = new Map<string, { c: DemoCustomer; rates: ReaderRates }>();
  private queue: Hit[] = [];
  private sorted = true;
  private readonly auth: string;

  constructor(private readonly d: ResponderDeps) {
    for (const c of d.customers) this.byEmail.set(c.email.toLowerCase(), { c, rates: readerRates(d.seed, c) });
    this.auth = `Basic ${Buffer.from(`${d.writeKey}:`).toString('base64')}`;
  }

  /** A message arrived at `at`; `key` (its file name or id) seeds its response. Hits at or after `until` are dropped. */
  async deliver(raw: Buffer | string, at: number, key: string, until = Infinity): Promise<void> {
    this.stats.delivered++;
    const m = await readDelivered(raw);
    const who = this.byEmail.get(m.to);
    if (!who || (!m.pixel && !m.links.length)) {
      this.stats.untracked++;
      return;
    }
    const hits = planResponses(rngFor(this.d.seed, 'response', key), who.c, who.rates, m, at, until);
    if (hits.length) {
      this.queue.push(...hits);
      this.sorted = false;
    }
  }

  /** Instant of the earliest planned hit, or undefined. */
  next(): number | undefined {
    this.sort();
    return this.queue[0]?.at;
  }

  /** Makes every planned request due at or before `t`, in time order. */
  async runUntil(t: number): Promise<number> {
    this.sort();
    let n = 0;
    while (this.queue.length && this.queue[0]!.at <= t) {
      const h = this.queue.shift()!;
      this.d.setClock(h.at);
      await this.send(h);
      n++;
    }
    return n;
  }

  /** Planned hits not made (beyond the end of the simulation). */
  get pending(): number {
    return this.queue.length;
  }

  private sort(): void {
    if (this.sorted) return;
    this.queue.sort((a, b) => a.at - b.at);
    this.sorted = true;
  }

  private async send(h: Hit): Promise<void> {
    if (h.kind === 'order') {
      const properties = { order_id: h.orderId, total: h.revenue, revenue: h.revenue, currency: 'EUR' };
      const r = await this.d.app.inject({
        method: 'POST', url: '/v1/track',
        headers: { authorization: this.auth, 'content-type': 'application/json' },
        payload: JSON.stringify({ userId: h.userId, event: 'Order Completed', timestamp: new Date(h.at).toISOString(), properties }),
      });
      if (this.ok(r)) {
        this.stats.orders++;
        this.stats.revenue = Math.round((this.stats.revenue + h.revenue) * 100) / 100;
      }
      return;
    }
    // The app sees the address as the socket's (remoteAddress) or, behind a trusted proxy, X-Forwarded-For: both say the same.
    const r = await this.d.app.inject({
      method: 'GET', url: h.path, headers: { 'user-agent': h.userAgent, 'x-forwarded-for': h.ip }, remoteAddress: h.ip,
    });
    if (!this.ok(r)) return;
    if (h.kind === 'click') this.stats.clicks++;
    else if (h.human) this.stats.humanOpens++;
    else this.stats.machineOpens++;
  }

  private ok(r: { statusCode: number; body: string }): boolean {
    if (r.statusCode < 400) return true;
    this.stats.refused++;
    this.stats.firstRefusal ??= `${r.statusCode} ${r.body.slice(0, 200)}`;
    return false;
  }
}
