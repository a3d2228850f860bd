import { describe, expect, it } from 'vitest';
import { Columns, parseColumnMap } from './column-map.ts';

describe('parseColumnMap', () => {
  it('parses target=source pairs', () => {
    expect(parseColumnMap('orders', 'userId=CustomerID, orderId=InvoiceNo,timestamp=InvoiceDate,total=TotalPrice')).toEqual({
      userId: 'CustomerID', orderId: 'InvoiceNo', timestamp: 'InvoiceDate', total: 'TotalPrice',
    });
    expect(parseColumnMap('events', undefined)).toEqual({});
  });

  it('rejects bad syntax and unknown targets with one clear line', () => {
    expect(() => parseColumnMap('orders', 'userId')).toThrow(/bad --map entry 'userId': expected target=source/);
    expect(() => parseColumnMap('orders', 'userId=')).toThrow(/expected target=source/);
    expect(() => parseColumnMap('events', 'orderId=x')).toThrow(/unknown --map target 'orderId' for events/);
    expect(() => parseColumnMap('events', { bogus: 'x' })).toThrow(/unknown --map target/);
  });
});

describe('Columns', () => {
  it('reads mapped columns, else the default names, and leaves the rest', () => {
    const c = new Columns('events', { userId: 'CustomerID' });
    const row = { CustomerID: '17850', user_id: 'ignored', event: 'x', colour: 'red' };
    expect(c.get(row, 'userId')).toBe('17850');
    expect(c.get(row, 'event')).toBe('x');
    expect(c.isRest('colour')).toBe(true);
    expect(c.isRest('CustomerID')).toBe(false);
    expect(c.isRest('user_id')).toBe(true);
    expect(new Columns('events', {}).get({ user_id: 'u1' }, 'userId')).toBe('u1');
  });
});
