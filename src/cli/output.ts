import { isTailorError } from '../core/errors.ts';

/** CLI output: JSON with --json, else text. Failures: one line on stderr and a non-zero exit. */
export function print(json: boolean, data: unknown, text: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(data, null, 2)}\n` : `${text()}\n`);
}

export function fail(e: unknown): never {
  const msg = isTailorError(e) ? e.message : e instanceof Error ? e.message : String(e);
  process.stderr.write(`tailor: ${msg.split('\n')[0]}\n`);
  process.exit(isTailorError(e) && e.code !== 'invalid_config' ? 2 : 1);
}

export function table(rows: (string | number)[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => String(r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (typeof c === 'number' ? String(c).padStart(widths[i]!) : String(c).padEnd(widths[i]!))).join('  ')).join('\n');
}
