/**
 * CIDR matching for IPv4 and IPv6 without node:net (core has no I/O imports). Addresses are read as
 * BigInt; an IPv4-mapped IPv6 address (`::ffff:17.1.2.3`, what a dual-stack socket reports for an
 * IPv4 peer) is matched as the IPv4 address it carries. Anything unparsable matches nothing.
 */

interface Addr { v: 4 | 6; n: bigint }

function parseV4(s: string): bigint | null {
  const parts = s.split('.');
  if (parts.length !== 4) return null;
  let n = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return null;
    n = (n << 8n) | BigInt(Number(p));
  }
  return n;
}

function parseV6(s: string): bigint | null {
  let text = s.split('%')[0]!; // a zone id (fe80::1%eth0) is not part of the address
  // A dotted IPv4 tail (::ffff:1.2.3.4) is two 16-bit groups.
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.', lastColon)) {
    const v4 = parseV4(text.slice(lastColon + 1));
    if (v4 === null) return null;
    text = `${text.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const groups = (h: string): string[] => (h === '' ? [] : h.split(':'));
  const head = groups(halves[0]!);
  const rest = halves.length === 2 ? groups(halves[1]!) : [];
  const fill = 8 - head.length - rest.length;
  // "::" stands for at least one zero group; without it there must be exactly eight.
  if (halves.length === 2 ? fill < 1 : fill !== 0) return null;
  let n = 0n;
  for (const g of [...head, ...Array<string>(fill).fill('0'), ...rest]) {
    if (!/^[0-9a-f]{1,4}$/i.test(g)) return null;
    n = (n << 16n) | BigInt(parseInt(g, 16));
  }
  return n;
}

export function parseIp(s: string): Addr | null {
  const t = s.trim();
  if (t.includes(':')) {
    const n = parseV6(t.replace(/^\[|\]$/g, ''));
    if (n === null) return null;
    return n >> 32n === 0xffffn ? { v: 4, n: n & 0xffffffffn } : { v: 6, n };
  }
  const n = parseV4(t);
  return n === null ? null : { v: 4, n };
}

export interface Cidr { v: 4 | 6; base: bigint; bits: number }

export function parseCidr(s: string): Cidr {
  const [addr, len] = s.split('/');
  const a = parseIp(addr!);
  const bits = Number(len);
  const width = a?.v === 4 ? 32 : 128;
  if (!a || !Number.isInteger(bits) || bits < 0 || bits > width) throw new Error(`not a CIDR: ${s}`);
  return { v: a.v, base: a.n >> BigInt(width - bits), bits };
}

export type Ip = Addr;

/** A matcher over a fixed list of CIDRs (parsed once), for an address parsed once by the caller. */
export function cidrMatcher(cidrs: readonly string[]): (a: Ip | null) => boolean {
  const list = cidrs.map(parseCidr);
  return (a) => {
    if (!a) return false;
    const width = a.v === 4 ? 32 : 128;
    return list.some((c) => c.v === a.v && a.n >> BigInt(width - c.bits) === c.base);
  };
}
