import type { Command } from 'commander';

/** `tailor recs` (being written). */
export function registerRecs(program: Command): void {
  program.command('recs').description('product recommendations');
}
