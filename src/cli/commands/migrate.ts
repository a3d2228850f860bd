import type { Command } from 'commander';
import { migrateStore } from '../../open-store.ts';
import { configFrom } from '../context.ts';
import { print } from '../output.ts';

export function registerMigrate(program: Command): void {
  program.command('migrate').description('apply pending database migrations').option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const r = await migrateStore(configFrom(cmd));
      print(!!opts.json, r, () => (r.applied.length ? `applied: ${r.applied.join(', ')}` : 'up to date'));
    });
}
