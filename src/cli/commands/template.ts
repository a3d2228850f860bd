import fs from 'node:fs';
import type { Command } from 'commander';
import { TailorError } from '../../core/errors.ts';
import { blockDocument, templateDocument, templateExport } from '../../core/content/template-document.ts';
import { withTailor } from '../context.ts';
import { optionalWhole } from '../flags.ts';
import { print, table, writeOut } from '../output.ts';
import { readJson, readText } from '../read-json.ts';

const versionFlag = (v: string | undefined): number | undefined => optionalWhole(v, 'version', { min: 1, expected: 'a version number such as 3' });

interface ContentFlags { body?: string; subject?: string; preheader?: string; kind?: string; format?: string; description?: string; name?: string; json?: boolean }

const contentOf = (f: ContentFlags) => ({
  ...(f.body !== undefined ? { body: readText(f.body, '--body') } : {}),
  ...(f.subject !== undefined ? { subject: f.subject } : {}),
  ...(f.preheader !== undefined ? { preheader: f.preheader } : {}),
  ...(f.kind !== undefined ? { kind: f.kind } : {}),
  ...(f.format !== undefined ? { format: f.format } : {}),
  ...(f.description !== undefined ? { description: f.description } : {}),
});

export function registerTemplate(program: Command): void {
  const tp = program.command('template').description('MJML + Liquid templates and blocks: create, render, lint, import, export');

  tp.command('list').description('every template with its current version').option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }, cmd: Command) => withTailor(cmd, async (t) => {
      const all = (await t.templates.listCurrent()).map((r) => templateDocument(r.template, r.version));
      print(!!opts.json, all, () => all.length === 0 ? 'no templates' : table([
        ['name', 'kind', 'version', 'blocks', 'html bytes', 'updated'], ...all.map((x) => [x.name, x.kind, x.version, x.content.blocks.join(' ') || '-', x.content.htmlBytes, x.updatedAt])]));
    }));

  tp.command('show <template>').description('one template: its content and compile summary')
    .option('--version <n>', 'an earlier version').option('--json', 'machine-readable output')
    .action(async (ref: string, opts: { version?: string; json?: boolean }, cmd: Command) => withTailor(cmd, async (t) => {
      const r = await t.templates.get(ref, versionFlag(opts.version));
      const d = templateDocument(r.template, r.version);
      print(!!opts.json, d, () => `${d.name} (${d.id}) ${d.kind}, version ${d.content.version} of ${d.version}\nsubject: ${d.content.subject}\npreheader: ${d.content.preheader}\nblocks: ${d.content.blocks.join(', ') || '-'}\n\n${d.content.body}`);
    }));

  const content = (c: Command) => c
    .option('--subject <liquid>', 'the subject line (Liquid)')
    .option('--preheader <liquid>', 'the preview text (Liquid)')
    .option('--kind <kind>', 'marketing (needs an unsubscribe link) or transactional')
    .option('--format <format>', 'mjml (default) or html')
    .option('--description <text>', 'what the template is for')
    .option('--json', 'machine-readable output');

  content(tp.command('create <name>').description('save a template (version 1), compiling its MJML once')
    .requiredOption('--body <file>', 'the MJML (or HTML) body with Liquid; - for stdin'))
    .action(async (name: string, f: ContentFlags, cmd: Command) => {
      const input = { name, ...contentOf(f) };
      await withTailor(cmd, async (t) => {
        const r = await t.templates.create(input);
        print(!!f.json, templateDocument(r.template, r.version), () => `created ${r.template.name} version 1 (${r.version.format === 'html'
          ? 'HTML kept as written, CSS inlined' : 'MJML compiled'} in ${Math.round(r.version.compiled.compileMs)} ms)`);
      });
    });

  content(tp.command('update <template>').description('change content (a new version) or name, kind, description')
    .option('--body <file>', 'a new body; - for stdin').option('--name <name>', 'a new name'))
    .action(async (ref: string, f: ContentFlags, cmd: Command) => {
      const patch = { ...contentOf(f), ...(f.name ? { name: f.name } : {}) };
      await withTailor(cmd, async (t) => {
        const r = await t.templates.update(ref, patch);
        print(!!f.json, templateDocument(r.template, r.version), () => `${r.template.name}: version ${r.template.version}`);
      });
    });

  tp.command('delete <template>').description('delete a template and all its versions').option('--json', 'machine-readable output')
    .action(async (ref: string, o: { json?: boolean }, cmd: Command) => withTailor(cmd, async (t) => {
      await t.templates.remove(ref);
      print(!!o.json, { deleted: ref }, () => `deleted ${ref}`);
    }));

  tp.command('render <template>').description('render for one profile: subject, preheader, HTML and text')
    .requiredOption('--profile <ref>', 'profile id, userId or email')
    .option('--event <json>', 'the triggering event\'s properties: JSON or @file.json')
    .option('--version <n>', 'an earlier version')
    .option('--html', 'print only the HTML').option('--text', 'print only the text part')
    .option('--json', 'machine-readable output')
    .action(async (ref: string, f: { profile: string; event?: string; version?: string; html?: boolean; text?: boolean; json?: boolean }, cmd: Command) => {
      const event = f.event === undefined ? undefined : readJson(f.event, 'event');
      if (event !== undefined && (typeof event !== 'object' || event === null || Array.isArray(event))) throw new TailorError('invalid_argument', '--event must be a JSON object', 'event');
      const version = versionFlag(f.version);
      await withTailor(cmd, async (t) => {
        const r = await t.templates.preview(ref, f.profile, { ...(version ? { version } : {}), ...(event ? { event: event as Record<string, unknown> } : {}) });
        if (!r.ok) throw new TailorError('validation_failed', `render failed for ${f.profile}: ${r.error}`, 'template');
        print(!!f.json, r, () => (f.html ? r.html : f.text ? r.text : `Subject: ${r.subject}\nPreheader: ${r.preheader}\n\n--- text ---\n${r.text}\n\n--- html ---\n${r.html}`));
      });
    });

  tp.command('lint <template>').description('unknown variables, missing fallbacks, bad links, images without alt, size, unsubscribe; exits 1 on errors')
    .option('--version <n>', 'an earlier version').option('--json', 'machine-readable output')
    .action(async (ref: string, f: { version?: string; json?: boolean }, cmd: Command) => withTailor(cmd, async (t) => {
      const r = await t.templates.lint(ref, versionFlag(f.version));
      print(!!f.json, r, () => (r.issues.length === 0 ? `${r.template} version ${r.version}: no issues`
        : table([['severity', 'rule', 'message'], ...r.issues.map((i) => [i.severity, i.rule, i.message])])));
      if (r.issues.some((i) => i.severity === 'error')) process.exitCode = 1;
    }));

  tp.command('import <name>').description('import a Mailchimp (merge tags) or Handlebars template as Liquid, or a Tailor export; prints what could not be converted')
    .requiredOption('--from <format>', 'mailchimp, handlebars or tailor')
    .requiredOption('--file <file>', 'the template (HTML, or the JSON of `tailor template export`)')
    .option('--subject <text>', 'the subject line, in the same format')
    .option('--kind <kind>', 'marketing or transactional')
    .option('--json', 'machine-readable output')
    .action(async (name: string, f: { from: string; file: string; subject?: string; kind?: string; json?: boolean }, cmd: Command) => {
      const input = f.from === 'tailor'
        ? { from: 'tailor', template: readJson(`@${f.file}`, 'file'), name }
        : { from: f.from, name, source: readText(f.file, '--file'), ...(f.subject ? { subject: f.subject } : {}), ...(f.kind ? { kind: f.kind } : {}) };
      await withTailor(cmd, async (t) => {
        const r = await t.templates.importTemplate(input);
        print(!!f.json, { ...templateDocument(r.template, r.version), issues: r.issues }, () => [
          `imported ${r.template.name} from ${f.from} (version 1)`,
          r.issues.length ? table([['line', 'col', 'construct', 'not converted because'], ...r.issues.map((i) => [i.line, i.column, i.construct, i.message])]) : 'everything was converted',
        ].join('\n'));
      });
    });

  tp.command('export <template>').description('the template and the blocks it uses, as JSON (import it with --from tailor)')
    .option('--out <file>', 'write to a file instead of stdout').option('--version <n>', 'an earlier version')
    .option('--json', 'machine-readable output (the export is JSON already; with --out, {"exported":file,…})')
    .action(async (ref: string, f: { out?: string; version?: string; json?: boolean }, cmd: Command) => {
      const version = versionFlag(f.version);
      await withTailor(cmd, async (t) => {
        const r = await t.templates.get(ref, version);
        const json = `${JSON.stringify(templateExport(r.template, r.version, await t.templates.listBlocks()), null, 2)}\n`;
        if (!f.out) return writeOut(json);
        fs.writeFileSync(f.out, json);
        if (f.json) print(true, { exported: f.out, template: r.template.name, version: r.version.version }, () => '');
      });
    });

  const block = tp.command('block').description('reusable blocks used with {% render \'name\' %}');
  block.command('list').description('every block').option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }, cmd: Command) => withTailor(cmd, async (t) => {
      const all = (await t.templates.listBlocks()).map(blockDocument);
      print(!!opts.json, all, () => all.length === 0 ? 'no blocks' : table([['name', 'kind', 'bytes', 'updated'], ...all.map((b) => [b.name, b.kind, b.body.length, b.updatedAt])]));
    }));
  block.command('set <name>').description('create or replace a block; templates that use it get a new version')
    .requiredOption('--file <file>', 'the block body (MJML sections, or a Liquid snippet with --kind liquid)')
    .option('--kind <kind>', 'mjml (sections, default) or liquid (an inline snippet)')
    .option('--description <text>', 'what the block is')
    .option('--json', 'machine-readable output')
    .action(async (name: string, f: { file: string; kind?: string; description?: string; json?: boolean }, cmd: Command) => {
      const input = { name, body: readText(f.file, '--file'), ...(f.kind ? { kind: f.kind } : {}), ...(f.description ? { description: f.description } : {}) };
      await withTailor(cmd, async (t) => {
        const r = await t.templates.setBlock(input);
        print(!!f.json, { ...blockDocument(r.block), recompiled: r.recompiled }, () => `saved block ${name}${r.recompiled.length ? `; new versions of ${r.recompiled.join(', ')}` : ''}`);
      });
    });
  block.command('delete <name>').description('delete a block that no template uses').option('--json', 'machine-readable output')
    .action(async (name: string, o: { json?: boolean }, cmd: Command) => withTailor(cmd, async (t) => {
      await t.templates.removeBlock(name);
      print(!!o.json, { deleted: name }, () => `deleted block ${name}`);
    }));
}
