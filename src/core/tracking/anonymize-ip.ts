/**
 * An IP address with its host part dropped, as analytics tools anonymise it: IPv4 to its /24 (the
 * last octet zeroed), IPv6 to its /48 (the last 80 bits zeroed). Anything else is dropped entirely.
 * (Written here rather than with node:net, which core may not import.)
 */
const V4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export function anonymizeIp(ip: string): string | null {
  const v4 = ip.toLowerCase().startsWith('::ffff:') ? ip.slice(7) : ip;
  if (V4.test(v4)) return v4.replace(/\.\d+$/, '.0');
  const groups = ipv6Groups(ip);
  return groups ? `${groups.slice(0, 3).join(':')}::` : null;
}

/** The eight 16-bit groups of an IPv6 address (leading zeros dropped), or null when it is not one. */
function ipv6Groups(ip: string): string[] | null {
  const s = ip.replace(/%.*$/, '').toLowerCase();
  if (!/^[0-9a-f:]+$/.test(s) || s.split('::').length > 2) return null;
  const [head, tail] = s.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  if (tail === undefined ? h.length !== 8 : h.length + t.length > 7) return null;
  const groups = tail === undefined ? h : [...h, ...new Array<string>(8 - h.length - t.length).fill('0'), ...t];
  if (groups.some((g) => !/^[0-9a-f]{1,4}$/.test(g))) return null;
  return groups.map((g) => g.replace(/^0+(?=.)/, ''));
}
