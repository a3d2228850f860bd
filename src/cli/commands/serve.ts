import type { Command } from 'commander';
import pino from 'pino';
import { createServer } from '../../http.ts';
import { createTailor, ensureKeys } from '../../main.ts';
import { configFrom } from '../context.ts';

export interface ServeOptions { demo: boolean; port?: string }

export function registerServe(program: Command): void {
  program.command('serve').description('run the HTTP server (and load demo data into an empty database)')
    .option('--no-demo', 'do not load demo data into an empty database')
    .option('--port <port>', 'port to listen on (TAILOR_PORT)')
    .action(async (opts: ServeOptions, cmd: Command) => {
      const config = configFrom(cmd);
      if (opts.port) config.port = Number(opts.port);
      const logger = pino({ level: config.logLevel });
      const t = await createTailor(config, { onError: (err) => logger.error({ err }, 'segment update failed') });
      const keys = await ensureKeys(t);
      const caught = await t.catchUp();
      if (caught) logger.info({ profiles: caught }, 'segments caught up with changes an unclean stop left unprocessed');
      if (opts.demo && (await t.status.counts()).events === 0) {
        const { loadDemo } = await import('../../demo/load-demo.ts');
        logger.info('empty database: loading demo data (skip with --no-demo)');
        const r = await loadDemo(t, { customers: 2000, seed: 1 });
        logger.info({ ...r }, 'demo data loaded');
        const { createDemoSegments } = await import('../../demo/demo-segments.ts');
        logger.info({ segments: await createDemoSegments(t) }, 'demo segments created');
        const { createDemoExperiment } = await import('../../demo/demo-experiments.ts');
        logger.info({ experiment: await createDemoExperiment(t) }, 'demo experiment created (draft)');
        const { createDemoContent } = await import('../../demo/demo-templates.ts');
        logger.info(await createDemoContent(t), 'demo template created and recommendations built');
        const { createDemoModels } = await import('../../demo/demo-models.ts');
        logger.info(await createDemoModels(t, new Date(r.end)), 'demo churn model trained and scored, demo clusters saved');
      }
      const app = createServer(t, keys, logger);
      const shutdown = async () => {
        await app.close();
        await t.close();
        process.exit(0);
      };
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
      const address = await app.listen({ port: config.port, host: config.host });
      t.scheduler.start();
      t.experimentScheduler.start();
      t.modelScheduler.start();
      if (keys.generated) {
        process.stdout.write(`\nGenerated API keys (shown once; stored in the database):\n  write key: ${keys.writeKey}\n  admin key: ${keys.adminKey}\n\n`);
      }
      process.stdout.write(`Tailor listening on ${address} (${t.dialect})\n`);
    });
}
