import type { FastifyInstance } from 'fastify';
import type { StoreCounts } from '../../core/status/ports.ts';
import { headerKey, roleOf, type AuthKeys } from '../auth.ts';

export interface StatusService {
  counts(): Promise<StoreCounts>;
  /** A cheap round trip to the database, for probes. */
  ping(): Promise<void>;
  dialect: string;
  version: string;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * `/health` for probes; `/` a page with the version and a link to `/health` until the dashboard
 * arrives. The store's counts are shown only to a request with the admin key (Bearer): how many
 * people and events a shop has is nobody else's business.
 */
export function statusRoutes(app: FastifyInstance, svc: StatusService, keys: AuthKeys): void {
  app.get('/health', async (_req, reply) => {
    try {
      await svc.ping();
      return { status: 'ok', db: svc.dialect, version: svc.version };
    } catch (e) {
      return reply.status(503).send({ status: 'unavailable', db: svc.dialect, error: { code: 'db_unavailable', message: (e as Error).message } });
    }
  });

  app.get('/', async (req, reply) => {
    const admin = roleOf(headerKey(req), keys) === 'admin';
    const rows = admin
      ? Object.entries(await svc.counts()).map(([k, v]) => `<tr><th>${esc(k)}</th><td>${v.toLocaleString('en')}</td></tr>`).join('')
      : '';
    reply.type('text/html; charset=utf-8');
    if (admin) reply.header('cache-control', 'no-store');
    return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Tailor</title>
<style>body{font:16px system-ui,sans-serif;margin:3rem auto;max-width:40rem;color:#222}th{text-align:left;padding:.3rem 2rem .3rem 0;font-weight:500}td{text-align:right;font-variant-numeric:tabular-nums}</style></head>
<body><h1>Tailor</h1><p>Version ${esc(svc.version)}. Health: <a href="/health">/health</a>.</p>
${admin ? `<p>Running on ${esc(svc.dialect)}.</p><table id="counts">${rows}</table>\n` : ''}<p>API: <code>POST /v1/batch</code> (write key), <code>GET /v1/profiles</code>, <code>GET /v1/quality</code> (admin key).</p></body></html>`;
  });
}
