import { TailorError } from '../core/errors.ts';

export function intParam(v: string | undefined, field: string, dflt: number, min: number, max: number): number {
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new TailorError('invalid_argument', `${field} must be an integer from ${min} to ${max}`, field);
  }
  return n;
}
