import { domainToASCII, domainToUnicode } from 'node:url';

/**
 * Email addresses: what Tailor stores, and which stored ones it can mail.
 *
 * Normalisation, before anything is checked:
 * - surrounding whitespace (spaces, tabs, CR, LF) is trimmed: a CSV cell or form field often
 *   carries it, and it is never part of an address;
 * - one trailing dot of the domain is dropped (`a@example.com.` is the same mailbox, written as
 *   an absolute DNS name);
 * - the domain is lower-cased, and an internationalised domain is kept in its Unicode form
 *   (`a@xn--mller-kva.de` and `a@MÜLLER.de` are both `a@müller.de`); the local part keeps its
 *   case, which RFC 5321 says may be significant.
 *
 * Valid (stored): RFC 5321's mailbox grammar with RFC 6531's UTF-8: a dot-atom or quoted-string
 * local part of at most 64 octets; a domain of LDH labels (or IDN labels that convert to them) of
 * at most 63 octets, or an address literal `[1.2.3.4]` / `[IPv6:…]`; at most 254 octets in all.
 * A control character (CR, LF, NUL, …) anywhere inside is never valid: it would let a stored
 * address inject a header line. Comments `(…)` and folding whitespace, which RFC 5322 allows in
 * message headers but RFC 5321 does not allow in an address, are refused.
 *
 * Valid but undeliverable (stored, reported in the data-quality report, never mailed): forms that
 * are addresses by the RFCs but that public mail systems and ESPs do not deliver to
 * (`undeliverableReason`): a domain without a dot (`test@io`; ICANN does not allow dotless
 * domains, SAC053), a numeric top-level label (`test@255.255.255.255` is not a host name and not
 * a bracketed literal), and address literals (ESPs refuse them).
 */
export type Normalized<T> = { ok: true; value: T } | { ok: false; reason: string };

/** RFC 5322 atext, plus RFC 6531's non-ASCII UTF-8 (letters, marks, numbers, symbols, punctuation; no controls or separators). */
const ATOM = /^(?:[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]|[^\p{Cc}\p{Cf}\p{Z}\p{Cs}\p{Co}\p{Cn}\x00-\x7f])+$/u;
/** RFC 5321 Quoted-string: printable ASCII (and UTF-8) except `"` and `\`, or a backslash pair. */
const QUOTED = /^"(?:[\x20\x21\x23-\x5b\x5d-\x7e]|[^\p{Cc}\p{Cf}\p{Cs}\x00-\x7f]|\\[\x20-\x7e])*"$/u;
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const CONTROL = /[\x00-\x1f\x7f]/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');

export function normalizeEmail(input: unknown): Normalized<string> {
  if (typeof input !== 'string') return { ok: false, reason: 'email must be a string' };
  const s = input.trim();
  if (s.length === 0) return { ok: false, reason: 'email is empty' };
  if (CONTROL.test(s)) return { ok: false, reason: 'email contains a control character (CR, LF, tab, …)' };
  if (bytes(s) > 254) return { ok: false, reason: 'email is longer than 254 characters' };
  const at = s.lastIndexOf('@');
  if (at <= 0 || at === s.length - 1) return { ok: false, reason: 'email must have a local part and a domain' };
  const local = s.slice(0, at);
  if (bytes(local) > 64) return { ok: false, reason: 'email local part is longer than 64 characters' };
  const localOk = QUOTED.test(local) || local.split('.').every((atom) => atom.length > 0 && ATOM.test(atom));
  if (!localOk) return { ok: false, reason: 'email local part has invalid characters' };
  const domain = normalizeDomain(s.slice(at + 1));
  if (!domain.ok) return domain;
  return { ok: true, value: `${local}@${domain.value}` };
}

function normalizeDomain(raw: string): Normalized<string> {
  if (raw.startsWith('[')) {
    const literal = addressLiteral(raw);
    return literal ? { ok: true, value: literal } : { ok: false, reason: 'email domain literal is not an IPv4 or IPv6 address' };
  }
  const d = raw.replace(/\.$/, '');
  if (d === '' || d.includes('..') || d.startsWith('.')) return { ok: false, reason: 'email domain is not a valid host name' };
  // Only LDH ASCII or Unicode letters convert; URL's IDNA rules refuse `_`, spaces and symbols.
  const ascii = /^[\x21-\x7e]*$/.test(d) ? d.toLowerCase() : domainToASCII(d.normalize('NFC'));
  if (!ascii || !ascii.split('.').every((l) => LABEL.test(l))) return { ok: false, reason: 'email domain is not a valid host name' };
  if (ascii.length > 253) return { ok: false, reason: 'email domain is longer than 253 characters' };
  return { ok: true, value: ascii.includes('xn--') ? domainToUnicode(ascii) || ascii : ascii };
}

/** `[1.2.3.4]` or `[IPv6:…]` (RFC 5321 4.1.3), written back in its canonical form; null if neither. */
function addressLiteral(raw: string): string | null {
  const m = /^\[(.*)\]\.?$/.exec(raw);
  if (!m) return null;
  const inner = m[1]!;
  if (IPV4.test(inner)) return `[${inner}]`;
  const v6 = /^ipv6:(.+)$/i.exec(inner);
  if (!v6 || !/^[0-9a-f:.]+$/i.test(v6[1]!)) return null;
  try {
    return `[IPv6:${new URL(`http://[${v6[1]}]/`).hostname.slice(1, -1)}]`;
  } catch {
    return null;
  }
}

/**
 * Why a valid, normalised address cannot be delivered through public mail systems, or null when
 * it can be: such an address is stored and reported, but no message is sent to it.
 */
export function undeliverableReason(email: string): string | null {
  const domain = email.slice(email.lastIndexOf('@') + 1);
  if (domain.startsWith('[')) return 'an address literal (mail servers and ESPs do not deliver to an IP address)';
  const labels = domain.split('.');
  if (labels.length < 2) return 'a domain without a dot (dotless domains are not reachable on the public Internet)';
  if (/^\d+$/.test(labels[labels.length - 1]!)) return 'a numeric top-level domain (not a host name)';
  return null;
}
