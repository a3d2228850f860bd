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
  // NUL is dropped from the search key: PostgreSQL text cannot hold it (the store strips it from
  // written parameters), so a key with NUL would be written one way and looked up another, and an
  // unstripped look-up fails outright. Dropping it here makes both dialects resolve alike.
  lookup: (_kind, value) => (value.includes('\0') ? value.replace(/\0/g, '') : value),
  seal: (value) => value,
  open: (stored) => stored,
};
