import { TailorError } from '../errors.ts';
import { parseBlockInput, parseTemplateInput, type TemplateInput } from '../schemas/template.ts';
import { compileTemplate, type TemplateSource } from './compile.ts';
import { importHandlebars } from './importers/handlebars.ts';
import type { ImportIssue } from './importers/import-result.ts';
import { importMailchimp } from './importers/mailchimp.ts';
import { lintTemplate, traitReferences, type LintIssue } from './lint.ts';
import { createLiquid } from './liquid-env.ts';
import { strictCheckFields } from './liquid/strict-check.ts';
import type { BlockRecord, TemplateRecord, TemplateStore, TemplateVersion } from './ports.ts';
import { prepareTemplate, type PreparedTemplate, type RenderResult } from './render.ts';

export interface TemplateDeps {
  store: TemplateStore;
  now: () => number;
  newId: () => string;
  /** Everything a template sees for one recipient (render-context.ts), from storage. */
  contextFor(profileId: string, extras: { event?: Record<string, unknown>; campaign?: Record<string, unknown>; templateId: string }): Promise<Record<string, unknown>>;
}

/** How many prepared (parsed) versions stay in memory. */
const PREPARED_CACHE = 64;

/**
 * Templates and blocks as use cases. Every change to a template's content is a new immutable
 * version, compiled once (MJML, text part) when it is saved; changing a block makes a new version
 * of every template that uses it. Rendering prepares (parses) a version once and reuses it.
 */
export class TemplateService {
  private readonly prepared = new Map<string, PreparedTemplate>();

  constructor(private readonly d: TemplateDeps) {}

  list(): Promise<TemplateRecord[]> {
    return this.d.store.list();
  }

  /** Every template with its current version. */
  async listCurrent(): Promise<{ template: TemplateRecord; version: TemplateVersion }[]> {
    const out: { template: TemplateRecord; version: TemplateVersion }[] = [];
    for (const template of await this.d.store.list()) {
      const version = await this.d.store.version(template.id, template.version);
      if (version) out.push({ template, version });
    }
    return out;
  }

  async get(idOrName: string, version?: number): Promise<{ template: TemplateRecord; version: TemplateVersion }> {
    const template = await this.d.store.find(idOrName);
    if (!template) throw new TailorError('not_found', `no template '${idOrName}'`, 'template');
    const v = await this.d.store.version(template.id, version ?? template.version);
    if (!v) throw new TailorError('not_found', `template '${template.name}' has no version ${version}`, 'version');
    return { template, version: v };
  }

  versions(id: string) {
    return this.d.store.versions(id);
  }

  async create(input: unknown): Promise<{ template: TemplateRecord; version: TemplateVersion }> {
    const t = parseTemplateInput(input);
    if (await this.d.store.find(t.name)) throw new TailorError('conflict', `a template named '${t.name}' already exists`, 'name');
    const now = this.d.now();
    const template: TemplateRecord = { id: this.d.newId(), name: t.name, kind: t.kind, description: t.description ?? null, tracking: t.tracking, version: 1, createdAt: now, updatedAt: now };
    const version = await this.compileVersion(template.id, 1, t);
    await this.d.store.save(template, version);
    return { template, version };
  }

  /** Fields not given keep their current value; a content change makes a new version. */
  async update(idOrName: string, patch: Record<string, unknown>): Promise<{ template: TemplateRecord; version: TemplateVersion }> {
    const cur = await this.get(idOrName);
    const merged = parseTemplateInput({
      name: cur.template.name, kind: cur.template.kind, ...(cur.template.description ? { description: cur.template.description } : {}), tracking: cur.template.tracking,
      subject: cur.version.subject, preheader: cur.version.preheader, body: cur.version.body, format: cur.version.format, ...patch,
    });
    const changed = (['subject', 'preheader', 'body', 'format'] as const).some((k) => merged[k] !== cur.version[k]);
    const now = this.d.now();
    const template: TemplateRecord = {
      ...cur.template, name: merged.name, kind: merged.kind, description: merged.description ?? null, tracking: merged.tracking, version: cur.template.version + (changed ? 1 : 0), updatedAt: now,
    };
    const version = changed ? await this.compileVersion(template.id, template.version, merged) : null;
    await this.d.store.save(template, version);
    return { template, version: version ?? cur.version };
  }

