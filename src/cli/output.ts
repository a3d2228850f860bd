import { AsyncLocalStorage } from 'node:async_hooks';
import { isTailorError } from '../core/errors.ts';

/**
 * Where one CLI run writes and which environment it reads. A run started by the process entry point
 * has none and uses the process's own streams; one started in process (runCli, for tests) brings its
 * own, so that several runs can share a process and none of them exits it.
 */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  env: NodeJS.ProcessEnv;
  /** The run's command line has --json: failures are JSON too. */
  json?: boolean;
}

/** Thrown by fail() inside an in-process run: the run ends with this exit code, the process does not. */
export class CliExit extends Error {
  constructor(readonly exitCode: number) {
    super(`tailor exited with code ${exitCode}`);
  }
}

// Context, not state: each in-process run sees the sink it was started with (async calls included).
const runs = new AsyncLocalStorage<CliIo>();

export function withCliIo<T>(io: CliIo, fn: () => T): T {
  return runs.run(io, fn);
}

export function currentCliIo(): CliIo | undefined {
  return runs.getStore();
}

/** Whether a command line asks for JSON: `--json` anywhere before a `--`. */
export function wantsJson(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end < 0 ? args : args.slice(0, end)).includes('--json');
}

// The process's own run (bin/tailor.js) has one command line; runMain records whether it is --json.
let processJson = false;

export function setProcessJson(json: boolean): void {
  processJson = json;
}

/** Whether this run's failures are written as JSON. */
export function jsonErrors(): boolean {
  const io = runs.getStore();
  return io ? !!io.json : processJson;
}

/** A failure as the one line of `--json` output: the HTTP API's error shape, `field` only when known. */
export function errorLine(code: string, message: string, field?: string): string {
  return `${JSON.stringify({ error: { code, message, ...(field ? { field } : {}) } })}\n`;
}

/** Commands write through these (or print/fail), never straight to process.stdout. */
export function writeOut(text: string): void {
  const io = runs.getStore();
  if (io) io.stdout(text);
  else process.stdout.write(text);
}

export function writeErr(text: string): void {
  const io = runs.getStore();
  if (io) io.stderr(text);
  else process.stderr.write(text);
}

/** The environment config is read from: the process's, or the one an in-process run was given. */
export function cliEnv(): NodeJS.ProcessEnv {
  return runs.getStore()?.env ?? process.env;
}

/** CLI output: JSON with --json, else text. Failures: one line on stderr and a non-zero exit. */
export function print(json: boolean, data: unknown, text: () => string): void {
  writeOut(json ? `${JSON.stringify(data, null, 2)}\n` : `${text()}\n`);
}

/**
 * Writes a failure's one line to stderr (with --json: {"error":{"code","message","field"}}) and
 * returns its exit code (2 for an expected error, else 1).
 */
export function report(e: unknown): number {
  const msg = isTailorError(e) ? e.message : e instanceof Error ? e.message : String(e);
  if (jsonErrors()) writeErr(errorLine(isTailorError(e) ? e.code : 'internal_error', msg, isTailorError(e) ? e.field : undefined));
  else writeErr(`tailor: ${msg.split('\n')[0]}\n`);
  return isTailorError(e) && e.code !== 'invalid_config' ? 2 : 1;
}

export function fail(e: unknown): never {
  const code = report(e);
  if (runs.getStore()) throw new CliExit(code);
  process.exit(code);
}

export function table(rows: (string | number)[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => String(r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (typeof c === 'number' ? String(c).padStart(widths[i]!) : String(c).padEnd(widths[i]!))).join('  ')).join('\n');
}
