import { describe, expect, it } from 'vitest';
import { parseAmount, parseNumber, parseQuantity } from './parse-number.ts';

describe('parseNumber', () => {
  it.each([
    ['12', 12], ['-3.5', -3.5], ['.5', 0.5], ['1e3', 1000], [' 42 ', 42], ['1,234.50', 1234.5], ['$12.00', 12], ['£8.5', 8.5],
    ['12 €', 12], ['-$4', -4], ['(12.50)', -12.5], [7, 7],
  ])('reads %j', (input, want) => expect(parseNumber(input)).toBe(want));

  it.each(['', 'abc', '12abc', '1.2.3', '12,50', '0x10', '1e400', null, {}, Number.NaN, Number.POSITIVE_INFINITY])(
    'refuses %j', (input) => expect(parseNumber(input)).toBeUndefined());
});

describe('parseAmount', () => {
  it('rounds away float noise from the exporting tool, keeping real precision', () => {
    expect(parseAmount('22.200000000000003', 'total')).toEqual({ ok: true, value: 22.2 });
    expect(parseAmount('1.235', 'total')).toEqual({ ok: true, value: 1.235 });
  });
  it('names the field in its reason', () => {
    expect(parseAmount('n/a', 'total')).toEqual({ ok: false, reason: 'total is not a number: "n/a"' });
  });
  it('quantities are numbers too', () => {
    expect(parseQuantity('3', 'quantity')).toEqual({ ok: true, value: 3 });
    expect(parseQuantity('three', 'quantity').ok).toBe(false);
  });
});
