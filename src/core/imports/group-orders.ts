import type { Message } from '../schemas/segment-message.ts';
import type { LineResult, OrderItem, OrderLine } from './map-order-line.ts';
import { orderMessageId } from './message-ids.ts';
import type { MapContext } from './types.ts';
import { documentValue } from './cell-values.ts';

/** A finished order: one Order Completed message, or a reject for each of its rows. `R` is the caller's row reference. */
export type GroupedOrder<R> =
  | { ok: true; message: Message; refs: R[] }
  | { ok: false; rejects: { ref: R; reason: string }[] };

interface Group<R> {
  orderId: string;
  lines: OrderLine[];
  refs: R[];
  /** Per ref: its own reason when that row was bad. */
  reasons: (string | undefined)[];
  error?: { reason: string; ref: number } | undefined;
}

/**
 * Groups consecutive rows with the same order id into one order, so both one-row-per-order and
 * one-row-per-line-item files work. Only the order being read is held in memory: line-item files must
 * keep an order's rows together (sorted or grouped by order id). An order id that comes back after
 * other orders is caught (`seen`) and its later rows are rejected, rather than silently dropped as
 * duplicates of the first part. One bad row rejects its whole order: importing the rest would store a
 * partial order under an id that a corrected re-import could then never replace.
 */
export class OrderGrouper<R> {
  private cur: Group<R> | undefined;
  private readonly seen = new Set<string>();

  /** `trackSeen` can be off when ids are unique by construction (the `row` strategy). */
  constructor(private readonly ctx: MapContext, private readonly trackSeen = true) {}

  add(result: LineResult, ref: R): GroupedOrder<R>[] {
    const orderId = result.ok ? result.line.orderId : result.orderId;
    if (orderId === undefined) return [{ ok: false, rejects: [{ ref, reason: result.ok ? '' : result.reason }] }];
    const out: GroupedOrder<R>[] = [];
    if (this.cur?.orderId !== orderId) {
      if (this.cur) out.push(this.finish(this.cur));
      this.cur = { orderId, lines: [], refs: [], reasons: [] };
      if (this.trackSeen) {
        if (this.seen.has(orderId)) {
          this.cur.error = { reason: `order ${orderId} appeared earlier in the file, not next to its other rows (line-item files must be grouped by order id)`, ref: -1 };
        }
        this.seen.add(orderId);
      }
    }
    const g = this.cur;
    g.refs.push(ref);
    if (!result.ok) {
      g.reasons.push(result.reason);
      g.error ??= { reason: result.reason, ref: g.refs.length - 1 };
      return out;
    }
    g.reasons.push(undefined);
    const first = g.lines[0];
    if (first && !sameCustomer(first, result.line) && !g.error) {
      g.reasons[g.refs.length - 1] = `order ${orderId} has rows for different customers`;
      g.error = { reason: `order ${orderId} has rows for different customers`, ref: g.refs.length - 1 };
    }
    g.lines.push(result.line);
    return out;
  }

  /** The last order, at the end of the file. */
  end(): GroupedOrder<R>[] {
    const g = this.cur;
    this.cur = undefined;
    return g ? [this.finish(g)] : [];
  }

  private finish(g: Group<R>): GroupedOrder<R> {
    if (!g.error) {
      const built = buildOrder(g.orderId, g.lines, this.ctx);
      if (typeof built !== 'string') return { ok: true, message: built, refs: g.refs };
      g.error = { reason: built, ref: -1 };
    }
    const e = g.error;
    const rowNote = e.ref >= 0 && g.refs.length > 1 ? ` (row ${e.ref + 1} of the order)` : '';
    return {
      ok: false,
      rejects: g.refs.map((ref, i) => ({
        ref,
        reason: g.reasons[i] ?? (e.ref === i || e.ref < 0 ? e.reason : `order ${g.orderId} rejected: ${e.reason}${rowNote}`),
      })),
    };
  }
}

const sameCustomer = (a: OrderLine, b: OrderLine) => a.userId === b.userId && a.anonymousId === b.anonymousId;

const round6 = (n: number) => Math.round(n * 1e6) / 1e6;

/** Segment's Order Completed from an order's lines; a string is the reason it cannot be built. */
export function buildOrder(orderId: string, lines: OrderLine[], ctx: MapContext): Message | string {
  const first = lines[0]!;
  const products: OrderItem[] = [];
  let total: number | undefined;
  let revenue: number | undefined;
  let currency: string | undefined;
  let email: string | undefined;
  let sum = 0;
  let priced = false;
  for (const l of lines) {
    // Exports often repeat the order total on every line item, or put it on the first only.
    total ??= l.total;
    revenue ??= l.revenue;
    currency ??= l.currency;
    email ??= l.email;
    if (l.item) {
      products.push(l.item);
      if (l.item.price !== undefined) {
        sum += l.item.price * (l.item.quantity ?? 1);
        priced = true;
      }
    }
  }
  if (total === undefined) {
    if (!priced) return `order ${orderId} has no total: map total, or price (and quantity) per line item`;
    total = round6(sum);
  }
  const timestamp = first.timestamp ?? ctx.now;
  const properties = documentValue({
    ...first.extra,
    order_id: orderId,
    total,
    revenue: revenue ?? total,
    ...(currency ? { currency } : {}),
    products,
  }, 'properties');
  if (!properties.ok) return properties.reason;
  return {
    type: 'track',
    messageId: orderMessageId(orderId),
    userId: first.userId,
    anonymousId: first.anonymousId,
    event: 'Order Completed',
    properties: properties.value,
    context: email ? { traits: { email } } : undefined,
    timestamp,
    originalTimestamp: first.timestamp,
    receivedAt: ctx.now,
    source: ctx.source,
  };
}
