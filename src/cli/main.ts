import { Command } from 'commander';
import { registerDemo } from './commands/demo.ts';
import { registerFeatures } from './commands/features.ts';
import { registerImport } from './commands/import.ts';
import { registerMigrate } from './commands/migrate.ts';
import { registerQuality } from './commands/quality.ts';
import { registerRfm } from './commands/rfm.ts';
import { registerClv } from './commands/clv.ts';
import { registerCluster } from './commands/cluster.ts';
import { registerPredict } from './commands/predict.ts';
import { registerSegment } from './commands/segment.ts';
import { registerExperiment } from './commands/experiment.ts';
import { registerRecs } from './commands/recs.ts';
import { registerTemplate } from './commands/template.ts';
import { registerServe } from './commands/serve.ts';
import { fail } from './output.ts';

const program = new Command('tailor')
  .description('Tailor: customer data in, the right email out')
  .option('--db <url>', 'SQLite file or postgres:// URL (TAILOR_DB)')
  .showHelpAfterError();

registerServe(program);
registerDemo(program);
registerMigrate(program);
registerQuality(program);
registerImport(program);
registerFeatures(program);
registerRfm(program);
registerClv(program);
registerCluster(program);
registerPredict(program);
registerSegment(program);
registerExperiment(program);
registerRecs(program);
registerTemplate(program);

program.parseAsync(process.argv).catch(fail);
