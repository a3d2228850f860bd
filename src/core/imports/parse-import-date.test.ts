import { describe, expect, it } from 'vitest';
import { parseImportDate } from './parse-import-date.ts';

const utc = (s: string) => Date.parse(s);
const read = (v: unknown, f: 'auto' | 'mdy' | 'dmy' = 'auto') => parseImportDate(v, 'timestamp', f);

describe('parseImportDate', () => {
  it.each([
    ['2010-12-01', '2010-12-01T00:00:00Z'],
    ['2010-12-01 08:26', '2010-12-01T08:26:00Z'],
    ['2024-01-05T10:00:00+02:00', '2024-01-05T08:00:00Z'],
    ['19970101', '1997-01-01T00:00:00Z'],
    ['12/1/2010 8:26', '2010-12-01T08:26:00Z'],
    ['12/9/2011 12:50', '2011-12-09T12:50:00Z'],
    ['1/2/2011 3:05 PM', '2011-01-02T15:05:00Z'],
    ['2011/12/09', '2011-12-09T00:00:00Z'],
    ['1700000000', '2023-11-14T22:13:20Z'],
    ['1700000000000', '2023-11-14T22:13:20Z'],
  ])('reads %s', (input, want) => expect(read(input)).toEqual({ ok: true, value: utc(want) }));

  it('reads slashed dates day-first when asked', () => {
    expect(read('1/12/2010', 'dmy')).toEqual({ ok: true, value: utc('2010-12-01T00:00:00Z') });
  });

  it('epoch numbers from JSON files', () => {
    expect(read(1700000000)).toEqual({ ok: true, value: 1700000000000 });
  });

  it.each([
    ['', 'timestamp is empty'],
    ['yesterday', 'timestamp is not a date'],
    ['13/25/2010', 'does not exist'],
    ['2010-02-30', 'date does not exist'],
    ['12/1/10', 'four-digit year'],
    ['12/1/2010 25:00', 'invalid time'],
  ])('rejects %j with a reason', (input, reason) => {
    const r = read(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain(reason);
  });
});
