import type { FastifyRequest } from 'fastify';
import { TailorError } from '../core/errors.ts';

export function intParam(v: string | undefined, field: string, dflt: number, min: number, max: number): number {
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new TailorError('invalid_argument', `${field} must be an integer from ${min} to ${max}`, field);
  }
  return n;
}

/** The request body as a JSON object, or a 400. */
export function jsonBody(req: FastifyRequest): Record<string, unknown> {
  if (typeof req.body !== 'object' || req.body === null || Array.isArray(req.body)) throw new TailorError('validation_failed', 'send a JSON object');
  return req.body as Record<string, unknown>;
}