  async remove(idOrName: string): Promise<void> {
    const { template } = await this.get(idOrName);
    await this.d.store.remove(template.id);
  }

  listBlocks(): Promise<BlockRecord[]> {
    return this.d.store.blocks();
  }

  /** Creates or replaces a block, then gives every template that uses it a new version. */
  async setBlock(input: unknown): Promise<{ block: BlockRecord; recompiled: string[] }> {
    const b = parseBlockInput(input);
    const partialNames = new Map((await this.d.store.blocks()).map((x) => [x.name, x.body]));
    partialNames.set(b.name, b.body);
    const problem = strictCheckFields({ body: b.body }, Object.fromEntries(partialNames))[0];
    if (problem) throw new TailorError('validation_failed', `body: Liquid: ${problem.problem.message}`, 'body');
    const block: BlockRecord = { name: b.name, kind: b.kind, body: b.body, description: b.description ?? null, updatedAt: this.d.now() };
    const users = await this.usersOf(b.name);
    // Compile every dependent against the new block before saving anything: a block that breaks
    // a template is rejected whole.
    const blocks = new Map((await this.d.store.blocks()).map((x) => [x.name, x]));
    blocks.set(block.name, block);
    const next: { template: TemplateRecord; version: TemplateVersion }[] = [];
    for (const u of users) {
      const version = await this.compileVersion(u.template.id, u.template.version + 1, u.version, blocks, false);
      next.push({ template: { ...u.template, version: version.version, updatedAt: block.updatedAt }, version });
    }
    await this.d.store.saveBlock(block);
    for (const n of next) await this.d.store.save(n.template, n.version);
    return { block, recompiled: next.map((n) => n.template.name) };
  }

  async removeBlock(name: string): Promise<void> {
    if (!(await this.d.store.blocks()).some((b) => b.name === name)) throw new TailorError('not_found', `no block '${name}'`, 'block');
    const users = await this.usersOf(name);
    if (users.length) throw new TailorError('conflict', `block '${name}' is used by ${users.map((u) => u.template.name).join(', ')}`, 'block');
    await this.d.store.removeBlock(name);
  }

  /** Renders a version for one profile: subject, preheader, HTML and text, or that recipient's error. */
  async preview(idOrName: string, profileId: string, opts: { version?: number; event?: Record<string, unknown>; campaign?: Record<string, unknown> } = {}): Promise<RenderResult & { template: string; version: number }> {
    const { template, version } = await this.get(idOrName, opts.version);
    const context = await this.d.contextFor(profileId, { ...(opts.event ? { event: opts.event } : {}), ...(opts.campaign ? { campaign: opts.campaign } : {}), templateId: template.id });
    return { ...this.preparedFor(version).render(context), template: template.name, version: version.version };
  }

  /** The parsed form of a version, cached: what a batch send renders with. */
  preparedFor(v: TemplateVersion): PreparedTemplate {
    const key = `${v.templateId}@${v.version}`;
    let p = this.prepared.get(key);
    if (!p) {
      p = prepareTemplate(v.compiled);
      if (this.prepared.size >= PREPARED_CACHE) this.prepared.delete(this.prepared.keys().next().value!);
      this.prepared.set(key, p);
    }
    return p;
  }

  async lint(idOrName: string, version?: number): Promise<{ template: string; version: number; issues: LintIssue[] }> {
    const { template, version: v } = await this.get(idOrName, version);
    const coverage = await this.d.store.traitCoverage(traitReferences(v.compiled));
    const partials = Object.fromEntries((await this.d.store.blocks()).map((b) => [b.name, b.body]));
    const liquid = { fields: { subject: v.subject, preheader: v.preheader, body: v.body }, partials };
    return { template: template.name, version: v.version, issues: lintTemplate(template.kind, v.compiled, coverage, liquid) };
  }

