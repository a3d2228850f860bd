import type { AddressInfo } from 'node:net';
import type { Command } from 'commander';
import pino from 'pino';
import { createServer } from '../../http.ts';
import { createTailor, ensureKeys, type Tailor } from '../../main.ts';
import { configFrom } from '../context.ts';
import { wholeFlag } from '../flags.ts';
import { writeOut } from '../output.ts';

export interface ServeOptions { demo: boolean; schedulers: boolean; port?: string; json?: boolean }

export const REDIS_WARNING = 'TAILOR_REDIS_URL is set but Tailor does not use Redis yet: jobs run in this process';

export function registerServe(program: Command): void {
  program.command('serve').description('run the HTTP server (and load demo data into an empty database)')
    .option('--no-demo', 'do not load demo data into an empty database')
    .option('--no-schedulers', 'do not run segment window timers, experiment decisions, model retraining or the send loop in this process (run those in one process; ingest and real-time updates still run)')
    .option('--port <port>', 'port to listen on (TAILOR_PORT; 0 picks a free one)')
    .option('--json', 'machine-readable output: one JSON line when listening (logs stay pino JSON)')
    .action(async (opts: ServeOptions, cmd: Command) => {
      const port = opts.port === undefined ? undefined : wholeFlag(opts.port, 'port', { min: 0, max: 65_535 });
      const config = configFrom(cmd);
      if (port !== undefined) config.port = port;
      // With --json, stdout is the listening line alone; the logs go to stderr.
      const logger = pino({ level: config.logLevel }, opts.json ? pino.destination(2) : undefined);
      if (config.redisUrl) logger.warn(REDIS_WARNING);
      const t = await createTailor(config, { onError: (err) => logger.error({ err }, 'segment update failed') });
      const keys = await ensureKeys(t);
      const caught = await t.catchUp();
      if (caught) logger.info({ profiles: caught }, 'segments caught up with changes an unclean stop left unprocessed');
      if (opts.demo && (await t.status.counts()).events === 0) {
        const { setUpDemo } = await import('../../demo/set-up-demo.ts');
        logger.info('empty database: loading demo data (skip with --no-demo)');
        await setUpDemo(t, { customers: 2000, seed: 1 }, (step, detail) => logger.info(detail, step));
      }
      const app = createServer(t, keys, logger);
      const shutdown = async () => {
        await app.close();
        await t.close();
        process.exit(0);
      };
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
      await app.listen({ port: config.port, host: config.host });
      if (opts.schedulers) startSchedulers(t);
      else logger.info('schedulers off (--no-schedulers): segment window timers, experiment decisions, model retraining and sending run elsewhere');
      const bound = boundAddress(app.server.address() as AddressInfo);
      const generated = keys.generated ? { writeKey: keys.writeKey, adminKey: keys.adminKey } : undefined;
      const listening = { listening: bound.url, host: bound.host, port: bound.port, dialect: t.dialect, schedulers: opts.schedulers, ...(generated ? { keys: generated } : {}) };
      // One line, so that a supervisor can read it as soon as it is written.
      if (opts.json) writeOut(`${JSON.stringify(listening)}\n`);
      else writeOut(`${generated ? `\nGenerated API keys (shown once; stored in the database):\n  write key: ${generated.writeKey}\n  admin key: ${generated.adminKey}\n\n` : ''}`
        + `Tailor listening on ${bound.url}${bound.all ? ` (all interfaces; open http://localhost:${bound.port})` : ''} (${t.dialect})\n`);
    });
}

/** The timers that belong to one process only: segment windows, experiment decisions, model retraining; and the send loop. */
function startSchedulers(t: Tailor): void {
  t.scheduler.start();
  // Any number of processes may run it: sends are leased row by row (src/core/campaigns/sender.ts).
  t.campaigns.scheduler.start();
  // Any number may run it too: each batch moves the rollups' cursor compare-and-set (report-follower.ts).
  t.reports.scheduler.start();
  t.experimentScheduler.start();
  t.modelScheduler.start();
}

/** The address the socket is bound to (not a guess from the config): host, port, and whether it is every interface. */
export function boundAddress(a: AddressInfo): { host: string; port: number; url: string; all: boolean } {
  const all = a.address === '0.0.0.0' || a.address === '::';
  const host = a.family === 'IPv6' || a.address.includes(':') ? `[${a.address}]` : a.address;
  return { host: a.address, port: a.port, url: `http://${host}:${a.port}`, all };
}
