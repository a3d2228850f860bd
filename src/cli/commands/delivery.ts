import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { TailorError } from '../../core/errors.ts';
import { withTailor } from '../context.ts';
import { wholeFlag } from '../flags.ts';
import { print, table } from '../output.ts';

/** A whole mailbox is read in batches of this many messages, so a large folder is never held whole. */
const BATCH = 500;

/**
 * The messages at `p`: one file, a folder's `.eml` files, or a Maildir (its `cur/` and `new/`,
 * whose files have no extension; `tmp/` holds deliveries in progress and is left alone).
 */
export function reportFiles(p: string): string[] {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(p);
  } catch {
    throw new TailorError('not_found', `no such file or folder: ${p}`, 'path');
  }
  if (stat.isFile()) return [p];
  if (!stat.isDirectory()) throw new TailorError('invalid_argument', `not a file or folder: ${p}`, 'path');
  const files: string[] = [];
  const regular = (dir: string, keep: (name: string) => boolean) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) if (e.isFile() && keep(e.name)) files.push(path.join(dir, e.name));
  };
  regular(p, (n) => n.toLowerCase().endsWith('.eml'));
  for (const sub of ['cur', 'new']) {
    const dir = path.join(p, sub);
    if (fs.existsSync(dir) && fs.statSync(dir).isDirectory()) regular(dir, (n) => !n.startsWith('.'));
  }
  return files.sort();
}

/** `@example.com` (a whole domain) or an address; anything else is refused with the reason. */
export function suppressionTarget(text: string): { kind: 'address' | 'domain'; value: string } {
  const v = text.trim().toLowerCase();
  if (/^@[a-z0-9-]+(\.[a-z0-9-]+)+\.?$/.test(v)) return { kind: 'domain', value: v.slice(1) };
  if (/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(v)) return { kind: 'address', value: v };
  throw new TailorError('invalid_argument', `expected an address or @domain, not '${text.trim()}'`, 'address');
}

const COUNT_ROWS = [['applied', 'applied'], ['hard bounces', 'hard'], ['soft bounces', 'soft'], ['complaints', 'complaints'],
  ['delivered', 'delivered'], ['unmatched', 'unmatched'], ['duplicates', 'duplicates'], ['addresses suppressed', 'suppressed']] as const;

