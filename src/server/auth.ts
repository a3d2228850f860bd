import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { TailorError } from '../core/errors.ts';
import { keyWeakness } from '../core/key-strength.ts';

export interface AuthKeys { writeKey: string; adminKey: string }
export type Role = 'write' | 'admin';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The key a route needs. Unset: `admin` for every `/v1/…` route (so a new route is closed until
     * it says otherwise), none elsewhere. `write` is the ingest routes': the admin key passes too.
     */
    auth?: Role | 'none';
    /** `tracking`: the pixel and redirect's own per-IP limit (mail proxies fetch for many people from one address). */
    limit?: 'tracking';
  }
}

/** How a key was presented. The admin key counts only as a Bearer token (see `roleOf`). */
export interface PresentedKey { key: string; via: 'basic' | 'bearer' | 'body' }

/** A key in a JSON body is read from bodies up to this size; a larger body must send its key in a header. */
export const BODY_KEY_MAX_BYTES = 32 * 1024;

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Refuses keys the server must not run with: equal, or under 128 bits (core/key-strength.ts). */
export function checkKeys(keys: AuthKeys): void {
  for (const [name, key] of [['write', keys.writeKey], ['admin', keys.adminKey]] as const) {
    const weak = keyWeakness(key);
    if (weak) throw new TailorError('invalid_config', `the ${name} key: ${weak}`, `${name}Key`);
  }
  if (same(keys.writeKey, keys.adminKey)) throw new TailorError('invalid_config', 'the write key must differ from the admin key', 'writeKey');
}

/** The key in the Authorization header: HTTP Basic (key as user name) or Bearer. */
export function headerKey(req: FastifyRequest): PresentedKey | undefined {
  const h = req.headers.authorization;
  if (!h) return undefined;
  const [scheme, value = ''] = h.split(' ', 2);
  if (scheme?.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const i = decoded.indexOf(':');
    return { key: i >= 0 ? decoded.slice(0, i) : decoded, via: 'basic' };
  }
  if (scheme?.toLowerCase() === 'bearer') return { key: value.trim(), via: 'bearer' };
  return { key: '', via: 'bearer' };
}

/** `writeKey` in a parsed JSON body (Segment's clients, and sendBeacon, which cannot set headers). */
export function bodyKey(req: FastifyRequest): PresentedKey | undefined {
  const body = req.body as { writeKey?: unknown } | undefined;
  if (body && typeof body === 'object' && typeof body.writeKey === 'string') return { key: body.writeKey, via: 'body' };
  return undefined;
}

/**
 * The role a presented key has. The admin key is a role only as a Bearer token: sent as HTTP Basic
 * or in a body it is refused, so that it is never pasted where the write key goes (page snippets,
 * mobile apps), where it would be read.
 */
export function roleOf(p: PresentedKey | undefined, keys: AuthKeys): Role | undefined {
  if (!p?.key) return undefined;
  if (same(p.key, keys.adminKey)) return p.via === 'bearer' ? 'admin' : undefined;
  if (same(p.key, keys.writeKey)) return 'write';
  return undefined;
}

function refuse(p: PresentedKey | undefined, keys: AuthKeys): never {
  if (!p?.key) throw new TailorError('unauthorized', 'an API key is required');
  if (same(p.key, keys.adminKey)) throw new TailorError('unauthorized', 'the admin key is accepted only as a Bearer token');
  throw new TailorError('unauthorized', 'the key is not valid');
}

function grant(role: Role | undefined, p: PresentedKey | undefined, keys: AuthKeys, needed: Role): Role {
  if (!role) refuse(p, keys);
  if (needed === 'admin' && role !== 'admin') throw new TailorError('forbidden', 'this route needs the admin key');
  return role;
}

/**
 * Throws 401 for no or a wrong key, 403 for a write key on an admin route. A key in the body counts
 * for the write role only. (The app checks keys in `onRequest`, before the body is read:
 * `createAuthHooks`; route modules that call this in `preValidation` check again.)
 */
export function requireRole(req: FastifyRequest, keys: AuthKeys, needed: Role): Role {
  const h = headerKey(req);
  const p = h ?? (needed === 'write' ? bodyKey(req) : undefined);
  return grant(roleOf(p, keys), p, keys, needed);
}

/** The role a route needs: its `config.auth`, else admin for `/v1/…`. */
export function neededRole(req: FastifyRequest): Role | undefined {
  const declared = req.routeOptions.config?.auth;
  if (declared) return declared === 'none' ? undefined : declared;
  return req.routeOptions.url?.startsWith('/v1/') ? 'admin' : undefined;
}

/**
 * Authentication as app-wide hooks. `onRequest` runs before any of the body is read: a request
 * without a key, or with a wrong one, is answered 401 then, whatever its body, so no one without a
 * key makes the server read and parse up to 500 KB. The one exception is a write route's key in
 * the body: such a request must declare a Content-Length of at most 32 KB, and its key is checked
 * in `preValidation`, right after the parse (a parse failure on it is a 401 too: `awaitsBodyKey`).
 */
export function createAuthHooks(keys: AuthKeys) {
  const pending = new WeakSet<FastifyRequest>();
  return {
    onRequest: async (req: FastifyRequest) => {
      // No route: answer the 404 now, not after fastify's not-found handler has read the body.
      if (!req.routeOptions.url) throw new TailorError('not_found', `no route for ${req.method} ${req.url.split('?')[0]}`);
      const needed = neededRole(req);
      if (!needed) return;
      const h = headerKey(req);
      if (h || needed !== 'write') {
        grant(roleOf(h, keys), h, keys, needed);
        return;
      }
      const length = Number(req.headers['content-length']);
      if (!(length > 0 && length <= BODY_KEY_MAX_BYTES)) {
        throw new TailorError('unauthorized', 'an API key is required: HTTP Basic with the write key, or writeKey in a JSON body of at most 32 KB');
      }
      pending.add(req);
    },
    preValidation: async (req: FastifyRequest) => {
      if (!pending.has(req)) return;
      const p = bodyKey(req);
      grant(roleOf(p, keys), p, keys, 'write');
      pending.delete(req);
    },
    /** A request whose key is to come from a body that has not been parsed yet. */
    awaitsBodyKey: (req: FastifyRequest) => pending.has(req),
  };
}
