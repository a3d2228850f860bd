import { runCli } from '../../src/cli/program.ts';

export interface CliOutput { stdout: string; stderr: string }

/** What a failed run rejects with, shaped like execFile's error: the exit code and both outputs. */
export class CliFailure extends Error implements CliOutput {
  constructor(readonly code: number, readonly stdout: string, readonly stderr: string) {
    super(`tailor exited with code ${code}: ${stderr.trim()}`);
  }
}

/**
 * Runs `tailor …args` in this process (src/cli/program.ts's runCli), not as a child process: no
 * start-up of seconds per call. Resolves like promisified execFile ({stdout, stderr} on exit 0) and
 * rejects with a CliFailure otherwise. Serve, signals and stdin need a real process:
 * server-process.ts.
 */
export async function tailorCli(args: string[], opts: { env?: NodeJS.ProcessEnv } = {}): Promise<CliOutput> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), ...(opts.env ? { env: opts.env } : {}) });
  if (code !== 0) throw new CliFailure(code, stdout, stderr);
  return { stdout, stderr };
}
