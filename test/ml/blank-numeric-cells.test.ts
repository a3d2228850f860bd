import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { fitTransform, inferColumns, transform } from '../../src/core/ml/feature-matrix.ts';
import { rocAuc } from '../../src/core/ml/metrics/index.ts';
import { predictLogistic, trainLogistic } from '../../src/core/ml/supervised/logistic.ts';
import { readTable } from '../../src/io/read-table.ts';
import { readFixture } from '../helpers/fixtures.ts';

/**
 * Issue 18 part 5: IBM's Telco churn file has a single space in 11 TotalCharges cells, and Tailor
 * one-hot encoded the column's most common values instead of reading a number with gaps. The
 * fixture is a synthetic table of the same shape (bench/reference/blank_numeric_reference.py wrote
 * it, with scikit-learn's AUC in blank-numeric-reference.json).
 */
const CSV = fileURLToPath(new URL('../fixtures/blank-numeric-churn.csv', import.meta.url));
const ref = readFixture<{ blankTotalCharges: number; features: number; testRows: number; testRocAuc: number; testProbabilities: number[] }>('blank-numeric-reference.json');
const FEATURES = ['tenure', 'monthly_charges', 'total_charges', 'contract'];

describe('a numeric column with blank cells (the Telco TotalCharges shape)', () => {
  it('reads the column as numeric with missing values, whatever the blank holds', () => {
    const rows = [{ a: '1.5' }, { a: ' ' }, { a: '\t' }, { a: '' }, { a: null }, { a: '2' }];
    expect(inferColumns(rows, ['a'])).toEqual([{ name: 'a', kind: 'number', log: false }]);
    const t = fitTransform(rows, inferColumns(rows, ['a']), 'none');
    expect(t.featureNames).toEqual(['a', 'a_missing']);
    const { original } = transform(t, rows);
    // Median of 1.5 and 2 fills the four blanks; the indicator marks them.
    expect(Array.from(original.data)).toEqual([1.5, 0, 1.75, 1, 1.75, 1, 1.75, 1, 1.75, 1, 2, 0]);
    // A blank in a text column is the (missing) level, not a level of its own.
    const cat = [{ c: 'x' }, { c: ' ' }, { c: '' }, { c: 'y' }];
    expect(fitTransform(cat, inferColumns(cat, ['c'])).featureNames).toEqual(['c=(missing)', 'c=x', 'c=y']);
  });

  it('gives logistic regression scikit-learn\'s holdout AUC on the file', async () => {
    const rows = await readTable(CSV);
    expect(rows.filter((r) => r.total_charges === ' ')).toHaveLength(ref.blankTotalCharges);
    // The split of the reference script: every fifth row (0-based index % 5 == 0) is held out.
    const test = rows.filter((_, i) => i % 5 === 0);
    const train = rows.filter((_, i) => i % 5 !== 0);
    const columns = inferColumns(train, FEATURES);
    expect(columns.find((c) => c.name === 'total_charges')!.kind).toBe('number');
    const t = fitTransform(train, columns, 'standard');
    expect(t.featureNames).toContain('total_charges_missing');
    expect(t.featureNames.filter((f) => f.startsWith('total_charges='))).toEqual([]);
    expect(t.featureNames).toHaveLength(ref.features);
    const label = (r: Record<string, unknown>) => (r.churn === 'Yes' ? 1 : 0);
    const model = trainLogistic(transform(t, train).scaled, Float64Array.from(train, label), { c: 1 });
    const p = predictLogistic(model, transform(t, test).scaled);
    expect(test).toHaveLength(ref.testRows);
    // scikit-learn 1.2.1, LogisticRegression(C=1, tol=1e-10): blank-numeric-reference.json.
    expect(rocAuc(Float64Array.from(test, label), p)).toBeCloseTo(ref.testRocAuc, 12);
    // Probabilities agree to lbfgs's accuracy (~1e-6); the ranking, and so the AUC, exactly.
    ref.testProbabilities.forEach((q, i) => expect(p[i]).toBeCloseTo(q, 5));
  });
});
