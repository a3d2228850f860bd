import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { TailorError } from '../core/errors.ts';

export interface AuthKeys { writeKey: string; adminKey: string }
export type Role = 'write' | 'admin';

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The key a request presents: HTTP Basic (key as user name), Bearer, or `writeKey` in a JSON body. */
export function presentedKey(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  if (h) {
    const [scheme, value = ''] = h.split(' ', 2);
    if (scheme?.toLowerCase() === 'basic') {
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      const i = decoded.indexOf(':');
      return i >= 0 ? decoded.slice(0, i) : decoded;
    }
    if (scheme?.toLowerCase() === 'bearer') return value.trim();
  }
  const body = req.body as { writeKey?: unknown } | undefined;
  if (body && typeof body === 'object' && typeof body.writeKey === 'string') return body.writeKey;
  return undefined;
}

export function roleOf(key: string | undefined, keys: AuthKeys): Role | undefined {
  if (!key) return undefined;
  if (same(key, keys.adminKey)) return 'admin';
  if (same(key, keys.writeKey)) return 'write';
  return undefined;
}

/** Throws 401 for no or a wrong key, 403 for a write key on an admin route. */
export function requireRole(req: FastifyRequest, keys: AuthKeys, needed: Role): Role {
  const key = presentedKey(req);
  const role = roleOf(key, keys);
  if (!role) throw new TailorError('unauthorized', key ? 'the key is not valid' : 'an API key is required');
  if (needed === 'admin' && role !== 'admin') throw new TailorError('forbidden', 'this route needs the admin key');
  return role;
}
