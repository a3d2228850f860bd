import { z } from 'zod';
import { TailorError } from '../../core/errors.ts';

/**
 * Validates a webhook body, turning the first zod issue into the TailorError('validation_failed')
 * the HTTP layer maps to a 400, with the path of the bad value (`[2].email`) as its field.
 */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown, what: string, prefix = ''): z.output<S> {
  const r = schema.safeParse(body);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  let at = prefix;
  for (const k of issue.path) at += typeof k === 'number' ? `[${k}]` : at ? `.${String(k)}` : String(k);
  throw new TailorError('validation_failed', `${what}${at ? ` ${at}` : ''}: ${issue.message}`, at || undefined);
}

/**
 * A recipient address as providers send it, lower-cased. Deliberately looser than ingest's email
 * rule: a provider reporting on an address we sent to must not have its whole batch refused (and
 * retried for days) because one address is unusual.
 */
export const reportEmail = z.string().trim().toLowerCase().regex(/^[^@\s]+@[^@\s]+$/, 'must be an email address');

/** A time as epoch ms (a number) or an ISO 8601 string. */
export const reportTime = z.union([
  z.number().finite().nonnegative(),
  z.string().refine((s) => Number.isFinite(Date.parse(s)), 'must be an ISO 8601 date-time').transform((s) => Date.parse(s)),
]);

/** A JSON body that may still be text (SNS posts JSON as text/plain, so servers hand it over unparsed). */
export function jsonBody(body: unknown, what: string): unknown {
  if (typeof body !== 'string') return body;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    throw new TailorError('invalid_json', `${what}: the body is not JSON`);
  }
}
