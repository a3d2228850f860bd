/**
 * The 11 named RFM segments, as a map from the recency score R and the combined frequency–monetary
 * score FM to one name. FM = ⌈(F + M) / 2⌉, that is (F + M) / 2 with halves rounded up:
 * F 2, M 3 gives FM 3.
 *
 * The grid is the widely published R × F map used in Python and R RFM tutorials (regex form:
 * `[1-2][1-2]` Hibernating, `[1-2][3-4]` At Risk, `[1-2]5` Can't Lose Them, `3[1-2]` About to Sleep,
 * `33` Need Attention, `[3-4][4-5]` Loyal Customers, `41` Promising, `51` New Customers,
 * `[4-5][2-3]` Potential Loyalists, `5[4-5]` Champions), read with FM on the second axis, and with
 * its Hibernating corner split so that the eleventh name of the published list (Putler's, with R
 * and F&M ranges) has a cell: R 1 with FM 1–2 is Lost, R 2 with FM 1–2 stays Hibernating.
 * Putler's ranges overlap (R 4, FM 4 is both Champions and Loyal Customers there), so they cannot be
 * used as they are; this grid gives every cell exactly one name.
 *
 * | R \ FM | 1              | 2                   | 3                   | 4               | 5               |
 * |--------|----------------|---------------------|---------------------|-----------------|-----------------|
 * | 5      | New Customers  | Potential Loyalists | Potential Loyalists | Champions       | Champions       |
 * | 4      | Promising      | Potential Loyalists | Potential Loyalists | Loyal Customers | Loyal Customers |
 * | 3      | About to Sleep | About to Sleep      | Need Attention      | Loyal Customers | Loyal Customers |
 * | 2      | Hibernating    | Hibernating         | At Risk             | At Risk         | Can't Lose Them |
 * | 1      | Lost           | Lost                | At Risk             | At Risk         | Can't Lose Them |
 *
 * bench/reference/rfm_reference.py holds the same table (written out separately, on purpose).
 */
export const RFM_SEGMENTS = [
  'Champions',
  'Loyal Customers',
  'Potential Loyalists',
  'New Customers',
  'Promising',
  'Need Attention',
  'About to Sleep',
  'At Risk',
  "Can't Lose Them",
  'Hibernating',
  'Lost',
] as const;

export type RfmSegment = (typeof RFM_SEGMENTS)[number];

/** GRID[R - 1][FM - 1]: rows from R 1 up to R 5 (the table above is printed top-down). */
const GRID: readonly (readonly RfmSegment[])[] = [
  ['Lost', 'Lost', 'At Risk', 'At Risk', "Can't Lose Them"],
  ['Hibernating', 'Hibernating', 'At Risk', 'At Risk', "Can't Lose Them"],
  ['About to Sleep', 'About to Sleep', 'Need Attention', 'Loyal Customers', 'Loyal Customers'],
  ['Promising', 'Potential Loyalists', 'Potential Loyalists', 'Loyal Customers', 'Loyal Customers'],
  ['New Customers', 'Potential Loyalists', 'Potential Loyalists', 'Champions', 'Champions'],
];

/** FM: the mean of F and M with halves rounded up (integers only, so no floating-point rounding question). */
export const fmScore = (f: number, m: number): number => Math.floor((f + m + 1) / 2);

const isScore = (s: number) => Number.isInteger(s) && s >= 1 && s <= 5;

/** The named segment of one RFM cell; scores outside 1–5 are a programming error. */
export function rfmSegment(r: number, f: number, m: number): RfmSegment {
  if (!isScore(r) || !isScore(f) || !isScore(m)) throw new RangeError(`RFM scores must be integers 1-5, not ${r}/${f}/${m}`);
  return GRID[r - 1]![fmScore(f, m) - 1]!;
}

/** The segment's position in RFM_SEGMENTS (for compact arrays of 1M customers). */
export const segmentIndex = (name: RfmSegment): number => RFM_SEGMENTS.indexOf(name);
