import { describe, expect, it } from 'vitest';
import { TailorError } from '../core/errors.ts';
import { dateFlag, listFlag, numberFlag, optionalDate, wholeFlag } from './flags.ts';

const failure = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    if (e instanceof TailorError) return { code: e.code, message: e.message, field: e.field };
    throw e;
  }
  throw new Error('did not fail');
};

describe('flag parsers', () => {
  it('dates: ISO-8601 date or date-time; the error names the flag and its field', () => {
    expect(dateFlag('2011-12-10', 'as-of')).toBe(Date.UTC(2011, 11, 10));
    expect(optionalDate(undefined, 'as-of')).toBeUndefined();
    expect(failure(() => dateFlag('yesterday', 'calibration-end', '1997-09-30'))).toEqual({
      code: 'invalid_argument', field: 'calibrationEnd', message: "--calibration-end must be an ISO-8601 date or date-time such as 1997-09-30, not 'yesterday'",
    });
  });

  it('whole numbers within bounds, in the words each command used', () => {
    expect(wholeFlag(' 42 ', 'k', { min: 1, max: 100 })).toBe(42);
    expect(wholeFlag('-3', 'seed')).toBe(-3);
    expect(failure(() => wholeFlag('ten', 'k', { min: 1, max: 100 })).message).toBe("--k must be a whole number from 1 to 100, not 'ten'");
    expect(failure(() => wholeFlag('0', 'window', { min: 1, max: 9, unit: 'days' })).message).toBe("--window must be a whole number of days from 1 to 9, not '0'");
    expect(failure(() => wholeFlag('1.5', 'chunk-size', { min: 1 }))).toMatchObject({ field: 'chunkSize', message: "--chunk-size must be a whole number of at least 1, not '1.5'" });
    expect(failure(() => wholeFlag('abc', 'version', { min: 1, expected: 'a version number such as 3' })).message).toBe("--version must be a version number such as 3, not 'abc'");
  });

  it('numbers and lists', () => {
    expect(numberFlag('1e-3', 'c')).toBe(0.001);
    expect(failure(() => numberFlag('0x10', 'trees')).message).toBe("--trees must be a number, not '0x10'");
    expect(listFlag(' a, b,,c ')).toEqual(['a', 'b', 'c']);
  });
});
