import { describe, expect, it } from 'vitest';
import { fitTransform, inferColumns, transform } from './feature-matrix.ts';

describe('feature matrix', () => {
  const rows = [
    { spend: 0, orders: 1, plan: 'pro' },
    { spend: 10, orders: 2, plan: 'basic' },
    { spend: 20, orders: null, plan: null },
    { spend: 1000, orders: 3, plan: 'pro' },
    { spend: 5, orders: 4, plan: 'basic' },
  ];

  it('infers kinds, and log1p for skewed non-negative columns only', () => {
    expect(inferColumns(rows, ['spend', 'orders', 'plan'])).toEqual([
      { name: 'spend', kind: 'number', log: true },
      { name: 'orders', kind: 'number', log: false },
      { name: 'plan', kind: 'category' },
    ]);
    expect(inferColumns([{ a: '1.5' }, { a: '2' }, { a: '' }], ['a'])[0]!.kind).toBe('number');
    expect(inferColumns([{ a: '1' }, { a: 'x' }], ['a'])[0]!.kind).toBe('category');
  });

  it('imputes the training median with an indicator, scales, one-hot encodes, and maps unseen levels to nothing', () => {
    const cols = inferColumns(rows, ['spend', 'orders', 'plan']);
    const t = fitTransform(rows, cols, 'standard');
    expect(t.featureNames).toEqual(['spend', 'orders', 'orders_missing', 'plan=basic', 'plan=pro', 'plan=(missing)']);
    const { scaled, original } = transform(t, rows);
    // orders: present values 1,2,3,4 → median 2.5 fills the gap; standardised over the filled column.
    const filled = [1, 2, 2.5, 3, 4];
    const mean = filled.reduce((a, b) => a + b) / 5;
    const sd = Math.sqrt(filled.reduce((a, b) => a + (b - mean) ** 2, 0) / 5);
    for (let i = 0; i < 5; i++) expect(scaled.data[i * 6 + 1]).toBeCloseTo((filled[i]! - mean) / sd, 12);
    expect(Array.from({ length: 5 }, (_, i) => original.data[i * 6 + 2])).toEqual([0, 0, 1, 0, 0]);
    expect(original.data[2 * 6 + 1]).toBe(2.5);
    // spend is log1p'd before scaling; the original matrix keeps dollars.
    expect(original.data[3 * 6]).toBe(1000);
    const logs = rows.map((r) => Math.log1p(r.spend));
    const m = logs.reduce((a, b) => a + b) / 5;
    const s = Math.sqrt(logs.reduce((a, b) => a + (b - m) ** 2, 0) / 5);
    expect(scaled.data[3 * 6]).toBeCloseTo((Math.log1p(1000) - m) / s, 12);
    // One-hot, the missing level included.
    expect(Array.from(original.data.subarray(2 * 6 + 3, 2 * 6 + 6))).toEqual([0, 0, 1]);
    const unseen = transform(t, [{ spend: 1, orders: 1, plan: 'enterprise' }]);
    expect(Array.from(unseen.scaled.data.subarray(3, 6))).toEqual([0, 0, 0]);
  });

  it('keeps a known numeric column numeric when no training row has a value (imputed 0, with its indicator)', () => {
    const none = [{ opens: null, plan: 'a' }, { opens: null, plan: 'b' }];
    // From the data alone, a column with no values is a category…
    expect(inferColumns(none, ['opens'])).toEqual([{ name: 'opens', kind: 'category' }]);
    // …but the catalog says it is a number: it stays one, so a later value is read as a number.
    const cols = inferColumns(none, ['opens', 'plan'], { opens: 'number', plan: 'category' });
    expect(cols).toEqual([{ name: 'opens', kind: 'number', log: false }, { name: 'plan', kind: 'category' }]);
    const t = fitTransform(none, cols, 'none');
    expect(t.featureNames).toEqual(['opens', 'opens_missing', 'plan=a', 'plan=b']);
    expect(Array.from(transform(t, [{ opens: 4, plan: 'b' }, { opens: null, plan: 'a' }]).scaled.data)).toEqual([4, 0, 0, 1, 0, 1, 1, 0]);
  });

  it('min-max scales to 0..1 and leaves a constant column centred', () => {
    const t = fitTransform([{ a: 2, c: 7 }, { a: 4, c: 7 }, { a: 6, c: 7 }], [{ name: 'a', kind: 'number' }, { name: 'c', kind: 'number' }], 'minmax');
    expect(Array.from(transform(t, [{ a: 2, c: 7 }, { a: 6, c: 7 }, { a: 4, c: 7 }]).scaled.data)).toEqual([0, 0, 1, 0, 0.5, 0]);
  });

  it('keeps the most frequent levels and folds the rest into (other)', () => {
    const many = Array.from({ length: 40 }, (_, i) => ({ city: `c${i % 25}` }));
    const t = fitTransform(many, [{ name: 'city', kind: 'category' }]);
    expect(t.featureNames).toHaveLength(20);
    expect(t.featureNames.at(-1)).toBe('city=(other)');
    const x = transform(t, [{ city: 'c24' }, { city: 'never-seen' }]).scaled;
    expect(x.data[19]).toBe(1);
    expect(x.data[20 + 19]).toBe(1);
  });
});
