import { Command, CommanderError, Help } from 'commander';
import { COMMANDS, type CommandEntry } from './commands-table.ts';
import { CliExit, currentCliIo, errorLine, fail, jsonErrors, report, setProcessJson, wantsJson, withCliIo, writeErr, writeOut, type CliIo } from './output.ts';

/** Where the command word is in a command line: the first word that is not a global option or its value. */
function commandIndex(args: readonly string[], from = 0): number {
  for (let i = from; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') return i + 1 < args.length ? i + 1 : -1;
    if (a === '--db') i++;
    else if (!a.startsWith('-')) return i;
  }
  return -1;
}

/** The table entry a command line asks for, `unknown` for a word that is none, or neither (help, no command). */
export function resolveCommand(args: readonly string[], commands: readonly CommandEntry[] = COMMANDS): { entry?: CommandEntry; unknown?: string } {
  let i = commandIndex(args);
  if (i >= 0 && args[i] === 'help') i = commandIndex(args, i + 1);
  if (i < 0) return {};
  const word = args[i]!;
  const entry = commands.find((c) => c.name === word);
  return entry ? { entry } : { unknown: word };
}

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}

function unknownCommand(word: string, commands: readonly CommandEntry[]): string {
  const near = commands.filter((c) => distance(word, c.name) <= Math.max(1, Math.floor(c.name.length / 3))).map((c) => c.name);
  const hint = near.length ? `did you mean ${near.join(' or ')}? ` : '';
  return `tailor: unknown command '${word}' (${hint}tailor --help lists the commands)\n`;
}

/**
 * The program for one command line, with only the module of the command it names loaded. With no
 * command (`tailor`, `tailor --help`, `tailor help`) every command is a stub from the table, which
 * is all the help needs. An unknown command is a one-line error: the exit code, not a program.
 */
export async function buildProgram(args: readonly string[], opts: { inProcess?: boolean; commands?: readonly CommandEntry[] } = {}): Promise<Command | number> {
  const commands = opts.commands ?? COMMANDS;
  const json = jsonErrors();
  const program = new Command('tailor')
    .description('Tailor: customer data in, the right email out')
    .option('--db <url>', 'SQLite file or postgres:// URL (TAILOR_DB)')
    // With --json a usage error is the same one JSON line as any other failure, without the help.
    .showHelpAfterError(!json)
    .configureOutput({ writeOut, writeErr, ...(json ? { outputError: (text: string, write: (s: string) => void) => write(commanderErrorLine(text)) } : {}) });
  // Subcommands inherit both settings, so they must come before any command is added.
  if (opts.inProcess) program.exitOverride();
  const { entry, unknown } = resolveCommand(args, commands);
  if (unknown !== undefined) {
    const text = unknownCommand(unknown, commands);
    writeErr(json ? errorLine('invalid_argument', text.replace(/^tailor: /, '').trim(), 'command') : text);
    return 1;
  }
  if (entry) {
    (await entry.load())(program);
    return program;
  }
  for (const c of commands) program.command(c.name).description(c.description);
  const help = new Help();
  program.configureHelp({ subcommandTerm: (cmd) => commands.find((c) => c.name === cmd.name())?.term ?? help.subcommandTerm(cmd) });
  return program;
}

/** A commander usage error ("error: unknown option '--x'") as a JSON error line. */
function commanderErrorLine(text: string): string {
  return errorLine('invalid_argument', text.replace(/^error: /, '').trim());
}

/** The process entry point: the process's streams, and commander and fail() may exit the process. */
export async function runMain(args: readonly string[] = process.argv.slice(2)): Promise<void> {
  setProcessJson(wantsJson(args));
  const program = await buildProgram(args);
  if (typeof program === 'number') {
    process.exitCode = program;
    return;
  }
  await program.parseAsync(args, { from: 'user' }).catch(fail);
}

export interface RunCliOptions {
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
  /** The environment config is read from (default: process.env). */
  env?: NodeJS.ProcessEnv;
}

let queue: Promise<unknown> = Promise.resolve();

/**
 * Runs `tailor …args` in this process and resolves with its exit code; nothing exits the process.
 * For tests of commands that need no process of their own (not serve, signals or stdin).
 *
 * Runs are serialised: a command that sets process.exitCode (template lint) or writes to
 * process.stdout itself rather than through output.ts is caught while its run is the only one.
 */
export function runCli(args: readonly string[], opts: RunCliOptions = {}): Promise<number> {
  const run = queue.then(() => runOnce(args, opts));
  queue = run.catch(() => undefined);
  return run;
}

async function runOnce(args: readonly string[], opts: RunCliOptions): Promise<number> {
  const restore = routeProcessOutput();
  const io: CliIo = { stdout: opts.stdout ?? restore.stdout, stderr: opts.stderr ?? restore.stderr, env: opts.env ?? process.env, json: wantsJson(args) };
  const before = process.exitCode;
  process.exitCode = undefined;
  try {
    return await withCliIo(io, async () => {
      try {
        const program = await buildProgram(args, { inProcess: true });
        if (typeof program === 'number') return program;
        await program.parseAsync(args, { from: 'user' });
        return Number(process.exitCode ?? 0);
      } catch (e) {
        if (e instanceof CliExit || e instanceof CommanderError) return e.exitCode;
        return report(e);
      }
    });
  } finally {
    restore.undo();
    process.exitCode = before;
  }
}

/** While a run lasts, what its code writes to process.stdout/stderr directly goes to its sinks too. */
function routeProcessOutput(): { stdout: (s: string) => void; stderr: (s: string) => void; undo: () => void } {
  const streams = [process.stdout, process.stderr] as const;
  const originals = streams.map((s) => s.write);
  streams.forEach((s, i) => {
    const original = originals[i]!;
    s.write = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]): boolean {
      const io = currentCliIo();
      if (!io) return (original as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
      (i === 0 ? io.stdout : io.stderr)(text);
      const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      if (done) process.nextTick(done);
      return true;
    } as typeof s.write;
  });
  return {
    stdout: (t) => void originals[0]!.call(process.stdout, t),
    stderr: (t) => void originals[1]!.call(process.stderr, t),
    undo: () => streams.forEach((s, i) => (s.write = originals[i]!)),
  };
}
