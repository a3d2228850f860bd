import type { FastifyInstance, FastifyRequest } from 'fastify';
import { TailorError } from '../../core/errors.ts';
import { blockDocument, templateDocument, templateExport } from '../../core/content/template-document.ts';
import type { TemplateService } from '../../core/content/template-service.ts';
import { requireRole, type AuthKeys } from '../auth.ts';
import { intParam, jsonBody as body } from '../params.ts';

const objectOrUndefined = (v: unknown, field: string): Record<string, unknown> | undefined => {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw new TailorError('validation_failed', `${field} must be a JSON object`, field);
  return v as Record<string, unknown>;
};

/**
 * Admin API over templates and blocks: CRUD (content changes make versions), versions, preview for
 * a profile, lint, import and export. Blocks live under /v1/templates/blocks.
 */
export function templateRoutes(app: FastifyInstance, svc: TemplateService, keys: AuthKeys): void {
  const admin = { preValidation: async (req: FastifyRequest) => void requireRole(req, keys, 'admin') };
  const id = (req: FastifyRequest) => (req.params as { id: string }).id;
  const version = (req: FastifyRequest) => {
    const v = (req.query as { version?: string }).version;
    return v === undefined ? undefined : intParam(v, 'version', 1, 1, 1_000_000);
  };

  app.get('/v1/templates/blocks', admin, async () => ({ blocks: (await svc.listBlocks()).map(blockDocument) }));
  app.put('/v1/templates/blocks/:name', admin, async (req) => {
    const r = await svc.setBlock({ ...body(req), name: (req.params as { name: string }).name });
    return { ...blockDocument(r.block), recompiled: r.recompiled };
  });
  app.delete('/v1/templates/blocks/:name', admin, async (req, reply) => {
    await svc.removeBlock((req.params as { name: string }).name);
    return reply.status(204).send();
  });

  app.get('/v1/templates', admin, async () => ({ templates: (await svc.listCurrent()).map((r) => templateDocument(r.template, r.version)) }));
  app.post('/v1/templates', admin, async (req, reply) => {
    const r = await svc.create(body(req));
    return reply.status(201).send(templateDocument(r.template, r.version));
  });
  app.post('/v1/templates/import', admin, async (req, reply) => {
    const r = await svc.importTemplate(body(req));
    return reply.status(201).send({ ...templateDocument(r.template, r.version), issues: r.issues });
  });
  app.get('/v1/templates/:id', admin, async (req) => {
    const r = await svc.get(id(req), version(req));
    return templateDocument(r.template, r.version);
  });
  const update = async (req: FastifyRequest) => {
    const r = await svc.update(id(req), body(req));
    return templateDocument(r.template, r.version);
  };
  app.patch('/v1/templates/:id', admin, update);
  app.put('/v1/templates/:id', admin, update);
  app.delete('/v1/templates/:id', admin, async (req, reply) => {
    await svc.remove(id(req));
    return reply.status(204).send();
  });
  app.get('/v1/templates/:id/versions', admin, async (req) => {
    const { template } = await svc.get(id(req));
    return { versions: (await svc.versions(template.id)).map((v) => ({ version: v.version, createdAt: new Date(v.createdAt).toISOString() })) };
  });
  app.post('/v1/templates/:id/preview', admin, async (req) => {
    const b = body(req);
    if (typeof b.profileId !== 'string' || !b.profileId) throw new TailorError('missing_field', 'profileId: give the profile to render for (id, userId or email)', 'profileId');
    const v = b.version === undefined ? undefined : intParam(String(b.version), 'version', 1, 1, 1_000_000);
    const event = objectOrUndefined(b.event, 'event');
    const campaign = objectOrUndefined(b.campaign, 'campaign');
    return svc.preview(id(req), b.profileId, { ...(v ? { version: v } : {}), ...(event ? { event } : {}), ...(campaign ? { campaign } : {}) });
  });
  app.get('/v1/templates/:id/lint', admin, async (req) => svc.lint(id(req), version(req)));
  app.get('/v1/templates/:id/export', admin, async (req) => {
    const r = await svc.get(id(req), version(req));
    return templateExport(r.template, r.version, await svc.listBlocks());
  });
}
