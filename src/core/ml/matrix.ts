/**
 * The one numeric container of src/core/ml: a dense row-major matrix of doubles. Row i is
 * data[i*cols … i*cols+cols-1]. Typed arrays rather than number[][]: one allocation, cache-friendly
 * loops, and transferable to a worker thread without copying.
 */
export interface Matrix {
  rows: number;
  cols: number;
  data: Float64Array;
}

export function matrix(rows: number, cols: number, data?: Float64Array): Matrix {
  if (data && data.length !== rows * cols) throw new RangeError(`matrix data has ${data.length} values, not ${rows}×${cols}`);
  return { rows, cols, data: data ?? new Float64Array(rows * cols) };
}

export function fromRows(rows: readonly (readonly number[])[]): Matrix {
  const cols = rows[0]?.length ?? 0;
  const m = matrix(rows.length, cols);
  rows.forEach((r, i) => {
    if (r.length !== cols) throw new RangeError(`row ${i} has ${r.length} values, not ${cols}`);
    m.data.set(r, i * cols);
  });
  return m;
}

/** The rows at these indices, in this order (a copy). */
export function takeRows(x: Matrix, idx: ArrayLike<number>): Matrix {
  const out = matrix(idx.length, x.cols);
  for (let i = 0; i < idx.length; i++) out.data.set(x.data.subarray(idx[i]! * x.cols, idx[i]! * x.cols + x.cols), i * x.cols);
  return out;
}

export const row = (x: Matrix, i: number): Float64Array => x.data.subarray(i * x.cols, i * x.cols + x.cols);
