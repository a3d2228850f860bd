/**
 * The identifiers that resolve to one profile. An identity key is `kind:value`; the store keeps it
 * as (kind, lookup) where `lookup` goes through the PII codec, so that a blind index can replace the
 * plain value later without changing the resolution logic.
 */
export type IdentityKind = 'user_id' | 'anonymous_id' | 'email';
export interface Identity { kind: IdentityKind; value: string }

export const identityKey = (i: Identity): string => `${i.kind}:${i.value}`;

export function parseIdentityKey(key: string): Identity {
  const i = key.indexOf(':');
  return { kind: key.slice(0, i) as IdentityKind, value: key.slice(i + 1) };
}
