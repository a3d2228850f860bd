import type { FastifyInstance } from 'fastify';
import type { StoreCounts } from '../../core/status/ports.ts';

export interface StatusService {
  counts(): Promise<StoreCounts>;
  /** A cheap round trip to the database, for probes. */
  ping(): Promise<void>;
  dialect: string;
  version: string;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** `/health` for probes; `/` a status page with counts until the dashboard arrives. */
export function statusRoutes(app: FastifyInstance, svc: StatusService): void {
  app.get('/health', async (_req, reply) => {
    try {
      await svc.ping();
      return { status: 'ok', db: svc.dialect, version: svc.version };
    } catch (e) {
      return reply.status(503).send({ status: 'unavailable', db: svc.dialect, error: { code: 'db_unavailable', message: (e as Error).message } });
    }
  });

  app.get('/', async (_req, reply) => {
    const c = await svc.counts();
    const rows = Object.entries(c).map(([k, v]) => `<tr><th>${esc(k)}</th><td>${v.toLocaleString('en')}</td></tr>`).join('');
    reply.type('text/html; charset=utf-8');
    return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Tailor</title>
<style>body{font:16px system-ui,sans-serif;margin:3rem auto;max-width:40rem;color:#222}th{text-align:left;padding:.3rem 2rem .3rem 0;font-weight:500}td{text-align:right;font-variant-numeric:tabular-nums}</style></head>
<body><h1>Tailor</h1><p>Running on ${esc(svc.dialect)}, version ${esc(svc.version)}.</p>
<table id="counts">${rows}</table>
<p>API: <code>POST /v1/batch</code> (write key), <code>GET /v1/profiles</code>, <code>GET /v1/quality</code> (admin key). Health: <a href="/health">/health</a>.</p></body></html>`;
  });
}
