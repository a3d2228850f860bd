import type { Command } from 'commander';
import { openDatabase } from '../../store/sql/database.ts';
import { migrate } from '../../store/migrate.ts';
import { configFrom } from '../context.ts';
import { print } from '../output.ts';

export function registerMigrate(program: Command): void {
  program.command('migrate').description('apply pending database migrations').option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const db = await openDatabase(configFrom(cmd).db);
      try {
        const r = await migrate(db);
        print(!!opts.json, r, () => (r.applied.length ? `applied: ${r.applied.join(', ')}` : 'up to date'));
      } finally {
        await db.close();
      }
    });
}
