import { describe, expect, it } from 'vitest';
import { Columns } from './column-map.ts';
import { OrderGrouper, type GroupedOrder } from './group-orders.ts';
import { mapOrderLine } from './map-order-line.ts';
import type { MapContext, RowValues } from './types.ts';

const ctx: MapContext = { now: Date.UTC(2026, 0, 1), source: 'import', dateFormat: 'auto', inferTypes: true, currency: 'GBP' };

function run(rows: RowValues[], map: Record<string, string>, strategy: 'column' | 'row' = 'column'): GroupedOrder<number>[] {
  const cols = new Columns('orders', map);
  const g = new OrderGrouper<number>(ctx, strategy === 'column');
  const out: GroupedOrder<number>[] = [];
  rows.forEach((r, i) => out.push(...g.add(mapOrderLine(r, i + 1, cols, ctx, strategy), i + 1)));
  out.push(...g.end());
  return out;
}

const lineMap = { orderId: 'InvoiceNo', userId: 'CustomerID', timestamp: 'InvoiceDate', productId: 'StockCode', name: 'Description', price: 'UnitPrice', quantity: 'Quantity' };
const line = (inv: string, code: string, price: string, qty: string, customer = '17850') =>
  ({ InvoiceNo: inv, CustomerID: customer, InvoiceDate: '12/1/2010 8:26', StockCode: code, Description: `item ${code}`, UnitPrice: price, Quantity: qty, Country: 'United Kingdom' });

describe('OrderGrouper', () => {
  it('groups consecutive line items into one Order Completed with products[] and a computed total', () => {
    const out = run([line('536365', 'A', '2.55', '6'), line('536365', 'B', '3.39', '2'), line('536366', 'C', '1.85', '1')], lineMap);
    expect(out).toHaveLength(2);
    const first = out[0]!;
    expect(first.ok).toBe(true);
    if (!first.ok) return;
    expect(first.refs).toEqual([1, 2]);
    expect(first.message).toMatchObject({
      type: 'track', event: 'Order Completed', messageId: 'import:order:536365', userId: '17850',
      timestamp: Date.parse('2010-12-01T08:26:00Z'),
      properties: {
        order_id: '536365', total: 22.08, revenue: 22.08, currency: 'GBP', Country: 'United Kingdom',
        products: [{ product_id: 'A', name: 'item A', price: 2.55, quantity: 6 }, { product_id: 'B', name: 'item B', price: 3.39, quantity: 2 }],
      },
    });
  });

  it('takes one row per order with a total column', () => {
    const out = run([{ InvoiceNo: '1', CustomerID: 'c', InvoiceDate: '2010-12-01', TotalPrice: '22.200000000000003' }],
      { orderId: 'InvoiceNo', userId: 'CustomerID', timestamp: 'InvoiceDate', total: 'TotalPrice' });
    expect(out[0]).toMatchObject({ ok: true, message: { properties: { order_id: '1', total: 22.2, revenue: 22.2, products: [] } } });
  });

  it('rejects the whole order, row by row, when one of its lines is bad', () => {
    const out = run([line('9', 'A', '2.55', '6'), line('9', 'B', 'free', '2'), line('10', 'C', '1', '1')], lineMap);
    expect(out[0]).toEqual({ ok: false, rejects: [
      { ref: 1, reason: 'order 9 rejected: price is not a number: "free" (row 2 of the order)' },
      { ref: 2, reason: 'price is not a number: "free"' },
    ] });
    expect(out[1]!.ok).toBe(true);
  });

  it('rejects an order id that comes back after other orders instead of dropping it as a duplicate', () => {
    const out = run([line('1', 'A', '1', '1'), line('2', 'B', '1', '1'), line('1', 'C', '1', '1')], lineMap);
    expect(out.map((o) => o.ok)).toEqual([true, true, false]);
    expect(out[2]).toMatchObject({ rejects: [{ ref: 3, reason: expect.stringContaining('must be grouped by order id') }] });
  });

  it('rejects rows without an order id or customer, and orders for two customers', () => {
    const out = run([{ ...line('', 'A', '1', '1') }, line('5', 'A', '1', '1', ''), line('6', 'A', '1', '1', 'x'), line('6', 'B', '1', '1', 'y')], lineMap);
    expect(out).toMatchObject([
      { ok: false, rejects: [{ ref: 1, reason: expect.stringContaining('missing order id') }] },
      { ok: false, rejects: [{ ref: 2, reason: expect.stringContaining('missing customer id') }] },
      { ok: false, rejects: [{ ref: 3 }, { ref: 4, reason: 'order 6 has rows for different customers' }] },
    ]);
  });

  it('the row strategy makes one order per row with a stable id (CDNOW)', () => {
    const map = { userId: 'customer_id', timestamp: 'date', total: 'dollar_value' };
    const rows = [
      { customer_id: '00002', date: '19970112', number_of_cds: '1', dollar_value: '12.00' },
      { customer_id: '00002', date: '19970112', number_of_cds: '5', dollar_value: '77.00' },
    ];
    const out = run(rows, map, 'row');
    expect(out.map((o) => o.ok && o.message.messageId)).toEqual(['import:order:00002-19970112-1', 'import:order:00002-19970112-2']);
    expect(out[1]).toMatchObject({ message: { userId: '00002', properties: { total: 77, number_of_cds: 5 } } });
  });

  it('needs a total or priced line items', () => {
    const out = run([{ InvoiceNo: '1', CustomerID: 'c' }], { orderId: 'InvoiceNo', userId: 'CustomerID' });
    expect(out[0]).toEqual({ ok: false, rejects: [{ ref: 1, reason: 'order 1 has no total: map total, or price (and quantity) per line item' }] });
  });
});
