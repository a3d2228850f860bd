import type { BlockRecord, TemplateRecord, TemplateVersion } from './ports.ts';

const iso = (t: number): string => new Date(t).toISOString();

/** A template as the API and the CLI show it: the record, and one version with its compile summary. */
export function templateDocument(t: TemplateRecord, v: TemplateVersion) {
  return {
    id: t.id, name: t.name, kind: t.kind, description: t.description, tracking: t.tracking, version: t.version,
    createdAt: iso(t.createdAt), updatedAt: iso(t.updatedAt),
    content: {
      version: v.version, subject: v.subject, preheader: v.preheader, format: v.format, body: v.body, createdAt: iso(v.createdAt),
      blocks: v.compiled.blocks, warnings: v.compiled.warnings, compileMs: Math.round(v.compiled.compileMs), htmlBytes: Buffer.byteLength(v.compiled.html, 'utf8'),
    },
  };
}

export const blockDocument = (b: BlockRecord) => ({ name: b.name, kind: b.kind, description: b.description, body: b.body, updatedAt: iso(b.updatedAt) });

/** A portable export: the template's current content and the blocks it uses (import it with `from: "tailor"`). */
export function templateExport(t: TemplateRecord, v: TemplateVersion, blocks: readonly BlockRecord[]) {
  return {
    tailorTemplate: 1,
    name: t.name, kind: t.kind, description: t.description, tracking: t.tracking, subject: v.subject, preheader: v.preheader, format: v.format, body: v.body,
    blocks: blocks.filter((b) => v.compiled.blocks.includes(b.name)).map((b) => ({ name: b.name, kind: b.kind, description: b.description, body: b.body })),
  };
}
