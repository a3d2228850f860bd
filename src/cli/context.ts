import type { Command } from 'commander';
import { loadConfig, type Config } from '../config.ts';
import type { Tailor } from '../main.ts';
import { cliEnv } from './output.ts';

/** Config from file and environment, with the global --db flag on top. */
export function configFrom(cmd: Command): Config {
  const { db } = cmd.optsWithGlobals() as { db?: string };
  return loadConfig(cliEnv(), db ? { db } : {});
}

export async function withTailor<T>(cmd: Command, fn: (t: Tailor) => Promise<T>): Promise<T> {
  // Imported here, not at the top: a command that needs no store (clv fit on a file, migrate) does
  // not pay for loading the composition root and everything it wires.
  const { createTailor } = await import('../main.ts');
  const t = await createTailor(configFrom(cmd));
  try {
    return await fn(t);
  } finally {
    await t.close();
  }
}
