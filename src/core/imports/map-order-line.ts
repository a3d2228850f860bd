import { idValue, restValues, textValue } from './cell-values.ts';
import type { Columns } from './column-map.ts';
import { parseAmount, parseQuantity } from './parse-number.ts';
import { rowTimestamp } from './row-timestamp.ts';
import type { MapContext, RowValues } from './types.ts';

/** Segment's e-commerce product fields, as they appear in `products[]` of Order Completed. */
export interface OrderItem {
  product_id?: string;
  sku?: string;
  name?: string;
  category?: string;
  price?: number;
  quantity?: number;
}

export interface OrderLine {
  orderId: string;
  userId?: string | undefined;
  anonymousId?: string | undefined;
  email?: string | undefined;
  timestamp: number | undefined;
  total?: number | undefined;
  revenue?: number | undefined;
  currency?: string | undefined;
  item?: OrderItem | undefined;
  /** Unmapped columns: order-level properties (taken from the order's first row). */
  extra: Record<string, unknown>;
}

/** A bad line still carries its order id when it has one, so that the whole order can be rejected with it. */
export type LineResult = { ok: true; line: OrderLine } | { ok: false; reason: string; orderId: string | undefined };

/**
 * Where order ids come from. `column`: the orderId column. `row`: `<customer>-<date>-<row number>`,
 * for files such as CDNOW where a row is a purchase but has no id (one customer may buy several times
 * a day); every row is then its own order, and a re-import of the same file gives the same ids.
 */
export type OrderIdStrategy = 'column' | 'row';
export const ORDER_ID_STRATEGIES: readonly OrderIdStrategy[] = ['column', 'row'];

const CURRENCY = /^[A-Za-z]{3}$/;

/** One row of an orders file: a whole order (with a total) or one line item of it. */
export function mapOrderLine(row: RowValues, rowNumber: number, cols: Columns, ctx: MapContext, strategy: OrderIdStrategy): LineResult {
  const userId = idValue(cols.get(row, 'userId'), 'userId');
  const anonymousId = idValue(cols.get(row, 'anonymousId'), 'anonymousId');
  const email = textValue(cols.get(row, 'email'));
  const customer = (userId.ok && userId.value) || (anonymousId.ok && anonymousId.value) || email;
  let orderId: string | undefined;
  if (strategy === 'row') {
    orderId = customer ? `${customer}-${textValue(cols.get(row, 'timestamp')) ?? ''}-${rowNumber}` : undefined;
  } else {
    const o = idValue(cols.get(row, 'orderId'), 'orderId');
    if (!o.ok) return { ok: false, reason: o.reason, orderId: undefined };
    if (!o.value) return { ok: false, reason: `missing order id (column '${cols.source('orderId')}'; or use --order-id row)`, orderId: undefined };
    orderId = o.value;
  }
  const fail = (reason: string): LineResult => ({ ok: false, reason, orderId });
  if (!userId.ok) return fail(userId.reason);
  if (!anonymousId.ok) return fail(anonymousId.reason);
  if (!customer || !orderId) return fail(`missing customer id (column '${cols.source('userId')}')`);
  const ts = rowTimestamp(row, cols, ctx);
  if (!ts.ok) return fail(ts.reason);

  const line: OrderLine = { orderId, userId: userId.value, anonymousId: anonymousId.value, email, timestamp: ts.value, extra: restValues(row, cols, ctx.inferTypes) };
  for (const f of ['total', 'revenue'] as const) {
    const v = cols.get(row, f);
    if (v === undefined || v === null || v === '') continue;
    const n = parseAmount(v, f);
    if (!n.ok) return fail(n.reason);
    line[f] = n.value;
  }
  const currency = textValue(cols.get(row, 'currency')) ?? ctx.currency;
  if (currency !== undefined) {
    if (!CURRENCY.test(currency)) return fail(`currency is not a three-letter ISO 4217 code: ${JSON.stringify(currency)}`);
    line.currency = currency.toUpperCase();
  }

  const item: OrderItem = {};
  let hasItem = false;
  for (const [f, key] of [['productId', 'product_id'], ['sku', 'sku'], ['name', 'name'], ['category', 'category']] as const) {
    const v = textValue(cols.get(row, f));
    if (v === undefined) continue;
    item[key] = v;
    hasItem = true;
  }
  for (const f of ['price', 'quantity'] as const) {
    const v = cols.get(row, f);
    if (v === undefined || v === null || v === '') continue;
    const n = f === 'price' ? parseAmount(v, f) : parseQuantity(v, f);
    if (!n.ok) return fail(n.reason);
    item[f] = n.value;
    hasItem = true;
  }
  if (hasItem) line.item = item;
  return { ok: true, line };
}