  /**
   * Creates a template from another tool's format: `mailchimp` (merge tags) or `handlebars` HTML
   * becomes Liquid HTML; `tailor` is an export of this tool (template and blocks). Returns what
   * could not be converted.
   */
  async importTemplate(input: Record<string, unknown>): Promise<{ template: TemplateRecord; version: TemplateVersion; issues: ImportIssue[] }> {
    const from = input.from;
    if (from === 'tailor') {
      const doc = (input.template ?? input) as Record<string, unknown>;
      const existing = new Set((await this.d.store.blocks()).map((x) => x.name));
      for (const b of Array.isArray(doc.blocks) ? doc.blocks : []) {
        if (!existing.has((b as { name?: unknown }).name as string)) await this.setBlock(b);
      }
      const { blocks: _b, tailorTemplate: _v, from: _f, template: _t, ...rest } = doc;
      // An export writes absent fields as null; the template schema wants them left out.
      const present = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== null));
      const r = await this.create({ ...present, ...(input.name ? { name: input.name } : {}) });
      return { ...r, issues: [] };
    }
    if (from !== 'mailchimp' && from !== 'handlebars') {
      throw new TailorError('validation_failed', 'from must be one of mailchimp, handlebars, tailor', 'from');
    }
    if (typeof input.source !== 'string' || !input.source) throw new TailorError('missing_field', 'source: give the template to import', 'source');
    const converted = from === 'mailchimp' ? importMailchimp(input.source) : importHandlebars(input.source);
    const subject = typeof input.subject === 'string' ? (from === 'mailchimp' ? importMailchimp(input.subject) : importHandlebars(input.subject)) : null;
    const r = await this.create({
      name: input.name, kind: input.kind ?? 'marketing', ...(input.description ? { description: input.description } : {}),
      subject: subject?.liquid ?? input.name, ...(typeof input.preheader === 'string' ? { preheader: input.preheader } : {}),
      body: converted.liquid, format: 'html',
    });
    return { ...r, issues: [...converted.issues, ...(subject?.issues ?? []).map((i) => ({ ...i, construct: `subject: ${i.construct}` }))] };
  }

  private async usersOf(block: string) {
    return (await this.listCurrent()).filter((u) => u.version.compiled.blocks.includes(block));
  }

  private async compileVersion(templateId: string, version: number, src: TemplateSource | TemplateInput, blocks?: Map<string, BlockRecord>, strict = true): Promise<TemplateVersion> {
    const available = blocks ?? new Map((await this.d.store.blocks()).map((b) => [b.name, b]));
    // A version must render: a Liquid syntax error is the author's 400, named by field and by the
    // line of what they wrote (not of the compiled HTML), rather than every recipient's failure.
    // With `strict` (a version the author saves), also what would fail or misrender when sent
    // (strict-check.ts: unknown filters, arity, identifiers, operators, missing partials); a
    // version made because a block changed is checked only for parsing, so templates saved before
    // the strict check keep working.
    const partials = Object.fromEntries([...available.values()].map((b) => [b.name, b.body]));
    const fields = { subject: src.subject, preheader: src.preheader, body: src.body };
    if (strict) {
      const problems = strictCheckFields(fields, partials);
      if (problems.length > 0) {
        const { field, problem } = problems[0]!;
        const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
        throw new TailorError('validation_failed', `${field}: Liquid: ${problem.message}${more}`, field);
      }
    }
    const check = createLiquid(false, partials);
    for (const [field, text] of Object.entries(fields)) {
      try {
        check.parse(text);
      } catch (e) {
        throw new TailorError('validation_failed', `${field}: Liquid: ${(e as Error).message.split('\n')[0]}`, field);
      }
    }
    const compiled = await compileTemplate({ subject: src.subject, preheader: src.preheader, body: src.body, format: src.format }, available, this.d.now);
    try {
      prepareTemplate(compiled);
    } catch (e) {
      throw new TailorError('validation_failed', `body: Liquid after MJML compilation: ${(e as Error).message.split('\n')[0]}`, 'body');
    }
    return { templateId, version, subject: src.subject, preheader: src.preheader, body: src.body, format: src.format, compiled, createdAt: this.d.now() };
  }
}
