import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMANDS, type CommandEntry } from './commands-table.ts';
import { buildProgram, resolveCommand, runCli } from './program.ts';

const run = async (args: string[], env?: NodeJS.ProcessEnv) => {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), ...(env ? { env } : {}) });
  return { code, stdout, stderr };
};

/** The table with every load() counted, to see which modules a command line pulls in. */
function counted(): { commands: CommandEntry[]; loaded: string[] } {
  const loaded: string[] = [];
  return { loaded, commands: COMMANDS.map((c) => ({ ...c, load: () => (loaded.push(c.name), c.load()) })) };
}

describe('the lazy command table', () => {
  it('names and describes each command as its module registers it', async () => {
    for (const c of COMMANDS) {
      const program = new Command('tailor');
      (await c.load())(program);
      expect(program.commands.map((x) => x.name()), c.name).toEqual([c.name]);
      expect(program.commands[0]!.description(), c.name).toBe(c.description);
    }
  });

  it('finds the command word past the global --db, before or after it, and `help <cmd>`', () => {
    const name = (args: string[]) => resolveCommand(args).entry?.name;
    expect(name(['--db', 'x.db', 'quality', '--json'])).toBe('quality');
    expect(name(['quality', '--db', 'x.db'])).toBe('quality');
    expect(name(['help', 'segment'])).toBe('segment');
    expect(name(['--help'])).toBeUndefined();
    expect(resolveCommand(['--db', 'migrate', 'nope'])).toEqual({ unknown: 'nope' });
  });

  it('prints the help from the table without loading a command; one loads only its own', async () => {
    for (const args of [['--help'], ['help'], []]) {
      const { commands, loaded } = counted();
      const program = await buildProgram(args, { commands, inProcess: true });
      expect(program).toBeInstanceOf(Command);
      expect((program as Command).helpInformation()).toMatch(/import \[options\] <kind> <file> +import profiles/);
      expect(loaded).toEqual([]);
    }
    const { commands, loaded } = counted();
    await buildProgram(['--db', 'x.db', 'rfm', '--help'], { commands, inProcess: true });
    expect(loaded).toEqual(['rfm']);
  });

  it('in process: help, an unknown command in one line, and exit codes without exiting', async () => {
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    for (const c of COMMANDS) expect(help.stdout).toContain(`  ${c.name}`);
    const bare = await run([]);
    expect(bare.code).toBe(1);
    expect(bare.stderr).toContain('Usage: tailor [options] [command]');
    const unknown = await run(['--db', 'x.db', 'qualty']);
    expect(unknown).toEqual({ code: 1, stdout: '', stderr: "tailor: unknown command 'qualty' (did you mean quality? tailor --help lists the commands)\n" });
    const bad = await run(['experiment', 'plan', '--baseline', '0.2', '--mde', 'two']);
    expect(bad).toEqual({ code: 2, stdout: '', stderr: "tailor: --mde must be a number, not 'two'\n" });
    // The env given, not the process's: a bad setting is an invalid_config failure (exit 1).
    const env = await run(['migrate'], { TAILOR_PORT: 'many' });
    expect(env.code).toBe(1);
    expect(env.stderr).toMatch(/^tailor: .*port/i);
  });

  it('with --json, a failure is one JSON line on stderr: {"error":{"code","message","field"}}', async () => {
    const error = (stderr: string) => {
      expect(stderr.endsWith('\n') && !stderr.slice(0, -1).includes('\n'), stderr).toBe(true);
      return JSON.parse(stderr) as { error: { code: string; message: string; field?: string } };
    };
    const bad = await run(['experiment', 'plan', '--baseline', '0.2', '--mde', 'two', '--json']);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(error(bad.stderr)).toEqual({ error: { code: 'invalid_argument', message: "--mde must be a number, not 'two'", field: 'mde' } });
    const env = await run(['migrate', '--json'], { TAILOR_PORT: 'many' });
    expect(env.code).toBe(1);
    const config = error(env.stderr).error;
    expect(config.code).toBe('invalid_config');
    expect(config.message).toMatch(/port/i);
    // Commander's own usage errors and an unknown command too; no field when there is none.
    const option = await run(['quality', '--nope', '--json']);
    expect(option.code).not.toBe(0);
    expect(error(option.stderr)).toEqual({ error: { code: 'invalid_argument', message: "unknown option '--nope'" } });
    const unknown = await run(['qualty', '--json']);
    expect(unknown.code).toBe(1);
    expect(error(unknown.stderr).error).toMatchObject({ code: 'invalid_argument', field: 'command', message: expect.stringContaining("unknown command 'qualty'") });
  });

  it('every command and subcommand takes --json', async () => {
    const missing: string[] = [];
    const walk = (c: Command, path: string) => {
      if (c.commands.length === 0 && !c.options.some((o) => o.long === '--json')) missing.push(path);
      for (const sub of c.commands) walk(sub, `${path} ${sub.name()}`);
    };
    for (const c of COMMANDS) {
      const program = new Command('tailor');
      (await c.load())(program);
      walk(program.commands[0]!, c.name);
    }
    expect(missing).toEqual([]);
  });
});

describe('bin/tailor.js, a real process', () => {
  const BIN = path.resolve(import.meta.dirname, '../../bin/tailor.js');
  const exec = promisify(execFile);
  // From dist/ when it is built and fresh, else through tsx with a one-line note on stderr.
  const note = /^(tailor: note: .*\n)?$/;

  it('prints the help and runs a command', async () => {
    const help = await exec(process.execPath, [BIN, '--help'], { encoding: 'utf8' });
    expect(help.stdout).toMatch(/^Usage: tailor \[options\] \[command\]/);
    expect(help.stderr).toMatch(note);
    const plan = await exec(process.execPath, [BIN, 'experiment', 'plan', '--baseline', '0.2', '--mde', '0.02', '--json'], { encoding: 'utf8' });
    expect(JSON.parse(plan.stdout).nPerArm).toBe(6508);
    const e = await exec(process.execPath, [BIN, 'nope'], { encoding: 'utf8' }).catch((x: { code: number; stderr: string }) => x);
    expect((e as { code: number }).code).toBe(1);
    expect((e as { stderr: string }).stderr).toMatch(/tailor: unknown command 'nope' \(tailor --help lists the commands\)\n$/);
  }, 60_000);
});
