/**
 * How personal identifiers are written to and read from storage. Today values are stored as they
 * are; encryption at rest swaps in a codec whose `lookup` is a keyed blind index (HMAC) and whose
 * `seal`/`open` encrypt, without touching identity resolution or the schema (identities already
 * keep `lookup` and `value` apart).
 */
export interface PiiCodec {
  lookup(kind: string, value: string): string;
  seal(value: string): string;
  open(stored: string): string;
}

export const plainCodec: PiiCodec = {
  lookup: (_kind, value) => value,
  seal: (value) => value,
  open: (stored) => stored,
};
