import type { ErrorCode } from '../core/errors.ts';

/** The one place where error codes become HTTP status codes. */
export const STATUS: Record<ErrorCode, number> = {
  invalid_json: 400,
  validation_failed: 400,
  missing_field: 400,
  invalid_argument: 400,
  payload_too_large: 413,
  unauthorized: 401,
  forbidden: 403,
  rate_limited: 429,
  not_found: 404,
  conflict: 409,
  unsupported_format: 415,
  invalid_config: 500,
};

export interface ErrorBody { error: { code: string; message: string; field?: string } }

export const errorBody = (code: string, message: string, field?: string): ErrorBody => ({
  error: field ? { code, message, field } : { code, message },
});
