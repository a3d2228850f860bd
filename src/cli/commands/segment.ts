import type { Command } from 'commander';
import { TailorError } from '../../core/errors.ts';
import type { ExplainNode } from '../../core/segments/evaluate.ts';
import { csvLine } from '../../core/csv-line.ts';
import { segmentDocument } from '../../core/segments/segment-document.ts';
import { withTailor } from '../context.ts';
import { wholeFlag } from '../flags.ts';
import { readJson } from '../read-json.ts';
import { print, table } from '../output.ts';

/** The members command lists at most this many (the CSV export has no limit). */
const MAX_MEMBERS_LIMIT = 10_000;

export function registerSegment(program: Command): void {
  const seg = program.command('segment').description('rule segments: create, preview, members, explain');

  seg.command('list').description('every segment with its size').option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }, cmd: Command) => withTailor(cmd, async (t) => {
      const all = (await t.segments.list()).map(segmentDocument);
      print(!!opts.json, all, () => all.length === 0 ? 'no segments' : table([
        ['name', 'size', 'status', 'version', 'computed'], ...all.map((s) => [s.name, s.size, s.status, s.version, s.computedAt ?? ''])]));
    }));

  seg.command('show <segment>').description('one segment: rules, options, size').option('--json', 'machine-readable output')
    .action(async (ref: string, opts: { json?: boolean }, cmd: Command) => withTailor(cmd, async (t) => {
      const s = segmentDocument(await t.segments.get(ref));
      print(!!opts.json, s, () => `${s.name} (${s.id})\nsize ${s.size}, version ${s.version}, ${s.status}\nrules ${JSON.stringify(s.rules, null, 2)}\noptions ${JSON.stringify(s.options)}`);
    }));

  seg.command('create <name>').description('save a segment and compute its members')
    .requiredOption('--rules <json>', 'the rule tree: JSON, or @file.json')
    .option('--options <json>', 'anti-flapping options: {"minDwell":"24h","exitThresholds":{"monetary":400}}')
    .option('--description <text>', 'what the segment is for')
    .option('--json', 'machine-readable output')
    .action(async (name: string, opts: { rules: string; options?: string; description?: string; json?: boolean }, cmd: Command) =>
      withTailor(cmd, async (t) => {
        const r = await t.segments.create({
          name, description: opts.description, rules: readJson(opts.rules, 'rules'), options: opts.options ? readJson(opts.options, 'options') : undefined,
        });
        for (const w of r.warnings) if (!opts.json) process.stderr.write(`warning: ${w}\n`);
        print(!!opts.json, { ...segmentDocument(r.segment), warnings: r.warnings, computed: r.result },
          () => `created ${r.segment.name} (${r.segment.id}): ${r.result.size} members, computed in ${Math.round(r.result.ms)} ms`);
      }));

  seg.command('update <segment>').description('change rules, options, name or description; a rule change recomputes')
    .option('--rules <json>', 'the new rule tree: JSON, or @file.json')
    .option('--options <json>', 'the new options')
    .option('--name <name>', 'a new name')
    .option('--description <text>', 'a new description')
    .option('--json', 'machine-readable output')
    .action(async (ref: string, opts: { rules?: string; options?: string; name?: string; description?: string; json?: boolean }, cmd: Command) =>
      withTailor(cmd, async (t) => {
        const r = await t.segments.update(ref, {
          ...(opts.rules ? { rules: readJson(opts.rules, 'rules') } : {}),
          ...(opts.options ? { options: readJson(opts.options, 'options') } : {}),
          ...(opts.name ? { name: opts.name } : {}),
          ...(opts.description !== undefined ? { description: opts.description } : {}),
        });
        for (const w of r.warnings) if (!opts.json) process.stderr.write(`warning: ${w}\n`);
        print(!!opts.json, { ...segmentDocument(r.segment), warnings: r.warnings, computed: r.result ?? null },
          () => `updated ${r.segment.name}: ${r.segment.size} members${r.result ? ` (+${r.result.entered} −${r.result.exited})` : ''}`);
      }));

  seg.command('delete <segment>').description('delete a segment and its membership history').option('--json', 'machine-readable output')
    .action(async (ref: string, opts: { json?: boolean }, cmd: Command) => withTailor(cmd, async (t) => {
      await t.segments.remove(ref);
      print(!!opts.json, { deleted: ref }, () => `deleted ${ref}`);
    }));

  seg.command('recompute <segment>').description('recompute members in batch').option('--json', 'machine-readable output')
    .action(async (ref: string, opts: { json?: boolean }, cmd: Command) => withTailor(cmd, async (t) => {
      const r = await t.segments.recompute(ref);
      print(!!opts.json, r, () => `${r.size} members (+${r.entered} −${r.exited}) in ${Math.round(r.ms)} ms`);
    }));

  seg.command('preview').description('count and sample the profiles a rule matches, without saving')
    .requiredOption('--rules <json>', 'the rule tree: JSON, or @file.json').option('--json', 'machine-readable output')
    .action(async (opts: { rules: string; json?: boolean }, cmd: Command) => withTailor(cmd, async (t) => {
      const r = await t.segments.preview(readJson(opts.rules, 'rules'), 20);
      const sample = await t.segmentQueries.describe(r.sample);
      print(!!opts.json, { count: r.count, sample }, () => `${r.count} profiles match\n\n${table([['profile', 'user id', 'email'],
        ...sample.map((s) => [s.profileId, s.userId ?? '', s.email ?? ''])])}`);
    }));

  seg.command('members <segment>').description('current members (CSV with --csv)')
    .option('--csv', 'every member as CSV on stdout').option('--limit <n>', 'members to list', '50').option('--json', 'machine-readable output')
    .action(async (ref: string, opts: { csv?: boolean; limit: string; json?: boolean }, cmd: Command) => {
      const limit = wholeFlag(opts.limit, 'limit', { min: 1, max: MAX_MEMBERS_LIMIT });
      await withTailor(cmd, async (t) => {
        const s = await t.segments.get(ref);
        if (opts.csv) {
          process.stdout.write(csvLine(['profile_id', 'user_id', 'email', 'entered_at']));
          for await (const page of t.segmentQueries.allMembers(s.id)) {
            process.stdout.write(page.map((m) => csvLine([m.profileId, m.userId, m.email, m.enteredAt])).join(''));
          }
          return;
        }
        const r = await t.segmentQueries.members(s.id, { limit });
        print(!!opts.json, r, () => `${r.total} members\n\n${table([['profile', 'user id', 'email', 'entered'],
          ...r.members.map((m) => [m.profileId, m.userId ?? '', m.email ?? '', m.enteredAt])])}`);
      });
    });

  seg.command('sizes <segment>').description('size history').option('--json', 'machine-readable output')
    .action(async (ref: string, opts: { json?: boolean }, cmd: Command) => withTailor(cmd, async (t) => {
      const s = await t.segments.get(ref);
      const h = await t.segmentQueries.sizes(s.id, {});
      print(!!opts.json, { segmentId: s.id, size: s.size, history: h }, () => table([['at', 'size', 'entered', 'exited'],
        ...h.map((p) => [p.at, p.size, p.entered, p.exited])]));
    }));

  seg.command('explain <segment> <profile>').description('every node of the rule for one profile: passed or not, and the values seen')
    .option('--json', 'machine-readable output')
    .action(async (ref: string, profile: string, opts: { json?: boolean }, cmd: Command) => withTailor(cmd, async (t) => {
      const id = await t.profiles.resolve({ id: profile });
      if (!id) throw new TailorError('not_found', `no profile ${JSON.stringify(profile)}`, 'profile');
      const r = await t.segments.explain(ref, id);
      print(!!opts.json, r, () => [
        `${r.segment.name} for ${r.profileId} at ${r.at}`,
        `member: ${r.member ? `yes, since ${r.enteredAt}` : 'no'}; rule ${r.rulePasses ? 'passes' : 'fails'}${r.heldBy ? ' (held in by minDwell)' : ''}${r.usesExitThresholds ? ' (exit thresholds)' : ''}`,
        ...(r.nextCheckAt ? [`next check: ${r.nextCheckAt}`] : []),
        '',
        ...tree(r.tree, ''),
      ].join('\n'));
    }));
}

function tree(n: ExplainNode, indent: string): string[] {
  const saw = n.saw === undefined ? '' : `  — saw ${JSON.stringify(n.saw)}`;
  return [`${indent}${n.passed ? '✓' : '✗'} ${n.rule}${saw}`, ...(n.children ?? []).flatMap((c) => tree(c, `${indent}  `))];
}
