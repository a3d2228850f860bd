import { describe, expect, it } from 'vitest';
import { csvCell, csvLine } from './csv-line.ts';

describe('csvLine', () => {
  it('writes plain values as they are, one LF-terminated line', () => {
    expect(csvLine(['profile_id', 'user_id', 'email', 'entered_at'])).toBe('profile_id,user_id,email,entered_at\n');
  });

  it('quotes commas, quotes, newlines and carriage returns (RFC 4180), doubling quotes', () => {
    expect(csvLine(['a,b', 'say "hi"', 'two\nlines', 'cr\rhere', 'crlf\r\nhere'])).toBe('"a,b","say ""hi""","two\nlines","cr\rhere","crlf\r\nhere"\n');
  });

  it.each(['=', '+', '-', '@', '\t', '\r'])('defuses a cell starting with %j with a leading apostrophe', (c) => {
    const cell = `${c}HYPERLINK("http://x")`;
    const line = csvLine([cell, 'after']);
    // A CR still needs quoting after the apostrophe; the quotes inside are doubled as usual.
    const quoted = `"'${cell.replace(/"/g, '""')}"`;
    expect(line).toBe(`${quoted},after\n`);
  });

  it('defuses the full-width formula characters too, and leaves formula characters inside a value alone', () => {
    expect(csvLine(['＝1+2', 'a=b', 'x-y', 'me@example.com'])).toBe("'＝1+2,a=b,x-y,me@example.com\n");
  });

  it('writes null and undefined as empty cells', () => {
    expect(csvLine([null, 'x', undefined, ''])).toBe(',x,,\n');
  });

  it('writes numbers as numbers: a negative one is not taken for a formula', () => {
    expect(csvLine([1, -3, 1.5, 0, 1e21])).toBe('1,-3,1.5,0,1e+21\n');
  });
});

describe('csvCell', () => {
  it('quotes only what needs quoting and adds no line end or formula escape', () => {
    expect(['', 'plain', 'a,b', '"', 'x\ny', '=1'].map(csvCell)).toEqual(['', 'plain', '"a,b"', '""""', '"x\ny"', '=1']);
  });
});
