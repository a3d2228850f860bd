import type { Command } from 'commander';
import { loadConfig, type Config } from '../config.ts';
import { createTailor, type Tailor } from '../main.ts';

/** Config from file and environment, with the global --db flag on top. */
export function configFrom(cmd: Command): Config {
  const { db } = cmd.optsWithGlobals() as { db?: string };
  return loadConfig(process.env, db ? { db } : {});
}

export async function withTailor<T>(cmd: Command, fn: (t: Tailor) => Promise<T>): Promise<T> {
  const t = await createTailor(configFrom(cmd));
  try {
    return await fn(t);
  } finally {
    await t.close();
  }
}
