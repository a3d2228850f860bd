/**
 * Email syntax as mail systems accept it in practice (RFC 5321 limits, RFC 5322 dot-atom local
 * parts; quoted local parts are accepted too). The domain is lower-cased; the local part keeps
 * its case because RFC 5321 says it may be significant.
 */
export type Normalized<T> = { ok: true; value: T } | { ok: false; reason: string };

const ATEXT = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+$/;
const QUOTED = /^"(?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\[\x20-\x7e])*"$/;
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

export function normalizeEmail(input: unknown): Normalized<string> {
  if (typeof input !== 'string') return { ok: false, reason: 'email must be a string' };
  const s = input.trim();
  if (s.length === 0) return { ok: false, reason: 'email is empty' };
  if (s.length > 254) return { ok: false, reason: 'email is longer than 254 characters' };
  const at = s.lastIndexOf('@');
  if (at <= 0 || at === s.length - 1) return { ok: false, reason: 'email must have a local part and a domain' };
  const local = s.slice(0, at);
  const domain = s.slice(at + 1).toLowerCase().replace(/\.$/, '');
  if (local.length > 64) return { ok: false, reason: 'email local part is longer than 64 characters' };
  const localOk = QUOTED.test(local) || local.split('.').every((atom) => atom.length > 0 && ATEXT.test(atom));
  if (!localOk) return { ok: false, reason: 'email local part has invalid characters' };
  const labels = domain.split('.');
  if (labels.length < 2) return { ok: false, reason: 'email domain must have a dot' };
  if (!labels.every((l) => LABEL.test(l))) return { ok: false, reason: 'email domain is not a valid host name' };
  if (/^\d+$/.test(labels[labels.length - 1]!)) return { ok: false, reason: 'email domain has a numeric top-level label' };
  return { ok: true, value: `${local}@${domain}` };
}
