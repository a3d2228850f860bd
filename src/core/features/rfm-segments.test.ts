import { describe, expect, it } from 'vitest';
import { fmScore, RFM_SEGMENTS, rfmSegment } from './rfm-segments.ts';

describe('RFM segment map', () => {
  it('gives every (R, F, M) cell exactly one of the 11 names, and uses all 11', () => {
    const used = new Set<string>();
    for (let r = 1; r <= 5; r++) for (let f = 1; f <= 5; f++) for (let m = 1; m <= 5; m++) {
      const s = rfmSegment(r, f, m);
      expect(RFM_SEGMENTS).toContain(s);
      used.add(s);
    }
    expect([...used].sort()).toEqual([...RFM_SEGMENTS].sort());
    expect(RFM_SEGMENTS).toHaveLength(11);
  });

  it('rounds FM = (F + M) / 2 half up', () => {
    expect([fmScore(1, 1), fmScore(1, 2), fmScore(2, 3), fmScore(4, 5), fmScore(5, 5), fmScore(1, 5)]).toEqual([1, 2, 3, 5, 5, 3]);
  });

  it('reads the published grid (R rows, FM columns)', () => {
    const grid = [5, 4, 3, 2, 1].map((r) => [1, 2, 3, 4, 5].map((fm) => rfmSegment(r, fm, fm)));
    expect(grid).toEqual([
      ['New Customers', 'Potential Loyalists', 'Potential Loyalists', 'Champions', 'Champions'],
      ['Promising', 'Potential Loyalists', 'Potential Loyalists', 'Loyal Customers', 'Loyal Customers'],
      ['About to Sleep', 'About to Sleep', 'Need Attention', 'Loyal Customers', 'Loyal Customers'],
      ['Hibernating', 'Hibernating', 'At Risk', 'At Risk', "Can't Lose Them"],
      ['Lost', 'Lost', 'At Risk', 'At Risk', "Can't Lose Them"],
    ]);
    // FM from unequal F and M: F 5, M 4 → FM 5; F 1, M 2 → FM 2.
    expect(rfmSegment(1, 5, 4)).toBe("Can't Lose Them");
    expect(rfmSegment(5, 1, 2)).toBe('Potential Loyalists');
    expect(rfmSegment(5, 1, 1)).toBe('New Customers');
  });

  it('refuses scores outside 1-5', () => {
    expect(() => rfmSegment(0, 3, 3)).toThrow(RangeError);
    expect(() => rfmSegment(3, 6, 3)).toThrow(RangeError);
    expect(() => rfmSegment(3, 3, 2.5)).toThrow(RangeError);
  });
});