export function registerDelivery(program: Command): void {
  const dl = program.command('delivery').description('bounces and complaints: import DSN/ARF reports, manage the suppression list');

  dl.command('import-reports <path>').description('apply bounce (RFC 3464) and complaint (RFC 5965) reports from an .eml file, a folder or a Maildir')
    .option('--json', 'machine-readable output')
    .action(async (p: string, opts: { json?: boolean }, cmd: Command) => {
      const files = reportFiles(p);
      await withTailor(cmd, async (t) => {
        const total = { messages: 0, reports: 0, applied: 0, hard: 0, soft: 0, complaints: 0, delivered: 0, unmatched: 0, duplicates: 0, suppressed: 0,
          skipped: [] as { name: string; reason: string }[] };
        for (let i = 0; i < files.length; i += BATCH) {
          const batch = files.slice(i, i + BATCH).map((f) => ({ name: f, raw: fs.readFileSync(f) }));
          const r = await t.campaigns.reports.emails(batch);
          for (const k of ['messages', 'reports', 'applied', 'hard', 'soft', 'complaints', 'delivered', 'unmatched', 'duplicates', 'suppressed'] as const) total[k] += r[k];
          total.skipped.push(...r.skipped);
        }
        print(!!opts.json, total, () => [
          `${total.messages} messages read, ${total.reports} of them reports`,
          '',
          table([['', 'count'], ...COUNT_ROWS.map(([label, k]) => [label, total[k]])]),
          ...(total.skipped.length ? ['', `${total.skipped.length} messages skipped:`, ...total.skipped.map((s) => `  ${s.name}: ${s.reason}`)] : []),
        ].join('\n'));
      });
    });

  const sp = dl.command('suppressions').description('addresses and domains that get no marketing mail');

  sp.command('list').description('the suppression list, by value')
    .option('--limit <n>', 'entries to show', '100').option('--after <value>', 'continue after this value').option('--json', 'machine-readable output')
    .action(async (opts: { limit: string; after?: string; json?: boolean }, cmd: Command) => {
      const limit = wholeFlag(opts.limit, 'limit', { min: 1, max: 100_000 });
      await withTailor(cmd, async (t) => {
        const list = await t.campaigns.suppressions.list({ limit, after: opts.after });
        const rows = list.map((s) => ({ ...s, value: s.kind === 'domain' ? `@${s.value}` : s.value, createdAt: new Date(s.createdAt).toISOString() }));
        print(!!opts.json, rows, () => rows.length === 0 ? 'no suppressions' : table([['value', 'reason', 'source', 'since', 'detail'],
          ...rows.map((s) => [s.value, s.reason, s.source, s.createdAt, (s.detail ?? '').slice(0, 60)])]));
      });
    });

  sp.command('add <targets...>').description('suppress addresses or whole @domains')
    .option('--reason <text>', 'why (shown by campaign explain)', 'manual').option('--json', 'machine-readable output')
    .action(async (targets: string[], opts: { reason: string; json?: boolean }, cmd: Command) => {
      const entries = targets.map(suppressionTarget).map((e) => ({ ...e, reason: opts.reason, source: 'cli', detail: null }));
      await withTailor(cmd, async (t) => {
        const added = await t.campaigns.suppressions.add(entries, t.clock.now());
        print(!!opts.json, { added, updated: entries.length - added }, () => `${added} added${entries.length - added ? `, ${entries.length - added} already listed (updated)` : ''}`);
      });
    });

  sp.command('remove <targets...>').description('lift the suppression of addresses or @domains')
    .option('--json', 'machine-readable output')
    .action(async (targets: string[], opts: { json?: boolean }, cmd: Command) => {
      const entries = targets.map(suppressionTarget);
      await withTailor(cmd, async (t) => {
        let removed = 0;
        const missing: string[] = [];
        for (const e of entries) {
          if (await t.campaigns.suppressions.remove(e.kind, e.value)) removed++;
          else missing.push(e.kind === 'domain' ? `@${e.value}` : e.value);
        }
        print(!!opts.json, { removed, missing }, () => `${removed} removed${missing.length ? `; not listed: ${missing.join(', ')}` : ''}`);
      });
    });

  sp.command('import <file>').description('suppress every address or @domain in a file (one a line; blank lines and # comments skipped)')
    .option('--reason <text>', 'why', 'imported').option('--json', 'machine-readable output')
    .action(async (file: string, opts: { reason: string; json?: boolean }, cmd: Command) => {
      let text: string;
      try {
        text = fs.readFileSync(file, 'utf8');
      } catch {
        throw new TailorError('not_found', `cannot read ${file}`, 'file');
      }
      const entries: { kind: 'address' | 'domain'; value: string; reason: string; source: string; detail: string | null }[] = [];
      const rejected: { line: number; text: string; reason: string }[] = [];
      text.split(/\r?\n/).forEach((raw, i) => {
        const line = raw.replace(/#.*$/, '').trim();
        if (!line) return;
        try {
          entries.push({ ...suppressionTarget(line), reason: opts.reason, source: `import:${path.basename(file)}`, detail: null });
        } catch (e) {
          rejected.push({ line: i + 1, text: line, reason: (e as Error).message });
        }
      });
      await withTailor(cmd, async (t) => {
        const added = entries.length ? await t.campaigns.suppressions.add(entries, t.clock.now()) : 0;
        print(!!opts.json, { read: entries.length, added, rejected }, () => [`${entries.length} entries read, ${added} new`,
          ...rejected.map((r) => `  line ${r.line}: ${r.reason}`)].join('\n'));
      });
    });
}
