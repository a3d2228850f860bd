/**
 * Expected failures carry a stable `code` (and the offending `field` when there is one).
 * The HTTP layer maps codes to status codes in one place (src/server/error-map.ts);
 * the CLI prints `message` on one line and exits non-zero.
 */
export type ErrorCode =
  | 'invalid_json'
  | 'validation_failed'
  | 'missing_field'
  | 'payload_too_large'
  | 'unauthorized'
  | 'rate_limited'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'invalid_config'
  | 'invalid_argument'
  | 'unsupported_format';

export class TailorError extends Error {
  readonly code: ErrorCode;
  readonly field: string | undefined;
  constructor(code: ErrorCode, message: string, field?: string) {
    super(message);
    this.name = 'TailorError';
    this.code = code;
    this.field = field;
  }
}

export const isTailorError = (e: unknown): e is TailorError => e instanceof TailorError;
